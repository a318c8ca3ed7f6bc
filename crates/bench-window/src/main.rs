//! A bare Tauri window: one static page, no commands, no plugins, no tray.
//! The desktop benchmark (`desktop-start-bench` in crates/e2e) measures it
//! beside the app, so the app's start-up time and memory can be read
//! against what Tauri and WebKitGTK cost on their own on the same machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tauri::Builder::default().run(tauri::generate_context!())?;
    Ok(())
}
