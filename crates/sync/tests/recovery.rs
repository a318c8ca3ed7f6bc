//! The sync engine after a long disconnect and after a crash mid-round,
//! against a real server on loopback: the console must end with exactly the
//! server's state, with nothing lost and nothing applied twice.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server, wait_for};
use wicket_model::conversation::{Conversation, ConversationStatus, MessageBody};
use wicket_model::inbox::{InboxFilter, InboxScope};
use wicket_model::sync::{Connection, NumberedMutation, PushRequest};
use wicket_model::{Change, Mutation, NewAccount, PlatformProfile};
use wicket_server::RunningServer;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncOptions};

const ACCOUNT: &str = "shop";

/// Syncs only when nudged (or at start), so a test decides when rounds run.
fn on_demand() -> SyncOptions {
    SyncOptions { poll_every: Duration::from_secs(3600), poll_every_live: Duration::from_secs(3600) }
}

/// A colleague's console: another client id, numbering its own mutations.
struct Colleague {
    client: ServerClient,
    token: String,
    next: i64,
}

impl Colleague {
    async fn push(&mut self, mutations: Vec<Mutation>) {
        for chunk in mutations.chunks(100) {
            let numbered = chunk
                .iter()
                .map(|mutation| {
                    self.next += 1;
                    NumberedMutation { id: self.next, mutation: mutation.clone() }
                })
                .collect();
            let request = PushRequest { client_id: "colleague".into(), mutations: numbered };
            let answer = self.client.push(&self.token, &request).await.unwrap();
            assert!(answer.rejected.is_empty(), "the colleague's changes are valid: {:?}", answer.rejected);
        }
    }
}

/// A subscriber of the sandbox platform: follows, then writes.
async fn subscriber_writes(base: &str, texts: &[String]) -> reqwest::Client {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{base}/s/api/{ACCOUNT}/{path}");
    let followed = http.post(url("follow")).send().await.unwrap();
    assert!(followed.status().is_success(), "the sandbox takes the follow");
    let cookie = followed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    for (i, text) in texts.iter().enumerate() {
        let body = serde_json::json!({"client_msg_id": format!("s-{i}"), "body": {"type": "text", "text": text}});
        let said = http.post(url("messages")).header("cookie", &cookie).json(&body).send().await.unwrap();
        assert!(said.status().is_success(), "the sandbox takes the message");
    }
    http
}

/// What the server holds, read from its whole change feed by an observer.
struct ServerState {
    conversations: BTreeMap<String, Conversation>,
    /// Message ids per conversation.
    messages: BTreeMap<String, Vec<String>>,
}

