//! What the end-to-end tests need around the app: a virtual display, the
//! WebDriver bridge, a real `wicket-server` process, screenshots, and the
//! steps on the app's screens the tests share. Every process is started here
//! on loopback ports picked here, and stopped by its own process id
//! (wicket-test-support's `ChildProcess`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

pub mod x11;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub use wicket_test_support::{
    eventually, free_port, new_account, wait_for_port, ChildProcess as Process, StaffClient, OWNER_LOGIN,
};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}

/// A built program the tests need, from an environment variable or the
/// default build folder; a clear failure when it is missing.
pub fn built(env: &str, name: &str) -> PathBuf {
    let path =
        std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target/debug").join(name));
    assert!(path.exists(), "{} is missing: build it first (`make test` does), or set {env}", path.display());
    path
}

/// A virtual X display of 1280×800.
pub fn start_xvfb(log_dir: &Path) -> (Process, String) {
    start_xvfb_sized(log_dir, 1280, 800)
}

/// A virtual X display of `width`×`height`, for a test that sizes the
/// window itself (up to the screen's size).
pub fn start_xvfb_sized(log_dir: &Path, width: u32, height: u32) -> (Process, String) {
    // Display numbers are picked from the pid so parallel runs do not meet.
    let display = format!(":{}", 100 + std::process::id() % 400);
    let screen = format!("{width}x{height}x24");
    let mut command = Command::new("Xvfb");
    command.args([display.as_str(), "-screen", "0", screen.as_str(), "-nolisten", "tcp"]);
    let xvfb = Process::spawn("xvfb", &mut command, log_dir);
    let socket = format!("/tmp/.X11-unix/X{}", &display[1..]);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !Path::new(&socket).exists() {
        assert!(Instant::now() < deadline, "Xvfb did not start; its log:\n{}", xvfb.log_text());
        std::thread::sleep(Duration::from_millis(50));
    }
    (xvfb, display)
}

/// A private D-Bus session bus, so what the app says on the bus (the
/// single-instance hand-over, the tray, notifications) is the test's own
/// and never reaches a desktop session.
pub fn start_session_bus(log_dir: &Path) -> (Process, String) {
    let socket = log_dir.join("bus");
    let address = format!("unix:path={}", socket.display());
    let bus = Process::spawn(
        "dbus-daemon",
        Command::new("dbus-daemon").args(["--session", "--nofork", "--nopidfile", "--address", &address]),
        log_dir,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "the session bus did not start: {}", bus.log_text());
        std::thread::sleep(Duration::from_millis(50));
    }
    (bus, address)
}

/// tauri-driver on a free port, with the app's data kept in `home`.
pub fn start_tauri_driver(display: &str, home: &Path, log_dir: &Path) -> (Process, u16) {
    start_tauri_driver_with(display, home, log_dir, &[])
}

/// As [`start_tauri_driver`], with more environment for the app (a private
/// D-Bus session, say).
pub fn start_tauri_driver_with(display: &str, home: &Path, log_dir: &Path, env: &[(&str, &str)]) -> (Process, u16) {
    let port = free_port();
    let native_port = free_port();
    let mut command = Command::new(tauri_driver());
    command
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DISPLAY", display)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("WICKET_TOKEN_STORE", "file")
        .env("NO_AT_BRIDGE", "1")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied());
    let driver = Process::spawn("tauri-driver", &mut command, log_dir);
    wait_for_port(port, &driver);
    // tauri-driver listens before the WebKitWebDriver it started does; a
    // session asked for in between fails with "tcp connect error" (a cold
    // machine's first test did).
    wait_for_port(native_port, &driver);
    (driver, port)
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    let installed = home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// A WebDriver session on the app; it starts the app.
pub async fn open_app(driver_port: u16, app: &Path, driver: &Process) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "wry".into());
    capabilities.insert("tauri:options".into(), serde_json::json!({ "application": app }));
    let mut builder = ClientBuilder::native();
    builder.capabilities(capabilities);
    let url = format!("http://127.0.0.1:{driver_port}");
    let connect = builder.connect(&url);
    match tokio::time::timeout(Duration::from_secs(60), connect).await {
        Ok(Ok(client)) => client,
        Ok(Err(e)) => panic!("no WebDriver session: {e}; tauri-driver log:\n{}", driver.log_text()),
        Err(_) => panic!("the app did not start in time; tauri-driver log:\n{}", driver.log_text()),
    }
}

pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// The element with `data-testid` = `id`, waiting for it to appear.
pub async fn find(client: &Client, id: &str) -> Element {
    find_css(client, &testid(id)).await
}

/// The first element matching `css`, waiting for it to appear: a click
/// re-renders asynchronously, and a fast machine asks before React commits.
pub async fn find_css(client: &Client, css: &str) -> Element {
    match client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(e) => panic!("{css} did not appear: {e:?}\nthe page showed: {}", page_text(client).await),
    }
}

/// What the page shows as text, shortened: a failure on a CI machine
/// nobody can look at says where the app was.
pub async fn page_text(client: &Client) -> String {
    let script = "return document.body ? document.body.innerText : '';";
    let text = match client.execute(script, vec![]).await {
        Ok(serde_json::Value::String(text)) => text,
        other => format!("(unreadable: {other:?})"),
    };
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(1500).collect()
}

pub async fn click(client: &Client, id: &str) {
    find(client, id).await.click().await.unwrap_or_else(|e| panic!("cannot click {id}: {e}"));
}

pub async fn type_into(client: &Client, id: &str, text: &str) {
    let field = find(client, id).await;
    field.clear().await.unwrap_or_else(|e| panic!("cannot clear {id}: {e}"));
    field.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {id}: {e}"));
}

pub async fn text_of(client: &Client, css: &str) -> Option<String> {
    let element = client.find(Locator::Css(css)).await.ok()?;
    element.text().await.ok()
}

pub async fn attr_of(client: &Client, css: &str, name: &str) -> Option<String> {
    let element = client.find(Locator::Css(css)).await.ok()?;
    element.attr(name).await.ok().flatten()
}

pub async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.map(|all| all.len()).unwrap_or(0)
}

/// Saves the virtual screen as a person would see it (ImageMagick's
/// `import -window root`; the window fills the screen). WebKit's own
/// snapshot through WebDriver is the fallback only: on its CPU rendering
/// path it sometimes waits a minute for a frame.
pub async fn screenshot(client: &Client, display: &str, name: &str) -> PathBuf {
    let dir = workspace_root().join("artifacts/e2e");
    std::fs::create_dir_all(&dir).expect("the artefacts folder");
    let path = dir.join(format!("{name}.png"));
    let captured = Command::new("import").args(["-display", display, "-window", "root"]).arg(&path).status();
    if !captured.is_ok_and(|status| status.success()) {
        let png = client.screenshot().await.expect("a screenshot");
        std::fs::write(&path, png).expect("the screenshot is saved");
    }
    path
}

/// A real `wicket-server` process on `port`, its data in `data`.
pub fn start_server(data: &Path, port: u16, log_dir: &Path, run: usize) -> Process {
    start_server_with(data, port, log_dir, run, &[])
}

/// `start_server` with more options (`--wechat-api-base`, say).
pub fn start_server_with(data: &Path, port: u16, log_dir: &Path, run: usize, options: &[String]) -> Process {
    let name: &'static str = if run == 0 { "wicket-server" } else { "wicket-server-restarted" };
    let mut command = Command::new(built("WICKET_SERVER_BIN", "wicket-server"));
    command.arg("--data").arg(data).args(["--listen", &format!("127.0.0.1:{port}")]).args(options);
    let server = Process::spawn(name, &mut command, log_dir);
    wait_for_port(port, &server);
    server
}

