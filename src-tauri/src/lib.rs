//! The Wicket desktop app: Tauri set-up, the window, plugins, and commands
//! that call `wicket-console`. No business logic lives here.

mod app_menu;
#[macro_use]
mod command_list;
mod commands;
mod media_protocol;
mod notifications;
mod settings;
mod tray;
mod updates;
mod words;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, RunEvent};
use tauri_specta::{collect_commands, collect_events, Builder, Event};
use wicket_console::{Console, SyncEvent};
use wicket_model::sync::{PresenceSnapshot, SyncStatus};

pub use command_list::{COMMANDS, COMMAND_GROUPS};

/// The sync state changed (online, offline, syncing, changes waiting).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SyncStatusEvent(pub SyncStatus);

/// The cache changed: lists on screen should be read again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct AccountsChangedEvent;

/// Conversations or messages in the cache changed: the inbox should read
/// them again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct InboxChangedEvent;

/// These accounts' broadcast drafts changed as their list shows them
/// (saved, synced, refused, deleted, here or by a colleague): the drafts
/// list reads again, and only then.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct BroadcastDraftsChangedEvent(pub Vec<String>);

/// These accounts' saved segments changed as their list shows them (saved,
/// synced, deleted, or a count moved): the saved segments list reads again,
/// and only then.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SegmentsChangedEvent(pub Vec<String>);

/// Who views or types in which conversation changed (or became unknown).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct PresenceEvent(pub PresenceSnapshot);

/// A broadcast running on the server moved on: its status and counts so
/// far (the live feed's word; the Broadcasts screen shows it as it runs).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct BroadcastProgressEvent(pub wicket_model::broadcast::BroadcastProgress);

/// An account's layout draft changed on its way to the server (saved, in
/// conflict, published, rolled back): the designer should read it again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct LayoutChangedEvent(pub String);

/// How Wicket lives on this computer changed outside Settings (the tray
/// paused notifications): Settings should show it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DesktopSettingsEvent(pub settings::DesktopSettings);

/// Tells the window the desktop settings as they are now.
pub(crate) fn announce_desktop_settings<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    match settings::desktop_settings(app) {
        Ok(now) => {
            if let Err(e) = DesktopSettingsEvent(now).emit(app) {
                tracing::warn!(error = %e, "cannot send an event to the window");
            }
        }
        Err(e) => tracing::warn!(error = %e.message, "cannot read the desktop settings"),
    }
}

/// Every command of `command_list.rs`, registered with its TypeScript types.
fn registered_commands() -> tauri_specta::Commands<tauri::Wry> {
    macro_rules! register {
        ($($(#[doc = $doc:literal])* $group:ident: [$($command:ident),* $(,)?]),* $(,)?) => {
            collect_commands![$($(commands::$command,)*)*]
        };
    }
    with_commands!(register)
}

/// The typed command and event set; also the source of the UI's bindings.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(registered_commands())
        .events(collect_events![
            SyncStatusEvent,
            AccountsChangedEvent,
            InboxChangedEvent,
            LayoutChangedEvent,
            BroadcastDraftsChangedEvent,
            SegmentsChangedEvent,
            PresenceEvent,
            BroadcastProgressEvent,
            app_menu::MenuCommandEvent,
            DesktopSettingsEvent,
            notifications::OpenConversationEvent
        ])
        .typ::<wicket_model::ErrorCode>()
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// The types the subscriber web app and the console share (layouts,
/// messages, the sandbox API's bodies), exported without any Tauri code.
pub fn shared_types_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .typ::<wicket_model::layout::Layout>()
        .typ::<wicket_model::layout::SampleSubscriber>()
        .typ::<wicket_model::conversation::Message>()
        .typ::<wicket_model::conversation::Subscriber>()
        .typ::<wicket_model::conversation::Conversation>()
        .typ::<wicket_model::reply_window::ReplyWindow>()
        .typ::<wicket_model::Issue>()
        .typ::<wicket_model::WicketError>()
        .typ::<wicket_model::api::SandboxView>()
        .typ::<wicket_model::api::SandboxFollowing>()
        .typ::<wicket_model::api::SandboxMessages>()
        .typ::<wicket_model::api::SandboxSend>()
        .typ::<wicket_model::api::SandboxSent>()
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// Writes the shared types file (no Tauri imports in it).
pub fn export_shared_types(path: &std::path::Path) -> Result<(), String> {
    let header = "// This file is generated from the Rust types by `make bindings`; do not edit.\n";
    shared_types_builder()
        .export(specta_typescript::Typescript::default().header(header), path)
        .map_err(|e| e.to_string())
}

/// Writes the TypeScript bindings the UI imports, and beside them `api.ts`:
/// each command that fails with a `WicketError`, as the screens call it.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let header = "// This file is generated from the Rust types by `make bindings`; do not edit.\n";
    specta_builder()
        .export(specta_typescript::Typescript::default().header(header), path)
        .map_err(|e| e.to_string())?;
    std::fs::write(path.with_file_name("api.ts"), command_adapters()).map_err(|e| e.to_string())
}

/// `ui/src/platform/api.ts`: `export const listAccounts = adapt(commands.listAccounts);`
/// for every command whose error is a `WicketError` (`adapt` turns its result
/// into the data, or a thrown `AppError`), with the command's documentation.
fn command_adapters() -> String {
    let mut types = specta::Types::default();
    let wicket_error = <wicket_model::WicketError as specta::Type>::definition(&mut types);
    let functions = (registered_commands().1)(&mut types).functions;
    let mut adapted = String::new();
    let mut other = Vec::new();
    for function in &functions {
        let accessor = camel_case(function.name());
        let fails_with_wicket_error = function
            .result()
            .is_some_and(|result| matches!(std_result_error(result, &types), Some(error) if *error == wicket_error));
        if !fails_with_wicket_error {
            other.push(accessor);
            continue;
        }
        let docs: Vec<&str> = function.docs.lines().map(str::trim).collect();
        match docs.as_slice() {
            [] => {}
            [line] => adapted.push_str(&format!("/** {line} */\n")),
            lines => {
                adapted.push_str("/**\n");
                for line in lines {
                    adapted.push_str(&format!(" * {line}\n").replace(" * \n", " *\n"));
                }
                adapted.push_str(" */\n");
            }
        }
        adapted.push_str(&format!("export const {accessor} = adapt(commands.{accessor});\n"));
    }
    format!(
        "// This file is generated from src-tauri/src/command_list.rs by `make bindings`; do not edit.\n\
         // Each command whose error is a WicketError, as screens call it: it resolves to the\n\
         // command's data or throws an AppError. Not here, as their error is not a WicketError\n\
         // (index.ts writes them by hand): {}.\n\
         import {{ adapt }} from './adapt';\n\
         import {{ commands }} from './bindings';\n\n{adapted}",
        other.join(", ")
    )
}

/// The error type of a `std::result::Result`, as specta describes it.
fn std_result_error<'a>(
    result: &'a specta::datatype::DataType,
    types: &'a specta::Types,
) -> Option<&'a specta::datatype::DataType> {
    use specta::datatype::{DataType, NamedReferenceType, Reference};
    let DataType::Reference(Reference::Named(reference)) = result else { return None };
    let named = types.get(reference)?;
    if named.name != "Result" || !matches!(&*named.module_path, "std::result" | "core::result") {
        return None;
    }
    match &reference.inner {
        NamedReferenceType::Reference { generics, .. } => generics.get(1).map(|(_, error)| error),
        _ => None,
    }
}

