//! Connecting a WeChat account, end to end: the real desktop app under Xvfb
//! against a real `wicket-server` process whose WeChat is the double on
//! loopback. An owner fills the connection in the account's settings, saves
//! it (the secrets come back masked), and tests it: WeChat's answer and the
//! token's end show in the panel.

use std::time::Duration;

use wicket_e2e::*;
use wicket_wechat_double::{AccountSpec, Double, Mode};

const PASSWORD: &str = "team password 1";
const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// Brings a field of the (scrolling) settings dialog into view, then types into it.
async fn fill(console: &fantoccini::Client, id: &str, text: &str) {
    show(console, id).await;
    type_into(console, id, text).await;
}

async fn show(console: &fantoccini::Client, id: &str) {
    let script = format!("document.querySelector('{}').scrollIntoView({{block: 'center'}}); return null;", testid(id));
    console.execute(&script, vec![]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_a_wechat_account_and_tests_it() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let options = [
        "--wechat-api-base".to_owned(),
        double.base_url(),
        "--secrets-key-file".to_owned(),
        logs.path().join("secrets.key").to_string_lossy().into_owned(),
    ];
    let server = TeamServer::start_with(logs.path(), "manager", PASSWORD, &options);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = create_account_as_colleague(&base, &token, "acc-e2e-wechat", "老街面馆").await;
    double
        .add_account(AccountSpec {
            appid: APP_ID.into(),
            secret: APP_SECRET.into(),
            token: TOKEN.into(),
            encoding_aes_key: Some(AES_KEY.into()),
            mode: Mode::Safe,
            callback_url: Some(format!("{base}/wechat/{account}")),
            original_id: Some("gh_noodles".into()),
        })
        .unwrap();

    // A tall screen, so the whole panel shows in the picture.
    let (_xvfb, display) = start_xvfb_sized(logs.path(), 1280, 1700);
    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let console = open_app(driver_port, &app, &driver).await;
    console.set_window_rect(0, 0, 1280, 1700).await.expect("the window is resized");
    sign_in_to_team(&console, &base, "manager", PASSWORD).await;
    click(&console, "nav-accounts").await;
    eventually("the account is listed", Duration::from_secs(30), || async {
        content_of(&console, &testid("account-name-text")).await.is_some_and(|t| t.contains("老街面馆"))
    })
    .await;
    click(&console, "account-settings-open").await;
    find(&console, "wechat-connection").await;
    let url = find(&console, "wechat-callback-url").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(url, format!("{base}/wechat/{account}"), "the callback URL to paste into WeChat's console");

    fill(&console, "wechat-app_id", APP_ID).await;
    fill(&console, "wechat-app_secret", APP_SECRET).await;
    fill(&console, "wechat-token", TOKEN).await;
    fill(&console, "wechat-encoding_aes_key", AES_KEY).await;
    show(&console, "wechat-mode-safe").await;
    click(&console, "wechat-mode-safe").await;
    show(&console, "wechat-save").await;
    click(&console, "wechat-save").await;
    let masked = find(&console, "wechat-masked-app_secret").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(masked, "••••••••4f50", "a saved secret is shown masked");

    show(&console, "wechat-test").await;
    click(&console, "wechat-test").await;
    eventually("WeChat's answer shows", Duration::from_secs(30), || async {
        content_of(&console, &testid("wechat-test-result")).await.is_some_and(|t| t.contains("access_token"))
    })
    .await;
    eventually("the token's end shows in the state", Duration::from_secs(30), || async {
        content_of(&console, &testid("wechat-token-valid-until"))
            .await
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))
    })
    .await;
    // The panel in view for the picture.
    console
        .execute(
            "document.querySelector('[data-testid=\"wechat-connection\"]').scrollIntoView({block: 'end'}); return null;",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The dialog opens from the accounts table's cell: its lines wrap rather than run off to the side.
    let past_the_edge = console
        .execute(
            "const d = document.querySelector('.dialog');
             const edge = d.getBoundingClientRect().left + d.clientWidth + 0.5;
             return Array.from(d.querySelectorAll('*'))
               .filter(e => e.getBoundingClientRect().right > edge)
               .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(past_the_edge, serde_json::json!([]), "nothing in the dialog runs past its right edge");
    screenshot(&console, &display, "wechat-connection-zh-CN").await;
    console.close().await.unwrap();
}
