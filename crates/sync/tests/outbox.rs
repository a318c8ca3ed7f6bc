//! The outbox against what can go wrong under it: a numbering that went
//! back (a cache restored from a backup, copied, or cut short by a power
//! loss), one change the server refuses as a whole, a change in the feed
//! this console cannot read, and a server of another protocol version.
//! None of them may lose a change or hold back the ones behind it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server, wait_for};
use wicket_model::sync::{Connection, PROTOCOL_VERSION};
use wicket_model::{ErrorCode, Mutation, NewAccount, PlatformProfile};
use wicket_server::RunningServer;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncOptions};

fn fast() -> SyncOptions {
    SyncOptions { poll_every: Duration::from_millis(200), poll_every_live: Duration::from_millis(200) }
}

fn create(id: &str, description: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: format!("Shop {id}"),
        platform: PlatformProfile::Alipay,
        category: String::new(),
        description: description.into(),
        avatar_color: "#1677ff".into(),
    })
}

/// The account ids the server holds, read from its whole feed.
async fn server_accounts(server: &RunningServer, token: &str) -> Vec<String> {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let page = client.pull(token, "observer", 0, 1000).await.unwrap();
    let mut ids: Vec<String> = page
        .changes
        .into_iter()
        .filter_map(|entry| match entry.change {
            wicket_model::Change::Account(account) => Some(account.id),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// Syncs `cache` until nothing waits (60 s at most), then stops.
async fn sync_until_nothing_waits(cache: &Arc<Cache>, server: &RunningServer, token: &str) {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let engine = SyncEngine::start_with(cache.clone(), client, token.to_owned(), quiet(), fast());
    wait_for(&engine, "nothing waiting", |s| s.connection == Connection::Online && s.pending == 0).await;
    engine.stop();
}

/// The cache's files as they are now (the WAL too), as a backup or a copy
/// of the workspace would take them.
fn copy_cache(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["cache.sqlite", "cache.sqlite-wal"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).unwrap();
        }
    }
}

#[tokio::test]
async fn changes_numbered_after_a_restored_cache_went_back_reach_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    let live = dir.path().join("live");
    let backup = dir.path().join("backup");

    // The console sends one change; the backup is taken; it sends two more.
    std::fs::create_dir_all(&live).unwrap();
    let cache = Arc::new(Cache::open(&live.join("cache.sqlite")).unwrap());
    cache.enqueue(&create("a", ""), 1).unwrap();
    sync_until_nothing_waits(&cache, &server, &token).await;
    copy_cache(&live, &backup);
    cache.enqueue(&create("b", ""), 2).unwrap();
    cache.enqueue(&create("c", ""), 3).unwrap();
    sync_until_nothing_waits(&cache, &server, &token).await;
    assert_eq!(server_accounts(&server, &token).await, ["a", "b", "c"]);

    // The cache is restored from the backup: its numbering goes back, and
    // the next two changes, made offline, take numbers the server processed.
    let restored = Arc::new(Cache::open(&backup.join("cache.sqlite")).unwrap());
    let mine = restored.enqueue(&create("mine", ""), 4).unwrap();
    restored.enqueue(&create("also", ""), 5).unwrap();
    assert!(mine <= 3, "the restored cache numbers below what the server processed ({mine})");
    sync_until_nothing_waits(&restored, &server, &token).await;
    assert_eq!(
        server_accounts(&server, &token).await,
        ["a", "also", "b", "c", "mine"],
        "the changes made after the restore reached the server, not skipped as done"
    );
    assert!(restored.rejected().unwrap().is_empty(), "nothing is shown as refused: {:?}", restored.rejected());
    let ids: Vec<String> = restored.accounts().unwrap().into_iter().map(|a| a.account.id).collect();
    assert!(ids.contains(&"mine".to_owned()) && ids.contains(&"also".to_owned()), "the console keeps them: {ids:?}");

    // From now on the restored cache numbers after the server's last.
    let next = restored.enqueue(&create("later", ""), 6).unwrap();
    assert!(next > 5, "a change written after syncing is numbered after the server's last ({next})");
    sync_until_nothing_waits(&restored, &server, &token).await;
    assert_eq!(server_accounts(&server, &token).await, ["a", "also", "b", "c", "later", "mine"]);
    server.stop().await;
}

#[tokio::test]
async fn a_change_the_server_refuses_whole_is_kept_as_refused_and_the_rest_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());

    cache.enqueue(&create("a", ""), 1).unwrap();
    // Larger than any push the server takes: refused whole (413).
    let huge = cache.enqueue(&create("huge", &"x".repeat(2 << 20)), 2).unwrap();
    cache.enqueue(&create("c", ""), 3).unwrap();
    cache.enqueue(&create("d", ""), 4).unwrap();

    let client = ServerClient::new(&server.base_url()).unwrap();
    let engine = SyncEngine::start_with(cache.clone(), client, token.clone(), quiet(), fast());
    // Sync goes on: online, nothing waiting, the one change kept as refused.
    wait_for(&engine, "the outbox to drain", |s| {
        s.connection == Connection::Online && s.pending == 0 && s.rejected == 1
    })
    .await;
    engine.stop();

    assert_eq!(server_accounts(&server, &token).await, ["a", "c", "d"], "the changes around it reached the server");
    let rejected = cache.rejected().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].id, huge, "the change at fault is the one kept as refused");
    assert_eq!(rejected[0].error.code, ErrorCode::TooLarge, "with the server's reason: {:?}", rejected[0].error);
    server.stop().await;
}

