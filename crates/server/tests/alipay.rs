//! Alipay end to end: Wicket's server and the Alipay double on loopback. The
//! double pushes notifies to the application gateway signed with its Alipay
//! key, checks every OpenAPI request with the application's public key and
//! signs its answers; nothing here reaches the real Alipay.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use wicket_alipay::charset::Charset;
use wicket_alipay::gateway::{parse_gateway_response, signed_gateway_form};
use wicket_alipay::keys::PrivateKey;
use wicket_alipay::notify::{notify_xml, Notify, NotifyKind};
use wicket_alipay::sign::SignType;
use wicket_alipay_double::{AccountSpec, Double, Fault, FaultKind, Push, RunningDouble, MEDIA_DOWNLOAD_METHOD};
use wicket_model::alipay::alipay_home;
use wicket_model::conversation::{Delivery, MessageBody, SubscriberEvent};
use wicket_model::layout::{
    Action, AdvertCarouselProps, AdvertItem, ExtensionAreaProps, Layout, LayoutImage, MarketingSlotsProps, Menu,
    MenuItem, Module, SubMenuItem,
};
use wicket_model::PlatformProfile;
use wicket_server::platform::store::SendState;
use wicket_server::{ServerOptions, SystemClock};
use wicket_test_support::{captured_logs, new_account, StaffClient, TestServer};

const APP_ID: &str = "2021000000000001";
/// The application key of alipay-sdk-nodejs-all's tests (PKCS#8 PEM).
const APP_PRIVATE_KEY: &str =
    include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");
const ACCOUNT: &str = "teahouse";

/// Alipay's key for every double of this run (making one takes a while), so
/// tests can also sign requests as Alipay would.
fn alipay_key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| wicket_alipay_double::generate_key().expect("a key")).clone()
}

struct Fixture {
    server: TestServer,
    double: RunningDouble,
    staff: StaffClient,
    http: reqwest::Client,
    /// What the connection answered when it was saved.
    connection: Value,
}

impl Fixture {
    /// A server and a double with the account connected, in `charset` (`utf-8` or `gbk`).
    async fn start(charset: &str) -> Self {
        captured_logs();
        let double = Double::with_alipay_key(alipay_key()).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let options =
            ServerOptions { alipay_api_base: format!("{}/gateway.do", double.base_url()), ..ServerOptions::default() };
        let server = TestServer::start_with(Arc::new(SystemClock), options).await;
        let staff = server.owner().await;
        let mut f = Fixture { server, double, staff, http: reqwest::Client::new(), connection: Value::Null };
        f.staff.create_account(new_account(ACCOUNT, "Tea House", PlatformProfile::Alipay)).await;
        let connect = json!({"app_id": APP_ID, "app_private_key": APP_PRIVATE_KEY,
            "alipay_public_key": f.double.alipay_public_key_base64(), "charset": charset});
        let (status, saved) = f.staff.call(Method::PUT, "/api/v1/accounts/teahouse/alipay", Some(connect)).await;
        assert_eq!(status, 200, "{saved}");
        f.double
            .add_account(AccountSpec {
                app_id: APP_ID.into(),
                app_public_key: saved["app_public_key"].as_str().unwrap().to_owned(),
                gateway_url: Some(format!("{}/alipay/{ACCOUNT}", f.server.base_url())),
                charset: charset.to_ascii_uppercase(),
                chat_switch_on: false,
                name: Some("茶馆".into()),
            })
            .unwrap();
        f.connection = saved;
        f
    }

    /// Saves `layout` as the draft and publishes it: the answer.
    async fn publish(&self, layout: &Layout) -> Value {
        json!(self.staff.save_and_publish(ACCOUNT, layout).await)
    }

    /// A gateway POST as the test builds it: its status and body.
    async fn post_gateway(&self, body: Vec<u8>) -> (u16, String) {
        self.post_gateway_with_query("", body).await
    }

    /// A gateway POST with `query` on the gateway URL (empty: none).
    async fn post_gateway_with_query(&self, query: &str, body: Vec<u8>) -> (u16, String) {
        let mut url = format!("{}/alipay/{ACCOUNT}", self.server.base_url());
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let response = self
            .http
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap_or_default())
    }
}

