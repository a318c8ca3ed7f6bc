//! The tray icon: the unread count that concerns me, the sync state, pausing
//! notifications, opening the window and quitting. With a tray, closing the
//! window keeps Wicket running there (said once; a setting quits instead), so
//! notifications keep arriving. Where the desktop has no tray, closing quits.

use std::sync::Mutex;

use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WindowEvent};
use wicket_model::sync::{Connection, SyncStatus};

use crate::settings::{self, Language};
use crate::words::Words;

/// Every key the tray reads, for the test that both languages have them.
#[cfg(test)]
pub const KEYS: &[&str] = &[
    "tray.open",
    "tray.pause",
    "tray.quit",
    "tray.unread",
    "tray.keptRunning",
    "tray.keptRunningBody",
    "sync.online",
    "sync.offline",
    "sync.syncing",
    "sync.signed_out",
    "sync.incompatible",
    "sync.pending",
];

/// What the tray shows, kept so a language change can redraw it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub unread: u32,
    pub sync: Option<SyncStatus>,
}

pub struct Tray<R: Runtime> {
    icon: TrayIcon<R>,
    status: MenuItem<R>,
    pause: CheckMenuItem<R>,
    open: MenuItem<R>,
    quit: MenuItem<R>,
    shown: Mutex<Shown>,
}

/// Whether the desktop shows tray icons: a StatusNotifierItem host on the
/// session bus (GNOME with its extension, KDE, Xfce, …), or else an XEmbed
/// system tray on the X screen (older panels, trayer), which the indicator
/// library falls back to.
#[cfg(target_os = "linux")]
pub fn desktop_has_tray() -> bool {
    has_status_notifier_host() || has_xembed_tray()
}

#[cfg(target_os = "linux")]
fn has_status_notifier_host() -> bool {
    let Ok(bus) = dbus::blocking::Connection::new_session() else { return false };
    let proxy = bus.with_proxy("org.freedesktop.DBus", "/org/freedesktop/DBus", std::time::Duration::from_millis(500));
    let owned: Result<(bool,), _> =
        proxy.method_call("org.freedesktop.DBus", "NameHasOwner", ("org.kde.StatusNotifierWatcher",));
    owned.is_ok_and(|(has,)| has)
}

/// The freedesktop system tray protocol: a tray owns the selection
/// `_NET_SYSTEM_TRAY_S<screen>` of the default screen.
#[cfg(target_os = "linux")]
fn has_xembed_tray() -> bool {
    use std::ffi::CString;
    let Ok(xlib) = x11_dl::xlib::Xlib::open() else { return false };
    // SAFETY: the display is opened, used and closed here only; every pointer
    // passed to Xlib lives until its call returns.
    unsafe {
        let display = (xlib.XOpenDisplay)(std::ptr::null());
        if display.is_null() {
            return false;
        }
        let screen = (xlib.XDefaultScreen)(display);
        let name = CString::new(format!("_NET_SYSTEM_TRAY_S{screen}")).unwrap_or_default();
        let atom = (xlib.XInternAtom)(display, name.as_ptr(), 0);
        let owner = (xlib.XGetSelectionOwner)(display, atom);
        (xlib.XCloseDisplay)(display);
        owner != 0
    }
}

#[cfg(not(target_os = "linux"))]
pub fn desktop_has_tray() -> bool {
    true
}

/// Puts the icon in the tray when the desktop has one.
pub fn install<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<()> {
    if !desktop_has_tray() {
        tracing::info!("no tray on this desktop: closing the window quits");
        return Ok(());
    }
    let w = Words::new(language);
    let open = MenuItem::with_id(app, "tray:open", w.get("tray.open"), true, None::<&str>)?;
    let status = MenuItem::with_id(app, "tray:status", w.get("sync.offline"), false, None::<&str>)?;
    let paused = settings::desktop_prefs(app).notifications_paused;
    let pause = CheckMenuItem::with_id(app, "tray:pause", w.get("tray.pause"), true, paused, None::<&str>)?;
    let quit = MenuItem::with_id(app, "tray:quit", w.get("tray.quit"), true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[&open, &status, &PredefinedMenuItem::separator(app)?, &pause, &PredefinedMenuItem::separator(app)?, &quit],
    )?;
    let mut builder = TrayIconBuilder::with_id("wicket").menu(&menu).tooltip("Wicket").show_menu_on_left_click(true);
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.on_menu_event(on_menu_event).build(app)?;
    let tray = Tray { icon, status, pause, open, quit, shown: Mutex::new(Shown::default()) };
    tray.redraw(language);
    app.manage(tray);
    Ok(())
}

