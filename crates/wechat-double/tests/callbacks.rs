//! Callbacks from the double to a tiny receiver that checks them with wicket-wechat, as the
//! merchant's server will: signatures, safe-mode encryption, XML, and WeChat's retries.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::{Fixture, AES_KEY, APPID, TOKEN};
use wicket_wechat::{text_reply, CallbackQuery, Event, Inbound, InboundMessage, MessageMode, WechatCrypto};
use wicket_wechat_double::{AccountChange, Callback, Mode};

/// How the receiver answers one request.
#[derive(Clone, Debug)]
enum Answer {
    Success,
    Status(u16),
    Garbage,
    Sleep(u64),
    /// A passive text reply, sealed as the callback came.
    Reply(&'static str),
    /// A plaintext passive reply even to an encrypted callback.
    PlainReply(&'static str),
}

/// A callback that opened: the message, the URL's query, the body as sent.
type Received = (InboundMessage, HashMap<String, String>, String);

#[derive(Clone)]
struct Receiver {
    crypto: WechatCrypto,
    mode: MessageMode,
    script: Arc<Mutex<VecDeque<Answer>>>,
    /// Every callback that passed wicket-wechat's checks, with its query and body.
    opened: Arc<Mutex<Vec<Received>>>,
    refused: Arc<Mutex<Vec<String>>>,
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn receive(State(r): State<Receiver>, Query(q): Query<HashMap<String, String>>, body: Bytes) -> Response {
    let query = CallbackQuery {
        signature: q.get("signature").map(String::as_str),
        timestamp: q.get("timestamp").map(String::as_str),
        nonce: q.get("nonce").map(String::as_str),
        encrypt_type: q.get("encrypt_type").map(String::as_str),
        msg_signature: q.get("msg_signature").map(String::as_str),
    };
    let opened = match r.crypto.open_callback(r.mode, &query, &body, now(), 300) {
        Ok(opened) => opened,
        Err(e) => {
            r.refused.lock().unwrap().push(e.to_string());
            return (StatusCode::FORBIDDEN, e.to_string()).into_response();
        }
    };
    let message = opened.message.clone();
    r.opened.lock().unwrap().push((message.clone(), q.clone(), String::from_utf8_lossy(&body).into_owned()));
    let answer = r.script.lock().unwrap().pop_front().unwrap_or(Answer::Success);
    match answer {
        Answer::Success => "success".into_response(),
        Answer::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Answer::Garbage => "<html>oops</html>".into_response(),
        Answer::Sleep(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            "success".into_response()
        }
        Answer::Reply(text) => {
            let reply = text_reply(&message.from_user_name, &message.to_user_name, now(), text);
            r.crypto.seal_reply(&opened, &reply, now(), "4711").into_response()
        }
        Answer::PlainReply(text) => {
            text_reply(&message.from_user_name, &message.to_user_name, now(), text).into_response()
        }
    }
}

async fn verify(State(r): State<Receiver>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    match r.crypto.verify_url(get("signature"), get("timestamp"), get("nonce"), get("echostr")) {
        Ok(echo) => echo.to_owned().into_response(),
        Err(e) => (StatusCode::FORBIDDEN, e.to_string()).into_response(),
    }
}

async fn receiver(mode: MessageMode, script: Vec<Answer>) -> (Receiver, String, tokio::task::JoinHandle<()>) {
    receiver_with(WechatCrypto::new(TOKEN, AES_KEY, APPID).unwrap(), mode, script).await
}

async fn receiver_with(
    crypto: WechatCrypto,
    mode: MessageMode,
    script: Vec<Answer>,
) -> (Receiver, String, tokio::task::JoinHandle<()>) {
    let r = Receiver {
        crypto,
        mode,
        script: Arc::new(Mutex::new(script.into())),
        opened: Arc::default(),
        refused: Arc::default(),
    };
    let app = Router::new().route("/wechat", get(verify).post(receive)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/wechat", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, url, task)
}

fn message_mode(mode: Mode) -> MessageMode {
    match mode {
        Mode::Plain => MessageMode::Plain,
        Mode::Compatible => MessageMode::Compatible,
        Mode::Safe => MessageMode::Safe,
    }
}

#[tokio::test]
async fn a_message_reaches_the_receiver_signed_and_encrypted_in_each_mode() {
    for mode in [Mode::Safe, Mode::Compatible, Mode::Plain] {
        let (r, url, _task) = receiver(message_mode(mode), vec![]).await;
        let f = Fixture::start_in(mode, Some(url)).await;
        f.follow(&["oFan1"]);
        let content = "你好 <b>&amp; ]]> done";
        let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: content.into() }).await.unwrap();
        assert!(report.delivered, "{mode:?}: {:?}", report.tries);
        assert_eq!(report.tries.len(), 1, "{mode:?}: accepted at the first try");
        assert_eq!(report.tries[0].outcome, "success");

        assert!(r.refused.lock().unwrap().is_empty(), "{mode:?}: wicket-wechat accepted every request");
        let opened = r.opened.lock().unwrap();
        let (message, query, body) = &opened[0];
        assert_eq!(
            message.kind,
            Inbound::Text { content: content.into() },
            "{mode:?}: the text survives CDATA and AES"
        );
        assert_eq!(message.from_user_name, "oFan1");
        assert_eq!(message.to_user_name, "gh_3e1b2c4d5f60", "{mode:?}: addressed to the account's original ID");
        assert_eq!(message.msg_id, report.msg_id, "{mode:?}: the report names the MsgId sent");
        assert!(message.msg_id.is_some());
        assert_eq!(query.get("openid").map(String::as_str), Some("oFan1"), "{mode:?}: openid in the query");
        let encrypted = mode != Mode::Plain;
        assert_eq!(query.get("encrypt_type").is_some(), encrypted, "{mode:?}: encrypt_type=aes when encrypted");
        assert_eq!(body.contains("<Encrypt>"), encrypted, "{mode:?}");
        assert_eq!(body.contains("<Content>"), mode != Mode::Safe, "{mode:?}: only safe mode hides the plaintext");
    }
}

#[tokio::test]
async fn events_reach_the_receiver_as_wechat_writes_them() {
    let (r, url, _task) = receiver(MessageMode::Safe, vec![]).await;
    let f = Fixture::start(Some(url)).await;
    let callbacks = [
        Callback::Subscribe { scene: Some("poster_7".into()) },
        Callback::Click { key: "MENU_HOURS".into() },
        Callback::View { url: "https://shop.example.com/".into() },
        Callback::Scan { scene: "table_3".into() },
        Callback::LocationReport {
            latitude: "23.137466".into(),
            longitude: "113.352425".into(),
            precision: "119.385040".into(),
        },
        Callback::Image { pic_url: "http://mmbiz.qpic.cn/x".into(), media_id: "m1".into() },
        Callback::Location {
            latitude: "23.134521".into(),
            longitude: "113.358803".into(),
            scale: "20".into(),
            label: "广州".into(),
        },
        Callback::Voice { media_id: "v1".into(), format: "amr".into(), recognition: Some("你好".into()) },
        Callback::Link { title: "T".into(), description: "D".into(), url: "https://example.com".into() },
        Callback::Unsubscribe,
    ];
    for callback in callbacks {
        let report = f.double.send_callback(APPID, "oNew", callback).await.unwrap();
        assert!(report.delivered);
    }
    assert!(r.refused.lock().unwrap().is_empty());
    let kinds: Vec<Inbound> = r.opened.lock().unwrap().iter().map(|(m, _, _)| m.kind.clone()).collect();
    assert!(
        matches!(&kinds[0], Inbound::Event(Event::Subscribe { scene: Some(s), ticket: Some(_) }) if s == "poster_7"),
        "{:?}",
        kinds[0]
    );
    assert_eq!(kinds[1], Inbound::Event(Event::Click { key: "MENU_HOURS".into() }));
    assert!(matches!(&kinds[2], Inbound::Event(Event::View { url, .. }) if url == "https://shop.example.com/"));
    assert!(matches!(&kinds[3], Inbound::Event(Event::Scan { scene, .. }) if scene == "table_3"));
    assert!(matches!(&kinds[4], Inbound::Event(Event::Location { precision, .. }) if precision == "119.385040"));
    assert_eq!(kinds[5], Inbound::Image { pic_url: "http://mmbiz.qpic.cn/x".into(), media_id: "m1".into() });
    assert!(
        matches!(&kinds[6], Inbound::Location { label, latitude, .. } if label == "广州" && latitude == "23.134521")
    );
    assert!(matches!(&kinds[7], Inbound::Voice { recognition: Some(r), .. } if r == "你好"));
    assert!(matches!(&kinds[8], Inbound::Link { .. }));
    assert_eq!(kinds[9], Inbound::Event(Event::Unsubscribe));
    let opened = r.opened.lock().unwrap();
    assert!(opened[0].0.msg_id.is_none(), "events carry no MsgId");
    assert!(opened[5].0.msg_id.is_some(), "messages do");
}

#[tokio::test]
async fn a_failed_answer_is_retried_with_the_same_msg_id_three_tries_in_all() {
    let (r, url, _task) =
        receiver(MessageMode::Safe, vec![Answer::Status(500), Answer::Garbage, Answer::Success]).await;
    let f = Fixture::start(Some(url)).await;
    f.follow(&["oFan1"]);
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "once".into() }).await.unwrap();
    let outcomes: Vec<(bool, &str)> = report.tries.iter().map(|t| (t.accepted, t.outcome.as_str())).collect();
    assert_eq!(outcomes[0], (false, "status 500"));
    assert!(!outcomes[1].0 && outcomes[1].1.starts_with("safe mode needs an encrypted reply"), "{outcomes:?}");
    assert_eq!(outcomes[2], (true, "success"));
    assert!(report.delivered);
    let opened = r.opened.lock().unwrap();
    assert_eq!(opened.len(), 3, "the receiver saw three tries");
    let keys: Vec<String> = opened.iter().map(|(m, _, _)| m.dedup_key()).collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "every try has the same MsgId: {keys:?}");
    let nonces: Vec<&String> = opened.iter().map(|(_, q, _)| &q["nonce"]).collect();
    assert_ne!(nonces[0], nonces[1], "each try is signed afresh");
    assert_eq!(f.double.callbacks(APPID).unwrap(), vec![report], "the double records the callback and its tries");
}

