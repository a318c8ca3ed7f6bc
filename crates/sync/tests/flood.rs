//! A flood of subscriber events, each as long as the rules allow, against a
//! real server on loopback: every string is bounded when it comes in, and
//! pull pages are bounded by bytes as well as by count, so a console still
//! pulls everything, page by page, and its cursor always moves on.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server, wait_for};
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::conversation_rules::{self, Inbound, NewIds};
use wicket_model::inbox::{InboxFilter, InboxScope};
use wicket_model::sync::{Connection, NumberedMutation, PushRequest, PULL_MAX_BYTES};
use wicket_model::{Change, Mutation, NewAccount, PlatformProfile};
use wicket_server::RunningServer;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine};

const ACCOUNT: &str = "shop";
const SUBSCRIBERS: usize = 4;
const EVENTS_EACH: usize = 750;

/// The longest event of each kind WeChat's rules let in.
fn maximal_event(n: usize) -> SubscriberEvent {
    match n % 10 {
        // 128 bytes of key; a sub-label of 60 bytes (20 CJK characters).
        0 => SubscriberEvent::MenuTap { key: format!("{n:0>128}"), label: "菜".repeat(20) },
        // 64 characters of scene.
        1 => SubscriberEvent::Scan { scene: "场".repeat(64) },
        // 2,048 bytes of keyword.
        _ => SubscriberEvent::Keyword { keyword: format!("{}{:02}", "查".repeat(682), n % 100) },
    }
}

async fn shop(server: &RunningServer, token: &str) {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let shop = NewAccount {
        id: ACCOUNT.into(),
        name: "街角咖啡".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    };
    let request = PushRequest {
        client_id: "setup".into(),
        mutations: vec![NumberedMutation { id: 1, mutation: Mutation::CreateAccount(shop) }],
    };
    assert!(client.push(token, &request).await.unwrap().rejected.is_empty(), "the account is created");
}

/// Through the subscriber web app's own route: a maximal event goes in, one
/// byte more is refused with 422 and the issue that names the field.
async fn events_over_http(base: &str) {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{base}/s/api/{ACCOUNT}/{path}");
    let followed = http.post(url("follow")).send().await.unwrap();
    assert!(followed.status().is_success(), "the sandbox takes the follow");
    let cookie = followed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let post = |event: serde_json::Value| http.post(url("events")).header("cookie", &cookie).json(&event).send();

    let longest = serde_json::json!({"event": "menu_tap", "key": "k".repeat(128), "label": "菜".repeat(20)});
    assert_eq!(post(longest).await.unwrap().status(), 200, "WeChat's longest key and label are taken");
    for (event, path) in [
        (serde_json::json!({"event": "menu_tap", "key": "k".repeat(129), "label": "菜单"}), "body.key"),
        (serde_json::json!({"event": "menu_tap", "key": "k", "label": "菜".repeat(21)}), "body.label"),
        (serde_json::json!({"event": "scan", "scene": "场".repeat(65)}), "body.scene"),
        (serde_json::json!({"event": "keyword", "keyword": "k".repeat(512 * 1024)}), "body.keyword"),
    ] {
        let refused = post(event).await.unwrap();
        assert_eq!(refused.status(), 422, "an over-long {path} is refused");
        let error: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(error["issues"][0]["key"], "message.field.too_long", "the issue says why: {error}");
        assert_eq!(error["issues"][0]["path"], path, "and which field");
    }
}

/// The flood, through the same rules as the sandbox's event route, several
/// subscribers at once, within a bounded time.
async fn flood(server: &RunningServer) {
    let work = (0..SUBSCRIBERS).map(|s| {
        let state = server.state.clone();
        tokio::spawn(async move {
            for n in 0..EVENTS_EACH {
                let inbound = Inbound {
                    account_id: ACCOUNT.into(),
                    platform: "sandbox".into(),
                    platform_user_id: format!("visitor-{s}"),
                    display_name: "名".repeat(64),
                    platform_msg_id: Some(format!("{s}-{n}")),
                    body: MessageBody::Event(maximal_event(n)),
                };
                let ids =
                    NewIds { subscriber: format!("s{s}"), conversation: format!("c{s}"), message: format!("m{s}-{n}") };
                let now = state.clock.now();
                let decide = Box::new(move |world: &dyn wicket_model::World| {
                    conversation_rules::receive(world, &inbound, &ids, now)
                });
                state.storage.record(decide, now).await.unwrap().expect("a maximal event is taken");
            }
        })
    });
    let all = futures_util::future::join_all(work);
    let done = tokio::time::timeout(Duration::from_secs(300), all).await.expect("the flood ends in time");
    for task in done {
        task.unwrap();
    }
}

fn everything() -> InboxFilter {
    InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false }
}

fn cached_messages(cache: &Cache) -> usize {
    let mut count = 0;
    for item in cache.conversations(&everything(), "").unwrap() {
        let mut before = None;
        loop {
            let page = cache.messages(&item.conversation.id, before.as_ref(), 200).unwrap();
            count += page.messages.len();
            match page.older {
                Some(cursor) => before = Some(cursor),
                None => break,
            }
        }
    }
    count
}

#[tokio::test]
async fn a_flood_of_maximal_events_is_pulled_whole_in_pages_under_the_byte_bound() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    shop(&server, &token).await;
    events_over_http(&server.base_url()).await;
    flood(&server).await;
    let newest = server.state.storage.last_seq().await.unwrap();

    // A console pulling with the largest page the server gives (1,000).
    let client = ServerClient::new(&server.base_url()).unwrap();
    let (mut cursor, mut pages, mut byte_bound_pages, mut messages) = (0, 0, 0, 0);
    loop {
        let page = client.pull(&token, "observer", cursor, 1000).await.unwrap();
        let bytes = serde_json::to_vec(&page).unwrap().len();
        assert!(
            bytes <= PULL_MAX_BYTES + 64 * 1024,
            "page {pages} is {bytes} bytes with {} changes: over the bound of {PULL_MAX_BYTES}",
            page.changes.len()
        );
        assert!(!page.changes.is_empty() || !page.more, "a page says more only with changes in it");
        assert!(page.cursor > cursor || !page.more, "the cursor moves on while there is more");
        if page.more && page.changes.len() < 1000 {
            byte_bound_pages += 1;
        }
        messages += page.changes.iter().filter(|entry| matches!(entry.change, Change::Message(_))).count();
        pages += 1;
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(cursor, newest, "the pages reach the server's newest change");
    // The HTTP subscriber's follow and menu tap, then the flood.
    assert_eq!(messages, 2 + SUBSCRIBERS * EVENTS_EACH, "every event was pulled once");
    assert!(byte_bound_pages >= 3, "the byte bound ended {byte_bound_pages} of {pages} pages");

    // The console itself catches up with all of it.
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    let engine = SyncEngine::start(cache.clone(), client, token.clone(), quiet());
    wait_for(&engine, "the catch-up", |s| s.connection == Connection::Online && s.pending == 0).await;
    assert_eq!(cache.cursor().unwrap(), newest, "the console's cursor is at the server's newest change");
    assert_eq!(cached_messages(&cache), messages, "the console holds every message");
    engine.stop();
    server.stop().await;
}
