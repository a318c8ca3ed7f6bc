use std::collections::BTreeSet;
use std::path::PathBuf;

use super::*;

fn ui_bindings() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/platform/bindings.ts")
}

/// Regenerates the UI's bindings. `make test` then fails if the committed
/// file differed, so the TypeScript can never drift from the Rust types.
#[test]
fn export_typescript_bindings() {
    export_bindings(&ui_bindings()).expect("the bindings export");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/shared/model.ts");
    export_shared_types(&shared).expect("the shared types export");
    let text = std::fs::read_to_string(shared).unwrap();
    assert!(!text.contains("@tauri-apps"), "the shared types carry no Tauri code");
    let issue_keys = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/shared/issue-keys.json");
    std::fs::write(issue_keys, wicket_model::issue_keys::issue_keys_json()).expect("the issue keys export");
}

#[test]
fn the_capability_grants_exactly_the_registered_commands() {
    // Each command is in one group, once.
    let mut listed = BTreeSet::new();
    for (group, _, commands) in COMMAND_GROUPS {
        for command in *commands {
            assert!(listed.insert(command.to_string()), "{command} is listed once (again in {group})");
        }
    }

    // The window is granted whole groups, and every group.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
    let capability: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let own: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().filter(|p| !p.contains(':')).map(str::to_owned))
        .collect();
    let groups: BTreeSet<String> = COMMAND_GROUPS.iter().map(|(group, _, _)| group.replace('_', "-")).collect();
    assert_eq!(own, groups, "capabilities/main.json grants the groups of command_list.rs, by name");

    // The build script wrote each group as a permission set of its commands.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("permissions/command-groups.toml");
    let sets = permission_sets(&std::fs::read_to_string(path).unwrap());
    assert_eq!(sets.keys().cloned().collect::<BTreeSet<_>>(), groups, "one permission set per group");
    let granted: BTreeSet<String> =
        sets.values().flatten().filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_"))).collect();
    assert_eq!(granted, listed, "the groups the window is granted allow exactly the listed commands");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bindings.ts");
    export_bindings(&file).unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    // Calls read `__TAURI_INVOKE("name"` or `__TAURI_INVOKE<T>("name"`.
    let invoked: BTreeSet<String> = text
        .split("__TAURI_INVOKE")
        .skip(1)
        .filter_map(|call| call.split_once("(\"").map(|(_, rest)| rest.split('"').next().unwrap_or("").to_owned()))
        .filter(|name| !name.is_empty())
        .collect();
    assert_eq!(invoked, listed, "the registered commands are the ones command_list.rs lists");
}

/// The `[[set]]`s of a permission file as build.rs writes it: identifier →
/// permissions.
fn permission_sets(text: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut sets = std::collections::BTreeMap::new();
    let mut identifier = None;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("identifier = ") {
            identifier = Some(value.trim_matches('"').to_owned());
        } else if let Some(list) = line.strip_prefix("permissions = [").and_then(|l| l.strip_suffix(']')) {
            let permissions = list.split(", ").map(|p| p.trim_matches('"').to_owned()).collect();
            sets.insert(identifier.take().expect("a set names its identifier first"), permissions);
        }
    }
    sets
}

#[test]
fn the_application_menu_and_the_tray_have_their_words_in_both_languages() {
    for language in [settings::Language::En, settings::Language::ZhCn] {
        let words = words::Words::new(language);
        for key in app_menu::KEYS.iter().map(|k| format!("appMenu.{k}")).chain(tray::KEYS.iter().map(|k| k.to_string()))
        {
            assert_ne!(words.get(&key), key, "{key} is in the {language:?} language file");
        }
    }
    let zh = app_menu::MenuWords(words::Words::new(settings::Language::ZhCn));
    assert_eq!(zh.get("edit"), "编辑", "the Chinese menu reads Chinese");
}