#[tokio::test]
async fn after_three_failed_tries_the_double_gives_up() {
    let (r, url, _task) = receiver(MessageMode::Safe, vec![Answer::Status(503); 5]).await;
    let f = Fixture::start(Some(url)).await;
    f.follow(&["oFan1"]);
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "lost".into() }).await.unwrap();
    assert!(!report.delivered);
    assert_eq!(report.tries.len(), 3, "3 tries in all");
    assert_eq!(r.opened.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_slow_answer_counts_as_none_and_is_tried_again() {
    let (r, url, _task) = receiver(MessageMode::Safe, vec![Answer::Sleep(2_000), Answer::Success]).await;
    let f = Fixture::start(Some(url)).await;
    f.change(AccountChange { callback_timeout_ms: Some(200), ..Default::default() });
    f.follow(&["oFan1"]);
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "slow".into() }).await.unwrap();
    assert_eq!(report.tries[0].outcome, "timed out after 200 ms");
    assert!(report.tries[1].accepted);
    assert_eq!(report.tries.len(), 2);
    assert_eq!(r.opened.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_passive_reply_is_opened_and_a_plaintext_one_refused_in_safe_mode() {
    let (_r, url, _task) =
        receiver(MessageMode::Safe, vec![Answer::Reply("收到"), Answer::PlainReply("plain"), Answer::Success]).await;
    let f = Fixture::start(Some(url)).await;
    f.follow(&["oFan1"]);
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "hi".into() }).await.unwrap();
    assert_eq!(report.tries[0].outcome, "passive reply");
    let reply = report.passive_reply.expect("the decrypted passive reply");
    assert!(reply.contains("<Content><![CDATA[收到]]></Content>"), "{reply}");
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "again".into() }).await.unwrap();
    assert!(report.tries[0].outcome.starts_with("safe mode needs an encrypted reply"), "{:?}", report.tries);
    assert!(report.tries[1].accepted);
}