/// A stand-in server on loopback that answers every `/api/v1/changes` with
/// `changes` (status, protocol header, body) and counts those requests;
/// anything else gets a 404.
fn stand_in_server(status: &'static str, protocol: u32, changes: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let pulls = Arc::new(AtomicUsize::new(0));
    let counted = pulls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&request);
            let (status, body) = if head.starts_with("GET /api/v1/changes") {
                counted.fetch_add(1, Ordering::SeqCst);
                (status, changes.clone())
            } else {
                ("404 Not Found", r#"{"code":"not_found","message":"no such route"}"#.to_owned())
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nwicket-protocol: {protocol}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _closed = stream.write_all(answer.as_bytes());
        }
    });
    (base, pulls)
}

fn account_change(seq: i64, id: &str) -> serde_json::Value {
    serde_json::json!({"seq": seq, "change": {"kind": "account", "data": {
        "id": id, "name": format!("Shop {id}"), "platform": "alipay", "category": "", "description": "",
        "avatar_color": "#1677ff", "archived": false, "created_at": 1, "updated_at": 1, "settings": null,
    }}})
}

#[tokio::test]
async fn a_change_this_console_cannot_read_is_passed_over_and_an_update_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let page = serde_json::json!({
        "changes": [
            account_change(1, "a"),
            {"seq": 2, "change": {"kind": "hologram", "data": {"id": "h"}}},
            account_change(3, "b"),
        ],
        "cursor": 3, "more": false, "last_mutation_id": 0, "server_time": 1, "newest": 3,
    });
    let (base, _) = stand_in_server("200 OK", PROTOCOL_VERSION + 1, page.to_string());
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    let engine = SyncEngine::start_with(cache.clone(), ServerClient::new(&base).unwrap(), "t".into(), quiet(), fast());
    let status = wait_for(&engine, "the update to be asked for", |s| s.connection == Connection::Incompatible).await;
    engine.stop();
    assert!(status.last_error.as_deref().unwrap_or_default().contains("update Wicket"), "said plainly: {status:?}");
    let mut ids: Vec<String> = cache.accounts().unwrap().into_iter().map(|a| a.account.id).collect();
    ids.sort();
    assert_eq!(ids, ["a", "b"], "the changes around the unreadable one are taken");
    assert_eq!(cache.cursor().unwrap(), 3, "the cursor passed over it");
    assert!(cache.unreadable_by().unwrap().is_some(), "noted, so an updated console pulls it again");
}

#[tokio::test]
async fn a_server_of_another_protocol_is_said_plainly_not_retried_for_ever() {
    let dir = tempfile::tempdir().unwrap();
    let (base, pulls) = stand_in_server("200 OK", PROTOCOL_VERSION + 1, r#"{"entries": "in a new shape"}"#.into());
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    let engine = SyncEngine::start_with(cache.clone(), ServerClient::new(&base).unwrap(), "t".into(), quiet(), fast());
    let status = wait_for(&engine, "the mismatch to be said", |s| s.connection == Connection::Incompatible).await;
    let said = status.last_error.clone().unwrap_or_default();
    assert!(
        said.contains(&format!("sync protocol {PROTOCOL_VERSION}"))
            && said.contains(&(PROTOCOL_VERSION + 1).to_string()),
        "both versions are named: {said}"
    );
    let tried = pulls.load(Ordering::SeqCst);
    // A failing round is retried within a second or two; this one waits
    // for a nudge or ten minutes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(pulls.load(Ordering::SeqCst), tried, "no endless retry");
    assert_eq!(engine.status().connection, Connection::Incompatible);
    engine.stop();
}

#[tokio::test]
async fn a_server_that_no_longer_serves_this_console_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let (console, server) = (PROTOCOL_VERSION.to_string(), (PROTOCOL_VERSION + 1).to_string());
    let refusal = serde_json::json!({
        "code": "conflict",
        "message": "this console speaks an older sync protocol than this server serves",
        "issues": [{"path": "console", "key": "sync.protocol.mismatch", "params": [["console", console], ["server", server]]}],
    });
    let (base, _) = stand_in_server("409 Conflict", PROTOCOL_VERSION + 1, refusal.to_string());
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    let engine = SyncEngine::start_with(cache.clone(), ServerClient::new(&base).unwrap(), "t".into(), quiet(), fast());
    let status = wait_for(&engine, "the mismatch to be said", |s| s.connection == Connection::Incompatible).await;
    engine.stop();
    assert!(status.last_error.unwrap_or_default().contains("update Wicket"), "said plainly");
}