/// A page of a tea house: a menu, two extension areas, a carousel and marketing slots.
fn home_layout(with_carousel: bool) -> Layout {
    let mut layout = Layout::default();
    layout.modules.push(Module::new(
        "ext_members",
        ExtensionAreaProps { name: "会员".into(), url: "https://tea.example.com/members".into(), height: 300 },
    ));
    layout.modules.push(Module::new(
        "ext_points",
        ExtensionAreaProps { name: "积分".into(), url: "https://tea.example.com/points".into(), height: 200 },
    ));
    if with_carousel {
        let item = |n: u32| AdvertItem {
            image: LayoutImage::new(format!("https://tea.example.com/ad{n}.png"), 996, 240),
            link_url: format!("https://tea.example.com/promo/{n}"),
        };
        layout.modules.push(Module::new("carousel", AdvertCarouselProps { items: vec![item(1), item(2)] }));
    }
    layout.modules.push(Module::new("slots", MarketingSlotsProps::default()));
    layout.menu = Menu {
        items: vec![
            MenuItem::action("m1", "官网", Action::url("https://tea.example.com/")),
            MenuItem::submenu(
                "m2",
                "服务",
                vec![
                    SubMenuItem {
                        id: "m2_1".into(), label: "营业时间".into(), action: Action::keyword("营业时间")
                    },
                    SubMenuItem { id: "m2_2".into(), label: "电话".into(), action: Action::call("95188") },
                ],
            ),
        ],
    };
    layout
}

#[tokio::test]
async fn the_connection_shows_masked_keys_and_the_key_to_upload_and_its_test_is_a_verified_call() {
    let f = Fixture::start("utf-8").await;
    let (status, connection) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(status, 200, "{connection}");
    assert_eq!(connection["gateway_path"], "/alipay/teahouse");
    assert_eq!(connection["charset"], "utf-8");
    let app_key = PrivateKey::parse(APP_PRIVATE_KEY).unwrap();
    assert_eq!(connection["app_public_key"], app_key.public_key_base64(), "the key to upload, whole");
    let shown = connection.to_string();
    let body_of = |pem: &str| pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
    let private_body = body_of(APP_PRIVATE_KEY);
    for chunk in private_body.as_bytes().chunks(24).take(20) {
        assert!(!shown.contains(std::str::from_utf8(chunk).unwrap()), "no part of the private key is sent back");
    }
    // Each key shown as the short fingerprint of its public key, none of its own characters.
    let fingerprint = app_key.public_key().fingerprint();
    assert_eq!(fingerprint.len(), 8);
    assert_eq!(connection["app_private_key"], format!("••••••••{fingerprint}"), "{connection}");
    let alipay_fingerprint = alipay_key().public_key().fingerprint();
    assert_eq!(connection["alipay_public_key"], format!("••••••••{alipay_fingerprint}"), "{connection}");

    let (status, test) = f.staff.call(Method::POST, "/api/v1/accounts/teahouse/alipay/test", None).await;
    assert_eq!(status, 200, "{test}");
    assert_eq!(test["ok"], true, "{test}");
    assert_eq!(test["code"], "10000", "{test}");
    assert_eq!(test["method"], "alipay.open.public.info.query");
    let calls = f.double.calls();
    assert_eq!(calls.len(), 1, "one harmless call: {calls:?}");
    assert_eq!(calls[0].code, "10000", "the double verified the request's signature: {calls:?}");

    // The keys may be left out when only the charset changes.
    let change = json!({"app_id": APP_ID, "charset": "gbk"});
    let (status, changed) = f.staff.call(Method::PUT, "/api/v1/accounts/teahouse/alipay", Some(change)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["app_public_key"], connection["app_public_key"], "the stored key is kept");

    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    for chunk in private_body.as_bytes().chunks(24).take(20) {
        assert!(!logs.contains(std::str::from_utf8(chunk).unwrap()), "no part of the private key is logged");
    }
    f.server.stop().await;
}

#[tokio::test]
async fn malformed_keys_and_app_ids_are_refused_on_their_fields() {
    let f = Fixture::start("utf-8").await;
    let public_pem = include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-public-key.pem");
    let attempts = [
        (json!({"app_id": "2021", "charset": "utf-8"}), "app_id", "alipay.app_id.invalid"),
        (
            json!({"app_id": APP_ID, "app_private_key": "not a key", "charset": "utf-8"}),
            "app_private_key",
            "alipay.key.not_base64",
        ),
        (
            json!({"app_id": APP_ID, "app_private_key": public_pem, "charset": "utf-8"}),
            "app_private_key",
            "alipay.key.public_not_private",
        ),
        (
            json!({"app_id": APP_ID, "alipay_public_key": "MIIB", "charset": "utf-8"}),
            "alipay_public_key",
            "alipay.key.not_rsa",
        ),
        // The application's own public key (the one uploaded to Alipay) pasted as Alipay's.
        (
            json!({"app_id": APP_ID, "alipay_public_key": f.connection["app_public_key"], "charset": "utf-8"}),
            "alipay_public_key",
            "alipay.key.own_public_key",
        ),
    ];
    for (body, path, key) in attempts {
        let (status, refused) = f.staff.call(Method::PUT, "/api/v1/accounts/teahouse/alipay", Some(body)).await;
        assert_eq!(status, 422, "{refused}");
        let issue = &refused["issues"][0];
        assert_eq!((issue["path"].as_str(), issue["key"].as_str()), (Some(path), Some(key)), "{refused}");
        assert!(!refused.to_string().contains("MII"), "never the key: {refused}");
    }
    let (_, kept) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(kept, f.connection, "nothing changed");

    let (status, removed) = f.staff.call(Method::DELETE, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["app_id"], APP_ID);
    let (status, _) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(status, 404, "disconnected");
    let (status, fresh) = f
        .staff
        .call(Method::PUT, "/api/v1/accounts/teahouse/alipay", Some(json!({"app_id": APP_ID, "charset": "utf-8"})))
        .await;
    assert_eq!(status, 422, "both keys are needed again: {fresh}");
    f.server.stop().await;
}