#[tokio::test]
async fn the_url_check_sends_echostr_and_needs_it_back() {
    let (_r, url, _task) = receiver(MessageMode::Safe, vec![]).await;
    let f = Fixture::start(Some(url)).await;
    let check = f.double.verify_url(APPID).await.unwrap();
    assert!(check.verified, "{check:?}");
    f.change(AccountChange { token: Some("another-token".into()), ..Default::default() });
    let check = f.double.verify_url(APPID).await.unwrap();
    assert!(!check.verified, "a receiver with another Token refuses it");
    assert_eq!(check.status, Some(403));
}

#[tokio::test]
async fn a_rotated_key_seals_callbacks_that_only_the_new_key_opens() {
    const NEW_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    let (old, old_url, _old_task) = receiver(MessageMode::Safe, vec![]).await;
    let f = Fixture::start(Some(old_url)).await;
    f.follow(&["oFan1"]);
    f.change(AccountChange {
        encoding_aes_key: Some(NEW_KEY.into()),
        callback_max_tries: Some(1),
        ..Default::default()
    });
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "new key".into() }).await.unwrap();
    assert!(!report.delivered, "a receiver holding only the old key cannot open it");
    assert_eq!(report.tries[0].status, Some(403));
    assert_eq!(old.refused.lock().unwrap().len(), 1);

    let rotated = WechatCrypto::new(TOKEN, NEW_KEY, APPID).unwrap().with_previous_key(AES_KEY).unwrap();
    let (new, url, _new_task) = receiver_with(rotated, MessageMode::Safe, vec![]).await;
    f.change(AccountChange { callback_url: Some(url), ..Default::default() });
    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "new key".into() }).await.unwrap();
    assert!(report.delivered, "{:?}", report.tries);
    assert_eq!(new.opened.lock().unwrap()[0].0.kind, Inbound::Text { content: "new key".into() });
}