pub fn create_owner(data: &Path, login: &str, password: &str) {
    use std::io::Write;
    let mut child = Command::new(built("WICKET_SERVER_BIN", "wicket-server"))
        .arg("--data")
        .arg(data)
        .args(["create-owner", "--login", login, "--display-name", "Team Owner"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("wicket-server create-owner starts");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("the password is sent");
    assert!(child.wait().expect("create-owner ends").success(), "the owner was created");
}

/// chromedriver (Debian's `chromium-driver`) on a free port, for the
/// subscriber web app in Chromium.
pub fn start_chromedriver(log_dir: &Path) -> (Process, u16) {
    let port = free_port();
    let mut command = Command::new("chromedriver");
    command.arg(format!("--port={port}"));
    let driver = Process::spawn("chromedriver", &mut command, log_dir);
    wait_for_port(port, &driver);
    (driver, port)
}

/// A headless Chromium session with the flags this machine needs: no GPU,
/// no sandbox (root), and none of the browser's own network traffic.
pub async fn open_chromium(driver_port: u16, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "chrome".into());
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=390,844", format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let mut builder = ClientBuilder::native();
    builder.capabilities(capabilities);
    let url = format!("http://127.0.0.1:{driver_port}");
    match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
        Ok(Ok(client)) => client,
        Ok(Err(e)) => panic!("no Chromium session: {e}"),
        Err(_) => panic!("Chromium did not start in time"),
    }
}

/// The `textContent` of the first element matching `css`. WebKitWebDriver
/// reports no text for rows a virtualised list positions with transforms,
/// though they are on screen; the DOM's own text is what they show.
pub async fn content_of(client: &Client, css: &str) -> Option<String> {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;";
    let value = client.execute(script, vec![serde_json::Value::from(css)]).await.ok()?;
    value.as_str().map(str::to_owned)
}

/// The `textContent` of every element matching `css`, in document order.
pub async fn contents_of(client: &Client, css: &str) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0]), (e) => e.textContent);";
    match client.execute(script, vec![serde_json::Value::from(css)]).await {
        Ok(serde_json::Value::Array(items)) => {
            items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    }
}

/// A staff member's bearer token from the server's API, as a colleague's
/// console would have it.
pub async fn api_token(base: &str, login: &str, password: &str) -> String {
    StaffClient::sign_in(base, login, password).await.token().to_owned()
}

/// Creates an account on `platform` through the push API, as a colleague's
/// console does; returns its id.
pub async fn create_account_on(
    base: &str,
    token: &str,
    id: &str,
    name: &str,
    platform: wicket_model::PlatformProfile,
) -> String {
    StaffClient::with_token(base, token).create_account(new_account(id, name, platform)).await;
    id.to_owned()
}

/// Creates a WeChat account through the push API, as a colleague's console
/// does; returns its id.
pub async fn create_account_as_colleague(base: &str, token: &str, id: &str, name: &str) -> String {
    create_account_on(base, token, id, name, wicket_model::PlatformProfile::Wechat).await
}

/// Signs the app in to the team server at `base` through its sign-in screen.
pub async fn sign_in_to_team(client: &Client, base: &str, login: &str, password: &str) {
    type_into(client, "team-url", base).await;
    type_into(client, "team-login", login).await;
    type_into(client, "team-password", password).await;
    click(client, "team-sign-in").await;
}

/// A team's `wicket-server` process with its owner, on a free loopback port,
/// that a test can stop and start again on the same data and port.
pub struct TeamServer {
    pub data: tempfile::TempDir,
    pub port: u16,
    pub base: String,
    pub process: Process,
}

impl TeamServer {
    pub fn start(log_dir: &Path, owner: &str, password: &str) -> Self {
        Self::start_with(log_dir, owner, password, &[])
    }

    /// `start` with more server options (`--wechat-api-base`, say).
    pub fn start_with(log_dir: &Path, owner: &str, password: &str, options: &[String]) -> Self {
        let data = tempfile::tempdir().expect("a data folder");
        create_owner(data.path(), owner, password);
        let port = free_port();
        let process = start_server_with(data.path(), port, log_dir, 0, options);
        Self { base: format!("http://127.0.0.1:{port}"), data, port, process }
    }

    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// The same server again, after `stop`.
    pub fn restart(&mut self, log_dir: &Path) {
        self.process = start_server(self.data.path(), self.port, log_dir, 1);
    }
}

