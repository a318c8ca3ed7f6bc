//! Three `wicket-server` processes on one PostgreSQL database behind a
//! round-robin TCP load balancer written here (a connection goes to the
//! next backend that accepts it, as nginx's `proxy_next_upstream` would).
//! Sandbox subscribers and a staff console send through the balancer, a
//! broadcast goes to thousands of followers, and the process running the
//! broadcast is killed (SIGKILL) in its middle, with messages and pushes
//! under way. Then: every message and push is in the feed exactly once and
//! in each sender's order, every follower got the broadcast exactly once,
//! and the survivors' live sockets still hear each other's writes.
//! Built with the `postgres` feature: `cargo test -p wicket-server
//! --features postgres --test multi_process` (`make test-postgres`).
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use wicket_model::conversation::{Conversation, ConversationStatus, Subscriber};
use wicket_model::Change;
use wicket_server::postgres::PgStorage;
use wicket_server::storage::Storage;
use wicket_server::{AppState, SystemClock};
use wicket_test_support::{PostgresCluster, SandboxSubscriber, ServerProcesses};

/// Processes on the database.
const PROCESSES: usize = 3;
/// Followers the broadcast goes to (sandbox subscribers, stored directly).
const FOLLOWERS: usize = 6_000;
/// Subscribers writing through the balancer, one message after another,
/// from before the kill until after the broadcast is done.
const WRITERS: usize = 12;
/// Messages and pushes answered after the broadcast is done before the
/// traffic stops.
const AFTER: usize = 100;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// Requests a process's death cut short (connection errors, 5xx), sent again.
static RETRIES: AtomicU64 = AtomicU64::new(0);
/// Messages and pushes answered so far.
static ANSWERED: AtomicUsize = AtomicUsize::new(0);
/// Set when the senders may stop.
static STOP: AtomicBool = AtomicBool::new(false);

