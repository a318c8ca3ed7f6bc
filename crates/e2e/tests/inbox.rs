//! A shift in the conversation view, end to end: the real desktop app under
//! Xvfb (tauri-driver + WebKitWebDriver) and the subscriber web app in
//! Debian's Chromium (chromedriver), both against a real `wicket-server`
//! process that the test stops and restarts.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use fantoccini::{Client, Locator};
use wicket_e2e::*;

const PASSWORD: &str = "team password 1";

/// Texts of the chat bubbles in the subscriber's browser from one side.
async fn bubbles(browser: &Client, direction: &str) -> Vec<String> {
    let css = format!("[data-testid=\"chat-message\"][data-direction=\"{direction}\"]");
    let mut texts = Vec::new();
    for element in browser.find_all(Locator::Css(&css)).await.unwrap_or_default() {
        texts.push(element.text().await.unwrap_or_default());
    }
    texts
}

/// A 1×1 PNG, as a subscriber's picture.
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Thread images the webview has decoded (loaded, with a size).
async fn loaded_images(client: &fantoccini::Client) -> usize {
    let script = r#"return Array.from(document.querySelectorAll('[data-testid="thread-image"]')).filter((i) => i.complete && i.naturalWidth > 0).length;"#;
    client.execute(script, vec![]).await.ok().and_then(|v| v.as_u64()).unwrap_or(0) as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_answer_a_subscriber_through_a_server_that_goes_away() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(logs.path());
    let mut server = TeamServer::start(logs.path(), "manager", PASSWORD);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = create_account_as_colleague(&base, &token, "acc-e2e-inbox", "招商银行信用卡").await;

    // The subscriber, in Chromium: follows and asks a question.
    let (_chromedriver, chrome_port) = start_chromedriver(logs.path());
    let profile = tempfile::tempdir().unwrap();
    let browser = open_chromium(chrome_port, profile.path()).await;
    browser.goto(&format!("{base}/s/{account}")).await.unwrap();
    find(&browser, "follow-button").await.click().await.unwrap();
    click(&browser, "view-switch-chat").await;
    type_into(&browser, "chat-input", "请问我的还款日是哪天？").await;
    click(&browser, "chat-send").await;

    // Staff, in the desktop app: the question arrives live.
    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let console = open_app(driver_port, &app, &driver).await;
    sign_in_to_team(&console, &base, "manager", PASSWORD).await;
    click(&console, "nav-conversations").await;
    eventually("the question is in the inbox", Duration::from_secs(30), || async {
        content_of(&console, &testid("conversation-preview")).await.is_some_and(|t| t.contains("还款日"))
    })
    .await;
    type_into(&browser, "chat-input", "我在等你们的回复").await;
    click(&browser, "chat-send").await;
    eventually("a second message arrives live", Duration::from_secs(30), || async {
        content_of(&console, &testid("conversation-preview")).await.is_some_and(|t| t.contains("等你们"))
    })
    .await;
    click(&console, "conversation-row").await;
    find(&console, "thread-header").await;
    send_from_console(&console, "您好，还款日是每月 5 日").await;
    eventually("the reply reaches the subscriber", Duration::from_secs(30), || async {
        bubbles(&browser, "outbound").await.iter().any(|t| t.contains("每月 5 日"))
    })
    .await;
    eventually("the reply shows as sent", Duration::from_secs(30), || async {
        state_of(&console, "每月 5 日").await.is_some_and(|s| s != "queued" && s != "sending")
    })
    .await;
    // The subscriber sends a picture: the console shows it through its own
    // image protocol (the core fetches it once and keeps it).
    let picture = logs.path().join("picture.png");
    std::fs::write(&picture, ONE_PIXEL_PNG).unwrap();
    find(&browser, "chat-image-input").await.send_keys(&picture.to_string_lossy()).await.unwrap();
    eventually("the picture shows in the console's thread", Duration::from_secs(30), || async {
        loaded_images(&console).await >= 1
    })
    .await;
    screenshot(&console, &display, "inbox-thread-zh-CN").await;

    // The server goes away: the next reply is queued, and shown so.
    server.stop();
    send_from_console(&console, "还有其他问题吗？").await;
    eventually("the reply waits while the server is down", Duration::from_secs(30), || async {
        state_of(&console, "其他问题").await.as_deref() == Some("queued")
    })
    .await;
    screenshot(&console, &display, "inbox-queued-zh-CN").await;
    // Away and back while the server is down: the picture still shows.
    click(&console, "nav-accounts").await;
    click(&console, "nav-conversations").await;
    click(&console, "conversation-row").await;
    eventually("the picture shows offline", Duration::from_secs(30), || async { loaded_images(&console).await >= 1 })
        .await;

    // The server is back: the reply goes, once.
    server.restart(logs.path());
    click(&console, "sync-status").await;
    eventually("the queued reply is sent", Duration::from_secs(60), || async {
        state_of(&console, "其他问题").await.is_some_and(|s| s != "queued" && s != "sending")
    })
    .await;
    eventually("the subscriber sees it", Duration::from_secs(30), || async {
        bubbles(&browser, "outbound").await.iter().filter(|t| t.contains("其他问题")).count() == 1
    })
    .await;
    let replies = bubbles(&browser, "outbound").await;
    assert_eq!(replies.len(), 2, "each reply reached the subscriber exactly once: {replies:?}");
    screenshot(&console, &display, "inbox-delivered-zh-CN").await;

    // Search in Chinese, with the hit marked.
    type_into(&console, "inbox-search", "还款").await;
    eventually("the search finds the question", Duration::from_secs(20), || async {
        count(&console, &testid("search-hit")).await >= 1
    })
    .await;
    let marked = content_of(&console, "[data-testid=\"search-snippet\"] mark").await.unwrap_or_default();
    assert_eq!(marked, "还款", "the matched word is highlighted");
    screenshot(&console, &display, "inbox-search-zh-CN").await;
    click(&console, "language-switch").await;
    eventually("the inbox is in English", Duration::from_secs(10), || async {
        content_of(&console, &testid("nav-conversations")).await.is_some_and(|t| t.is_ascii())
    })
    .await;
    screenshot(&console, &display, "inbox-search-en").await;

    // The subscriber in Subscribers: found by name, tagged, and back to the
    // conversation from there. The tag reaches the server.
    click(&console, "nav-subscribers").await;
    eventually("the subscriber is listed", Duration::from_secs(20), || async {
        count(&console, &testid("subscriber-row")).await == 1
    })
    .await;
    click(&console, "subscriber-row").await;
    let tag = find(&console, "sidebar-tag-input").await;
    tag.send_keys("VIP").await.unwrap();
    tag.send_keys("\u{E007}").await.unwrap(); // Enter
    eventually("the row shows the tag", Duration::from_secs(20), || async {
        contents_of(&console, "[data-testid=\"subscriber-row\"] .ib-label").await == ["VIP"]
    })
    .await;
    screenshot(&console, &display, "subscribers-en").await;
    let http = reqwest::Client::new();
    eventually("the tag reaches the server", Duration::from_secs(30), || async {
        let url = format!("{base}/api/v1/subscribers?account_id={account}&search=VIP");
        let Ok(answer) = http.get(&url).bearer_auth(&token).send().await else { return false };
        let found: serde_json::Value = answer.json().await.unwrap_or_default();
        found["subscribers"].as_array().is_some_and(|list| list.len() == 1)
    })
    .await;
    click(&console, "subscriber-open-conversation").await;
    eventually("the conversation opens in the inbox", Duration::from_secs(20), || async {
        content_of(&console, &testid("sidebar-name")).await.is_some()
            && count(&console, &testid("thread-header")).await == 1
    })
    .await;

    console.close().await.unwrap();
    browser.close().await.unwrap();
}
