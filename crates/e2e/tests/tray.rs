//! The tray as staff use it, on a real X screen with a real system tray
//! (trayer, the freedesktop XEmbed tray; the indicator library falls back to
//! it where no StatusNotifier host runs): closing the window keeps Wicket in
//! the tray, the tray's menu brings the window back, pauses notifications
//! (the Settings screen follows) and quits. The application menu is opened
//! on the way, for its screenshot.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::process::Command;
use std::time::Duration;

use wicket_e2e::x11::{Geometry, Screen};
use wicket_e2e::*;

/// The console's main window: the largest window of class `wicket`.
fn main_window(screen: &Screen) -> Option<(u64, Geometry)> {
    screen
        .windows_of_class("wicket")
        .into_iter()
        .filter_map(|w| screen.geometry(w).map(|g| (w, g)))
        .filter(|(_, g)| g.width >= 600)
        .max_by_key(|(_, g)| g.width * g.height)
}

/// Wicket's icon inside the tray, if it is docked there.
fn tray_icon(screen: &Screen) -> Option<Geometry> {
    screen.system_tray()?;
    screen
        .windows_of_class("tray-icon tray app wicket")
        .into_iter()
        .filter_map(|w| screen.geometry(w))
        .find(|g| g.viewable && g.width <= 64)
}

/// The top-level windows shown now.
fn shown_windows(screen: &Screen) -> Vec<u64> {
    screen.top_level_windows().into_iter().filter(|w| screen.geometry(*w).is_some_and(|g| g.viewable)).collect()
}

/// Shown windows that were not shown before: a popped-up menu (GTK keeps a
/// menu's window once made, so it may exist hidden beforehand).
fn new_popups(screen: &Screen, before: &[u64]) -> Vec<Geometry> {
    shown_windows(screen)
        .into_iter()
        .filter(|w| !before.contains(w))
        .filter_map(|w| screen.geometry(w))
        .filter(|g| g.width > 40 && g.height > 40)
        .collect()
}

/// Opens the tray's menu with a right click on the icon (the XEmbed tray's
/// convention); its place on the screen.
async fn open_tray_menu(screen: &Screen) -> Geometry {
    // A panel stays above windows under a window manager; Xvfb has none,
    // so the test raises the tray's panel as one would.
    for panel in screen.windows_of_class("trayer") {
        screen.raise(panel);
    }
    let icon = tray_icon(screen).expect("Wicket's icon is in the tray");
    let before = shown_windows(screen);
    screen.right_click_at(icon.centre());
    let mut menu = None;
    eventually("the tray's menu opens", Duration::from_secs(10), || {
        menu = new_popups(screen, &before).into_iter().max_by_key(|g| g.height);
        let found = menu.is_some();
        async move { found }
    })
    .await;
    menu.expect("the menu")
}

/// Where an entry of the tray's menu is. The menu has four entries (open,
/// the sync state, pause, quit) and two separators; GTK draws them at these
/// heights whatever the words' length.
fn entry_centre(menu: &Geometry, entry: Entry) -> (i32, i32) {
    let share = match entry {
        Entry::Open => 0.15,
        Entry::Pause => 0.62,
        Entry::Quit => 0.86,
    };
    (menu.x + menu.width as i32 / 2, menu.y + (menu.height as f64 * share) as i32)
}

enum Entry {
    Open,
    Pause,
    Quit,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_keeps_wicket_in_the_tray_whose_menu_brings_it_back_and_quits() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    // A private bus: no StatusNotifier host and no notification service, so
    // the icon docks in the X tray and the "kept running" notice has nowhere
    // to go but the log.
    let (_bus, bus) = start_session_bus(logs.path());
    let _tray = Process::spawn(
        "trayer",
        Command::new("trayer").env("DISPLAY", &display).args([
            "--edge",
            "bottom",
            "--align",
            "right",
            "--widthtype",
            "request",
            "--height",
            "32",
            "--SetDockType",
            "false",
            "--SetPartialStrut",
            "false",
            "--transparent",
            "false",
        ]),
        logs.path(),
    );
    let screen = Screen::open(&display);
    eventually("the system tray is up", Duration::from_secs(10), || {
        let up = screen.system_tray().is_some();
        async move { up }
    })
    .await;

    let home = tempfile::tempdir().unwrap();
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.as_str())];
    let (driver, driver_port) = start_tauri_driver_with(&display, home.path(), logs.path(), &env);
    let client = open_app(driver_port, &app, &driver).await;
    type_into(&client, "local-name", "王芳").await;
    click(&client, "start-local").await;
    find(&client, "nav-accounts").await;

    eventually("Wicket's icon is docked in the tray", Duration::from_secs(10), || {
        let docked = tray_icon(&screen).is_some();
        async move { docked }
    })
    .await;

    // Settings knows there is a tray: closing to it can be turned off.
    click(&client, "nav-settings").await;
    let close_to_tray = find(&client, "settings-close-to-tray").await;
    assert!(close_to_tray.is_enabled().await.unwrap(), "with a tray, closing to it is a setting");
    assert!(close_to_tray.is_selected().await.unwrap(), "closing to the tray is on by default");
    assert!(find(&client, "settings-notifications").await.is_selected().await.unwrap());

    // The application menu, in the UI's language: Edit opens under its title.
    let (window, geometry) = main_window(&screen).expect("the main window");
    let before = shown_windows(&screen);
    screen.click_at((geometry.x + 21, geometry.y + 14));
    eventually("the Edit menu opens", Duration::from_secs(10), || {
        let open = !new_popups(&screen, &before).is_empty();
        async move { open }
    })
    .await;
    screenshot(&client, &display, "app-menu-edit").await;
    Command::new("xdotool").env("DISPLAY", &display).args(["key", "Escape"]).status().unwrap();

    // Closing the window (a window manager's ×) keeps Wicket in the tray.
    screen.request_close(window);
    eventually("the window is hidden, not closed", Duration::from_secs(10), || {
        let hidden = screen.geometry(window).is_some_and(|g| !g.viewable);
        async move { hidden }
    })
    .await;
    assert!(tray_icon(&screen).is_some(), "Wicket still runs in the tray");

    // The tray's menu: its screenshot, then "Open Wicket" brings the window back.
    let menu = open_tray_menu(&screen).await;
    screenshot(&client, &display, "tray-menu").await;
    screen.click_at(entry_centre(&menu, Entry::Open));
    eventually("the window is shown again", Duration::from_secs(10), || {
        let shown = screen.geometry(window).is_some_and(|g| g.viewable);
        async move { shown }
    })
    .await;
    // The same session still drives it: nothing was restarted.
    find(&client, "settings-close-to-tray").await;

    // Pausing notifications from the tray: Settings follows at once.
    let menu = open_tray_menu(&screen).await;
    screen.click_at(entry_centre(&menu, Entry::Pause));
    eventually("Settings shows notifications paused", Duration::from_secs(10), || async {
        !find(&client, "settings-notifications").await.is_selected().await.unwrap_or(true)
    })
    .await;

    // Quit from the tray ends Wicket: its icon leaves the tray.
    let menu = open_tray_menu(&screen).await;
    screen.click_at(entry_centre(&menu, Entry::Quit));
    eventually("Wicket quits and leaves the tray", Duration::from_secs(15), || {
        let gone = tray_icon(&screen).is_none() && main_window(&screen).is_none_or(|(_, g)| !g.viewable);
        async move { gone }
    })
    .await;
    let _ = client.close().await;
}