async fn server_state(server: &RunningServer, token: &str) -> ServerState {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let mut state = ServerState { conversations: BTreeMap::new(), messages: BTreeMap::new() };
    let mut latest_message = BTreeMap::new();
    let mut cursor = 0;
    loop {
        let page = client.pull(token, "observer", cursor, 1000).await.unwrap();
        for entry in page.changes {
            match entry.change {
                Change::Conversation(c) => {
                    state.conversations.insert(c.id.clone(), c);
                }
                Change::Message(m) => {
                    latest_message.insert(m.id.clone(), m.conversation_id.clone());
                }
                Change::Account(_)
                | Change::Subscriber(_)
                | Change::AutoReplyRule(_)
                | Change::Segment(_)
                | Change::BroadcastDraft(_) => {}
            }
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    for (message, conversation) in latest_message {
        state.messages.entry(conversation).or_default().push(message);
    }
    state
}

/// How many feed entries follow `cursor`.
async fn feed_entries_after(server: &RunningServer, token: &str, mut cursor: i64) -> usize {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let mut count = 0;
    loop {
        let page = client.pull(token, "observer", cursor, 1000).await.unwrap();
        count += page.changes.len();
        cursor = page.cursor;
        if !page.more {
            return count;
        }
    }
}

fn everything() -> InboxFilter {
    InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false }
}

/// A thread's message ids from the cache, oldest first, read page by page.
fn cached_thread(cache: &Cache, conversation_id: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut before = None;
    loop {
        let page = cache.messages(conversation_id, before.as_ref(), 200).unwrap();
        let mut older: Vec<String> = page.messages.into_iter().map(|m| m.message.id).collect();
        older.append(&mut ids);
        ids = older;
        match page.older {
            Some(cursor) => before = Some(cursor),
            None => return ids,
        }
    }
}

/// The cache shows exactly what the server holds: every conversation as it
/// is there, every message once.
fn assert_matches_server(cache: &Cache, server: &ServerState) {
    let listed = cache.conversations(&everything(), "").unwrap();
    let cached: BTreeMap<_, _> = listed.into_iter().map(|item| (item.conversation.id.clone(), item)).collect();
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        server.conversations.keys().collect::<Vec<_>>(),
        "the same conversations"
    );
    for (id, conversation) in &server.conversations {
        assert_eq!(&cached[id].conversation, conversation, "conversation {id} is as the server has it");
        assert!(!cached[id].waiting, "nothing of {id} is still waiting");
        let mut thread = cached_thread(cache, id);
        let count = thread.len();
        thread.sort();
        thread.dedup();
        assert_eq!(thread.len(), count, "no message of {id} shows twice");
        let mut expected = server.messages.get(id).cloned().unwrap_or_default();
        expected.sort();
        assert_eq!(thread, expected, "conversation {id} has the server's messages");
    }
}

fn note(id: String, conversation_id: &str, text: String) -> Mutation {
    Mutation::SendMessage { id, conversation_id: conversation_id.into(), body: MessageBody::Text { text }, note: true }
}

fn reply(id: String, conversation_id: &str, text: String) -> Mutation {
    Mutation::SendMessage { id, conversation_id: conversation_id.into(), body: MessageBody::Text { text }, note: false }
}

const STATUSES: [ConversationStatus; 3] =
    [ConversationStatus::Pending, ConversationStatus::Resolved, ConversationStatus::Open];

/// A server with one Alipay account and `subscribers` conversations, each
/// opened by a subscriber's message.
async fn shop_with_conversations(
    data: &Path,
    subscribers: usize,
) -> (RunningServer, String, Colleague, Vec<reqwest::Client>) {
    let server = start_server(data).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    let mut colleague =
        Colleague { client: ServerClient::new(&server.base_url()).unwrap(), token: token.clone(), next: 0 };
    let shop = NewAccount {
        id: ACCOUNT.into(),
        name: "街角咖啡".into(),
        platform: PlatformProfile::Alipay,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    };
    colleague.push(vec![Mutation::CreateAccount(shop)]).await;
    let mut browsers = Vec::new();
    for k in 0..subscribers {
        browsers.push(subscriber_writes(&server.base_url(), &[format!("你好，我是第 {k} 位顾客")]).await);
    }
    (server, token, colleague, browsers)
}

