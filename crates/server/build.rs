use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The migrations are embedded with include_dir!: rebuild when they change.
    println!("cargo:rerun-if-changed=migrations");

    // The subscriber web app (built by `npm run build` in ui/) is embedded so
    // the server, and the desktop app's local mode, serve it with no files
    // beside the binary. Before the UI is built, an empty folder stands in
    // and the page says how to build it.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| format!("CARGO_MANIFEST_DIR: {e}"))?);
    let built = manifest.join("../../ui/dist-web");
    println!("cargo:rerun-if-changed={}", built.display());
    let web = if built.join("subscriber.html").exists() {
        built
    } else {
        let empty = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?).join("web-not-built");
        std::fs::create_dir_all(&empty).map_err(|e| format!("cannot make {}: {e}", empty.display()))?;
        empty
    };
    let web = web.canonicalize().map_err(|e| format!("the web folder {}: {e}", web.display()))?;
    println!("cargo:rustc-env=WICKET_WEB_DIR={}", web.display());
    Ok(())
}
