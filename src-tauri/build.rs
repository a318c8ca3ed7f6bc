include!("src/command_list.rs");

/// The permission sets, one per group of `src/command_list.rs`, that
/// `capabilities/main.json` grants by name.
fn command_group_permissions() -> String {
    let mut text = String::from("# Written by build.rs from src/command_list.rs; do not edit.\n");
    for (group, description, commands) in COMMAND_GROUPS {
        let permissions: Vec<String> =
            commands.iter().map(|command| format!("\"allow-{}\"", command.replace('_', "-"))).collect();
        let description = description.trim().replace('\\', "\\\\").replace('"', "\\\"");
        text.push_str(&format!(
            "\n[[set]]\nidentifier = \"{}\"\ndescription = \"{description}\"\npermissions = [{}]\n",
            group.replace('_', "-"),
            permissions.join(", ")
        ));
    }
    text
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::path::Path::new("permissions/command-groups.toml");
    let text = command_group_permissions();
    // Written only when it changed: the permissions folder is watched.
    if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
        std::fs::create_dir_all("permissions").map_err(|e| format!("cannot make the permissions folder: {e}"))?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).map_err(|e| format!("the Tauri configuration is not valid: {e}"))?;
    Ok(())
}
