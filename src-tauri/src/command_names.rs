// The Tauri commands the console window may call. build.rs grants exactly
// these (through the app manifest) and a test checks that the capability and
// the generated bindings name the same set.
pub const COMMANDS: &[&str] = &[
    "session",
    "start_local",
    "sign_in",
    "sign_out",
    "list_accounts",
    "check_account",
    "create_account",
    "update_account",
    "set_archived",
    "open_subscriber_page",
    "sync_status",
    "sync_now",
    "rejected_changes",
    "dismiss_rejected",
    "language",
    "set_language",
];
