//! The conversation view, layouts, the sandbox platform and the live feed,
//! over real HTTP and WebSocket on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wicket_model::Role;
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::{StaffClient, TestServer};

const T0: i64 = 1_767_225_600_000;

struct Fixture {
    server: TestServer,
    clock: ManualClock,
    http: reqwest::Client,
    owner: String,
}

async fn fixture(platform: &str) -> Fixture {
    let clock = ManualClock::at(T0);
    let server = TestServer::start_with(Arc::new(clock.clone()), ServerOptions::default()).await;
    let http = reqwest::Client::new();
    let mut f = Fixture { server, clock, http, owner: String::new() };
    f.owner = f.sign_in("boss", "correct horse battery").await;
    let create = json!({"client_id": "setup", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "acc", "name": "招商银行信用卡", "platform": platform, "category": "信用卡", "description": "", "avatar_color": "#1677ff"}}}]});
    let (status, _) = f.call(Method::POST, "/api/v1/push", Some(&f.owner.clone()), Some(create)).await;
    assert_eq!(status, StatusCode::OK);
    f
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    async fn sign_in(&self, login: &str, password: &str) -> String {
        StaffClient::sign_in(&self.server.base_url(), login, password).await.token().to_owned()
    }

    async fn staff(&self, login: &str, role: Role) -> String {
        self.server.staff(login, role).await.token().to_owned()
    }

    async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

async fn only_conversation(f: &Fixture) -> String {
    let (status, body) = f.call(Method::GET, "/api/v1/conversations?account_id=acc", Some(&f.owner), None).await;
    assert_eq!(status, StatusCode::OK);
    let conversations = body["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 1, "one conversation per subscriber");
    conversations[0]["id"].as_str().unwrap().to_owned()
}

async fn reply(f: &Fixture, conversation: &str, id: &str, text: &str, note: bool) -> (StatusCode, Value) {
    let body = json!({"client_msg_id": id, "body": {"type": "text", "text": text}, "note": note});
    f.call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(&f.owner), Some(body)).await
}

#[tokio::test]
async fn a_subscriber_and_staff_talk_through_the_sandbox() {
    let f = fixture("wechat").await;
    let mut browser = f.server.subscriber("acc");
    let (status, view) = browser.call(Method::GET, "view", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["account"]["name"], "招商银行信用卡");
    assert!(view["layout"].is_null(), "nothing is published yet");
    assert!(browser.cookie().is_some(), "the first visit gets a sandbox identity");

    let (status, sent) = browser.try_say("m-1", "我的还款日是哪天？").await;
    assert_eq!(status, StatusCode::OK);
    let (_, again) = browser.try_say("m-1", "我的还款日是哪天？").await;
    assert_eq!(sent["message"]["id"], again["message"]["id"], "the same client id is one message");

    let conversation = only_conversation(&f).await;
    let (status, _) = reply(&f, &conversation, "r-1", "每月 5 日", false).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = reply(&f, &conversation, "r-1", "每月 5 日", false).await;
    assert_eq!(status, StatusCode::OK, "a retried reply is accepted");
    reply(&f, &conversation, "n-1", "VIP, be kind", true).await;

    let (_, page) = browser.call(Method::GET, "messages?after=0", None).await;
    let texts: Vec<&str> =
        page["messages"].as_array().unwrap().iter().filter_map(|m| m["body"]["text"].as_str()).collect();
    assert_eq!(texts, ["我的还款日是哪天？", "每月 5 日"], "one question, one reply, and never the note");
    let cursor = page["cursor"].as_i64().unwrap();
    let (_, later) = browser.call(Method::GET, &format!("messages?after={cursor}"), None).await;
    assert!(later["messages"].as_array().unwrap().is_empty(), "nothing new after the cursor");

    let (_, staff_view) =
        f.call(Method::GET, &format!("/api/v1/conversations/{conversation}/messages"), Some(&f.owner), None).await;
    assert_eq!(staff_view["messages"].as_array().unwrap().len(), 3, "staff see the note too");
}

