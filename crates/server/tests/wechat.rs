//! WeChat end to end: Wicket's server and the WeChat double on loopback.
//! The double pushes signed, encrypted callbacks as WeChat does and records
//! the API calls Wicket makes; nothing here reaches the real WeChat.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use wicket_model::conversation::{Delivery, Message};
use wicket_model::PlatformProfile;
use wicket_server::platform::store::SendState;
use wicket_server::{ServerOptions, SystemClock};
use wicket_test_support::{captured_logs, new_account, start_server, StaffClient, TestServer};
use wicket_wechat::{KeySlot, WechatCrypto};
use wicket_wechat_double::{AccountSpec, Callback, Delay, Double, Fault, Mode, RunningDouble};

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

struct Fixture {
    server: TestServer,
    double: RunningDouble,
    staff: StaffClient,
    http: reqwest::Client,
    account: String,
}

impl Fixture {
    async fn start(mode: Mode) -> Self {
        Self::start_with(mode, |_| {}).await
    }

    async fn start_with(mode: Mode, adjust: impl FnOnce(&mut ServerOptions)) -> Self {
        captured_logs();
        let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut options = ServerOptions { wechat_api_base: double.base_url(), ..ServerOptions::default() };
        adjust(&mut options);
        let server = TestServer::start_with(Arc::new(SystemClock), options).await;
        let staff = server.owner().await;
        let fixture = Fixture { server, double, staff, http: reqwest::Client::new(), account: "noodles".into() };
        fixture.staff.create_account(new_account("noodles", "Noodle House", PlatformProfile::Wechat)).await;
        let wicket_mode = match mode {
            Mode::Plain => "plain",
            Mode::Compatible => "compatible",
            Mode::Safe => "safe",
        };
        let connect = json!({"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
            "encoding_aes_key": AES_KEY, "mode": wicket_mode});
        let (status, saved) = fixture.staff.call(Method::PUT, "/api/v1/accounts/noodles/wechat", Some(connect)).await;
        assert_eq!(status, 200, "{saved}");
        fixture
            .double
            .add_account(AccountSpec {
                appid: APP_ID.into(),
                secret: APP_SECRET.into(),
                token: TOKEN.into(),
                encoding_aes_key: Some(AES_KEY.into()),
                mode,
                callback_url: Some(format!("{}/wechat/noodles", fixture.server.base_url())),
                original_id: Some("gh_noodles".into()),
            })
            .unwrap();
        let fans: Vec<String> = (1..=9).map(|n| format!("oFan{n}")).collect();
        fixture.double.add_followers(APP_ID, &fans).unwrap();
        fixture
    }
}

fn feed_change_json(message: &Message) -> String {
    serde_json::to_string(&message.body).unwrap()
}

#[tokio::test]
async fn a_safe_mode_message_lands_once_and_a_reply_goes_out_once() {
    let f = Fixture::start(Mode::Safe).await;
    let mut live = f.server.state.live.subscribe();
    let report =
        f.double.send_callback(APP_ID, "oFan1", Callback::Text { content: "还有位子吗".into() }).await.unwrap();
    assert!(report.delivered, "Wicket accepted the callback: {report:?}");
    assert_eq!(report.tries.len(), 1, "answered at the first try");
    assert!(
        matches!(live.try_recv(), Ok(wicket_server::LiveEvent::Changes { .. })),
        "the staff's live feed heard of it"
    );

    let inbound: Vec<Message> = f.staff.feed_messages().await;
    assert_eq!(inbound.len(), 1, "one message in the feed: {inbound:?}");
    assert_eq!(feed_change_json(&inbound[0]), r#"{"type":"text","text":"还有位子吗"}"#);
    let subscriber = f.server.state.storage.subscriber_by_platform_id("noodles", "wechat", "oFan1").await.unwrap();
    assert!(subscriber.is_some(), "the OpenID is a subscriber of the account");

    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "r1", "有的，欢迎光临").await;
    assert_eq!(f.server.settled("r1").await, SendState::Sent);
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 1, "exactly one customer-service message: {sent:?}");
    assert_eq!((sent[0].touser.as_str(), sent[0].msgtype.as_str()), ("oFan1", "text"));
    assert_eq!(sent[0].body["text"]["content"], "有的，欢迎光临");
    assert_eq!(f.server.message("r1").await.delivery, Some(Delivery::Sent));
    f.server.stop().await;
}