/// Scrolls the element with `data-testid` = `id` into the middle of its
/// (scrolling) container.
pub async fn show(client: &Client, id: &str) {
    let script = format!("document.querySelector('{}').scrollIntoView({{block: 'center'}}); return null;", testid(id));
    client.execute(&script, vec![]).await.unwrap_or_else(|e| panic!("expected to scroll {id} into view: {e}"));
}

/// Brings a field of a scrolling dialog into view, then types into it.
pub async fn fill(client: &Client, id: &str, text: &str) {
    show(client, id).await;
    type_into(client, id, text).await;
}

/// Types over the text of the field matching `css`, as a person does (all
/// selected, deleted, typed): a controlled input ignores WebDriver's clear.
pub async fn set_field(client: &Client, css: &str, text: &str) {
    let field = find_css(client, css).await;
    field.send_keys("\u{E009}a\u{E000}").await.unwrap_or_else(|e| panic!("expected to select {css}: {e}"));
    field.send_keys("\u{E003}").await.unwrap_or_else(|e| panic!("expected to clear {css}: {e}"));
    if !text.is_empty() {
        let field = find_css(client, css).await;
        field.send_keys(text).await.unwrap_or_else(|e| panic!("expected to type into {css}: {e}"));
    }
}

/// The current value of the form field with `data-testid` = `id` (a
/// textarea's text is not its content).
pub async fn value_of(client: &Client, id: &str) -> String {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.value : '';";
    match client.execute(script, vec![serde_json::Value::from(testid(id))]).await {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// Types `text` in the conversation's composer and sends it with Enter.
pub async fn send_from_console(client: &Client, text: &str) {
    let input = find(client, "composer-input").await;
    input.send_keys(text).await.unwrap_or_else(|e| panic!("expected to type the reply: {e}"));
    input.send_keys("\u{E007}").await.unwrap_or_else(|e| panic!("expected Enter to send the reply: {e}"));
}

/// What the thread shows under the console's outbound message with this
/// text: the `data-state` of its delivery mark (`part` = `message-state`)
/// or the failure's words (`part` = `message-failure`).
async fn outbound_part(client: &Client, text: &str, part: &str) -> Option<String> {
    let script = r#"for (const m of document.querySelectorAll('[data-testid="thread-message"][data-direction="outbound"]')) {
        if (m.textContent.includes(arguments[0])) {
          const p = m.querySelector(`[data-testid="${arguments[1]}"]`);
          if (!p) return null;
          return arguments[1] === 'message-state' ? p.getAttribute('data-state') : p.textContent;
        }
      }
      return null;"#;
    let args = vec![serde_json::Value::from(text), serde_json::Value::from(part)];
    let value = client.execute(script, args).await.ok()?;
    value.as_str().map(str::to_owned)
}

/// The delivery state of the console's outbound message with this text.
pub async fn state_of(client: &Client, text: &str) -> Option<String> {
    outbound_part(client, text, "message-state").await
}

/// The failure shown under the console's outbound message with this text.
pub async fn failure_of(client: &Client, text: &str) -> Option<String> {
    outbound_part(client, text, "message-failure").await
}

/// Goes to the inbox, waits until the conversation's preview shows
/// `preview` (the subscriber's message arriving live), opens it and waits
/// until its thread shows the inbound message `question`.
pub async fn open_conversation_with(client: &Client, preview: &str, question: &str) {
    click(client, "nav-conversations").await;
    let what = format!("the inbox shows {preview:?}");
    eventually(&what, Duration::from_secs(30), || async {
        content_of(client, &testid("conversation-preview")).await.is_some_and(|t| t.contains(preview))
    })
    .await;
    click(client, "conversation-row").await;
    find(client, "thread-header").await;
    let what = format!("the thread shows {question:?}");
    eventually(&what, Duration::from_secs(30), || async {
        contents_of(client, "[data-testid=\"thread-message\"][data-direction=\"inbound\"]")
            .await
            .iter()
            .any(|t| t.contains(question))
    })
    .await;
}