#[tokio::test]
async fn wechat_replies_follow_the_window_across_its_edges() {
    let f = fixture("wechat").await;
    let mut browser = f.server.subscriber("acc");
    let tap = json!({"event": "menu_tap", "key": "bill", "label": "账单"});
    browser.call(Method::POST, "events", Some(tap)).await;
    let conversation = only_conversation(&f).await;
    f.clock.advance(59_000);
    for i in 1..=3 {
        let (status, body) = reply(&f, &conversation, &format!("r{i}"), "您好", false).await;
        assert_eq!(status, StatusCode::OK, "reply {i} within a minute of a menu tap: {body}");
    }
    let (status, body) = reply(&f, &conversation, "r4", "您好", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a fourth reply is refused");
    assert_eq!(body["issues"][0]["key"], "reply_window.quota_used");

    browser.try_say("m-1", "还在吗").await;
    f.clock.advance(48 * 3_600_000 - 1);
    let (status, _) = reply(&f, &conversation, "r5", "在的", false).await;
    assert_eq!(status, StatusCode::OK, "open until the last millisecond of 48 hours");
    f.clock.advance(1);
    let (status, body) = reply(&f, &conversation, "r6", "在的", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["issues"][0]["key"], "reply_window.expired", "closed at exactly 48 hours");
    let (status, _) = reply(&f, &conversation, "n1", "follow up by phone", true).await;
    assert_eq!(status, StatusCode::OK, "notes are never limited");
}

#[tokio::test]
async fn unread_counts_are_per_staff_member() {
    let f = fixture("wechat").await;
    let agent = f.staff("xiaoli", Role::Agent).await;
    let mut browser = f.server.subscriber("acc");
    browser.call(Method::POST, "follow", None).await;
    browser.try_say("m-1", "你好").await;
    browser.try_say("m-2", "在吗").await;
    let conversation = only_conversation(&f).await;
    let unread = |token: String| {
        let f = &f;
        async move {
            let (_, body) = f.call(Method::GET, "/api/v1/conversations", Some(&token), None).await;
            body["unread"][0].as_u64().unwrap()
        }
    };
    assert_eq!(unread(f.owner.clone()).await, 2, "two messages, the follow event not counted");
    let path = format!("/api/v1/conversations/{conversation}/read");
    let (status, _) = f.call(Method::POST, &path, Some(&f.owner), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unread(f.owner.clone()).await, 0, "read by the owner");
    assert_eq!(unread(agent.clone()).await, 2, "still unread for the agent");
    f.clock.advance(1000);
    browser.try_say("m-3", "还有一个问题").await;
    assert_eq!(unread(f.owner.clone()).await, 1, "a newer message is unread again");
    let (status, _) = f.call(Method::POST, "/api/v1/conversations/nope/read", Some(&f.owner), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_account_with_adjusted_reply_rules_is_held_to_them() {
    let f = fixture("wechat").await;
    let settings = json!({
        "reply": {"message_window_hours": 24, "message_quota": 2, "event_window_seconds": 60, "event_quota": 3,
                  "events_open_message_window": false, "daily_cap": null},
        "broadcast": {"max": 4, "period": "month"}
    });
    let update = json!({"client_id": "settings", "mutations": [{"id": 1, "mutation": {"name": "update_account",
        "args": {"id": "acc", "patch": {"name": null, "category": null, "description": null, "avatar_color": null,
                 "settings": settings}}}}]});
    let (status, pushed) = f.call(Method::POST, "/api/v1/push", Some(&f.owner), Some(update)).await;
    assert_eq!((status, pushed["rejected"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{pushed}");

    let mut browser = f.server.subscriber("acc");
    browser.try_say("m-1", "你好").await;
    let conversation = only_conversation(&f).await;
    for i in 1..=2 {
        let (status, body) = reply(&f, &conversation, &format!("r{i}"), "您好", false).await;
        assert_eq!(status, StatusCode::OK, "reply {i} of the adjusted 2: {body}");
    }
    let (status, body) = reply(&f, &conversation, "r3", "您好", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the adjusted quota of 2 holds, not WeChat's 5");
    assert_eq!(body["issues"][0]["key"], "reply_window.quota_used");

    let wild = json!({"client_id": "settings", "mutations": [{"id": 2, "mutation": {"name": "update_account",
        "args": {"id": "acc", "patch": {"name": null, "category": null, "description": null, "avatar_color": null,
                 "settings": {"reply": {"message_window_hours": 9999, "message_quota": 2, "event_window_seconds": 60,
                   "event_quota": 3, "events_open_message_window": false, "daily_cap": null},
                   "broadcast": {"max": 4, "period": "month"}}}}}}]});
    let (_, pushed) = f.call(Method::POST, "/api/v1/push", Some(&f.owner), Some(wild)).await;
    assert_eq!(
        pushed["rejected"][0]["error"]["issues"][0]["path"], "settings.reply.message_window_hours",
        "a window of 9999 hours is refused with the field named"
    );
}

#[tokio::test]
async fn alipay_replies_stop_at_100_a_day() {
    let f = fixture("alipay").await;
    let mut browser = f.server.subscriber("acc");
    browser.try_say("m-1", "你好").await;
    let conversation = only_conversation(&f).await;
    for i in 0..100 {
        let (status, _) = reply(&f, &conversation, &format!("r{i}"), "好的", false).await;
        assert_eq!(status, StatusCode::OK, "reply {i}");
    }
    let (status, body) = reply(&f, &conversation, "r100", "好的", false).await;
    assert_eq!(
        (status, body["issues"][0]["key"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reply_window.daily_cap"))
    );
}

#[tokio::test]
async fn layouts_save_with_revisions_publish_and_roll_back() {
    let f = fixture("wechat").await;
    let (_, templates) = f.call(Method::GET, "/api/v1/templates", Some(&f.owner), None).await;
    let layout = templates[0]["layout"].clone();
    let path = "/api/v1/accounts/acc/layout/draft";
    let save = |revision: &str, layout: Value| {
        let request = f
            .http
            .put(f.url(path))
            .bearer_auth(&f.owner)
            .header("if-match", revision)
            .json(&json!({ "layout": layout }));
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, saved) = save("0", layout.clone()).await;
    assert_eq!((status, saved["revision"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(saved["updated_by"], "Boss", "the saver is named, not given as an id");
    let (status, stale) = save("0", layout.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "a save based on an old revision is a conflict");
    assert_eq!(stale["current"]["revision"], 1, "the conflict carries the current draft");

    let (status, published) =
        f.call(Method::POST, "/api/v1/accounts/acc/layout/publish", Some(&f.owner), Some(json!({"revision": 1}))).await;
    assert_eq!((status, published["version"].as_i64()), (StatusCode::OK, Some(1)));
    let (status, again) =
        f.call(Method::POST, "/api/v1/accounts/acc/layout/publish", Some(&f.owner), Some(json!({"revision": 1}))).await;
    assert_eq!(
        (status, again["version"].as_i64()),
        (StatusCode::OK, Some(1)),
        "publishing the same revision again (a retry after a lost answer) gives the same version"
    );

    let mut broken = layout.clone();
    broken["menu"]["items"][0]["label"] = json!("一个非常长的菜单名称");
    let (_, saved) = save("1", broken).await;
    assert!(!saved["issues"].as_array().unwrap().is_empty(), "the draft is kept, with its problems listed");
    let (status, refused) =
        f.call(Method::POST, "/api/v1/accounts/acc/layout/publish", Some(&f.owner), Some(json!({"revision": 2}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a layout that breaks a rule is not published");
    assert_eq!(refused["issues"][0]["path"], "menu.items.0.label");

    let (status, bad_file) = save("2", json!({"schema_version": 1, "modules": "nope"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a broken document is refused");
    assert_eq!(bad_file["code"], "invalid");

    save("2", layout.clone()).await;
    f.call(Method::POST, "/api/v1/accounts/acc/layout/publish", Some(&f.owner), Some(json!({"revision": 3}))).await;
    let (_, versions) = f.call(Method::GET, "/api/v1/accounts/acc/layout/versions", Some(&f.owner), None).await;
    assert_eq!(versions[0]["published_by"], "Boss", "the publisher is named");
    let live: Vec<(i64, bool)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["live"].as_bool().unwrap()))
        .collect();
    assert_eq!(live, [(2, true), (1, false)]);
    let (status, _) =
        f.call(Method::POST, "/api/v1/accounts/acc/layout/rollback", Some(&f.owner), Some(json!({"version": 1}))).await;
    assert_eq!(status, StatusCode::OK);
    let mut browser = f.server.subscriber("acc");
    let (_, view) = browser.call(Method::GET, "view", None).await;
    assert_eq!(view["version"], 1, "subscribers see the version rolled back to");
}

/// Every console route, with who may call it.
fn routes() -> Vec<(Method, &'static str, Option<Value>, &'static [Role])> {
    const EVERYONE: &[Role] = &[Role::Owner, Role::Admin, Role::Designer, Role::Agent];
    const DESIGNERS: &[Role] = &[Role::Owner, Role::Admin, Role::Designer];
    const AGENTS: &[Role] = &[Role::Owner, Role::Admin, Role::Agent];
    const ADMINS: &[Role] = &[Role::Owner, Role::Admin];
    vec![
        (Method::GET, "/api/v1/staff", None, ADMINS),
        (Method::POST, "/api/v1/staff", Some(json!({"login": "x", "role": "agent", "password": "p"})), ADMINS),
        (Method::PATCH, "/api/v1/staff/nobody", Some(json!({"display_name": "x"})), ADMINS),
        (Method::DELETE, "/api/v1/staff/nobody/sessions", None, ADMINS),
        (Method::PUT, "/api/v1/accounts/acc/layout/draft", Some(json!({"layout": {}})), DESIGNERS),
        (Method::GET, "/api/v1/accounts/acc/layout/versions/1", None, DESIGNERS),
        (Method::GET, "/api/v1/me", None, EVERYONE),
        (Method::GET, "/api/v1/changes?client_id=x", None, EVERYONE),
        (Method::POST, "/api/v1/push", Some(json!({"client_id": "m", "mutations": []})), EVERYONE),
        (Method::GET, "/api/v1/templates", None, EVERYONE),
        (Method::GET, "/api/v1/accounts/acc/layout/draft", None, DESIGNERS),
        (Method::GET, "/api/v1/accounts/acc/layout/versions", None, DESIGNERS),
        (Method::POST, "/api/v1/accounts/acc/layout/rollback", Some(json!({"version": 9})), DESIGNERS),
        (Method::POST, "/api/v1/accounts/acc/layout/publish", Some(json!({"revision": 0})), DESIGNERS),
        (Method::GET, "/api/v1/conversations", None, AGENTS),
        (Method::GET, "/api/v1/subscribers?account_id=acc", None, AGENTS),
        (Method::GET, "/api/v1/subscribers/nobody", None, AGENTS),
        (Method::GET, "/api/v1/conversations/none/messages", None, AGENTS),
        (Method::POST, "/api/v1/conversations/none/read", None, AGENTS),
        (Method::POST, "/api/v1/media", None, AGENTS),
        (
            Method::POST,
            "/api/v1/conversations/none/messages",
            Some(json!({"client_msg_id": "x", "body": {"type": "text", "text": "hi"}})),
            AGENTS,
        ),
    ]
}

#[tokio::test]
async fn every_route_checks_the_token_and_the_role() {
    let f = fixture("wechat").await;
    let mut tokens = vec![(Role::Owner, f.owner.clone())];
    for (login, role) in [("admin", Role::Admin), ("designer", Role::Designer), ("agent", Role::Agent)] {
        tokens.push((role, f.staff(login, role).await));
    }
    for (method, path, body, allowed) in routes() {
        let (status, _) = f.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without a token");
        let (status, _) = f.call(method.clone(), path, Some("not-a-token"), body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with a bad token");
        for (role, token) in &tokens {
            let (status, answer) = f.call(method.clone(), path, Some(token), body.clone()).await;
            if allowed.contains(role) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{method} {path} as {role:?} is allowed, got {status} {answer}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path} as {role:?}");
            }
        }
    }
}

async fn next_event<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await;
    let frame = frame.expect("an event within 10 s").expect("the socket is open").unwrap();
    serde_json::from_str(frame.to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn staff_hear_about_new_messages_live() {
    let f = fixture("wechat").await;
    let url = format!("ws://{}/api/v1/live", f.server.addr);
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {}", f.owner).parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the live feed opens");
    let hello = next_event(&mut socket).await;
    assert_eq!(hello["type"], "changes", "the socket starts by saying where the feed is");
    let start = hello["seq"].as_i64().unwrap();

    let mut browser = f.server.subscriber("acc");
    browser.try_say("m-1", "你好").await;
    let event = next_event(&mut socket).await;
    assert_eq!(event["type"], "changes");
    assert!(event["seq"].as_i64().unwrap() > start, "the feed moved on");
    assert_eq!(event["conversations"].as_array().unwrap().len(), 1, "and says which conversation changed");

    let no_token = tokio_tungstenite::connect_async(format!("ws://{}/api/v1/live", f.server.addr)).await;
    assert!(no_token.is_err(), "the live feed needs a token");
}

async fn live_socket(
    f: &Fixture,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!("ws://{}/api/v1/live", f.server.addr);
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the live feed opens");
    assert_eq!(next_event(&mut socket).await["type"], "changes", "each socket starts with the feed's position");
    socket
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn presence_frame(conversation: &str, state: &str) -> tokio_tungstenite::tungstenite::Message {
    let said = json!({"type": "presence", "conversation_id": conversation, "state": state});
    tokio_tungstenite::tungstenite::Message::Text(said.to_string().into())
}

/// Says `state` in `conversation` on a socket of `token`'s own and waits
/// until the server has handled it: an inbox role hears its own presence
/// back; any other role's socket is closed by an oversized frame sent
/// after it, which the server reads only once the presence is handled.
async fn say_presence_and_wait(f: &Fixture, token: &str, conversation: &str) {
    use futures_util::SinkExt;
    let mut socket = live_socket(f, token).await;
    socket.send(presence_frame(conversation, "viewing")).await.unwrap();
    let (_, me) = f.call(Method::GET, "/api/v1/me", Some(token), None).await;
    if me["role"] == "designer" {
        let oversized = tokio_tungstenite::tungstenite::Message::Text("x".repeat(64 * 1024).into());
        let _closing = socket.send(oversized).await;
        while let Ok(Some(Ok(_))) = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await {}
    } else {
        let echo = next_event(&mut socket).await;
        assert_eq!((echo["type"].as_str(), echo["state"].as_str()), (Some("presence"), Some("viewing")));
    }
}

/// What a staff socket heard up to and including the `changes` event at
/// `seq`: presence events as "name state", and the conversations named by
/// `changes` events.
async fn heard_until(socket: &mut Socket, seq: i64) -> (Vec<String>, Vec<String>) {
    let (mut presence, mut conversations) = (Vec::new(), Vec::new());
    loop {
        let event = next_event(socket).await;
        match event["type"].as_str() {
            Some("presence") => presence.push(format!(
                "{} {}",
                event["display_name"].as_str().unwrap(),
                event["state"].as_str().unwrap()
            )),
            Some("changes") => {
                let named = event["conversations"].as_array().unwrap();
                conversations.extend(named.iter().map(|id| id.as_str().unwrap().to_owned()));
                if event["seq"].as_i64().unwrap() >= seq {
                    return (presence, conversations);
                }
            }
            _ => panic!("an unexpected event {event}"),
        }
    }
}

/// The authorization matrix of the change feed and the live socket: what
/// each role receives, by the permission the routes reading the same things
/// require (a designer gets accounts, never a message, private note or
/// subscriber note, nor who is in which conversation).
#[tokio::test]
async fn the_feed_and_the_live_socket_carry_to_each_role_only_what_it_may_read() {
    const INBOX: &[&str] =
        &["account", "auto_reply_rule", "broadcast_draft", "conversation", "message", "segment", "subscriber"];
    const ACCOUNTS: &[&str] = &["account"];
    let expected: [(Role, &[&str]); 4] =
        [(Role::Owner, INBOX), (Role::Admin, INBOX), (Role::Designer, ACCOUNTS), (Role::Agent, INBOX)];
    let f = fixture("wechat").await;
    let mut tokens = vec![(Role::Owner, f.owner.clone())];
    for (login, role) in [("admin", Role::Admin), ("designer", Role::Designer), ("agent", Role::Agent)] {
        tokens.push((role, f.staff(login, role).await));
    }
    let mut sockets = Vec::new();
    for (role, token) in &tokens {
        sockets.push((*role, live_socket(&f, token).await));
    }

    // A subscriber writes; staff add a private note and a note on the subscriber.
    let mut browser = f.server.subscriber("acc");
    browser.try_say("m-1", "我的卡被冻结了").await;
    let conversation = only_conversation(&f).await;
    let (status, _) = reply(&f, &conversation, "n-1", "内部备注：核实身份后再解冻", true).await;
    assert_eq!(status, StatusCode::OK);
    let (_, subscribers) = f.call(Method::GET, "/api/v1/subscribers?account_id=acc", Some(&f.owner), None).await;
    let subscriber = subscribers["subscribers"][0]["id"].as_str().expect("the subscriber is listed").to_owned();
    let note = json!({"client_id": "boss-console", "mutations": [{"id": 1, "mutation": {"name": "update_subscriber",
        "args": {"id": subscriber, "tags": null, "note": "私密：VIP 客户"}}},
        {"id": 2, "mutation": {"name": "save_auto_reply_rule", "args": {"id": "r-1", "account_id": "acc",
        "name": "还款日", "trigger": {"kind": "keyword", "keywords": [{"text": "还款日", "mode": "contains"}]},
        "priority": 0, "replies": [{"type": "text", "text": "每月 5 日"}], "reply_mode": "all", "enabled": true}}},
        {"id": 3, "mutation": {"name": "save_segment", "args": {"id": "seg-1", "account_id": "acc",
        "name": "VIP 客户", "filter": {"tags_any": ["VIP"]}}}},
        {"id": 4, "mutation": {"name": "save_broadcast_draft", "args": {"id": "draft-1", "account_id": "acc",
        "content": {"type": "text", "text": "周末新品"}, "audience": {"kind": "all"}}}}]});
    let (status, pushed) = f.call(Method::POST, "/api/v1/push", Some(&f.owner), Some(note)).await;
    assert_eq!((status, pushed["rejected"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{pushed}");

    // An agent and a designer each say they view the conversation, on
    // sockets of their own; then the subscriber writes again.
    say_presence_and_wait(&f, &f.staff("agent-2", Role::Agent).await, &conversation).await;
    say_presence_and_wait(&f, &f.staff("designer-2", Role::Designer).await, &conversation).await;
    browser.try_say("m-2", "还在吗").await;
    let newest = f.server.state.storage.last_seq().await.unwrap();

    for (((role, token), (socket_role, socket)), (expected_role, kinds)) in
        tokens.iter().zip(sockets.iter_mut()).zip(expected)
    {
        assert_eq!((*role, *socket_role), (expected_role, expected_role), "one row per role");
        let (status, feed) =
            f.call(Method::GET, &format!("/api/v1/changes?client_id={role:?}"), Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{role:?} follows the feed");
        let mut received: Vec<&str> =
            feed["changes"].as_array().unwrap().iter().map(|c| c["change"]["kind"].as_str().unwrap()).collect();
        received.sort();
        received.dedup();
        assert_eq!(received, *kinds, "the kinds of change {role:?} pulls");
        let mut scope: Vec<&str> = feed["scope"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        scope.sort();
        assert_eq!(scope, *kinds, "the pull says its scope to {role:?}");
        assert_eq!(feed["cursor"], newest, "{role:?}'s cursor ends at the feed's newest position");
        let inbox = kinds.contains(&"message");
        let text = feed.to_string();
        for secret in ["冻结", "内部备注", "私密：VIP"] {
            assert_eq!(text.contains(secret), inbox, "{secret} in {role:?}'s feed");
        }

        let (presence, conversations) = heard_until(socket, newest).await;
        if inbox {
            assert_eq!(
                presence,
                ["agent-2 viewing", "agent-2 left"],
                "{role:?} hears the agent, and only the agent, view the conversation and leave as its socket closes"
            );
            assert!(conversations.contains(&conversation), "{role:?} hears which conversation changed");
        } else {
            assert!(presence.is_empty(), "{role:?} hears nobody's presence: {presence:?}");
            assert!(conversations.is_empty(), "{role:?} hears that the feed moved, not where: {conversations:?}");
        }
    }
}

/// A role change reaches an open socket: it says the new role, and relays
/// by it from then on.
#[tokio::test]
async fn a_live_socket_follows_its_staff_members_role() {
    let f = fixture("wechat").await;
    let agent = f.staff("xiaoli", Role::Agent).await;
    let (_, me) = f.call(Method::GET, "/api/v1/me", Some(&agent), None).await;
    let path = format!("/api/v1/staff/{}", me["id"].as_str().unwrap());
    let mut socket = live_socket(&f, &agent).await;
    let mut browser = f.server.subscriber("acc");

    let (status, _) = f.call(Method::PATCH, &path, Some(&f.owner), Some(json!({"role": "designer"}))).await;
    assert_eq!(status, StatusCode::OK);
    let told = next_event(&mut socket).await;
    assert_eq!((told["type"].as_str(), told["role"].as_str()), (Some("role"), Some("designer")), "{told}");
    browser.try_say("m-1", "你好").await;
    let conversation = only_conversation(&f).await;
    say_presence_and_wait(&f, &f.owner, &conversation).await;
    browser.try_say("m-2", "在吗").await;
    let newest = f.server.state.storage.last_seq().await.unwrap();
    let (presence, conversations) = heard_until(&mut socket, newest).await;
    assert!(presence.is_empty() && conversations.is_empty(), "as a designer: {presence:?} {conversations:?}");

    let (status, _) = f.call(Method::PATCH, &path, Some(&f.owner), Some(json!({"role": "agent"}))).await;
    assert_eq!(status, StatusCode::OK);
    let told = next_event(&mut socket).await;
    assert_eq!((told["type"].as_str(), told["role"].as_str()), (Some("role"), Some("agent")), "{told}");
    browser.try_say("m-3", "人呢").await;
    let newest = f.server.state.storage.last_seq().await.unwrap();
    let (_, conversations) = heard_until(&mut socket, newest).await;
    assert_eq!(conversations, [conversation], "as an agent again, it hears which conversation changed");
}

#[tokio::test]
async fn colleagues_see_who_views_and_types_and_see_them_leave_when_their_socket_drops() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message as Frame;
    let f = fixture("wechat").await;
    let agent = f.staff("xiaoli", Role::Agent).await;
    let mut watcher = live_socket(&f, &f.owner).await;
    let mut colleague = live_socket(&f, &agent).await;

    let say = |conversation: &str, state: &str| {
        Frame::Text(json!({"type": "presence", "conversation_id": conversation, "state": state}).to_string().into())
    };
    colleague.send(say("conv-1", "viewing")).await.unwrap();
    let seen = next_event(&mut watcher).await;
    assert_eq!((seen["type"].as_str(), seen["state"].as_str()), (Some("presence"), Some("viewing")));
    assert_eq!(seen["display_name"], "xiaoli", "the colleague is named");
    colleague.send(say("conv-1", "typing")).await.unwrap();
    assert_eq!(next_event(&mut watcher).await["state"], "typing");

    colleague.send(say("conv-2", "viewing")).await.unwrap();
    let left = next_event(&mut watcher).await;
    assert_eq!(
        (left["conversation_id"].as_str(), left["state"].as_str()),
        (Some("conv-1"), Some("left")),
        "moving on leaves the first"
    );
    assert_eq!(next_event(&mut watcher).await["conversation_id"], "conv-2");

    drop(colleague);
    let gone = next_event(&mut watcher).await;
    assert_eq!(
        (gone["conversation_id"].as_str(), gone["state"].as_str()),
        (Some("conv-2"), Some("left")),
        "a dropped socket is announced as leaving, so nobody is shown there for ever"
    );
}

#[tokio::test]
async fn the_feed_replayed_while_writes_race_ends_at_the_same_state() {
    let f = fixture("wechat").await;
    let writer = {
        let http = f.http.clone();
        let url = f.url("/api/v1/push");
        let token = f.owner.clone();
        tokio::spawn(async move {
            for i in 0..40 {
                let body = json!({"client_id": "racer", "mutations": [{"id": i + 1, "mutation": {"name": "create_account", "args": {
                    "id": format!("race-{i}"), "name": format!("Shop {i}"), "platform": "wechat", "category": "", "description": "", "avatar_color": "#07c160"}}}]});
                http.post(&url).bearer_auth(&token).json(&body).send().await.unwrap();
            }
        })
    };
    let mut seen = std::collections::BTreeMap::new();
    let mut cursor = 0;
    let mut last_seq = 0;
    loop {
        let (_, page) = f
            .call(
                Method::GET,
                &format!("/api/v1/changes?client_id=reader&after={cursor}&limit=3"),
                Some(&f.owner),
                None,
            )
            .await;
        for entry in page["changes"].as_array().unwrap() {
            let seq = entry["seq"].as_i64().unwrap();
            assert!(seq > last_seq, "no change is seen twice or out of order");
            last_seq = seq;
            seen.insert(entry["change"]["data"]["id"].as_str().unwrap().to_owned(), entry["change"].clone());
        }
        cursor = page["cursor"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() && writer.is_finished() {
            let (_, tail) = f
                .call(Method::GET, &format!("/api/v1/changes?client_id=reader&after={cursor}"), Some(&f.owner), None)
                .await;
            if tail["changes"].as_array().unwrap().is_empty() {
                break;
            }
        }
    }
    writer.await.unwrap();
    let (_, full) = f.call(Method::GET, "/api/v1/changes?client_id=fresh&after=0", Some(&f.owner), None).await;
    let mut replayed = std::collections::BTreeMap::new();
    for entry in full["changes"].as_array().unwrap() {
        replayed.insert(entry["change"]["data"]["id"].as_str().unwrap().to_owned(), entry["change"].clone());
    }
    assert_eq!(seen.len(), 41, "every account, the first one included");
    assert_eq!(seen, replayed, "a replay that raced the writes ends where a fresh one does");
}

#[tokio::test]
async fn the_subscriber_page_fills_template_fields_from_the_visitor_never_the_sample_subscriber() {
    let f = fixture("alipay").await;
    let mut browser = f.server.subscriber("acc");
    let (status, view) = browser.call(Method::GET, "view", None).await;
    assert_eq!(status, StatusCode::OK);
    let sample = &view["sample"];
    assert_eq!(sample["name"], view["subscriber"]["display_name"], "the visitor's own name");
    assert!(
        sample["name"].as_str().unwrap().starts_with("访客 "),
        "a visitor's name, not the designer's 张三: {sample}"
    );
    assert!(sample["id"].as_str().unwrap().starts_with("sandbox-"), "the visitor's own id: {sample}");
    let designer_sample = serde_json::to_value(wicket_model::layout::SampleSubscriber::default()).unwrap();
    for (field, value) in sample.as_object().unwrap() {
        if field != "name" && field != "id" {
            assert_eq!(
                value, "",
                "`{field}` is unknown for a visitor, so empty (the designer shows {})",
                designer_sample[field]
            );
        }
    }
    assert!(!view.to_string().contains("8848"), "no sample card number reaches the page");
}
