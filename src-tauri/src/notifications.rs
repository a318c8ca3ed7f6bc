//! Desktop notifications. A new message's notification opens its
//! conversation when clicked, where the platform reports clicks (Linux's
//! notification service does, through notify-rust; the notification plugin
//! does not pass them on). Paused from the tray or Settings, none are shown.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::settings;

/// Staff clicked a notification: the window should open this conversation.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OpenConversationEvent(pub String);

/// A notification that leads nowhere (the tray hint).
pub fn show_plain<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "cannot show a notification");
    }
}

/// A new message in `conversation_id`; returns whether one was shown.
pub fn new_message<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str, conversation_id: String) -> bool {
    if settings::desktop_prefs(app).notifications_paused {
        return false;
    }
    show_leading_to(app, title, body, conversation_id);
    true
}

#[cfg(target_os = "linux")]
fn show_leading_to<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str, conversation_id: String) {
    let open = crate::words::Words::new(settings::language(app).unwrap_or(settings::Language::ZhCn)).get("tray.open");
    let shown = notify_rust::Notification::new()
        .appname("Wicket")
        .summary(title)
        .body(body)
        .icon("wicket")
        // "default" is the click on the notification itself.
        .action("default", &open)
        .show();
    let handle = match shown {
        Ok(handle) => handle,
        Err(e) => {
            // No notification service: the unread count in the title and the tray still tell.
            tracing::warn!(error = %e, "cannot show a notification");
            return;
        }
    };
    let app = app.clone();
    // The service answers when the notification is clicked or closed; until
    // then this thread waits, as notify-rust's API asks.
    std::thread::spawn(move || {
        handle.wait_for_action(|action| {
            if action == "default" {
                crate::tray::bring_forward(&app);
                if let Err(e) = OpenConversationEvent(conversation_id).emit(&app) {
                    tracing::warn!(error = %e, "cannot tell the window which conversation to open");
                }
            }
        });
    });
}

#[cfg(not(target_os = "linux"))]
fn show_leading_to<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str, _conversation_id: String) {
    show_plain(app, title, body);
}
