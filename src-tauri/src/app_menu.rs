//! The application menu: Edit, View and Help with the platform's
//! conventions, in the UI's language (rebuilt when it changes). Its words
//! come from the UI's own language files, so there is one place for them.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::settings::Language;
use crate::words::Words;

/// A menu choice the window carries out itself: undo and redo (the
/// designer has its own history), and opening the shortcut sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "snake_case")]
pub enum MenuCommandEvent {
    Undo,
    Redo,
    Shortcuts,
}

/// The webview's zoom, as View → Zoom left it (WebKit has no getter).
pub struct Zoom(pub Mutex<f64>);

const ZOOM_STEP: f64 = 0.1;
const ZOOM_RANGE: (f64, f64) = (0.5, 2.0);

/// The menu's words, under `appMenu` in the language files.
pub struct MenuWords(pub Words);

impl MenuWords {
    pub fn get(&self, key: &str) -> String {
        self.0.get(&format!("appMenu.{key}"))
    }
}

/// Every key the menu reads, for the test that both languages have them.
#[cfg(test)]
pub const KEYS: &[&str] = &[
    "edit",
    "undo",
    "redo",
    "cut",
    "copy",
    "paste",
    "selectAll",
    "view",
    "zoomIn",
    "zoomOut",
    "zoomReset",
    "help",
    "shortcuts",
    "about",
    "aboutText",
];

pub fn build<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<Menu<R>> {
    let w = MenuWords(Words::new(language));
    let item =
        |id: &str, key: &str, accelerator: Option<&str>| MenuItem::with_id(app, id, w.get(key), true, accelerator);
    let edit = Submenu::with_items(
        app,
        w.get("edit"),
        true,
        &[
            &item("undo", "undo", Some("CmdOrCtrl+Z"))?,
            &item("redo", "redo", Some("CmdOrCtrl+Shift+Z"))?,
            &PredefinedMenuItem::separator(app)?,
            &clipboard_item(app, &w, "cut")?,
            &clipboard_item(app, &w, "copy")?,
            &clipboard_item(app, &w, "paste")?,
            &clipboard_item(app, &w, "selectAll")?,
        ],
    )?;
    let view = Submenu::with_items(
        app,
        w.get("view"),
        true,
        &[
            &item("zoom_in", "zoomIn", Some("CmdOrCtrl+="))?,
            &item("zoom_out", "zoomOut", Some("CmdOrCtrl+-"))?,
            &item("zoom_reset", "zoomReset", Some("CmdOrCtrl+0"))?,
        ],
    )?;
    let about = AboutMetadata {
        name: Some("Wicket".into()),
        version: Some(app.package_info().version.to_string()),
        comments: Some(w.get("aboutText")),
        ..AboutMetadata::default()
    };
    let help = Submenu::with_items(
        app,
        w.get("help"),
        true,
        &[
            &item("shortcuts", "shortcuts", Some("F1"))?,
            &PredefinedMenuItem::about(app, Some(&w.get("about")), Some(about))?,
        ],
    )?;
    Menu::with_items(app, &[&edit, &view, &help])
}

/// Cut, copy, paste and select all. GTK's predefined items act on GTK
/// widgets, not inside the webview, so on Linux they are plain items that
/// ask WebKit to run its own editing command; elsewhere the native ones work.
#[cfg(target_os = "linux")]
fn clipboard_item<R: Runtime>(app: &AppHandle<R>, w: &MenuWords, key: &str) -> tauri::Result<MenuItem<R>> {
    let accelerator = match key {
        "cut" => "CmdOrCtrl+X",
        "copy" => "CmdOrCtrl+C",
        "paste" => "CmdOrCtrl+V",
        _ => "CmdOrCtrl+A",
    };
    MenuItem::with_id(app, format!("edit:{key}"), w.get(key), true, Some(accelerator))
}

#[cfg(not(target_os = "linux"))]
fn clipboard_item<R: Runtime>(app: &AppHandle<R>, w: &MenuWords, key: &str) -> tauri::Result<PredefinedMenuItem<R>> {
    let text = Some(w.get(key));
    match key {
        "cut" => PredefinedMenuItem::cut(app, text.as_deref()),
        "copy" => PredefinedMenuItem::copy(app, text.as_deref()),
        "paste" => PredefinedMenuItem::paste(app, text.as_deref()),
        _ => PredefinedMenuItem::select_all(app, text.as_deref()),
    }
}

/// Sets the menu in `language` (at start and when the language changes).
pub fn install<R: Runtime>(app: &AppHandle<R>, language: Language) {
    match build(app, language) {
        Ok(menu) => {
            if let Err(e) = app.set_menu(menu) {
                tracing::warn!(error = %e, "cannot set the application menu");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot build the application menu"),
    }
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(window) = app.get_webview_window("main") else { return };
    let id = event.id().as_ref();
    let sent = match id {
        "undo" => MenuCommandEvent::Undo.emit(app),
        "redo" => MenuCommandEvent::Redo.emit(app),
        "shortcuts" => MenuCommandEvent::Shortcuts.emit(app),
        "zoom_in" | "zoom_out" | "zoom_reset" => {
            let zoom = app.state::<Zoom>();
            let Ok(mut level) = zoom.0.lock() else { return };
            *level = match id {
                "zoom_in" => (*level + ZOOM_STEP).min(ZOOM_RANGE.1),
                "zoom_out" => (*level - ZOOM_STEP).max(ZOOM_RANGE.0),
                _ => 1.0,
            };
            window.set_zoom(*level)
        }
        _ => {
            if let Some(command) = id.strip_prefix("edit:") {
                editing_command(&window, command);
            }
            Ok(())
        }
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, menu = id, "a menu choice failed");
    }
}

#[cfg(target_os = "linux")]
fn editing_command<R: Runtime>(window: &tauri::WebviewWindow<R>, key: &str) {
    use webkit2gtk::WebViewExt;
    // WebKit's own command names.
    let command = match key {
        "cut" => "Cut",
        "copy" => "Copy",
        "paste" => "Paste",
        _ => "SelectAll",
    };
    let done = window.with_webview(move |webview| webview.inner().execute_editing_command(command));
    if let Err(e) = done {
        tracing::warn!(error = %e, "cannot reach the webview for an editing command");
    }
}

#[cfg(not(target_os = "linux"))]
fn editing_command<R: Runtime>(_window: &tauri::WebviewWindow<R>, _key: &str) {}
