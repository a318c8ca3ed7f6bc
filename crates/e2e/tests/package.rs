//! The Debian package, as a merchant's staff install it: `apt-get install`
//! of the `.deb` that `make package` builds, the installed `wicket` started
//! under Xvfb and signed in in local mode, a second launch handing over to
//! the running window, and `apt-get remove` taking it all away again.
//!
//! It installs into the machine's /usr, so it runs as root (as CI does) or
//! with password-less sudo; otherwise it says why and stops.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wicket_e2e::*;

const INSTALLED: &str = "/usr/bin/wicket";
const DESKTOP_ENTRY: &str = "/usr/share/applications/Wicket.desktop";

/// The package `make package-debug` (or `make package`) left behind.
fn built_package() -> PathBuf {
    if let Some(path) = std::env::var_os("WICKET_DEB") {
        return PathBuf::from(path);
    }
    for profile in ["debug", "release"] {
        let dir = workspace_root().join("target").join(profile).join("bundle/deb");
        let found = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"));
        if let Some(path) = found {
            return path;
        }
    }
    panic!("no .deb under target/*/bundle/deb: run `make package-debug` first (`make test` does), or set WICKET_DEB");
}

/// Runs a package command as root: directly when we are root, else through `sudo -n`.
fn as_root(args: &[&str]) -> std::process::Output {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut command = if root {
        Command::new(args[0])
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("-n").arg(args[0]);
        sudo
    };
    command.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive").output().expect("the package tool runs")
}

/// The package installed for the test's length; removed when dropped, also
/// after a failure.
struct Installed;

impl Installed {
    fn install(deb: &Path) -> Installed {
        let deb = deb.to_str().expect("a UTF-8 path");
        let out = as_root(&["apt-get", "install", "-y", "--no-install-recommends", "--reinstall", deb]);
        assert!(
            out.status.success(),
            "apt-get installs the package: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Installed
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let out = as_root(&["apt-get", "remove", "-y", "wicket"]);
        if !out.status.success() {
            eprintln!("apt-get remove wicket failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_debian_package_installs_runs_signs_in_locally_and_uninstalls() {
    let deb = built_package();
    let control = Command::new("dpkg-deb").args(["--field"]).arg(&deb).arg("Depends").output().unwrap();
    let depends = String::from_utf8_lossy(&control.stdout).to_string();
    for needed in
        ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1", "fonts-noto-cjk", "fonts-noto-color-emoji"]
    {
        assert!(depends.contains(needed), "the package declares {needed}: {depends}");
    }

    let installed = Installed::install(&deb);
    assert!(Path::new(INSTALLED).exists(), "the package puts wicket on the PATH");
    let entry = std::fs::read_to_string(DESKTOP_ENTRY).expect("the package has a desktop entry");
    assert!(entry.contains("Exec=wicket") && entry.contains("Icon=wicket"), "the menu entry starts wicket: {entry}");
    assert!(Path::new("/usr/share/icons/hicolor/128x128/apps/wicket.png").exists(), "the icon is installed");

    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let (_bus, bus) = start_session_bus(logs.path());
    let home = tempfile::tempdir().unwrap();
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.as_str())];
    let (driver, driver_port) = start_tauri_driver_with(&display, home.path(), logs.path(), &env);
    let client = open_app(driver_port, Path::new(INSTALLED), &driver).await;
    type_into(&client, "local-name", "王芳").await;
    click(&client, "start-local").await;
    find(&client, "nav-accounts").await;
    screenshot(&client, &display, "package-installed-local").await;

    // A second launch (a double click on the menu entry) hands over to the
    // running window and ends, rather than opening the same cache twice.
    let mut second = Command::new(INSTALLED)
        .env("DISPLAY", &display)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("WICKET_TOKEN_STORE", "file")
        .env("NO_AT_BRIDGE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a second wicket starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("a second launch kept running beside the first");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the second launch ends quietly: {status}");
    find(&client, "nav-accounts").await;

    client.close().await.unwrap();
    drop(driver);
    drop(installed);
    assert!(!Path::new(INSTALLED).exists(), "apt-get remove takes wicket away");
    assert!(!Path::new(DESKTOP_ENTRY).exists(), "and its menu entry");
}
