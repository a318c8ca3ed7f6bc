fn main() {
    println!("cargo:rerun-if-changed=test-migrations");
}