/// A safe-mode callback as WeChat builds it, for `body_xml`, signed with `crypto`.
fn sealed_callback(crypto: &WechatCrypto, body_xml: &str, timestamp: i64, nonce: &str) -> (String, String) {
    let envelope = crypto.encrypt_reply(body_xml, timestamp, nonce, KeySlot::Current);
    let parsed = wicket_wechat::parse_reply_envelope(envelope.as_bytes()).unwrap();
    let query = format!("timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={}", parsed.msg_signature);
    (query, envelope)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn text_xml(from: &str, msg_id: &str, text: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_noodles]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>",
        now_secs()
    )
}

async fn post_callback(f: &Fixture, query: &str, body: String) -> u16 {
    let url = format!("{}/wechat/{}?{query}", f.server.base_url(), f.account);
    f.http.post(url).body(body).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_callback_wechat_retries_lands_once() {
    let f = Fixture::start(Mode::Safe).await;
    let crypto = WechatCrypto::new(TOKEN, AES_KEY, APP_ID).unwrap();
    let xml = text_xml("oFan2", "6001", "first");
    // WeChat tries three times (a new nonce each time) when it hears nothing within 5 s.
    for nonce in ["n1", "n2", "n3"] {
        let (query, body) = sealed_callback(&crypto, &xml, now_secs(), nonce);
        assert_eq!(post_callback(&f, &query, body).await, 200, "each try is answered success");
    }
    let messages = f.staff.feed_messages().await;
    assert_eq!(messages.len(), 1, "the message landed once: {messages:?}");
    let filter = wicket_server::storage::ConversationFilter { limit: 10, ..Default::default() };
    let stored = f.server.state.storage.conversations(filter).await.unwrap();
    assert_eq!(stored.len(), 1, "one conversation");
    f.server.stop().await;
}

#[tokio::test]
async fn forged_callbacks_are_refused_and_change_nothing() {
    let f = Fixture::start(Mode::Safe).await;
    let before = f.server.state.storage.last_seq().await.unwrap();
    let xml = text_xml("oFan3", "7001", "forged");
    let good = WechatCrypto::new(TOKEN, AES_KEY, APP_ID).unwrap();

    // A signature made with another Token.
    let other_token = WechatCrypto::new("notTheToken", AES_KEY, APP_ID).unwrap();
    let (query, body) = sealed_callback(&other_token, &xml, now_secs(), "f1");
    assert_eq!(post_callback(&f, &query, body).await, 403, "a bad signature is refused");

    // A genuine request replayed after the window (an hour old).
    let (query, body) = sealed_callback(&good, &xml, now_secs() - 3600, "f2");
    assert_eq!(post_callback(&f, &query, body).await, 403, "a stale timestamp is refused");

    // Encrypted with the right key and Token but for another AppID.
    let other_app = WechatCrypto::new(TOKEN, AES_KEY, "wx0000000000000000").unwrap();
    let (query, body) = sealed_callback(&other_app, &xml, now_secs(), "f3");
    assert_eq!(post_callback(&f, &query, body).await, 403, "another AppID is refused");

    // Plaintext with a good plain signature: safe mode takes no unencrypted body.
    let ts = now_secs().to_string();
    let signature = wicket_wechat::signature::signature(TOKEN, &ts, "f4");
    let query = format!("signature={signature}&timestamp={ts}&nonce=f4");
    assert_eq!(post_callback(&f, &query, xml.clone()).await, 403, "an unencrypted body in safe mode is refused");

    assert_eq!(f.server.state.storage.last_seq().await.unwrap(), before, "the feed did not move");
    assert!(f.staff.feed_messages().await.is_empty(), "no message was stored");
    let (_, connection) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/wechat", None).await;
    assert!(
        connection["state"]["last_error"].as_str().is_some_and(|e| e.starts_with("refused a callback")),
        "the console sees why: {connection}"
    );
    f.server.stop().await;
}

#[tokio::test]
async fn the_url_check_answers_echostr_and_follows_are_kept() {
    let f = Fixture::start(Mode::Plain).await;
    let check = f.double.verify_url(APP_ID).await.unwrap();
    assert!(check.verified, "the URL check passed: {check:?}");

    let followed = f.double.send_callback(APP_ID, "oFan4", Callback::Subscribe { scene: None }).await.unwrap();
    assert!(followed.delivered, "{followed:?}");
    let subscriber = f.server.state.storage.subscriber_by_platform_id("noodles", "wechat", "oFan4").await.unwrap();
    assert!(subscriber.expect("a follow creates the subscriber").following);
    let left = f.double.send_callback(APP_ID, "oFan4", Callback::Unsubscribe).await.unwrap();
    assert!(left.delivered, "{left:?}");
    let subscriber = f.server.state.storage.subscriber_by_platform_id("noodles", "wechat", "oFan4").await.unwrap();
    assert!(!subscriber.unwrap().following, "an unfollow marks them");
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_after_the_window_fails_with_wechats_reason() {
    let f = Fixture::start(Mode::Compatible).await;
    f.double.send_callback(APP_ID, "oFan5", Callback::Text { content: "hello".into() }).await.unwrap();
    // 49 hours pass at WeChat: its 48-hour window is closed.
    f.double.advance_clock(49 * 3600);
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "late", "sorry for the wait").await;
    assert_eq!(f.server.settled("late").await, SendState::Failed);
    assert_eq!(
        f.server.message("late").await.delivery,
        Some(Delivery::Failed { reason: "wechat.send.window_closed".into() }),
        "45015 becomes the message's state, with a reason the console translates"
    );
    assert!(f.double.sent(APP_ID).unwrap().is_empty(), "nothing was delivered");
    f.server.stop().await;
}

#[tokio::test]
async fn a_token_that_expires_mid_run_loses_nothing() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan6", Callback::Text { content: "a".into() }).await.unwrap();
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "t1", "one").await;
    assert_eq!(f.server.settled("t1").await, SendState::Sent);
    f.double.expire_tokens(APP_ID).unwrap();
    f.staff.reply(&conversation, "t2", "two").await;
    f.staff.reply(&conversation, "t3", "three").await;
    assert_eq!(f.server.settled("t2").await, SendState::Sent);
    assert_eq!(f.server.settled("t3").await, SendState::Sent);
    let texts: Vec<String> =
        f.double.sent(APP_ID).unwrap().iter().map(|m| m.body["text"]["content"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["one", "two", "three"], "every reply went out once, in order");
    let refused = f.double.calls().iter().filter(|c| c.errcode == 42001).count();
    assert_eq!(refused, 1, "the expired token was refused once, then replaced");
    f.server.stop().await;
}

