//! A server restored from a backup: its feed goes back to an older
//! position and reissues the positions after it for new changes. A console
//! whose cursor is beyond the server's newest position must notice, start
//! again from the beginning and see those changes, keeping its outbox.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server};
use wicket_model::sync::{NumberedMutation, PushRequest};
use wicket_model::{Mutation, NewAccount, PlatformProfile};
use wicket_server::RunningServer;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncOptions};

fn create(id: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: format!("Shop {id}"),
        platform: PlatformProfile::Alipay,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    })
}

/// A colleague's console pushing accounts, numbering on from `first`.
async fn colleague_creates(server: &RunningServer, token: &str, first: i64, ids: &[&str]) {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let mutations = ids.iter().zip(first..).map(|(id, n)| NumberedMutation { id: n, mutation: create(id) }).collect();
    let answer = client.push(token, &PushRequest { client_id: "colleague".into(), mutations }).await.unwrap();
    assert!(answer.rejected.is_empty(), "the colleague's accounts are valid: {:?}", answer.rejected);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn account_ids(cache: &Cache) -> Vec<String> {
    let mut ids: Vec<String> = cache.accounts().unwrap().into_iter().map(|a| a.account.id).collect();
    ids.sort();
    ids
}

/// Runs the console's sync until its cache holds exactly `expected` (60 s at most).
async fn sync_until(cache: &Arc<Cache>, server: &RunningServer, token: &str, expected: &[&str]) -> Vec<String> {
    let client = ServerClient::new(&server.base_url()).unwrap();
    let options = SyncOptions { poll_every: Duration::from_millis(200), poll_every_live: Duration::from_millis(200) };
    let engine = SyncEngine::start_with(cache.clone(), client, token.to_owned(), quiet(), options);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut ids = account_ids(cache);
    while ids != expected && tokio::time::Instant::now() < deadline {
        engine.nudge();
        tokio::time::sleep(Duration::from_millis(100)).await;
        ids = account_ids(cache);
    }
    engine.stop();
    ids
}

/// `waiting`: staff made an account offline meanwhile, which the console
/// pushes first (its check runs before that push: the push could bring the
/// restored feed up to the console's cursor and hide the gap).
async fn restored_under_a_console(waiting: bool) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let backup = dir.path().join("backup");

    // The server at M: one account; the backup is taken then.
    let server = start_server(&data).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    colleague_creates(&server, &token, 1, &["a"]).await;
    server.stop().await;
    copy_dir(&data, &backup);

    // Work goes on to N; the console pulls all of it.
    let server = start_server(&data).await;
    colleague_creates(&server, &token, 2, &["b", "c", "d"]).await;
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    assert_eq!(sync_until(&cache, &server, &token, &["a", "b", "c", "d"]).await, ["a", "b", "c", "d"]);
    let ahead = cache.cursor().unwrap();
    server.stop().await;

    // Offline, staff create an account on this console: it waits in the outbox.
    if waiting {
        cache.enqueue(&create("mine"), 1).unwrap();
    }

    // The server's data folder is restored from the backup; new work reuses
    // the feed's positions after M, all at or below the console's cursor.
    std::fs::remove_dir_all(&data).unwrap();
    copy_dir(&backup, &data);
    let server = start_server(&data).await;
    colleague_creates(&server, &token, 2, &["e", "f"]).await;
    let newest = server.state.storage.last_seq().await.unwrap();
    assert!(newest < ahead, "the restored feed ({newest}) is behind the console's cursor ({ahead})");
    let page = ServerClient::new(&server.base_url()).unwrap().pull(&token, "observer", ahead, 10).await.unwrap();
    assert_eq!(page.newest, Some(newest), "the pull answer says the server's newest position");

    let expected: &[&str] = if waiting { &["a", "e", "f", "mine"] } else { &["a", "e", "f"] };
    let ids = sync_until(&cache, &server, &token, expected).await;
    assert_eq!(
        ids,
        expected,
        "the console sees the new accounts, forgets what the restored server no longer has, and its own waiting account reached the server"
    );
    assert_eq!(
        cache.cursor().unwrap(),
        server.state.storage.last_seq().await.unwrap(),
        "its cursor is the server's newest"
    );
    assert!(cache.accounts().unwrap().iter().all(|a| !a.waiting), "nothing is left waiting");
    server.stop().await;
}

#[tokio::test]
async fn a_console_ahead_of_a_restored_server_syncs_again_from_the_start() {
    restored_under_a_console(false).await;
}

#[tokio::test]
async fn a_console_ahead_of_a_restored_server_keeps_and_sends_its_outbox() {
    restored_under_a_console(true).await;
}
