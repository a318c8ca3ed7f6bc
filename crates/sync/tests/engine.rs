//! The sync engine against a real server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server, start_server_on, wait_for};
use wicket_model::sync::{Connection, NumberedMutation, PushRequest};
use wicket_model::{Mutation, NewAccount, PlatformProfile};
use wicket_server::RunningServer;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncEvent};

fn create(id: &str, name: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: name.into(),
        platform: PlatformProfile::Alipay,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    })
}

struct World {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    cache: Arc<Cache>,
    token: String,
}

async fn world() -> (World, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let server = start_server(&data).await;
    let token = server.state.local_owner_session("Owner").await.unwrap().token;
    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    (World { _dir: dir, data, cache, token }, server)
}

async fn server_account_count(server: &RunningServer, token: &str) -> usize {
    let client = ServerClient::new(&server.base_url()).unwrap();
    client.pull(token, "observer", 0, 1000).await.unwrap().changes.len()
}

#[tokio::test]
async fn a_change_made_while_the_server_is_down_applies_once_when_it_is_back() {
    let (world, server) = world().await;
    let addr = server.addr;
    server.stop().await;

    let client = ServerClient::new(&format!("http://{addr}")).unwrap();
    let engine = SyncEngine::start(world.cache.clone(), client, world.token.clone(), quiet());
    world.cache.enqueue(&create("a", "Noodle House"), 1).unwrap();
    engine.nudge();
    let offline =
        wait_for(&engine, "offline with one waiting", |s| s.connection == Connection::Offline && s.pending == 1).await;
    assert!(offline.last_error.is_some(), "the reason is kept");
    assert!(world.cache.accounts().unwrap()[0].waiting, "the account shows as waiting");

    let server = start_server_on(&world.data, addr).await;
    engine.nudge();
    wait_for(&engine, "online with nothing waiting", |s| s.connection == Connection::Online && s.pending == 0).await;
    assert_eq!(server_account_count(&server, &world.token).await, 1, "applied exactly once");
    let accounts = world.cache.accounts().unwrap();
    assert_eq!((accounts.len(), accounts[0].waiting), (1, false));
    engine.stop();
    server.stop().await;
}

#[tokio::test]
async fn a_push_whose_answer_was_lost_is_not_applied_twice() {
    let (world, server) = world().await;
    let id = world.cache.enqueue(&create("a", "Tea Shop"), 1).unwrap();
    let client = ServerClient::new(&server.base_url()).unwrap();
    // The console pushed, then died before it heard the answer.
    let lost = PushRequest {
        client_id: world.cache.client_id().unwrap(),
        mutations: vec![NumberedMutation { id, mutation: create("a", "Tea Shop") }],
    };
    client.push(&world.token, &lost).await.unwrap();
    // On the next start it pushes the same change again.
    let engine = SyncEngine::start(world.cache.clone(), client, world.token.clone(), quiet());
    wait_for(&engine, "synced", |s| s.connection == Connection::Online && s.pending == 0).await;
    assert_eq!(server_account_count(&server, &world.token).await, 1, "one account, not two");
    assert_eq!(world.cache.accounts().unwrap().len(), 1);
    engine.stop();
    server.stop().await;
}

#[tokio::test]
async fn a_console_catches_up_with_changes_made_elsewhere() {
    let (world, server) = world().await;
    let client = ServerClient::new(&server.base_url()).unwrap();
    // A colleague's console writes 1,200 changes: more than one page.
    let all: Vec<i64> = (1..=1200).collect();
    for chunk in all.chunks(500) {
        let request = PushRequest {
            client_id: "colleague".into(),
            mutations: chunk
                .iter()
                .map(|&i| NumberedMutation { id: i, mutation: create(&format!("acc{i}"), &format!("Shop {i}")) })
                .collect(),
        };
        client.push(&world.token, &request).await.unwrap();
    }
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let listener = Arc::new(move |event: SyncEvent| seen.lock().unwrap().push(event));
    let engine = SyncEngine::start(world.cache.clone(), client, world.token.clone(), listener);
    wait_for(&engine, "synced", |s| s.connection == Connection::Online).await;
    assert_eq!(world.cache.accounts().unwrap().len(), 1200, "every change arrived");
    assert!(events.lock().unwrap().contains(&SyncEvent::DataChanged), "the UI was told to reload");
    engine.stop();
    server.stop().await;
}

#[tokio::test]
async fn a_revoked_session_shows_as_signed_out() {
    let (world, server) = world().await;
    let client = ServerClient::new(&server.base_url()).unwrap();
    client.sign_out(&world.token).await.unwrap();
    let engine = SyncEngine::start(world.cache.clone(), client, world.token.clone(), quiet());
    wait_for(&engine, "signed out", |s| s.connection == Connection::SignedOut).await;
    engine.stop();
    server.stop().await;
}

#[tokio::test]
async fn the_live_feed_brings_a_colleagues_change_without_polling() {
    let (world, server) = world().await;
    let client = ServerClient::new(&server.base_url()).unwrap();
    // Polling so rarely that only the live feed can explain a quick arrival.
    let options =
        wicket_sync::SyncOptions { poll_every: Duration::from_secs(3600), poll_every_live: Duration::from_secs(3600) };
    let engine = SyncEngine::start_with(world.cache.clone(), client.clone(), world.token.clone(), quiet(), options);
    wait_for(&engine, "the first round", |s| s.connection == Connection::Online).await;
    // Give the socket a moment to open (its arrival is what is tested).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    for id in 1.. {
        let colleague = PushRequest {
            client_id: "colleague".into(),
            mutations: vec![NumberedMutation { id, mutation: create(&format!("live-{id}"), "Live Shop") }],
        };
        client.push(&world.token, &colleague).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        if world.cache.accounts().unwrap().iter().any(|a| a.account.id.starts_with("live-")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the live feed did not bring the change");
    }
    engine.stop();
    server.stop().await;
}