#[tokio::test]
async fn secrets_never_appear_in_answers_or_logs() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan7", Callback::Text { content: "hi".into() }).await.unwrap();
    let (status, connection) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/wechat", None).await;
    assert_eq!(status, 200);
    let (status, tested) = f.staff.call(Method::POST, "/api/v1/accounts/noodles/wechat/test", None).await;
    assert_eq!((status.as_u16(), &tested["ok"]), (200, &json!(true)), "{tested}");
    // A key rotation keeps the old key; the answer says so, and shows neither.
    let rotated =
        json!({"app_id": APP_ID, "mode": "safe", "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"});
    let (status, after) = f.staff.call(Method::PUT, "/api/v1/accounts/noodles/wechat", Some(rotated)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["has_previous_key"], true, "the previous EncodingAESKey is kept");
    assert_eq!(connection["app_secret"], "••••••••4f50", "masked");
    let answers = format!("{connection}{tested}{after}");
    let logged = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    for secret in [APP_SECRET, TOKEN, AES_KEY, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"] {
        assert!(!answers.contains(secret), "an answer shows a secret: {answers}");
        assert!(!logged.contains(secret), "the log shows a secret");
    }
    assert!(logged.contains("WeChat connection saved"), "the log was captured");
    // And the database holds only ciphertext.
    let bytes = f.server.stored_bytes();
    assert!(!bytes.windows(APP_SECRET.len()).any(|w| w == APP_SECRET.as_bytes()), "the AppSecret is sealed");
    assert!(!bytes.windows(AES_KEY.len()).any(|w| w == AES_KEY.as_bytes()), "the EncodingAESKey is sealed");
    f.server.stop().await;
}

#[tokio::test]
async fn only_owners_and_administrators_see_the_connection() {
    let f = Fixture::start(Mode::Plain).await;
    let hash = wicket_server::auth::hash_password_off_thread("agent password".into()).await.unwrap();
    let agent = f.server.state.create_staff("agent", "Agent", wicket_model::Role::Agent, hash).await.unwrap();
    let agent_token = f.server.state.open_session(agent).await.unwrap().token;
    let url = format!("{}/api/v1/accounts/noodles/wechat", f.server.base_url());
    let status = f.http.get(url).bearer_auth(agent_token).send().await.unwrap().status().as_u16();
    assert_eq!(status, 403, "an agent may not read the connection");
    f.server.stop().await;
}

