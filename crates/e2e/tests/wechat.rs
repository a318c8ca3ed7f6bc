//! Connecting a WeChat account, end to end: the real desktop app under Xvfb
//! against a real `wicket-server` process whose WeChat is the double on
//! loopback. An owner fills the connection in the account's settings, saves
//! it (the secrets come back masked), and tests it: WeChat's answer and the
//! token's end show in the panel. Then a subscriber writes through WeChat
//! (a safe-mode callback from the double): the message arrives live in the
//! inbox, staff answer it and WeChat gets the reply once; after WeChat's
//! 48-hour window has closed the next reply is refused, with the reason on it.
//! Last, a menu item is added in the designer and published: WeChat refuses
//! the menu once, the toolbar says why with a Retry, and the retry puts the
//! published menu on WeChat ("Published to WeChat").
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use wicket_e2e::*;
use wicket_wechat_double::{AccountSpec, Callback, Double, Fault, Mode};

const PASSWORD: &str = "team password 1";
const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const SUBSCRIBER: &str = "oNoodleFan01";

/// The texts of the customer-service messages WeChat took, with their addressee.
fn sent_texts(double: &Double) -> Vec<(String, String)> {
    let sent = double.sent(APP_ID).unwrap();
    sent.iter().map(|m| (m.touser.clone(), m.body["text"]["content"].as_str().unwrap_or_default().to_owned())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_a_wechat_account_and_staff_answer_a_subscriber() {
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
    let staff = StaffClient::sign_in(&base, "manager", PASSWORD).await;
    let token = staff.token().to_owned();
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
    show(&console, "settings-cancel").await;
    click(&console, "settings-cancel").await;

    // A subscriber follows the account in WeChat and writes: the double pushes both, encrypted
    // (safe mode).
    let followed = double.send_callback(APP_ID, SUBSCRIBER, Callback::Subscribe { scene: None }).await.unwrap();
    assert!(followed.delivered, "the team server took the follow: {followed:?}");
    let question = "你好，我的账单日是哪天？";
    let pushed = double.send_callback(APP_ID, SUBSCRIBER, Callback::Text { content: question.into() }).await.unwrap();
    assert!(pushed.delivered, "the team server took the callback: {pushed:?}");
    open_conversation_with(&console, "账单日", question).await;

    // Staff answer: WeChat gets it once, through the customer-service API, and the thread says so.
    let answer = "您好，您的账单日是每月 8 日。";
    send_from_console(&console, answer).await;
    eventually("WeChat gets the reply", Duration::from_secs(30), || async { !sent_texts(&double).is_empty() }).await;
    eventually("the reply shows as sent", Duration::from_secs(30), || async {
        state_of(&console, "每月 8 日").await.as_deref() == Some("sent")
    })
    .await;
    assert_eq!(
        sent_texts(&double),
        [(SUBSCRIBER.to_owned(), answer.to_owned())],
        "one customer-service message, to the subscriber, with the reply's text"
    );

    // 49 hours pass at WeChat: its 48-hour window is closed, the next reply is refused (45015).
    double.advance_clock(49 * 3600);
    let late = "还有其他问题吗？";
    send_from_console(&console, late).await;
    eventually("the late reply shows as refused", Duration::from_secs(60), || async {
        state_of(&console, "其他问题").await.as_deref() == Some("failed")
    })
    .await;
    let reason = failure_of(&console, "其他问题").await.unwrap_or_default();
    assert!(reason.contains("客服消息窗口已关闭"), "WeChat's reason shows, in Chinese: {reason:?}");
    assert_eq!(state_of(&console, "每月 8 日").await.as_deref(), Some("sent"), "the first reply stays sent");
    assert_eq!(sent_texts(&double).len(), 1, "WeChat took nothing more");
    let refused = double.calls().iter().filter(|c| c.errcode == 45015).count();
    assert_eq!(refused, 1, "the late reply was tried once and refused, not sent again");
    screenshot(&console, &display, "wechat-thread-zh-CN").await;

    // The designer: a menu item added and published. WeChat refuses the menu once (40018); the
    // toolbar says so with its reason and a Retry, which puts the menu on WeChat.
    click(&console, "nav-designer").await;
    find(&console, "canvas").await;
    click(&console, "menu-add").await;
    let label = "[data-testid=\"menu-item-editor\"] .dz-menu-row input[data-field$=\"label\"]";
    set_field(&console, label, "点餐").await;
    eventually("the phone shows the menu item", Duration::from_secs(10), || async {
        contents_of(&console, &testid("menu-item")).await == ["点餐"]
    })
    .await;
    eventually("the draft reaches the server", Duration::from_secs(30), || async {
        serde_json::to_string(&staff.draft(&account).await.draft.layout.menu).unwrap().contains("点餐")
            && content_of(&console, &testid("save-state")).await.is_some_and(|s| s.contains("已同步"))
    })
    .await;
    double.fail_next(Fault { errcode: 40018, count: 1, path: Some("/cgi-bin/menu/create".into()) });
    click(&console, "publish").await;
    eventually("WeChat's refusal shows", Duration::from_secs(60), || async {
        content_of(&console, &testid("wechat-menu-state")).await.is_some_and(|t| t.contains("40018"))
    })
    .await;
    assert_eq!(double.menu(APP_ID).unwrap(), None, "WeChat holds no menu after refusing it");
    find(&console, "wechat-menu-retry").await;
    screenshot(&console, &display, "designer-refused-wechat-zh-CN").await;
    click(&console, "wechat-menu-retry").await;
    eventually("the toolbar says the menu is on WeChat", Duration::from_secs(30), || async {
        content_of(&console, &testid("wechat-menu-state")).await.is_some_and(|t| t.contains("已发布到微信"))
    })
    .await;
    assert_eq!(count(&console, &testid("wechat-menu-retry")).await, 0, "no Retry once published");
    let published = staff.draft(&account).await.draft.layout.menu;
    assert_eq!(
        double.menu(APP_ID).unwrap(),
        Some(wicket_model::layout::wechat_menu_json(&published)),
        "WeChat holds the published menu"
    );
    assert_eq!(double.menus_published(APP_ID).unwrap(), 1, "the menu was taken once");
    screenshot(&console, &display, "designer-published-wechat-zh-CN").await;
    console.close().await.unwrap();
}
