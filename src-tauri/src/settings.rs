//! The console's settings, kept by tauri-plugin-store in `settings.json`:
//! the UI language, the last workspace (server URL and sign-in name, never a
//! token) and the window's size and place.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow};
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

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct WindowState {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    maximized: bool,
}

pub fn restore_window<R: Runtime>(window: &WebviewWindow<R>) {
    let Ok(store) = store(window.app_handle()) else {
        return;
    };
    let Some(state) = store.get("window").and_then(|v| serde_json::from_value::<WindowState>(v).ok()) else {
        return;
    };
    if state.width >= 640 && state.height >= 480 {
        let _ = window.set_size(PhysicalSize::new(state.width, state.height));
        let _ = window.set_position(PhysicalPosition::new(state.x, state.y));
    }
    if state.maximized {
        let _ = window.maximize();
    }
}

pub fn remember_window<R: Runtime>(window: &WebviewWindow<R>) {
    let (Ok(position), Ok(size), Ok(maximized)) = (window.outer_position(), window.inner_size(), window.is_maximized())
    else {
        return;
    };
    let Ok(store) = store(window.app_handle()) else {
        return;
    };
    let mut state = WindowState { x: position.x, y: position.y, width: size.width, height: size.height, maximized };
    if maximized {
        // Keep the size to return to when un-maximized.
        if let Some(previous) = store.get("window").and_then(|v| serde_json::from_value::<WindowState>(v).ok()) {
            state = WindowState { maximized: true, ..previous };
        }
    }
    store.set("window", serde_json::json!(state));
}