fn stable_token_calls(double: &Double) -> usize {
    double.calls().iter().filter(|c| c.path == "/cgi-bin/stable_token").count()
}

#[tokio::test]
async fn one_token_fetch_serves_every_waiting_send() {
    let f = Fixture::start(Mode::Safe).await;
    let api = wicket_server::wechat::api::WechatApi::new(&f.double.base_url(), Duration::from_secs(5));
    let credentials = wicket_server::wechat::api::Credentials { app_id: APP_ID.into(), app_secret: APP_SECRET.into() };
    let waiting = (0..16).map(|_| api.token("noodles", &credentials, 1_000, None));
    let tokens: Vec<String> = futures_util::future::join_all(waiting).await.into_iter().map(|t| t.unwrap().0).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]), "every caller got the same token");
    assert_eq!(stable_token_calls(&f.double), 1, "sixteen callers, one fetch");

    // Replies to several subscribers at once after the token expired: one new token for all.
    for n in 1..=4 {
        f.double.send_callback(APP_ID, &format!("oFan{n}"), Callback::Text { content: "hi".into() }).await.unwrap();
    }
    let filter = wicket_server::storage::ConversationFilter { limit: 10, ..Default::default() };
    let conversations = f.server.state.storage.conversations(filter).await.unwrap();
    f.staff.reply(&conversations[0].id, "warm", "first").await;
    assert_eq!(f.server.settled("warm").await, SendState::Sent);
    let before = stable_token_calls(&f.double);
    f.double.expire_tokens(APP_ID).unwrap();
    for (n, conversation) in conversations.iter().enumerate() {
        f.staff.reply(&conversation.id, &format!("r{n}"), "hello again").await;
    }
    for n in 0..conversations.len() {
        assert_eq!(f.server.settled(&format!("r{n}")).await, SendState::Sent);
    }
    assert_eq!(stable_token_calls(&f.double) - before, 1, "the expired token was replaced once");
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 5, "every reply went out once");
    f.server.stop().await;
}

#[tokio::test]
async fn a_busy_wechat_gets_the_reply_again_and_it_goes_out_once() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan8", Callback::Text { content: "hi".into() }).await.unwrap();
    // "System busy" twice: nothing was done, so it is tried again.
    f.double.fail_next(Fault { errcode: -1, count: 2, path: Some("/cgi-bin/message/custom/send".into()) });
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "busy", "on our way").await;
    assert_eq!(f.server.settled("busy").await, SendState::Sent);
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 1, "delivered once");
    let send = f.server.state.storage.platforms().send("busy").await.unwrap().unwrap();
    assert_eq!(send.attempts, 3, "two refusals, then the send");
    assert_eq!(f.server.message("busy").await.delivery, Some(Delivery::Sent));
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_waits_behind_an_earlier_one_being_tried_again() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan8", Callback::Text { content: "hi".into() }).await.unwrap();
    f.double.fail_next(Fault { errcode: -1, count: 1, path: Some("/cgi-bin/message/custom/send".into()) });
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "first", "your order is ready").await;
    wicket_test_support::eventually("the first try is refused", Duration::from_secs(10), || async {
        let send = f.server.state.storage.platforms().send("first").await.unwrap()?;
        (send.attempts == 1 && send.state == SendState::Pending).then_some(())
    })
    .await;
    // Written while the first waits a second to be tried again.
    f.staff.reply(&conversation, "second", "collect it at the counter").await;
    assert_eq!(f.server.settled("second").await, SendState::Sent);
    let texts: Vec<String> =
        f.double.sent(APP_ID).unwrap().iter().map(|s| s.body["text"]["content"].to_string()).collect();
    assert_eq!(texts, ["\"your order is ready\"", "\"collect it at the counter\""], "in the order they were written");
    f.server.stop().await;
}