#[tokio::test]
async fn the_gateway_check_is_answered_as_alipay_expects() {
    for charset in ["utf-8", "gbk"] {
        let f = Fixture::start(charset).await;
        let check = f.double.verify_gateway(APP_ID).await.unwrap();
        assert!(check.verified, "verifygw in {charset}: {check:?}");
        assert_eq!(check.answered_key.as_deref(), f.connection["app_public_key"].as_str());
        let (_, connection) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
        assert!(connection["state"]["last_callback_at"].is_i64(), "{connection}");
        assert!(f.staff.feed_messages().await.is_empty(), "the check is no subscriber's message");
        f.server.stop().await;
    }
}

#[tokio::test]
async fn a_follow_and_a_text_reach_the_inbox_and_a_reply_goes_out_once() {
    let f = Fixture::start("utf-8").await;
    let followed = f.double.send_notify(APP_ID, "2088102000000001", Push::Follow).await.unwrap();
    assert!(followed.delivered, "{followed:?}");
    let text = Push::Text { content: "还有包间吗？".into() };
    let wrote = f.double.send_notify(APP_ID, "2088102000000001", text).await.unwrap();
    assert!(wrote.delivered, "{wrote:?}");
    assert_eq!(wrote.tries.len(), 1, "acknowledged at the first try");

    let messages = f.staff.feed_messages().await;
    let bodies: Vec<&MessageBody> = messages.iter().map(|m| &m.body).collect();
    assert_eq!(
        bodies,
        [&MessageBody::Event(SubscriberEvent::Follow), &MessageBody::Text { text: "还有包间吗？".into() }],
        "{messages:?}"
    );
    let subscriber =
        f.server.state.storage.subscriber_by_platform_id(ACCOUNT, "alipay", "2088102000000001").await.unwrap();
    assert!(subscriber.expect("the user id is a subscriber").following);

    // Alipay sends the same notify again (it heard no answer): it lands once.
    f.double.resend_notify(APP_ID, &wrote.msg_id).await.unwrap();
    assert_eq!(f.staff.feed_messages().await.len(), 2, "the repeat changed nothing");

    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "r1", "有的，欢迎光临").await;
    assert_eq!(f.server.settled("r1").await, SendState::Sent);
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 1, "exactly one custom message: {sent:?}");
    assert_eq!((sent[0].to_user_id.as_str(), sent[0].msg_type.as_str()), ("2088102000000001", "text"));
    assert_eq!(sent[0].biz_content["text"]["content"], "有的，欢迎光临");
    assert_eq!(f.server.message("r1").await.delivery, Some(Delivery::Sent));
    f.server.stop().await;
}

#[tokio::test]
async fn gbk_notifies_are_read_in_gbk() {
    let f = Fixture::start("gbk").await;
    let content = "你好，两位，靠窗的位子";
    let report = f.double.send_notify(APP_ID, "2088102000000002", Push::Text { content: content.into() }).await;
    assert!(report.unwrap().delivered);
    let scene = Push::Enter { scene: Some("桌号12".into()) };
    assert!(f.double.send_notify(APP_ID, "2088102000000002", scene).await.unwrap().delivered);
    let bodies: Vec<MessageBody> = f.staff.feed_messages().await.into_iter().map(|m| m.body).collect();
    assert_eq!(
        bodies,
        [
            MessageBody::Text { text: content.into() },
            MessageBody::Event(SubscriberEvent::Enter),
            MessageBody::Event(SubscriberEvent::Scan { scene: "桌号12".into() }),
        ]
    );
    f.server.stop().await;
}

/// A notify's biz_content as Alipay would send it.
fn text_notify(app_id: &str, user: &str, msg_id: &str, content: &str) -> String {
    notify_xml(&Notify {
        app_id: app_id.into(),
        from_user_id: user.into(),
        create_time: Some(1_700_000_000_000),
        msg_id: Some(msg_id.into()),
        user_info: None,
        kind: NotifyKind::Text { content: content.into() },
    })
}