/// `send_reply` → `sendReply`, as tauri-specta names the accessors.
fn camel_case(name: &str) -> String {
    tauri_specta::Casing::CamelCase.apply(name).into_owned()
}

/// Which WebKitGTK rendering path the window uses. Without a GPU (no DRM
/// render node), WebKit's accelerated compositing runs through a software GL
/// (Mesa's llvmpipe): measured with `make bench-designer` on such a machine,
/// an edit on a 200-module layout then cost two extra frames, and none on
/// WebKit's plain CPU path. So on a machine without a render node Wicket takes
/// the CPU path; with a GPU, WebKit keeps its own choice. Setting WebKit's
/// `WEBKIT_DISABLE_COMPOSITING_MODE` yourself always wins.
#[cfg(target_os = "linux")]
fn choose_rendering_path() {
    let already_chosen = std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some();
    let has_render_node = std::fs::read_dir("/dev/dri")
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false);
    if !already_chosen && !has_render_node {
        // Before any thread or WebKit starts: nothing else reads the
        // environment yet.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

pub fn run() {
    #[cfg(target_os = "linux")]
    choose_rendering_path();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let builder = specta_builder();
    let app = tauri::Builder::default()
        // First: a second launch hands over to the running window instead of
        // starting another sync engine and embedded server on the same cache.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(media_protocol::MEDIA_SCHEME, media_protocol::handle)
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            let handle = app.handle().clone();
            let listener = Arc::new(move |event: SyncEvent| {
                let sent = match event {
                    SyncEvent::Status(status) => {
                        tray::show(&handle, |shown| shown.sync = Some(status.clone()));
                        SyncStatusEvent(status).emit(&handle)
                    }
                    SyncEvent::DataChanged => {
                        AccountsChangedEvent.emit(&handle).and_then(|()| InboxChangedEvent.emit(&handle))
                    }
                    SyncEvent::LayoutChanged(account_id) => LayoutChangedEvent(account_id).emit(&handle),
                    SyncEvent::BroadcastDraftsChanged(accounts) => BroadcastDraftsChangedEvent(accounts).emit(&handle),
                    SyncEvent::SegmentsChanged(accounts) => SegmentsChangedEvent(accounts).emit(&handle),
                    SyncEvent::Presence(snapshot) => PresenceEvent(snapshot).emit(&handle),
                    SyncEvent::Broadcast(progress) => BroadcastProgressEvent(progress).emit(&handle),
                };
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "cannot send an event to the window");
                }
            });
            let console = Arc::new(Console::new(&data_dir, listener));
            // Reopen the last workspace before the window asks for it; this
            // needs no network.
            let last = settings::last_workspace(app.handle());
            if let Err(e) = tauri::async_runtime::block_on(console.restore(&last)) {
                tracing::warn!(error = %e, "cannot reopen the last workspace; showing sign-in");
            }
            app.manage(console);
            app.manage(wicket_console::ChosenFiles::default());
            app.manage(app_menu::Zoom(std::sync::Mutex::new(1.0)));
            let language = settings::language(app.handle()).unwrap_or(settings::Language::ZhCn);
            app_menu::install(app.handle(), language);
            if let Err(e) = tray::install(app.handle(), language) {
                tracing::warn!(error = %e, "cannot put Wicket in the tray; closing the window quits");
            }
            Ok(())
        })
        .on_menu_event(app_menu::on_event)
        .on_window_event(tray::on_window_event)
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Wicket cannot start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(console) = handle.try_state::<Arc<Console>>() {
                tauri::async_runtime::block_on(console.shutdown());
            }
        }
    });
}

#[cfg(test)]
mod tests;