#[tokio::test]
async fn a_send_that_gets_no_answer_is_unknown_and_never_sent_again() {
    let f = Fixture::start_with(Mode::Safe, |o| o.platform_timeout = Duration::from_millis(400)).await;
    f.double.send_callback(APP_ID, "oFan9", Callback::Text { content: "hi".into() }).await.unwrap();
    let conversation = f.staff.first_conversation().await;
    // WeChat takes the message, but its answer never reaches Wicket in time.
    f.double.delay(Delay { millis: 3_000, path: Some("/cgi-bin/message/custom/send".into()) });
    f.staff.reply(&conversation, "lost", "did this arrive?").await;
    assert_eq!(f.server.settled("lost").await, SendState::Unknown);
    assert_eq!(
        f.server.message("lost").await.delivery,
        Some(Delivery::Failed { reason: "platform.send.outcome_unknown".into() }),
        "the console shows that nobody knows"
    );
    f.double.delay(Delay { millis: 0, path: Some("/cgi-bin/message/custom/send".into()) });
    // Later work of the dispatcher does not send it again.
    f.staff.reply(&conversation, "next", "next one").await;
    assert_eq!(f.server.settled("next").await, SendState::Sent);
    let texts: Vec<String> =
        f.double.sent(APP_ID).unwrap().iter().map(|m| m.body["text"]["content"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["did this arrive?", "next one"], "the unanswered send was not repeated");
    f.server.stop().await;
}

#[tokio::test]
async fn an_image_reply_is_uploaded_as_media_then_sent() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan1", Callback::Text { content: "menu?".into() }).await.unwrap();
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a tiny picture";
    let conversation = f.staff.first_conversation().await;
    f.staff.reply_with_image(&conversation, "img", "image/png", PNG.to_vec()).await;
    assert_eq!(f.server.settled("img").await, SendState::Sent);
    let uploads = f.double.uploads(APP_ID).unwrap();
    assert_eq!(uploads.len(), 1, "the image was uploaded once");
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].msgtype, "image");
    assert_eq!(sent[0].body["image"]["media_id"], uploads[0].media_id.as_str(), "the uploaded media is sent");
    f.server.stop().await;
}

#[tokio::test]
async fn after_a_key_rotation_callbacks_under_the_old_key_still_land() {
    let f = Fixture::start(Mode::Safe).await;
    const NEW_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    let rotated = json!({"app_id": APP_ID, "mode": "safe", "encoding_aes_key": NEW_KEY});
    let (status, saved) = f.staff.call(Method::PUT, "/api/v1/accounts/noodles/wechat", Some(rotated)).await;
    assert_eq!(status, 200, "{saved}");
    let old = WechatCrypto::new(TOKEN, AES_KEY, APP_ID).unwrap();
    let new = WechatCrypto::new(TOKEN, NEW_KEY, APP_ID).unwrap();
    let (query, body) =
        sealed_callback(&old, &text_xml("oFan1", "8001", "sent before WeChat switched"), now_secs(), "k1");
    assert_eq!(post_callback(&f, &query, body).await, 200, "the previous key still opens");
    let (query, body) = sealed_callback(&new, &text_xml("oFan1", "8002", "sent after"), now_secs(), "k2");
    assert_eq!(post_callback(&f, &query, body).await, 200, "the new key opens");
    assert_eq!(f.staff.feed_messages().await.len(), 2, "no message was lost in the rotation");
    f.server.stop().await;
}

#[tokio::test]
async fn a_reply_in_flight_when_the_server_stopped_is_unknown_after_a_restart() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan2", Callback::Text { content: "hi".into() }).await.unwrap();
    let conversation = f.staff.first_conversation().await;
    f.staff.reply(&conversation, "inflight", "are you there?").await;
    assert_eq!(f.server.settled("inflight").await, SendState::Sent);
    let storage = f.server.state.storage.clone();
    let now = f.server.state.clock.now();
    let stopped = f.server.stop().await;
    // As if the server had stopped between writing `sending` and WeChat's answer.
    let store = storage.platforms();
    store.set_send_state("inflight", SendState::Pending, 0, now, None, now).await.unwrap();
    assert!(store.set_send_state("inflight", SendState::Sending, 1, now, None, now).await.unwrap());
    drop(storage);
    let again = stopped.start().await;
    let mut delivery = None;
    for _ in 0..100 {
        delivery = again.state.storage.message("inflight").await.unwrap().and_then(|m| m.delivery);
        if delivery != Some(Delivery::Sent) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(delivery, Some(Delivery::Failed { reason: "platform.send.outcome_unknown".into() }));
    let send = again.state.storage.platforms().send("inflight").await.unwrap().unwrap();
    assert_eq!(send.state, SendState::Unknown, "never sent again by itself");
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 1, "WeChat got it once");
    again.stop().await;
}