#[tokio::test]
async fn forged_and_tampered_gateway_requests_are_refused_and_change_nothing() {
    let f = Fixture::start("utf-8").await;
    let before = f.server.state.storage.last_seq().await.unwrap();
    let service = "alipay.mobile.public.message.notify";
    let xml = text_notify(APP_ID, "2088102000000003", "9001", "forged");

    // Signed with a key that is not Alipay's (the application's own).
    let app_key = PrivateKey::parse(APP_PRIVATE_KEY).unwrap();
    let forged = signed_gateway_form(service, &xml, Charset::Utf8, SignType::Rsa2, &app_key, &[]);
    assert_eq!(f.post_gateway(forged).await, (403, "refused".to_owned()), "refused, fixed and unsigned");
    let (_, connection) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(connection["state"]["last_error"], "alipay.gateway.unverified", "a fixed reason: {connection}");

    // Alipay's signature, then one parameter changed on the way.
    let genuine = signed_gateway_form(service, &xml, Charset::Utf8, SignType::Rsa2, &alipay_key(), &[]);
    let tampered = String::from_utf8(genuine.clone()).unwrap().replace("forged", "fnrged").into_bytes();
    assert_ne!(tampered, genuine);
    assert_eq!(f.post_gateway(tampered).await.0, 403, "a tampered biz_content is refused");

    // Signed by Alipay, but for another application.
    let other = text_notify("2021000000000999", "2088102000000003", "9002", "not yours");
    let other = signed_gateway_form(service, &other, Charset::Utf8, SignType::Rsa2, &alipay_key(), &[]);
    assert_eq!(f.post_gateway(other).await.0, 403, "another application's notify is refused");

    // No signature at all; and not a form.
    let unsigned = format!("service={service}&charset=utf-8&biz_content=x").into_bytes();
    assert_eq!(f.post_gateway(unsigned).await.0, 403);
    assert_eq!(f.post_gateway(b"\xff\xfe garbage".to_vec()).await.0, 403);

    assert_eq!(f.server.state.storage.last_seq().await.unwrap(), before, "the feed did not move");
    assert!(f.staff.feed_messages().await.is_empty(), "no message was stored");
    let (_, connection) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(connection["state"]["last_error"], "alipay.gateway.unreadable", "{connection}");
    assert!(
        !String::from_utf8_lossy(&captured_logs().lock().unwrap()).contains("garbage"),
        "nothing of the request is logged"
    );

    // The genuine request itself is taken.
    let (status, answer) = f.post_gateway(genuine).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(f.staff.feed_messages().await.len(), 1);
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_after_the_window_fails_with_alipays_reason() {
    let f = Fixture::start("utf-8").await;
    f.double.send_notify(APP_ID, "2088102000000004", Push::Text { content: "hello".into() }).await.unwrap();
    // 49 hours pass at Alipay: its 48-hour window is closed.
    f.double.advance_clock(49 * 3600);
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "late", "sorry for the wait").await;
    assert_eq!(f.server.settled("late").await, SendState::Failed);
    assert_eq!(
        f.server.message("late").await.delivery,
        Some(Delivery::Failed { reason: "alipay.send.window_closed".into() }),
        "Alipay's refusal becomes the message's state, with a reason the console translates"
    );
    assert!(f.double.sent(APP_ID).unwrap().is_empty(), "nothing was delivered");
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_whose_answer_never_came_is_not_sent_again() {
    let f = Fixture::start("utf-8").await;
    f.double.send_notify(APP_ID, "2088102000000005", Push::Text { content: "hi".into() }).await.unwrap();
    let method = "alipay.open.public.message.custom.send";
    f.double.fail_next(Fault { kind: FaultKind::Drop, count: 1, method: Some(method.into()) });
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "lost", "on its way").await;
    assert_eq!(f.server.settled("lost").await, SendState::Unknown);
    assert_eq!(
        f.server.message("lost").await.delivery,
        Some(Delivery::Failed { reason: "platform.send.outcome_unknown".into() })
    );
    let tries = f.double.calls().iter().filter(|c| c.method == method).count();
    assert_eq!(tries, 1, "sent once, never again by itself");
    f.server.stop().await;
}