#[tokio::test]
async fn after_a_long_disconnect_the_console_catches_up_with_every_change_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (server, token, mut colleague, _browsers) = shop_with_conversations(&dir.path().join("server"), 8).await;
    let cache_path = dir.path().join("cache.sqlite");
    let cache = Arc::new(Cache::open(&cache_path).unwrap());
    let client = ServerClient::new(&server.base_url()).unwrap();
    let engine = SyncEngine::start(cache.clone(), client.clone(), token.clone(), quiet());
    wait_for(&engine, "the first sync", |s| s.connection == Connection::Online).await;
    assert_eq!(cache.conversations(&everything(), "").unwrap().len(), 8, "the console has the 8 conversations");

    // The console is closed for a long while; a colleague works on.
    engine.stop();
    let left_at = cache.cursor().unwrap();
    drop(engine);
    drop(cache);
    let conversations: Vec<String> = server_state(&server, &token).await.conversations.into_keys().collect();
    let mut work = Vec::new();
    for i in 0..1500 {
        let conversation = &conversations[i % conversations.len()];
        work.push(if i % 3 == 0 {
            Mutation::SetConversationStatus { id: conversation.clone(), status: STATUSES[(i / 3) % 3] }
        } else {
            note(format!("note-{i:04}"), conversation, format!("同事的备注 {i}"))
        });
    }
    colleague.push(work).await;
    // Four new subscribers write meanwhile too.
    for k in 0..4 {
        subscriber_writes(&server.base_url(), &[format!("还在吗？({k})")]).await;
    }

    let before = server_state(&server, &token).await;
    let notes: usize = before.messages.values().flatten().filter(|id| id.starts_with("note-")).count();
    assert_eq!(notes, 1000, "the server holds the colleague's 1,000 notes");
    assert_eq!(before.conversations.len(), 12, "four new subscribers made four conversations");
    let missed = feed_entries_after(&server, &token, left_at).await;
    assert!(missed > 3 * 500, "the console missed {missed} feed entries: several of its pull pages (500)");

    // The console starts again, as an app would: a fresh cache handle.
    let cache = Arc::new(Cache::open(&cache_path).unwrap());
    let engine = SyncEngine::start(cache.clone(), client, token.clone(), quiet());
    wait_for(&engine, "the catch-up", |s| s.connection == Connection::Online && s.pending == 0).await;
    let after = server_state(&server, &token).await;
    assert_eq!(after.conversations, before.conversations, "nothing changed on the server during the catch-up");
    assert_matches_server(&cache, &after);
    engine.stop();
    server.stop().await;
}

/// A loopback proxy in front of the server that, once armed, lets the next
/// push reach the server and cuts the connection as its answer comes back:
/// the server applied the push, the console never heard so. After the cut it
/// refuses every connection, as a dead app would make none.
struct CuttingProxy {
    addr: SocketAddr,
    armed: Arc<AtomicBool>,
    cut: Arc<tokio::sync::Notify>,
}

impl CuttingProxy {
    fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let armed = Arc::new(AtomicBool::new(false));
        let dead = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(tokio::sync::Notify::new());
        let (armed_here, cut_here) = (armed.clone(), cut.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if dead.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes at once
                }
                let Ok(server) = TcpStream::connect(target) else { continue };
                forward(client, server, armed_here.clone(), dead.clone(), cut_here.clone());
            }
        });
        Self { addr, armed, cut }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Copies both ways between one client connection and the server.
