//! Connecting an Alipay 生活号, end to end: the real desktop app under Xvfb
//! against a real `wicket-server` process whose Alipay is the double on
//! loopback. The owner fills the connection in the account's settings with an
//! application key made here and the double's Alipay public key: a malformed
//! key is refused on its field with the reason and nothing typed is lost; once
//! saved the keys come back masked, with the application public key to upload
//! and the gateway URL; the test shows Alipay's verified answer. The double
//! then pushes a follow and a Chinese message to the gateway: it arrives live
//! in the inbox, staff answer it, and Alipay gets exactly one custom-send call
//! to that user with that text, shown sent. Last, a layout with a menu,
//! extension areas, a carousel and marketing slots is published: Alipay
//! refuses the marketing slots once, the designer says so per part with the
//! reason and a Retry, and the retry puts them on Alipay.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "end-to-end tests: a failed step fails the test")]

use std::time::Duration;

use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use wicket_alipay_double::{AccountSpec, Fault, FaultKind, Push, RunningDouble};
use wicket_e2e::*;
use wicket_model::alipay::alipay_home;
use wicket_model::layout::{
    Action, AdvertCarouselProps, ExtensionAreaProps, Layout, MarketingSlotsProps, Menu, MenuItem, Module,
};
use wicket_model::PlatformProfile;

const PASSWORD: &str = "team password 1";
const APP_ID: &str = "2021004100000001";
const USER: &str = "2088102000000001";