#[tokio::test]
async fn a_published_layout_becomes_the_accounts_home_page_part_by_part() {
    let f = Fixture::start("utf-8").await;
    let layout = home_layout(true);
    let published = f.publish(&layout).await;
    let parts = published["alipay"].as_array().unwrap_or_else(|| panic!("{published}"));
    let states: Vec<(&str, &str)> =
        parts.iter().map(|p| (p["part"].as_str().unwrap(), p["state"].as_str().unwrap())).collect();
    assert_eq!(
        states,
        [
            ("menu", "published"),
            ("extension_areas", "published"),
            ("advert_carousel", "published"),
            ("marketing_slots", "published")
        ],
        "{published}"
    );
    let home = alipay_home(&layout);
    assert_eq!(f.double.menu(APP_ID).unwrap(), home.menu, "Alipay holds the layout's menu");
    let areas = f.double.extension_areas(APP_ID).unwrap().unwrap();
    assert_eq!(Some(json!({ "areas": areas })), home.extension_areas);
    let adverts = f.double.adverts(APP_ID).unwrap();
    assert_eq!(adverts.len(), 1);
    assert_eq!(Some(json!({ "advert_items": adverts[0].advert_items })), home.advert_carousel);
    let topics = f.double.topics(APP_ID).unwrap();
    assert_eq!(topics.len(), 1);
    assert_eq!(Some(&topics[0].topic), home.marketing_slots.as_ref());
    let (status, last) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/layout/alipay", None).await;
    assert_eq!(status, 200, "{last}");
    assert_eq!(&last, &published["alipay"], "the designer reads the same outcome later");

    // Publishing again modifies what is there: one carousel, one set of slots.
    f.publish(&layout).await;
    assert_eq!(f.double.adverts(APP_ID).unwrap().len(), 1);
    assert_eq!(f.double.topics(APP_ID).unwrap().len(), 1);

    // The next layout has no carousel: Alipay no longer shows one.
    let published = f.publish(&home_layout(false)).await;
    let carousel = published["alipay"].as_array().unwrap().iter().find(|p| p["part"] == "advert_carousel").cloned();
    assert_eq!(carousel.as_ref().map(|p| p["state"].clone()), Some(json!("removed")), "{published}");
    assert!(f.double.adverts(APP_ID).unwrap().is_empty(), "the unused carousel is deleted");
    assert_eq!(f.double.topics(APP_ID).unwrap().len(), 1, "the slots stay");
    f.server.stop().await;
}

#[tokio::test]
async fn a_refused_part_says_why_while_the_others_publish_and_retry_sends_it_again() {
    let f = Fixture::start("utf-8").await;
    let method = "alipay.open.public.default.extension.create";
    f.double.fail_next(Fault {
        kind: FaultKind::Error {
            code: "40004".into(),
            msg: "Business Failed".into(),
            sub_code: "EXTENSION_HEIGHT_OUT_OF_RANGE".into(),
            sub_msg: "扩展区高度取值范围为200-500的整数".into(),
        },
        count: 1,
        method: Some(method.into()),
    });
    let layout = home_layout(true);
    let published = f.publish(&layout).await;
    let part = |name: &str| {
        published["alipay"].as_array().unwrap().iter().find(|p| p["part"] == name).cloned().unwrap_or(Value::Null)
    };
    let refused = part("extension_areas");
    assert_eq!(refused["state"], "refused", "{published}");
    assert_eq!(refused["code"], "EXTENSION_HEIGHT_OUT_OF_RANGE", "{published}");
    assert_eq!(refused["reason"], "alipay.home.refused", "{published}");
    assert!(refused["message"].as_str().unwrap().contains("40004"), "{published}");
    for other in ["menu", "advert_carousel", "marketing_slots"] {
        assert_eq!(part(other)["state"], "published", "{other}: {published}");
    }
    assert_eq!(f.double.extension_areas(APP_ID).unwrap(), None, "the refused part is not on Alipay");

    let (status, retried) =
        f.staff.call(Method::POST, "/api/v1/accounts/teahouse/layout/alipay/extension_areas", None).await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["state"], "published", "{retried}");
    assert_eq!(retried["code"], Value::Null);
    assert!(f.double.extension_areas(APP_ID).unwrap().is_some());
    let (_, last) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/layout/alipay", None).await;
    let states: Vec<&str> = last.as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["published"; 4], "{last}");
    let (status, _) = f.staff.call(Method::POST, "/api/v1/accounts/teahouse/layout/alipay/footer", None).await;
    assert_eq!(status, 404, "no such part");
    f.server.stop().await;
}

#[tokio::test]
async fn the_live_home_page_imports_as_alipay_holds_it() {
    let f = Fixture::start("utf-8").await;
    let layout = home_layout(true);
    f.publish(&layout).await;
    let (status, live) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/layout/alipay/live", None).await;
    assert_eq!(status, 200, "{live}");
    assert_eq!(live["notices"], json!([]), "{live}");
    let read: Layout = serde_json::from_value(live["layout"].clone()).unwrap_or_else(|e| panic!("{e}: {live}"));
    assert_eq!(alipay_home(&read), alipay_home(&layout), "the import publishes as what Alipay holds");
    assert_eq!(read.menu, layout.menu, "the menu reads back with its actions");

    f.double.fail_next(Fault { kind: FaultKind::UnknownError, count: 1, method: None });
    let (status, refused) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/layout/alipay/live", None).await;
    assert_eq!(status, 503, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("20000"), "{refused}");
    f.server.stop().await;
}