fn forward(
    client: TcpStream,
    server: TcpStream,
    armed: Arc<AtomicBool>,
    dead: Arc<AtomicBool>,
    cut: Arc<tokio::sync::Notify>,
) {
    let push_sent = Arc::new(AtomicBool::new(false));
    let (mut client_in, mut server_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up_push_sent = push_sent.clone();
    std::thread::spawn(move || {
        let mut buffer = vec![0; 64 * 1024];
        while let Ok(n @ 1..) = client_in.read(&mut buffer) {
            let chunk = &buffer[..n];
            if armed.load(Ordering::SeqCst) && chunk.windows(17).any(|w| w == b"POST /api/v1/push") {
                up_push_sent.store(true, Ordering::SeqCst);
            }
            if server_out.write_all(chunk).is_err() {
                break;
            }
        }
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    std::thread::spawn(move || {
        let mut buffer = vec![0; 64 * 1024];
        while let Ok(n @ 1..) = server_in.read(&mut buffer) {
            if push_sent.load(Ordering::SeqCst) {
                // The push's answer: the server has applied it. Cut here.
                dead.store(true, Ordering::SeqCst);
                let _ = client_out.shutdown(Shutdown::Both);
                let _ = server_in.shutdown(Shutdown::Both);
                cut.notify_one();
                return;
            }
            if client_out.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = client_out.shutdown(Shutdown::Write);
    });
}

#[tokio::test]
async fn a_console_killed_after_its_push_loses_nothing_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (server, token, _colleague, _browsers) = shop_with_conversations(&dir.path().join("server"), 3).await;
    let proxy = CuttingProxy::start(server.addr);
    let cache_path = dir.path().join("cache.sqlite");
    let cache = Arc::new(Cache::open(&cache_path).unwrap());
    let client_id = cache.client_id().unwrap();
    let through_proxy = ServerClient::new(&proxy.url()).unwrap();
    let engine = SyncEngine::start_with(cache.clone(), through_proxy, token.clone(), quiet(), on_demand());
    wait_for(&engine, "the first sync", |s| s.connection == Connection::Online).await;
    let conversations: Vec<String> =
        cache.conversations(&everything(), "").unwrap().into_iter().map(|item| item.conversation.id).collect();
    assert_eq!(conversations.len(), 3);

    // Staff answer three subscribers, interleaved: per conversation a reply,
    // a note and a status change, four rounds over.
    let mut written: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut last_status = BTreeMap::new();
    let mut last_reply = BTreeMap::new();
    for round in 0..4 {
        for (k, conversation) in conversations.iter().enumerate() {
            let reply_id = format!("r-{k}-{round}");
            let text = format!("第 {round} 条回复（{k}）");
            cache.enqueue(&reply(reply_id.clone(), conversation, text.clone()), 1).unwrap();
            let note_id = format!("r-{k}-{round}-note");
            cache.enqueue(&note(note_id.clone(), conversation, format!("备注 {round}")), 1).unwrap();
            let status = STATUSES[(round + k) % 3];
            cache.enqueue(&Mutation::SetConversationStatus { id: conversation.clone(), status }, 1).unwrap();
            written.entry(conversation.as_str()).or_default().extend([reply_id, note_id]);
            last_status.insert(conversation.clone(), status);
            last_reply.insert(conversation.clone(), text);
        }
    }
    assert_eq!(cache.outbox_counts().unwrap(), (36, 0));

    // The push goes out, the server applies it, and the app dies before the answer.
    proxy.armed.store(true, Ordering::SeqCst);
    engine.nudge();
    tokio::time::timeout(Duration::from_secs(30), proxy.cut.notified()).await.expect("the push went through the proxy");
    engine.stop();
    drop(engine);
    drop(cache);
    let applied = server_state(&server, &token).await;
    let replies: usize = applied.messages.values().flatten().filter(|id| id.starts_with("r-")).count();
    assert_eq!(replies, 24, "the server applied the push the console never heard back from");

    // Restarted: a fresh cache handle on the same file, a new engine; the network is back.
    let cache = Arc::new(Cache::open(&cache_path).unwrap());
    assert_eq!(cache.outbox_counts().unwrap(), (36, 0), "the outbox kept every change across the crash");
    let direct = ServerClient::new(&server.base_url()).unwrap();
    let engine = SyncEngine::start_with(cache.clone(), direct.clone(), token.clone(), quiet(), on_demand());
    wait_for(&engine, "synced after the restart", |s| s.connection == Connection::Online && s.pending == 0).await;

    assert_eq!(cache.outbox_counts().unwrap(), (0, 0), "the outbox ends empty, nothing refused");
    let processed = direct.pull(&token, &client_id, 0, 1).await.unwrap().last_mutation_id;
    assert_eq!(processed, 36, "the server processed each of the console's 36 changes, numbered once");
    let after = server_state(&server, &token).await;
    assert_eq!(after.conversations, applied.conversations, "pushing again changed nothing on the server");
    assert_matches_server(&cache, &after);
    for conversation in &conversations {
        let thread = cached_thread(&cache, conversation);
        let ours: Vec<&String> = thread.iter().filter(|id| id.starts_with("r-")).collect();
        assert_eq!(
            ours,
            written[conversation.as_str()].iter().collect::<Vec<_>>(),
            "written order kept in {conversation}"
        );
        let shown = &after.conversations[conversation];
        assert_eq!(shown.status, last_status[conversation], "the last status written wins in {conversation}");
        assert_eq!(shown.preview, last_reply[conversation], "the last reply written is the preview of {conversation}");
    }
    engine.stop();
    server.stop().await;
}