/// Sends the request `build` makes until it gets an answer that is not a
/// transport error or a 5xx (the same body each time: every write here is
/// idempotent by its id). Each request on a new connection, so the
/// balancer spreads them.
async fn retrying(build: impl Fn() -> reqwest::RequestBuilder) -> (u16, Value) {
    for _ in 0..600 {
        match build().send().await {
            Ok(response) if !response.status().is_server_error() => {
                let status = response.status().as_u16();
                match response.text().await {
                    Ok(text) => return (status, serde_json::from_str(&text).unwrap_or(Value::Null)),
                    Err(_) => RETRIES.fetch_add(1, Ordering::Relaxed),
                };
            }
            _ => {
                RETRIES.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a request never got an answer");
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(20)).build().unwrap()
}

async fn live(addr: SocketAddr, token: &str) -> Socket {
    let url = format!("ws://{addr}/api/v1/live");
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    tokio_tungstenite::connect_async(request).await.expect("the live feed opens").0
}

/// Counts a live socket's `changes` events, and keeps the conversations named.
fn follow(mut socket: Socket) -> (Arc<AtomicU64>, Arc<std::sync::Mutex<Vec<String>>>) {
    let (count, seen) = (Arc::new(AtomicU64::new(0)), Arc::new(std::sync::Mutex::new(Vec::new())));
    let (c, s) = (count.clone(), seen.clone());
    tokio::spawn(async move {
        while let Some(Ok(frame)) = socket.next().await {
            let Frame::Text(text) = frame else { continue };
            let event: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if event["type"] == "changes" {
                c.fetch_add(1, Ordering::Relaxed);
                for id in event["conversations"].as_array().into_iter().flatten() {
                    s.lock().unwrap().push(id.as_str().unwrap_or_default().to_owned());
                }
            }
        }
    });
    (count, seen)
}

fn follower(n: usize) -> [Change; 2] {
    let id = format!("f{n:05}");
    let subscriber = Subscriber {
        id: id.clone(),
        account_id: "shop".into(),
        platform: "sandbox".into(),
        platform_user_id: format!("visitor-{id}"),
        display_name: id.clone(),
        following: true,
        followed_at: Some(0),
        tags: vec![],
        note: String::new(),
        created_at: 0,
        updated_at: 0,
    };
    let conversation = Conversation {
        id: format!("conv-{id}"),
        account_id: "shop".into(),
        subscriber_id: id,
        status: ConversationStatus::Open,
        assignee: None,
        labels: vec![],
        last_activity_at: 0,
        preview: String::new(),
        created_at: 0,
        updated_at: 0,
    };
    [Change::Subscriber(subscriber), Change::Conversation(conversation)]
}

fn psql(url: &str, sql: &str) -> String {
    let database = url.rsplit('/').next().unwrap().to_owned();
    PostgresCluster::shared().psql(&database, sql).trim().to_owned()
}

async fn psql_async(url: &str, sql: &str) -> String {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    tokio::task::spawn_blocking(move || psql(&url, &sql)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_process_killed_mid_broadcast_and_mid_traffic_loses_and_doubles_nothing() {
    let url = tokio::task::spawn_blocking(|| PostgresCluster::shared().fresh_database()).await.unwrap();
    // The owner and the followers, written straight into the database.
    let seed: Arc<dyn Storage> = Arc::new(PgStorage::connect(&url).await.unwrap());
    let state = AppState::new(seed.clone(), Arc::new(SystemClock));
    let owner = state.create_owner("boss", "Boss", "correct horse battery").await.unwrap();
    let token = state.open_session(owner).await.unwrap().token;

    let mut servers = ServerProcesses::start(
        Path::new(env!("CARGO_BIN_EXE_wicket-server")),
        &url,
        PROCESSES,
        &["--sandbox-requests-per-minute", "1000000"],
    )
    .await;
    let addrs = servers.addrs.clone();
    let front = servers.front_url();

    let client = http();
    let staff =
        |method: reqwest::Method, path: &str| client.request(method, format!("{front}{path}")).bearer_auth(&token);
    let create = json!({"client_id": "setup", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "shop", "name": "Oat Milk Shop", "platform": "wechat", "category": "Food", "description": "",
        "avatar_color": "#07c160"}}}]});
    let (status, answer) = retrying(|| staff(reqwest::Method::POST, "/api/v1/push").json(&create)).await;
    assert_eq!(status, 200, "{answer}");
    for chunk in (0..FOLLOWERS).collect::<Vec<_>>().chunks(1_000) {
        let changes: Vec<Change> = chunk.iter().flat_map(|n| follower(*n)).collect();
        seed.record(Box::new(move |_| Ok(changes)), 0).await.unwrap().unwrap();
    }

    // A staff socket on every process.
    let mut sockets = Vec::new();
    for addr in &addrs {
        sockets.push(follow(live(*addr, &token).await));
    }

    // The writers: each one's first message before any kill (it makes the
    // subscriber and its cookie), then the rest under way.
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let mut browser = SandboxSubscriber::new(&front, "shop");
        browser.say(&format!("w{w}-0"), "0").await;
        writers
            .push((browser.cookie().unwrap().to_owned(), browser.messages().await.messages[0].conversation_id.clone()));
    }
    let pushed_into = writers[0].1.clone();

    let body = json!({"id": "b1", "content": {"type": "text", "text": "春季新品"}, "audience": {"kind": "all"}});
    let (status, made) =
        retrying(|| staff(reqwest::Method::POST, "/api/v1/accounts/shop/broadcasts").json(&body)).await;
    assert_eq!(status, 200, "{made}");

    let mut traffic = tokio::task::JoinSet::new();
    for (w, (cookie, _)) in writers.iter().cloned().enumerate() {
        let front = front.clone();
        traffic.spawn(async move {
            let client = http();
            let mut n = 1;
            while !STOP.load(Ordering::Relaxed) {
                let send =
                    json!({"client_msg_id": format!("w{w}-{n}"), "body": {"type": "text", "text": n.to_string()}});
                let (status, answer) = retrying(|| {
                    client.post(format!("{front}/s/api/shop/messages")).header("cookie", &cookie).json(&send)
                })
                .await;
                assert_eq!(status, 200, "message {n} of writer {w}: {answer}");
                ANSWERED.fetch_add(1, Ordering::Relaxed);
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (w, n)
        });
    }
    {
        let (front, token, conversation) = (front.clone(), token.clone(), pushed_into.clone());
        traffic.spawn(async move {
            let client = http();
            let mut n = 1;
            while !STOP.load(Ordering::Relaxed) {
                let push = json!({"client_id": "console-1", "mutations": [{"id": n, "mutation": {"name": "send_message",
                    "args": {"id": format!("note-{n}"), "conversation_id": conversation,
                             "body": {"type": "text", "text": n.to_string()}, "note": true}}}]});
                let (status, answer) =
                    retrying(|| client.post(format!("{front}/api/v1/push")).bearer_auth(&token).json(&push)).await;
                assert_eq!(status, 200, "push {n}: {answer}");
                assert!(answer["rejected"].as_array().is_none_or(Vec::is_empty), "push {n} refused: {answer}");
                ANSWERED.fetch_add(1, Ordering::Relaxed);
                n += 1;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            (usize::MAX, n)
        });
    }

    // Kill the process running the broadcast once it has delivered some and not all.
    let sent_sql = "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = 'b1' AND state = 'sent'";
    let (victim, sent_at_kill) = loop {
        let holder = psql_async(&url, "SELECT holder FROM leases WHERE name = 'broadcast:b1'").await;
        let sent: usize = psql_async(&url, sent_sql).await.parse().unwrap();
        assert!(sent < FOLLOWERS, "the broadcast ended before a process could be killed in its middle");
        if sent > 0 && !holder.is_empty() {
            let victim = servers.by_instance(&holder);
            break (victim.expect("the lease holder is one of the processes"), sent);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let answered_at_kill = ANSWERED.load(Ordering::Relaxed);
    servers.processes[victim].kill();
    let kills = 1;

    // The broadcast is finished by a survivor once the lease lapses.
    let mut status = String::new();
    for _ in 0..1_200 {
        status = psql_async(&url, "SELECT status FROM broadcasts WHERE id = 'b1'").await;
        if status == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "done", "a survivor finished the broadcast");
    let answered_at_done = ANSWERED.load(Ordering::Relaxed);
    while ANSWERED.load(Ordering::Relaxed) < answered_at_done + AFTER {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    STOP.store(true, Ordering::Relaxed);
    // How many each writer sent (numbered 0 to n - 1), and the pushes (1 to n - 1).
    let (mut sent_by, mut pushes) = (HashMap::new(), 0);
    while let Some(done) = traffic.join_next().await {
        let (w, n) = done.unwrap();
        if w == usize::MAX {
            pushes = n - 1;
        } else {
            sent_by.insert(w, n);
        }
    }

    // What a console pulls from the start of the feed, through the balancer.
    let (mut cursor, mut feed) = (0_i64, Vec::new());
    loop {
        let path = format!("/api/v1/changes?client_id=auditor&after={cursor}&limit=1000");
        let (status, page) = retrying(|| staff(reqwest::Method::GET, &path)).await;
        assert_eq!(status, 200, "{page}");
        feed.extend(page["changes"].as_array().unwrap().iter().cloned());
        cursor = page["cursor"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    let mut firsts: HashMap<String, usize> = HashMap::new();
    let mut by_conversation: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut broadcast_entries: HashMap<String, usize> = HashMap::new();
    for entry in &feed {
        if entry["change"]["kind"] != "message" {
            continue;
        }
        let message = &entry["change"]["data"];
        let id = message["id"].as_str().unwrap().to_owned();
        if id.starts_with("broadcast-b1-") {
            *broadcast_entries.entry(id.clone()).or_default() += 1;
            continue;
        }
        *firsts.entry(id.clone()).or_default() += 1;
        if firsts[&id] == 1 {
            let conversation = message["conversation_id"].as_str().unwrap().to_owned();
            let kind = if id.starts_with("note-") { "note" } else { "message" };
            by_conversation
                .entry(conversation)
                .or_default()
                .push((kind.to_owned(), message["body"]["text"].as_str().unwrap_or_default().to_owned()));
        }
    }
    let sent_messages = sent_by.values().sum::<usize>() + pushes;
    let mut lost = 0;
    let mut reordered = 0;
    for (w, (_, conversation)) in writers.iter().enumerate() {
        let texts: Vec<usize> = by_conversation
            .get(conversation)
            .into_iter()
            .flatten()
            .filter(|(kind, _)| kind == "message")
            .map(|(_, text)| text.parse().unwrap())
            .collect();
        let each = sent_by[&w];
        lost += (0..each).filter(|n| !texts.contains(n)).count();
        reordered += usize::from(!texts.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(texts, (0..each).collect::<Vec<_>>(), "writer {w}'s messages, once each and in order");
    }
    let notes: Vec<usize> = by_conversation[&pushed_into]
        .iter()
        .filter(|(kind, _)| kind == "note")
        .map(|(_, text)| text.parse().unwrap())
        .collect();
    lost += (1..=pushes).filter(|n| !notes.contains(n)).count();
    assert_eq!(notes, (1..=pushes).collect::<Vec<_>>(), "the console's pushes, once each and in order");
    reordered += usize::from(!notes.windows(2).all(|pair| pair[0] < pair[1]));
    // Each message and note is recorded once (none here changes later).
    let doubled_messages = firsts.values().filter(|count| **count > 1).count();
    let delivered = broadcast_entries.len();
    let doubled_broadcast = broadcast_entries.values().filter(|count| **count > 1).count();
    let ledger_sent: usize = psql_async(&url, sent_sql).await.parse().unwrap();
    let unsent = psql_async(
        &url,
        "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = 'b1' AND state IN ('pending', 'sending')",
    )
    .await;

    // The survivors still hear each other: a message sent straight to one
    // shows on the other's socket.
    let survivors: Vec<usize> = (0..PROCESSES).filter(|n| *n != victim).collect();
    for (from, to) in [(survivors[0], survivors[1]), (survivors[1], survivors[0])] {
        let mut browser = SandboxSubscriber::new(&format!("http://{}", addrs[from]), "shop");
        let sent = browser.say(&format!("after-{from}"), "after the kill").await.message;
        let seen = sockets[to].1.clone();
        wicket_test_support::eventually(
            "a survivor's write on the other survivor's socket",
            Duration::from_secs(20),
            async || seen.lock().unwrap().contains(&sent.conversation_id),
        )
        .await;
    }
    let live_events: Vec<u64> = sockets.iter().map(|(count, _)| count.load(Ordering::Relaxed)).collect();

    println!(
        "multi-process: {PROCESSES} processes, {sent_messages} messages and pushes ({answered_at_kill} answered \
         before the kill, {} requests sent again), \
         broadcast sent to {ledger_sent} followers ({delivered} in the feed, {sent_at_kill} delivered when process {victim} was killed), \
         kills {kills}, lost {lost}, doubled {}, reordered {reordered}, live events per process {live_events:?}",
        RETRIES.load(Ordering::Relaxed),
        doubled_messages + doubled_broadcast,
    );
    assert_eq!((lost, reordered, doubled_messages), (0, 0, 0), "no message or push lost, reordered or doubled");
    let states =
        psql_async(&url, "SELECT state, count(*) FROM broadcast_recipients WHERE broadcast_id = 'b1' GROUP BY state")
            .await;
    println!("broadcast ledger: {states}");
    assert_eq!(unsent, "0", "nobody is left waiting for the broadcast");
    assert!(ledger_sent >= FOLLOWERS, "every follower was sent the broadcast: {ledger_sent}");
    assert_eq!(delivered, ledger_sent, "every recipient sent the broadcast has it in the feed");
    assert_eq!(doubled_broadcast, 0, "nobody got the broadcast twice");
    for process in &mut servers.processes {
        process.stop();
    }
}