#[tokio::test]
async fn a_qr_follow_keeps_its_scene_and_a_menu_tap_shows_the_buttons_name() {
    let f = Fixture::start(Mode::Safe).await;
    // A published layout whose menu WeChat shows.
    let (_, templates) = f.staff.call(Method::GET, "/api/v1/templates", None).await;
    let layout = templates[0]["layout"].clone();
    let url = format!("{}/api/v1/accounts/noodles/layout/draft", f.server.base_url());
    let saved = f.http.put(url).bearer_auth(f.staff.token()).header("If-Match", "0").json(&json!({"layout": layout}));
    assert_eq!(saved.send().await.unwrap().status(), 200);
    let (status, published) =
        f.staff.call(Method::POST, "/api/v1/accounts/noodles/layout/publish", Some(json!({"revision": 1}))).await;
    assert_eq!(status, 200, "{published}");
    let (_, live) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/versions/1", None).await;
    let layout: wicket_model::layout::Layout =
        serde_json::from_value(live.clone()).unwrap_or_else(|e| panic!("{e}: {live}"));
    let menu = wicket_model::layout::wechat_menu_json(&layout.menu);
    let buttons: Vec<&Value> = menu["button"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| std::iter::once(b).chain(b["sub_button"].as_array().into_iter().flatten()))
        .collect();
    let click = buttons
        .iter()
        .find(|b| b["type"] == "click" && b["key"] != b["name"])
        .expect("the template's menu has a click button whose key is not its name");
    let (key, name) = (click["key"].as_str().unwrap(), click["name"].as_str().unwrap());

    let scene = Callback::Subscribe { scene: Some("table7".into()) };
    assert!(f.double.send_callback(APP_ID, "oFan3", scene).await.unwrap().delivered);
    assert!(f.double.send_callback(APP_ID, "oFan3", Callback::Click { key: key.into() }).await.unwrap().delivered);
    let bodies: Vec<Value> =
        f.staff.feed_messages().await.iter().map(|m| serde_json::to_value(&m.body).unwrap()).collect();
    assert_eq!(
        bodies,
        [
            json!({"type": "event", "event": "follow"}),
            json!({"type": "event", "event": "scan", "scene": "table7"}),
            json!({"type": "event", "event": "menu_tap", "key": key, "label": name}),
        ],
        "the follow, its QR scene, and the tap named as the menu names it"
    );
    f.server.stop().await;
}

#[tokio::test]
async fn the_secrets_key_file_is_made_beside_the_data_folder_when_first_needed() {
    let dir = tempfile::tempdir().unwrap();
    start_server(&dir.path().join("data")).await.stop().await;
    assert!(!dir.path().join("data.secrets-key").exists(), "a server that connects no platform makes no key file");

    let f = Fixture::start_with(Mode::Safe, |o| o.secrets_key_file = None).await;
    let key_file = f.server.dir().join("data.secrets-key");
    assert!(key_file.exists(), "saving a connection made the key, beside the data folder");
    assert!(!f.server.dir().join("data").join("data.secrets-key").exists(), "not inside it");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    f.server.stop().await;
}

#[tokio::test]
async fn replies_a_console_pushes_go_out_too_and_notes_never_do() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.send_callback(APP_ID, "oFan4", Callback::Text { content: "hi".into() }).await.unwrap();
    let conversation = f.staff.first_conversation().await;
    let send = |id: &str, text: &str, note: bool| {
        json!({"name": "send_message", "args": {"id": id, "conversation_id": conversation,
            "body": {"type": "text", "text": text}, "note": note}})
    };
    let push = json!({"client_id": "desk", "mutations": [
        {"id": 1, "mutation": send("note-1", "VIP, be nice", true)},
        {"id": 2, "mutation": send("pushed-1", "written offline", false)},
    ]});
    let (status, pushed) = f.staff.call(Method::POST, "/api/v1/push", Some(push.clone())).await;
    assert_eq!(status, 200, "{pushed}");
    assert_eq!(f.server.settled("pushed-1").await, SendState::Sent);
    // The console pushes the same changes again (it never heard the answer).
    let (status, _) = f.staff.call(Method::POST, "/api/v1/push", Some(push)).await;
    assert_eq!(status, 200);
    f.staff.reply(&conversation, "after", "and one more").await;
    assert_eq!(f.server.settled("after").await, SendState::Sent);
    let texts: Vec<String> =
        f.double.sent(APP_ID).unwrap().iter().map(|m| m.body["text"]["content"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["written offline", "and one more"], "the pushed reply once, the note never");
    assert!(f.server.state.storage.platforms().send("note-1").await.unwrap().is_none(), "a note is not a send");
    f.server.stop().await;
}