#[tokio::test]
async fn followers_import_from_alipay_page_by_page() {
    let f = Fixture::start("utf-8").await;
    let followers: Vec<String> = (1..=5).map(|n| format!("208810200000{n:04}")).collect();
    f.double.add_followers(APP_ID, &followers).unwrap();
    let change = wicket_alipay_double::AccountChange { follow_page_size: Some(2), ..Default::default() };
    f.double.change_account(APP_ID, change).unwrap();
    let (status, started) = f.staff.call(Method::POST, "/api/v1/accounts/teahouse/followers/import", None).await;
    assert_eq!(status, 200, "{started}");
    let mut last = started;
    for _ in 0..600 {
        if last["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        last = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/followers/import", None).await.1;
    }
    assert_eq!(last["status"], "done", "{last}");
    assert_eq!((last["listed"].as_u64(), last["imported"].as_u64()), (Some(5), Some(5)), "{last}");
    let pages = f.double.calls().iter().filter(|c| c.method == "alipay.open.public.follow.batchquery").count();
    assert_eq!(pages, 3, "two, two and one");
    let subscriber =
        f.server.state.storage.subscriber_by_platform_id(ACCOUNT, "alipay", "2088102000000003").await.unwrap();
    let subscriber = subscriber.expect("a follower is a subscriber");
    assert!(subscriber.following);
    assert_eq!(subscriber.display_name, "支付宝用户 0003");
    f.server.stop().await;
}

#[tokio::test]
async fn an_answer_whose_signature_is_not_alipays_is_not_believed() {
    let f = Fixture::start("utf-8").await;
    f.double.send_notify(APP_ID, "2088102000000006", Push::Text { content: "hi".into() }).await.unwrap();
    // The connection trusts another key than the one Alipay (the double) signs with.
    let other = include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/alipay-public-key.pem");
    let change = json!({"app_id": APP_ID, "alipay_public_key": other, "charset": "utf-8"});
    let (status, saved) = f.staff.call(Method::PUT, "/api/v1/accounts/teahouse/alipay", Some(change)).await;
    assert_eq!(status, 200, "{saved}");
    // The gateway checks with the key saved now, not the one it opened before.
    let pushed = f.double.send_notify(APP_ID, "2088102000000006", Push::Text { content: "again".into() }).await;
    assert!(!pushed.unwrap().delivered, "Alipay's signature no longer matches the saved key");

    let (_, test) = f.staff.call(Method::POST, "/api/v1/accounts/teahouse/alipay/test", None).await;
    assert_eq!(test["ok"], false, "{test}");
    assert_eq!(test["message"], "alipay.call.unverified", "Wicket's words as a key the console translates: {test}");
    let (_, connection) = f.staff.call(Method::GET, "/api/v1/accounts/teahouse/alipay", None).await;
    assert_eq!(connection["state"]["last_error"], "alipay.call.unverified", "{connection}");

    // A reply Alipay took, but whose answer cannot be verified: unknown, never resent.
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "unverified", "是否收到").await;
    assert_eq!(f.server.settled("unverified").await, SendState::Unknown);
    assert_eq!(
        f.server.message("unverified").await.delivery,
        Some(Delivery::Failed { reason: "platform.send.outcome_unknown".into() })
    );
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 1, "Alipay did deliver it, once");
    f.server.stop().await;
}

#[tokio::test]
async fn a_menu_tap_shows_the_buttons_name() {
    let f = Fixture::start("utf-8").await;
    let mut layout = home_layout(false);
    layout.menu.items.push(MenuItem::action("m3", "在线客服", Action::OpenConversation));
    f.publish(&layout).await;
    // Alipay's click carries the button's action_param only.
    let tap = Push::Click { action_param: "WICKET_CHAT".into() };
    assert!(f.double.send_notify(APP_ID, "2088102000000007", tap).await.unwrap().delivered);
    let bodies: Vec<MessageBody> = f.staff.feed_messages().await.into_iter().map(|m| m.body).collect();
    assert_eq!(
        bodies,
        [MessageBody::Event(SubscriberEvent::MenuTap { key: "WICKET_CHAT".into(), label: "在线客服".into() })]
    );
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_alipay_carried_out_but_answered_with_an_unknown_error_is_unknown_and_not_sent_again() {
    let f = Fixture::start("utf-8").await;
    f.double.send_notify(APP_ID, "2088102000000011", Push::Text { content: "hi".into() }).await.unwrap();
    let method = "alipay.open.public.message.custom.send";
    f.double.fail_next(Fault { kind: FaultKind::AppliedThenUnknownError, count: 1, method: Some(method.into()) });
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "twenty", "到了吗").await;
    assert_eq!(f.server.settled("twenty").await, SendState::Unknown);
    assert_eq!(
        f.server.message("twenty").await.delivery,
        Some(Delivery::Failed { reason: "platform.send.outcome_unknown".into() })
    );
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 1, "delivered exactly once");
    let tries = f.double.calls().iter().filter(|c| c.method == method).count();
    assert_eq!(tries, 1, "a 20000 answer to a send is not a reason to send again");
    f.server.stop().await;
}

