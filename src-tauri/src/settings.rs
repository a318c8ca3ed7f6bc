//! The console's settings, kept by tauri-plugin-store in `settings.json`:
//! the UI language, the last workspace (server URL and sign-in name, never a
//! token). The window's size and place are tauri-plugin-window-state's.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_store::StoreExt;
use wicket_console::{LastWorkspace, Mode, Session};
use wicket_model::{ErrorCode, WicketError};

const FILE: &str = "settings.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum Language {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

fn store<R: Runtime>(app: &AppHandle<R>) -> Result<std::sync::Arc<tauri_plugin_store::Store<R>>, WicketError> {
    app.store(FILE).map_err(|e| WicketError::new(ErrorCode::Storage, format!("cannot open the settings: {e}")))
}

fn saved<R: Runtime>(store: &tauri_plugin_store::Store<R>) -> Result<(), WicketError> {
    store.save().map_err(|e| WicketError::new(ErrorCode::Storage, format!("cannot save the settings: {e}")))
}

pub fn language<R: Runtime>(app: &AppHandle<R>) -> Result<Language, WicketError> {
    let store = store(app)?;
    Ok(store.get("language").and_then(|v| serde_json::from_value(v).ok()).unwrap_or(Language::ZhCn))
}

pub fn set_language<R: Runtime>(app: &AppHandle<R>, language: Language) -> Result<(), WicketError> {
    let store = store(app)?;
    store.set("language", serde_json::json!(language));
    saved(&store)
}

pub fn remember_workspace<R: Runtime>(app: &AppHandle<R>, session: &Session) -> Result<(), WicketError> {
    let store = store(app)?;
    match (session.mode, &session.server_url, &session.user) {
        (Mode::Team, Some(url), Some(user)) => {
            store.set("server_url", url.clone());
            store.set("login", user.login.clone());
        }
        _ => {
            store.delete("server_url");
            store.delete("login");
        }
    }
    saved(&store)
}

pub fn last_workspace<R: Runtime>(app: &AppHandle<R>) -> LastWorkspace {
    let Ok(store) = store(app) else {
        return LastWorkspace::Local;
    };
    let text = |key: &str| store.get(key).and_then(|v| v.as_str().map(str::to_owned));
    match (text("server_url"), text("login")) {
        (Some(server_url), Some(login)) => LastWorkspace::Team { server_url, login },
        _ => LastWorkspace::Local,
    }
}

/// How Wicket lives on this computer. Start at login is the operating
/// system's own setting (tauri-plugin-autostart), read from it each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DesktopSettings {
    pub start_at_login: bool,
}

pub fn desktop_settings<R: Runtime>(app: &AppHandle<R>) -> Result<DesktopSettings, WicketError> {
    let start_at_login = app.autolaunch().is_enabled().map_err(autostart_error)?;
    Ok(DesktopSettings { start_at_login })
}

pub fn set_desktop_settings<R: Runtime>(
    app: &AppHandle<R>,
    wanted: DesktopSettings,
) -> Result<DesktopSettings, WicketError> {
    let autolaunch = app.autolaunch();
    let done = if wanted.start_at_login { autolaunch.enable() } else { autolaunch.disable() };
    done.map_err(autostart_error)?;
    desktop_settings(app)
}

fn autostart_error(e: tauri_plugin_autostart::Error) -> WicketError {
    WicketError::new(ErrorCode::Storage, format!("cannot change starting at login: {e}"))
}