impl Fixture {
    /// Saves the first template as the draft and publishes it: the answer.
    async fn publish_template(&self) -> Value {
        let (_, templates) = self.staff.call(Method::GET, "/api/v1/templates", None).await;
        let layout = templates[0]["layout"].clone();
        let url = format!("{}/api/v1/accounts/noodles/layout/draft", self.server.base_url());
        let saved =
            self.http.put(url).bearer_auth(self.staff.token()).header("If-Match", "0").json(&json!({"layout": layout}));
        assert_eq!(saved.send().await.unwrap().status(), 200);
        let (status, published) = self
            .staff
            .call(Method::POST, "/api/v1/accounts/noodles/layout/publish", Some(json!({"revision": 1})))
            .await;
        assert_eq!(status, 200, "{published}");
        published
    }

    /// The published version's menu as WeChat's menu JSON.
    async fn published_menu(&self, version: i64) -> Value {
        let (_, live) =
            self.staff.call(Method::GET, &format!("/api/v1/accounts/noodles/layout/versions/{version}"), None).await;
        let layout: wicket_model::layout::Layout =
            serde_json::from_value(live.clone()).unwrap_or_else(|e| panic!("{e}: {live}"));
        wicket_model::layout::wechat_menu_json(&layout.menu)
    }

    fn menu_creates(&self) -> usize {
        self.double.calls().iter().filter(|c| c.path == "/cgi-bin/menu/create").count()
    }
}

#[tokio::test]
async fn a_published_layout_reaches_wechat_as_its_menu() {
    let f = Fixture::start(Mode::Safe).await;
    let published = f.publish_template().await;
    assert_eq!(published["wechat"]["state"], "published", "{published}");
    assert_eq!(published["wechat"]["version"], 1, "{published}");
    let held = f.double.menu(APP_ID).unwrap().expect("the double took a menu");
    assert_eq!(held, f.published_menu(1).await, "WeChat holds the layout's menu");
    assert_eq!(f.double.menus_published(APP_ID).unwrap(), 1);
    let (status, last) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat", None).await;
    assert_eq!(status, 200, "{last}");
    assert_eq!(last, published["wechat"], "the designer reads the same outcome later");
    f.server.stop().await;
}

#[tokio::test]
async fn a_refused_menu_gives_wechats_reason_and_retry_sends_it_again() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.fail_next(Fault { errcode: 40016, count: 1, path: Some("/cgi-bin/menu/create".into()) });
    let published = f.publish_template().await;
    let outcome = &published["wechat"];
    assert_eq!(outcome["state"], "refused", "{published}");
    assert_eq!(outcome["errcode"], 40016, "{published}");
    assert_eq!(outcome["reason"], "wechat.menu.too_many_buttons", "{published}");
    assert_eq!(f.menu_creates(), 1, "a refusal is not sent again by itself");
    assert_eq!(f.double.menus_published(APP_ID).unwrap(), 0);
    let (_, last) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat", None).await;
    assert_eq!(last["state"], "refused", "{last}");

    let (status, retried) = f.staff.call(Method::POST, "/api/v1/accounts/noodles/layout/wechat", None).await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["state"], "published", "{retried}");
    assert_eq!(retried["errcode"], Value::Null, "{retried}");
    assert_eq!(f.double.menu(APP_ID).unwrap(), Some(f.published_menu(1).await));
    let (_, last) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat", None).await;
    assert_eq!(last, retried);
    f.server.stop().await;
}

#[tokio::test]
async fn a_busy_wechat_gets_the_menu_again_after_a_pause() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.fail_next(Fault { errcode: -1, count: 2, path: Some("/cgi-bin/menu/create".into()) });
    let published = f.publish_template().await;
    assert_eq!(published["wechat"]["state"], "published", "{published}");
    assert_eq!(f.menu_creates(), 3, "two busy answers, then the menu");
    assert_eq!(f.double.menus_published(APP_ID).unwrap(), 1);

    // Busy every time: it stops, and says WeChat could not take it.
    f.double.fail_next(Fault { errcode: -1, count: 10, path: Some("/cgi-bin/menu/create".into()) });
    let (_, retried) = f.staff.call(Method::POST, "/api/v1/accounts/noodles/layout/wechat", None).await;
    assert_eq!(retried["state"], "failed", "{retried}");
    assert_eq!(retried["reason"], "platform.call.unavailable", "{retried}");
    assert_eq!(f.menu_creates(), 3 + wicket_server::wechat::MENU_ATTEMPTS as usize);
    f.server.stop().await;
}