#[tokio::test]
async fn a_busy_menu_modify_is_tried_again_and_never_turned_into_a_create() {
    let f = Fixture::start("utf-8").await;
    let layout = home_layout(false);
    f.publish(&layout).await;
    let creates = || f.double.calls().iter().filter(|c| c.method == "alipay.open.public.menu.create").count();
    let modifies = || f.double.calls().iter().filter(|c| c.method == "alipay.open.public.menu.modify").count();
    assert_eq!(creates(), 1, "the first publish creates the menu (Alipay: MENU_NOT_EXIST)");
    let modified_before = modifies();
    let mut changed = layout.clone();
    changed.menu.items.push(MenuItem::action("m9", "在线客服", Action::OpenConversation));
    let modify = "alipay.open.public.menu.modify";
    f.double.fail_next(Fault { kind: FaultKind::UnknownError, count: 1, method: Some(modify.into()) });
    let published = f.publish(&changed).await;
    let menu = published["alipay"].as_array().unwrap().iter().find(|p| p["part"] == "menu").cloned().unwrap();
    assert_eq!(menu["state"], "published", "{published}");
    assert_eq!(creates(), 1, "a busy modify is not followed by a create");
    assert_eq!(modifies(), modified_before + 2, "busy, then taken");
    f.server.stop().await;
}

#[tokio::test]
async fn a_gbk_account_calls_alipay_in_utf8_so_an_emoji_arrives_as_written() {
    let f = Fixture::start("gbk").await;
    f.double.send_notify(APP_ID, "2088102000000012", Push::Text { content: "在吗".into() }).await.unwrap();
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "smile", "在的😀").await;
    assert_eq!(f.server.settled("smile").await, SendState::Sent);
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent[0].biz_content["text"]["content"], "在的😀", "{sent:?}");
    f.server.stop().await;
}

#[tokio::test]
async fn a_busy_alipay_gets_the_part_again_after_a_pause() {
    let f = Fixture::start("utf-8").await;
    let method = "alipay.open.public.topic.create";
    f.double.fail_next(Fault { kind: FaultKind::UnknownError, count: 2, method: Some(method.into()) });
    let published = f.publish(&home_layout(true)).await;
    let states: Vec<&str> =
        published["alipay"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["published"; 4], "{published}");
    let creates = f.double.calls().iter().filter(|c| c.method == method).count();
    assert_eq!(creates, 3, "two busy answers, then the slots");
    assert_eq!(f.double.topics(APP_ID).unwrap().len(), 1, "created once");

    // Busy every time: it stops, and says Alipay could not take it.
    f.double.fail_next(Fault { kind: FaultKind::UnknownError, count: 10, method: Some(method.into()) });
    f.double.fail_next(Fault {
        kind: FaultKind::UnknownError,
        count: 10,
        method: Some("alipay.open.public.topic.modify".into()),
    });
    let (_, retried) =
        f.staff.call(Method::POST, "/api/v1/accounts/teahouse/layout/alipay/marketing_slots", None).await;
    assert_eq!(retried["state"], "failed", "{retried}");
    assert_eq!(retried["reason"], "platform.call.unavailable", "{retried}");
    f.server.stop().await;
}

#[tokio::test]
async fn a_charset_signed_in_the_gateway_urls_query_string_is_read() {
    // The 2014 服务窗 sent `charset` in the query string and signed it with the rest (§5.2).
    let f = Fixture::start("gbk").await;
    let service = "alipay.mobile.public.message.notify";
    let xml = text_notify(APP_ID, "2088102000000005", "9101", "靠窗的位子还有吗");
    let form = signed_gateway_form(service, &xml, Charset::Gbk, SignType::Rsa2, &alipay_key(), &[]);
    let body = String::from_utf8(form).unwrap().replace("&charset=GBK", "").into_bytes();
    let (status, answer) = f.post_gateway_with_query("charset=GBK", body).await;
    assert_eq!(status, 200, "{answer}");
    let bodies: Vec<MessageBody> = f.staff.feed_messages().await.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, [MessageBody::Text { text: "靠窗的位子还有吗".into() }], "read in GBK, signature checked");
    f.server.stop().await;
}

