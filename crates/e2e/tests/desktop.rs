//! The real desktop app, built with its UI, under Xvfb, driven through
//! WebDriver (tauri-driver + WebKitWebDriver).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use fantoccini::Client;
use wicket_e2e::*;

async fn account_names(client: &Client) -> Vec<String> {
    let Ok(rows) = client.find_all(fantoccini::Locator::Css(&testid("account-name-text"))).await else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for row in rows {
        names.push(row.text().await.unwrap_or_default());
    }
    names
}

async fn sync_state(client: &Client) -> String {
    attr_of(client, &testid("sync-status"), "data-state").await.unwrap_or_default()
}

async fn create_account(client: &Client, name: &str, platform: &str) {
    click(client, "new-account").await;
    type_into(client, "account-name", name).await;
    let select = find(client, "account-platform").await;
    select.select_by_value(platform).await.expect("the platform is chosen");
    type_into(client, "account-category", "信用卡 Credit cards").await;
    click(client, "account-save").await;
    let wanted = name.to_owned();
    eventually(&format!("{name} is listed"), Duration::from_secs(20), || {
        let wanted = wanted.clone();
        async move { account_names(client).await.contains(&wanted) }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_mode_and_a_team_server_that_goes_away() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());

    // ---- Local mode: the embedded server, nothing to set up.
    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;

    type_into(&client, "local-name", "李雷").await;
    click(&client, "start-local").await;
    find(&client, "nav-accounts").await;
    click(&client, "nav-accounts").await;
    create_account(&client, "招商银行信用卡", "alipay").await;
    eventually("the new account has synced", Duration::from_secs(30), || async {
        sync_state(&client).await == "online" && count(&client, &testid("account-waiting")).await == 0
    })
    .await;

    // A bad name gets an inline error and changes nothing.
    click(&client, "new-account").await;
    type_into(&client, "account-name", &"长".repeat(21)).await;
    let error = find(&client, "field-error-name").await.text().await.unwrap();
    assert!(!error.is_empty(), "the error is shown inline");
    let save_enabled = find(&client, "account-save").await.is_enabled().await.unwrap();
    assert!(!save_enabled, "Save is disabled while the name is too long");
    screenshot(&client, &display, "account-name-error").await;
    click(&client, "account-cancel").await;
    assert_eq!(account_names(&client).await, ["招商银行信用卡"], "the refused account was not added");

    // The shell in both languages.
    let chinese = find(&client, "nav-accounts").await.text().await.unwrap();
    screenshot(&client, &display, "shell-zh-CN").await;
    click(&client, "language-switch").await;
    eventually("the UI is in English", Duration::from_secs(10), || async {
        text_of(&client, &testid("nav-accounts")).await.is_some_and(|t| t != chinese && t.is_ascii())
    })
    .await;
    screenshot(&client, &display, "shell-en").await;
    click(&client, "language-switch").await;
    eventually("the UI is back in Chinese", Duration::from_secs(10), || async {
        text_of(&client, &testid("nav-accounts")).await.as_deref() == Some(chinese.as_str())
    })
    .await;
    client.close().await.unwrap();
    drop(driver);

    // ---- A team server that the test starts, stops and restarts.
    let server_data = tempfile::tempdir().unwrap();
    create_owner(server_data.path(), "manager", "team password 1");
    let port = free_port();
    let mut server = start_server(server_data.path(), port, logs.path(), 0);
    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let client = open_app(driver_port, &app, &driver).await;

    type_into(&client, "team-url", &format!("http://127.0.0.1:{port}")).await;
    type_into(&client, "team-login", "manager").await;
    type_into(&client, "team-password", "wrong password").await;
    click(&client, "team-sign-in").await;
    let refused = find(&client, "sign-in-error").await.text().await.unwrap();
    assert!(!refused.is_empty(), "a wrong password is explained");
    type_into(&client, "team-password", "team password 1").await;
    click(&client, "team-sign-in").await;
    click(&client, "nav-accounts").await;
    eventually("the console is online", Duration::from_secs(30), || async { sync_state(&client).await == "online" })
        .await;

    server.stop();
    create_account(&client, "麦当劳 McDonald's", "wechat").await;
    eventually("the change waits while the server is down", Duration::from_secs(30), || async {
        sync_state(&client).await == "offline" && count(&client, &testid("account-waiting")).await == 1
    })
    .await;
    let waiting = text_of(&client, &testid("sync-pending")).await.unwrap_or_default();
    assert!(waiting.contains('1'), "the indicator counts one change waiting: {waiting:?}");
    screenshot(&client, &display, "team-offline-waiting").await;

    let _server = start_server(server_data.path(), port, logs.path(), 1);
    click(&client, "sync-status").await;
    eventually("the change synced once the server is back", Duration::from_secs(60), || async {
        sync_state(&client).await == "online" && count(&client, &testid("account-waiting")).await == 0
    })
    .await;
    screenshot(&client, &display, "team-synced").await;

    // The server holds exactly one account: applied once, not twice.
    let http = reqwest::Client::new();
    let token = api_token(&format!("http://127.0.0.1:{port}"), "manager", "team password 1").await;
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let feed: wicket_model::sync::PullResponse = http
        .get(format!("{base}/changes?client_id=e2e-check&after=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(feed.changes.len(), 1, "the account reached the server exactly once");

    // The owner adds a colleague in Settings → Team; she signs in as an agent.
    click(&client, "nav-settings").await;
    find(&client, "settings-team").await;
    eventually("the team is listed", Duration::from_secs(20), || async {
        count(&client, &testid("team-row")).await == 1
    })
    .await;
    click(&client, "team-add").await;
    type_into(&client, "team-new-login", "lina").await;
    type_into(&client, "team-new-display_name", "Li Na").await;
    type_into(&client, "team-new-password", "short").await;
    click(&client, "team-add-save").await;
    find(&client, "team-error-password").await;
    type_into(&client, "team-new-password", "agent password 1").await;
    click(&client, "team-add-save").await;
    eventually("the colleague is on the team", Duration::from_secs(20), || async {
        count(&client, &testid("team-row")).await == 2
    })
    .await;
    let scroll = "document.querySelector('[data-testid=\"settings-team\"]').scrollIntoView()";
    client.execute(scroll, vec![]).await.unwrap();
    let window_scrolled = client.execute("return window.scrollY", vec![]).await.unwrap();
    assert_eq!(window_scrolled, serde_json::json!(0), "the screen scrolls inside the shell, never the window");
    screenshot(&client, &display, "settings-team").await;
    let agent = api_token(&format!("http://127.0.0.1:{port}"), "lina", "agent password 1").await;
    let me: serde_json::Value =
        http.get(format!("{base}/me")).bearer_auth(&agent).send().await.unwrap().json().await.unwrap();
    assert_eq!((me["display_name"].as_str(), me["role"].as_str()), (Some("Li Na"), Some("agent")));
    client.close().await.unwrap();
}