#[tokio::test]
async fn the_live_menu_imports_as_wechat_holds_it() {
    let f = Fixture::start(Mode::Safe).await;
    let (status, empty) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat/live", None).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!({"menu": {"items": []}, "notices": []}), "no menu yet (46003) reads as an empty one");

    f.publish_template().await;
    let (status, live) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat/live", None).await;
    assert_eq!(status, 200, "{live}");
    let import: wicket_model::layout::MenuImport =
        serde_json::from_value(live.clone()).unwrap_or_else(|e| panic!("{e}: {live}"));
    assert_eq!(import.notices, [], "{live}");
    let held = f.double.menu(APP_ID).unwrap().unwrap();
    assert_eq!(wicket_model::layout::wechat_menu_json(&import.menu), held, "the import is the menu WeChat holds");

    f.double.fail_next(Fault { errcode: 40001, count: 5, path: Some("/cgi-bin/menu/get".into()) });
    let (status, refused) = f.staff.call(Method::GET, "/api/v1/accounts/noodles/layout/wechat/live", None).await;
    assert_eq!(status, 503, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("40001"), "{refused}");
    f.server.stop().await;
}

#[tokio::test]
async fn an_account_not_connected_to_wechat_publishes_without_it() {
    let f = Fixture::start(Mode::Safe).await;
    let create = json!({"client_id": "c1", "mutations": [{"id": 2, "mutation": {"name": "create_account", "args": {
        "id": "bakery", "name": "Bakery", "platform": "wechat", "category": "Food", "description": "",
        "avatar_color": "#fa8c16"}}}]});
    let (status, pushed) = f.staff.call(Method::POST, "/api/v1/push", Some(create)).await;
    assert_eq!(status, 200, "{pushed}");
    let (_, templates) = f.staff.call(Method::GET, "/api/v1/templates", None).await;
    let url = format!("{}/api/v1/accounts/bakery/layout/draft", f.server.base_url());
    let body = json!({"layout": templates[0]["layout"].clone()});
    let saved = f.http.put(url).bearer_auth(f.staff.token()).header("If-Match", "0").json(&body);
    assert_eq!(saved.send().await.unwrap().status(), 200);
    let (status, published) =
        f.staff.call(Method::POST, "/api/v1/accounts/bakery/layout/publish", Some(json!({"revision": 1}))).await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["wechat"], Value::Null, "an account not connected to WeChat sends no menu");
    assert_eq!(f.menu_creates(), 0);
    let (status, _) = f.staff.call(Method::POST, "/api/v1/accounts/bakery/layout/wechat", None).await;
    assert_eq!(status, 404);
    f.server.stop().await;
}

#[tokio::test]
async fn designers_send_the_menu_again_and_agents_may_not() {
    let f = Fixture::start(Mode::Safe).await;
    f.double.fail_next(Fault { errcode: 40055, count: 1, path: Some("/cgi-bin/menu/create".into()) });
    let published = f.publish_template().await;
    assert_eq!(published["wechat"]["reason"], "wechat.menu.bad_url", "{published}");
    let mut tokens = Vec::new();
    for (login, role) in [("agent", wicket_model::Role::Agent), ("designer", wicket_model::Role::Designer)] {
        let hash = wicket_server::auth::hash_password_off_thread(format!("{login} password")).await.unwrap();
        let id = f.server.state.create_staff(login, login, role, hash).await.unwrap();
        tokens.push(f.server.state.open_session(id).await.unwrap().token);
    }
    let base = format!("{}/api/v1/accounts/noodles/layout/wechat", f.server.base_url());
    for path in ["", "/live"] {
        let status = f.http.get(format!("{base}{path}")).bearer_auth(&tokens[0]).send().await.unwrap().status();
        assert_eq!(status.as_u16(), 403, "an agent may not read {path:?}");
    }
    let status = f.http.post(&base).bearer_auth(&tokens[0]).send().await.unwrap().status();
    assert_eq!(status.as_u16(), 403, "an agent may not send the menu");
    assert_eq!(f.menu_creates(), 1);
    let retried: Value = f.http.post(&base).bearer_auth(&tokens[1]).send().await.unwrap().json().await.unwrap();
    assert_eq!(retried["state"], "published", "a designer sends it again: {retried}");
    assert_eq!(f.double.menus_published(APP_ID).unwrap(), 1);
    f.server.stop().await;
}