#[tokio::test]
async fn a_notify_is_answered_with_alipays_signed_ack_message() {
    let f = Fixture::start("utf-8").await;
    let xml = text_notify(APP_ID, "2088102000000006", "9201", "在吗");
    let form = signed_gateway_form(
        "alipay.mobile.public.message.notify",
        &xml,
        Charset::Utf8,
        SignType::Rsa2,
        &alipay_key(),
        &[],
    );
    let (status, answer) = f.post_gateway(form).await;
    assert_eq!(status, 200, "{answer}");
    let app_public_key = PrivateKey::parse(APP_PRIVATE_KEY).unwrap().public_key();
    let ack = parse_gateway_response(&answer, &app_public_key).expect("signed with the application key");
    assert!(answer.contains("<MsgType><![CDATA[ack]]></MsgType>"), "the 服务窗 ack message: {answer}");
    assert_eq!(ack.ack_to_user_id.as_deref(), Some("2088102000000006"));
    assert_eq!(ack.ack_app_id.as_deref(), Some(APP_ID));
    // The double takes it at the first try (a bare success would be sent again).
    let report = f.double.send_notify(APP_ID, "2088102000000006", Push::Follow).await.unwrap();
    assert_eq!((report.delivered, report.tries.len()), (true, 1), "{report:?}");
    f.server.stop().await;
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a tiny picture";

#[tokio::test]
async fn a_staff_image_goes_out_as_one_image_text_with_the_uploaded_image() {
    let f = Fixture::start("utf-8").await;
    let user = "2088102000000007";
    assert!(f.double.send_notify(APP_ID, user, Push::Text { content: "菜单有图吗".into() }).await.unwrap().delivered);
    let conversation = f.staff.first_conversation().await;
    f.staff.reply_with_image(&conversation, "img", "image/png", PNG.to_vec()).await;
    assert_eq!(f.server.settled("img").await, SendState::Sent);
    let images = f.double.images(APP_ID).unwrap();
    assert_eq!(images.len(), 1, "the image was uploaded once: {images:?}");
    assert_eq!(images[0].bytes, PNG, "the file arrived as it is");
    assert_eq!(images[0].image_type, "png");
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 1, "one custom message: {sent:?}");
    assert_eq!((sent[0].to_user_id.as_str(), sent[0].msg_type.as_str()), (user, "image-text"));
    let article = &sent[0].biz_content["articles"][0];
    assert_eq!(article["image_url"], images[0].image_url.as_str(), "the uploaded image is shown");
    assert_eq!(article["title"], "Tea House", "under the account's name");
    assert_eq!(f.server.message("img").await.delivery, Some(Delivery::Sent));
    f.server.stop().await;
}

#[tokio::test]
async fn a_subscribers_image_is_fetched_from_alipay_and_shown_as_an_image() {
    let f = Fixture::start("gbk").await;
    let user = "2088102000000008";
    f.double.add_media(APP_ID, "MEDIA-1", "png", PNG.to_vec()).unwrap();
    let push = Push::Image { media_id: "MEDIA-1".into(), format: Some("png".into()) };
    let report = f.double.send_notify(APP_ID, user, push).await.unwrap();
    assert!(report.delivered, "{report:?}");
    let messages = f.staff.feed_messages().await;
    let MessageBody::Image { url } = &messages[0].body else { panic!("an image message: {messages:?}") };
    let id = wicket_model::media::media_id_of(url).expect("the server's own media");
    let (mime, bytes) = f.server.state.storage.media(id).await.unwrap().expect("the image is kept");
    assert_eq!((mime.as_str(), bytes.as_slice()), ("image/png", PNG));
    let downloads: Vec<_> = f.double.calls().into_iter().filter(|c| c.method == MEDIA_DOWNLOAD_METHOD).collect();
    assert_eq!(downloads.len(), 1, "{downloads:?}");
    assert_eq!(downloads[0].code, "10000", "a signed request the double accepted: {downloads:?}");

    // Alipay sends it again: it is neither fetched nor stored twice.
    f.double.resend_notify(APP_ID, &report.msg_id).await.unwrap();
    assert_eq!(f.staff.feed_messages().await.len(), 1);
    assert_eq!(f.double.calls().iter().filter(|c| c.method == MEDIA_DOWNLOAD_METHOD).count(), 1);
    f.server.stop().await;
}

#[tokio::test]
async fn a_subscribers_image_that_cannot_be_fetched_is_kept_with_a_marker() {
    let f = Fixture::start("utf-8").await;
    let user = "2088102000000009";
    // Alipay holds no such media (expired, or refused).
    let push = Push::Image { media_id: "GONE".into(), format: Some("jpg".into()) };
    let report = f.double.send_notify(APP_ID, user, push).await.unwrap();
    assert!(report.delivered, "the notify is still acknowledged: {report:?}");
    let bodies: Vec<MessageBody> = f.staff.feed_messages().await.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, [MessageBody::Text { text: wicket_server::alipay::IMAGE_NOT_FETCHED.into() }]);
    let refused: Vec<_> = f.double.calls().into_iter().filter(|c| c.method == MEDIA_DOWNLOAD_METHOD).collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].sub_code.as_deref(), Some("MEDIA_NOT_EXIST"));
    f.server.stop().await;
}
