//! The console's settings, kept by tauri-plugin-store in `settings.json`:
//! the UI language, the last workspace (server URL and sign-in name, never a
//! token). The window's size and place are tauri-plugin-window-state's.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
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
/// system's own setting (tauri-plugin-autostart), read from it each time;
/// the rest is kept in the settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DesktopSettings {
    pub start_at_login: bool,
    /// Desktop notifications of new messages (also paused from the tray).
    pub notifications: bool,
    /// Closing the window keeps Wicket in the tray (where there is one).
    pub close_to_tray: bool,
    /// Whether this desktop shows a tray icon at all (not a setting).
    pub has_tray: bool,
}

/// The kept part of [`DesktopSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesktopPrefs {
    pub notifications_paused: bool,
    pub close_to_tray: bool,
    /// "Wicket keeps running in the tray" is said once.
    pub told_about_tray: bool,
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs { notifications_paused: false, close_to_tray: true, told_about_tray: false }
    }
}

pub fn desktop_prefs<R: Runtime>(app: &AppHandle<R>) -> DesktopPrefs {
    store(app).ok().and_then(|s| s.get("desktop")).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
}

pub fn set_desktop_prefs<R: Runtime>(app: &AppHandle<R>, prefs: &DesktopPrefs) -> Result<(), WicketError> {
    let store = store(app)?;
    store.set("desktop", serde_json::json!(prefs));
    saved(&store)
}

pub fn desktop_settings<R: Runtime>(app: &AppHandle<R>) -> Result<DesktopSettings, WicketError> {
    let start_at_login = app.autolaunch().is_enabled().map_err(autostart_error)?;
    let prefs = desktop_prefs(app);
    Ok(DesktopSettings {
        start_at_login,
        notifications: !prefs.notifications_paused,
        close_to_tray: prefs.close_to_tray,
        has_tray: app.try_state::<crate::tray::Tray<R>>().is_some(),
    })
}

pub fn set_desktop_settings<R: Runtime>(
    app: &AppHandle<R>,
    wanted: DesktopSettings,
) -> Result<DesktopSettings, WicketError> {
    let autolaunch = app.autolaunch();
    if autolaunch.is_enabled().map_err(autostart_error)? != wanted.start_at_login {
        let done = if wanted.start_at_login { autolaunch.enable() } else { autolaunch.disable() };
        done.map_err(autostart_error)?;
    }
    let prefs = DesktopPrefs {
        notifications_paused: !wanted.notifications,
        close_to_tray: wanted.close_to_tray,
        ..desktop_prefs(app)
    };
    set_desktop_prefs(app, &prefs)?;
    if let Some(tray) = app.try_state::<crate::tray::Tray<R>>() {
        tray.set_paused(prefs.notifications_paused);
    }
    desktop_settings(app)
}

fn autostart_error(e: tauri_plugin_autostart::Error) -> WicketError {
    WicketError::new(ErrorCode::Storage, format!("cannot change starting at login: {e}"))
}
