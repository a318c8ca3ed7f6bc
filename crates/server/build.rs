use std::path::PathBuf;

fn main() {
    // The migrations are embedded with include_dir!: rebuild when they change.
    println!("cargo:rerun-if-changed=migrations");

    // The subscriber web app (built by `npm run build` in ui/) is embedded so
    // the server, and the desktop app's local mode, serve it with no files
    // beside the binary. Before the UI is built, an empty folder stands in
    // and the page says how to build it.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let built = manifest.join("../../ui/dist-web");
    println!("cargo:rerun-if-changed={}", built.display());
    let web = if built.join("subscriber.html").exists() {
        built
    } else {
        let empty = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web-not-built");
        std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
        empty
    };
    let web = web.canonicalize().expect("the web folder exists");
    println!("cargo:rustc-env=WICKET_WEB_DIR={}", web.display());
}