impl<R: Runtime> Tray<R> {
    /// Writes the icon's title and the menu in `language` from what is shown.
    pub fn redraw(&self, language: Language) {
        let w = Words::new(language);
        let Ok(shown) = self.shown.lock().map(|s| s.clone()) else { return };
        let title = (shown.unread > 0).then(|| w.format("tray.unread", &[("count", shown.unread.to_string())]));
        let results = [
            self.icon.set_title(title.as_deref()),
            self.icon.set_tooltip(Some(title.as_deref().unwrap_or("Wicket"))),
            self.status.set_text(sync_line(&w, shown.sync.as_ref())),
            self.open.set_text(w.get("tray.open")),
            self.pause.set_text(w.get("tray.pause")),
            self.quit.set_text(w.get("tray.quit")),
        ];
        for result in results {
            if let Err(e) = result {
                tracing::warn!(error = %e, "cannot update the tray");
            }
        }
    }

    pub fn update(&self, language: Language, change: impl FnOnce(&mut Shown)) {
        if let Ok(mut shown) = self.shown.lock() {
            change(&mut shown);
        }
        self.redraw(language);
    }

    pub fn set_paused(&self, paused: bool) {
        if let Err(e) = self.pause.set_checked(paused) {
            tracing::warn!(error = %e, "cannot update the tray");
        }
    }
}

/// The sync state as the top bar says it, with the changes still waiting.
pub fn sync_line(w: &Words, sync: Option<&SyncStatus>) -> String {
    let Some(sync) = sync else { return w.get("sync.offline") };
    let state = match sync.connection {
        Connection::Online => w.get("sync.online"),
        Connection::Offline => w.get("sync.offline"),
        Connection::Syncing => w.get("sync.syncing"),
        Connection::SignedOut => w.get("sync.signed_out"),
        Connection::Incompatible => w.get("sync.incompatible"),
    };
    if sync.pending > 0 {
        format!("{state} · {}", w.format("sync.pending", &[("count", sync.pending.to_string())]))
    } else {
        state
    }
}

/// Tells the tray, if there is one, about a change it shows.
pub fn show<R: Runtime>(app: &AppHandle<R>, change: impl FnOnce(&mut Shown)) {
    if let Some(tray) = app.try_state::<Tray<R>>() {
        let language = settings::language(app).unwrap_or(Language::ZhCn);
        tray.update(language, change);
    }
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        "tray:open" => bring_forward(app),
        "tray:pause" => {
            let mut prefs = settings::desktop_prefs(app);
            prefs.notifications_paused = !prefs.notifications_paused;
            if let Err(e) = settings::set_desktop_prefs(app, &prefs) {
                tracing::warn!(error = %e.message, "cannot keep the notification setting");
            }
            if let Some(tray) = app.try_state::<Tray<R>>() {
                tray.set_paused(prefs.notifications_paused);
            }
            crate::announce_desktop_settings(app);
        }
        "tray:quit" => app.exit(0),
        _ => {}
    }
}

/// Shows, un-minimises and focuses the window.
pub fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Closing the window: with a tray and the setting on, Wicket hides in the
/// tray (and says so the first time); otherwise it quits as before.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else { return };
    let app = window.app_handle();
    if app.try_state::<Tray<R>>().is_none() {
        return;
    }
    let mut prefs = settings::desktop_prefs(app);
    if !prefs.close_to_tray {
        return;
    }
    api.prevent_close();
    if let Some(webview) = app.get_webview_window(window.label()) {
        hide(&webview);
    }
    if !prefs.told_about_tray {
        prefs.told_about_tray = true;
        if let Err(e) = settings::set_desktop_prefs(app, &prefs) {
            tracing::warn!(error = %e.message, "cannot keep the tray hint");
        }
        let w = Words::new(settings::language(app).unwrap_or(Language::ZhCn));
        crate::notifications::show_plain(app, &w.get("tray.keptRunning"), &w.get("tray.keptRunningBody"));
    }
}

fn hide<R: Runtime>(window: &WebviewWindow<R>) {
    if let Err(e) = window.hide() {
        tracing::warn!(error = %e, "cannot hide the window");
    }
}
