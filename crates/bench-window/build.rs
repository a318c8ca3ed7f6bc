fn main() -> Result<(), Box<dyn std::error::Error>> {
    tauri_build::try_build(tauri_build::Attributes::new())
        .map_err(|e| format!("the Tauri configuration is not valid: {e}"))?;
    Ok(())
}