/// The text messages Alipay's custom-send API took, with their addressee.
fn sent_texts(double: &RunningDouble) -> Vec<(String, String)> {
    let sent = double.sent(APP_ID).unwrap();
    sent.iter()
        .map(|m| (m.to_user_id.clone(), m.biz_content["text"]["content"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The home page a colleague designed: a menu, two extension areas, the advert
/// carousel and the marketing slots.
fn home_layout() -> Layout {
    let mut layout = Layout::default();
    layout.modules.push(Module::new("ext1", ExtensionAreaProps::default()));
    layout.modules.push(Module::new(
        "ext2",
        ExtensionAreaProps { name: "积分商城".into(), url: "https://example.com/h5/points".into(), height: 200 },
    ));
    layout.modules.push(Module::new("advert", AdvertCarouselProps::default()));
    layout.modules.push(Module::new("slots", MarketingSlotsProps::default()));
    layout.menu = Menu {
        items: vec![
            MenuItem::action("m1", "官网", Action::url("https://example.com/")),
            MenuItem::action("m2", "营业时间", Action::keyword("营业时间")),
        ],
    };
    layout
}

/// Nothing in the element matching `css` runs past its right edge.
async fn nothing_past_the_edge(console: &fantoccini::Client, css: &str) -> serde_json::Value {
    console
        .execute(
            "const d = document.querySelector(arguments[0]);
             const edge = d.getBoundingClientRect().left + d.clientWidth + 0.5;
             return Array.from(d.querySelectorAll('*'))
               .filter(e => e.getBoundingClientRect().right > edge)
               .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30));",
            vec![serde_json::Value::from(css)],
        )
        .await
        .unwrap()
}

/// A screenshot of the window only, where it is smaller than the (tall) screen.
async fn window_screenshot(console: &fantoccini::Client, display: &str, name: &str) {
    let path = screenshot(console, display, name).await;
    let (_, _, width, height) = console.get_window_rect().await.expect("the window's size");
    let cropped = std::process::Command::new("mogrify")
        .args(["-crop", &format!("{width}x{height}+0+0"), "+repage"])
        .arg(&path)
        .status();
    assert!(cropped.is_ok_and(|s| s.success()), "the screenshot {name} is cropped to the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_an_alipay_account_staff_answer_and_the_home_page_is_published_part_by_part() {
    let app = built("WICKET_APP", "wicket");
    let logs = tempfile::tempdir().unwrap();
    let double = wicket_alipay_double::Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let options = [
        "--alipay-api-base".to_owned(),
        double.gateway_url(),
        "--secrets-key-file".to_owned(),
        logs.path().join("secrets.key").to_string_lossy().into_owned(),
    ];
    let server = TeamServer::start_with(logs.path(), "manager", PASSWORD, &options);
    let base = server.base.clone();
    let token = api_token(&base, "manager", PASSWORD).await;
    let account = "acc-e2e-alipay";
    create_account_on(&base, &token, account, "西湖茶馆", PlatformProfile::Alipay).await;
    let layout = home_layout();
    let staff = StaffClient::with_token(&base, &token);
    let current = staff.draft(account).await;
    staff.save_draft(account, current.draft.revision, &layout).await;

    // The application's key pair, made here as the merchant makes it with Alipay's key tool.
    let app_key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let app_private_pem = app_key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();

    // A tall screen, so the whole panel shows in the picture.
    let (_xvfb, display) = start_xvfb_sized(logs.path(), 1280, 1700);
    let home = tempfile::tempdir().unwrap();
    let (driver, driver_port) = start_tauri_driver(&display, home.path(), logs.path());
    let console = open_app(driver_port, &app, &driver).await;
    console.set_window_rect(0, 0, 1280, 1700).await.expect("the window is resized");
    sign_in_to_team(&console, &base, "manager", PASSWORD).await;
    click(&console, "nav-accounts").await;
    eventually("the account is listed", Duration::from_secs(30), || async {
        content_of(&console, &testid("account-name-text")).await.is_some_and(|t| t.contains("西湖茶馆"))
    })
    .await;
    click(&console, "account-settings-open").await;
    // The section shows "loading" first (same test id), then the panel.
    let gateway = format!("{base}/alipay/{account}");
    eventually("the gateway URL to paste into Alipay's console", Duration::from_secs(30), || async {
        value_of(&console, "alipay-gateway-url").await == gateway
    })
    .await;

    // A malformed key is refused on its field, with the reason; what was typed stays.
    fill(&console, "alipay-app_id", APP_ID).await;
    fill(&console, "alipay-app_private_key", "MIIBnotakey").await;
    fill(&console, "alipay-alipay_public_key", &double.alipay_public_key_base64()).await;
    show(&console, "alipay-save").await;
    click(&console, "alipay-save").await;
    let refusal = find(&console, "alipay-error-app_private_key").await.text().await.unwrap();
    assert!(
        refusal.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !refusal.contains("alipay."),
        "the key's refusal, in Chinese, not a raw key: {refusal:?}"
    );
    assert_eq!(count(&console, &testid("alipay-error-alipay_public_key")).await, 0, "the other key is fine");
    assert_eq!(value_of(&console, "alipay-app_id").await, APP_ID, "the app id stays");
    assert_eq!(value_of(&console, "alipay-alipay_public_key").await, double.alipay_public_key_base64());

    show(&console, "alipay-app_private_key").await;
    set_field(&console, &testid("alipay-app_private_key"), &app_private_pem).await;
    show(&console, "alipay-save").await;
    click(&console, "alipay-save").await;
    find(&console, "alipay-saved").await;
    let masked = find(&console, "alipay-masked-app_private_key").await.text().await.unwrap();
    assert!(masked.contains('•') && !masked.contains("BEGIN"), "the saved key shows masked: {masked:?}");
    assert_eq!(value_of(&console, "alipay-app_private_key").await, "", "a saved key is not filled back in");
    let app_public_key = value_of(&console, "alipay-app-public-key").await;
    let expected = wicket_alipay::keys::PrivateKey::parse(&app_private_pem).unwrap().public_key_base64();
    assert_eq!(app_public_key, expected, "the application public key to upload is the key pair's");

    // The merchant uploads the application public key and saves the gateway in Alipay's console.
    double
        .add_account(AccountSpec {
            app_id: APP_ID.into(),
            app_public_key,
            gateway_url: Some(gateway),
            charset: "UTF-8".into(),
            chat_switch_on: false,
            name: Some("西湖茶馆".into()),
        })
        .unwrap();
    let check = double.verify_gateway(APP_ID).await.unwrap();
    assert!(check.verified, "Alipay's gateway check passes: {check:?}");

    show(&console, "alipay-test").await;
    click(&console, "alipay-test").await;
    eventually("Alipay's answer shows", Duration::from_secs(30), || async {
        content_of(&console, &testid("alipay-test-result")).await.is_some_and(|t| t.contains("10000"))
    })
    .await;
    eventually("the gateway check shows as the last request from Alipay", Duration::from_secs(30), || async {
        content_of(&console, &testid("alipay-last-callback"))
            .await
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))
    })
    .await;
    console
        .execute(
            "document.querySelector('[data-testid=\"alipay-connection\"]').scrollIntoView({block: 'end'}); return null;",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(nothing_past_the_edge(&console, ".dialog").await, serde_json::json!([]), "nothing runs past the dialog");
    screenshot(&console, &display, "alipay-connection-zh-CN").await;
    show(&console, "settings-cancel").await;
    click(&console, "settings-cancel").await;

    // A user follows the 生活号 and writes: the double pushes both, signed, to the gateway.
    let followed = double.send_notify(APP_ID, USER, Push::Follow).await.unwrap();
    assert!(followed.delivered, "the team server took the follow: {followed:?}");
    let question = "你好，请问今天有桂花龙井吗？";
    let pushed = double.send_notify(APP_ID, USER, Push::Text { content: question.into() }).await.unwrap();
    assert!(pushed.delivered, "the team server took the message: {pushed:?}");
    open_conversation_with(&console, "桂花龙井", question).await;

    // Staff answer: Alipay gets it once, through custom.send, and the thread says so.
    let answer = "有的，今天新到的桂花龙井，欢迎来店品尝。";
    send_from_console(&console, answer).await;
    eventually("Alipay gets the reply", Duration::from_secs(30), || async { !sent_texts(&double).is_empty() }).await;
    eventually("the reply shows as sent", Duration::from_secs(30), || async {
        state_of(&console, "欢迎来店品尝").await.as_deref() == Some("sent")
    })
    .await;
    assert_eq!(
        sent_texts(&double),
        [(USER.to_owned(), answer.to_owned())],
        "one custom-send message, to the user, with the reply's text"
    );
    let sends = double.calls().iter().filter(|c| c.method == "alipay.open.public.message.custom.send").count();
    assert_eq!(sends, 1, "custom.send was called once");
    screenshot(&console, &display, "alipay-thread-zh-CN").await;

    // The designer: the colleague's home page is published. Alipay refuses the marketing
    // slots once; the line under the toolbar says so per part, with a Retry that puts them on.
    console.set_window_rect(0, 0, 1280, 800).await.expect("the window is resized");
    click(&console, "nav-designer").await;
    find(&console, "canvas").await;
    eventually("the designer shows the colleague's menu", Duration::from_secs(30), || async {
        contents_of(&console, &testid("menu-item")).await.len() == 2
    })
    .await;
    double.fail_next(Fault {
        kind: FaultKind::Error {
            code: "40004".into(),
            msg: "Business Failed".into(),
            sub_code: "TOPIC_ITEMS_OUT_OF_LIMIT".into(),
            sub_msg: "营销位内容数量不合法".into(),
        },
        count: 1,
        method: Some("alipay.open.public.topic.create".into()),
    });
    click(&console, "publish").await;
    eventually("Alipay's refusal of the marketing slots shows", Duration::from_secs(60), || async {
        attr_of(&console, &testid("alipay-part-marketing_slots"), "data-state").await.as_deref() == Some("refused")
    })
    .await;
    let refused = content_of(&console, &testid("alipay-part-marketing_slots")).await.unwrap_or_default();
    assert!(refused.contains("营销位") && refused.contains("支付宝拒绝"), "the reason, in Chinese: {refused:?}");
    for part in ["menu", "extension_areas", "advert_carousel"] {
        assert_eq!(
            attr_of(&console, &testid(&format!("alipay-part-{part}")), "data-state").await.as_deref(),
            Some("published"),
            "{part} is on Alipay"
        );
    }
    assert!(double.topics(APP_ID).unwrap().is_empty(), "Alipay holds no marketing slots after refusing them");
    // The Retry stays whole and inside the window, even in a narrow one.
    console.set_window_rect(0, 0, 960, 800).await.expect("the window is resized");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let retry_inside = console
        .execute(
            "const b = document.querySelector('[data-testid=\"alipay-retry-marketing_slots\"]').getBoundingClientRect();
             const bar = document.querySelector('[data-testid=\"alipay-home\"]').getBoundingClientRect();
             return b.width > 20 && b.left >= bar.left && b.right <= Math.min(bar.right, window.innerWidth) + 0.5;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(retry_inside, serde_json::json!(true), "Retry is whole and in view at 960 px");
    console.set_window_rect(0, 0, 1280, 800).await.expect("the window is resized");
    tokio::time::sleep(Duration::from_millis(300)).await;
    window_screenshot(&console, &display, "designer-refused-alipay-zh-CN").await;

    click(&console, "alipay-retry-marketing_slots").await;
    eventually("the marketing slots are on Alipay", Duration::from_secs(30), || async {
        attr_of(&console, &testid("alipay-part-marketing_slots"), "data-state").await.as_deref() == Some("published")
    })
    .await;
    assert_eq!(count(&console, "[data-testid^=\"alipay-retry-\"]").await, 0, "no Retry once every part is published");
    let wanted = alipay_home(&layout);
    let topics = double.topics(APP_ID).unwrap();
    assert_eq!(topics.len(), 1, "one set of marketing slots");
    assert_eq!(Some(&topics[0].topic), wanted.marketing_slots.as_ref(), "Alipay holds the designed marketing slots");
    assert_eq!(double.extension_areas(APP_ID).unwrap().map(|a| a.len()), Some(2), "both extension areas");
    assert_eq!(double.adverts(APP_ID).unwrap().len(), 1, "the carousel");
    window_screenshot(&console, &display, "designer-published-alipay-zh-CN").await;

    // "Import from Alipay" reads the live home page back.
    click(&console, "alipay-import").await;
    eventually("the live home page is read", Duration::from_secs(30), || async {
        content_of(&console, &testid("alipay-import-read"))
            .await
            .is_some_and(|t| t.contains("2 个菜单按钮、4 个主页模块"))
    })
    .await;
    console.close().await.unwrap();
}
