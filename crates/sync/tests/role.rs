//! A staff member whose role changes while their console syncs, against a
//! real server on loopback: demoted to designer, the cache drops every
//! subscriber, conversation and message and receives no new ones; promoted
//! back to agent, it fetches them all again, those that came meanwhile too.
//! Only the live socket tells the console (it polls once an hour here).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

#[allow(dead_code)]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{quiet, start_server, wait_for};
use wicket_model::inbox::{InboxFilter, InboxScope, SubscriberFilter};
use wicket_model::sync::{Connection, NumberedMutation, PushRequest};
use wicket_model::{ChangeKind, Mutation, NewAccount, PlatformProfile, Role, StaffChange};
use wicket_server::auth;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncOptions};

const ACCOUNT: &str = "shop";

fn create(id: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: format!("Shop {id}"),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    })
}

/// A new subscriber of the sandbox platform follows and writes `text`.
async fn a_subscriber_writes(base: &str, text: &str) {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{base}/s/api/{ACCOUNT}/{path}");
    let body = serde_json::json!({"client_msg_id": "s-1", "body": {"type": "text", "text": text}});
    let said = http.post(url("messages")).json(&body).send().await.unwrap();
    assert!(said.status().is_success(), "the sandbox takes the message: {}", said.status());
}

/// What the console's cache holds: conversations, subscribers, the texts
/// that search finds, and the accounts.
#[derive(Debug, PartialEq)]
struct Held {
    conversations: usize,
    subscribers: usize,
    found: Vec<String>,
    accounts: Vec<String>,
}

fn held(cache: &Cache, me: &str) -> Held {
    let filter =
        InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false };
    let mut found: Vec<String> = ["第一条", "第二条"]
        .into_iter()
        .filter(|text| !cache.search(text, 10).unwrap().is_empty())
        .map(str::to_owned)
        .collect();
    found.sort();
    let mut accounts: Vec<String> = cache.accounts().unwrap().into_iter().map(|a| a.account.id).collect();
    accounts.sort();
    Held {
        conversations: cache.conversations(&filter, me).unwrap().len(),
        subscribers: cache.subscriber_page(&SubscriberFilter::default(), 50).unwrap().items.len(),
        found,
        accounts,
    }
}

/// Waits (60 s at most) until the cache holds `expected`.
async fn until_held(cache: &Cache, me: &str, expected: Held) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while held(cache, me) != expected {
        assert!(tokio::time::Instant::now() < deadline, "the cache holds {:?}, not {expected:?}", held(cache, me));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_console_whose_role_changes_drops_and_fetches_what_the_role_may_read() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let client = ServerClient::new(&server.base_url()).unwrap();
    let owner = server.state.local_owner_session("Owner").await.unwrap().token;
    let mut next = 0;
    let mut owner_creates = |id: &str| {
        next += 1;
        PushRequest { client_id: "owner".into(), mutations: vec![NumberedMutation { id: next, mutation: create(id) }] }
    };
    client.push(&owner, &owner_creates(ACCOUNT)).await.unwrap();
    let hash = auth::hash_password("staff password").unwrap();
    let agent = server.state.create_staff("xiaoli", "Xiaoli", Role::Agent, hash).await.unwrap();
    let token = client.sign_in("xiaoli", "staff password").await.unwrap().token;
    a_subscriber_writes(&server.base_url(), "第一条").await;

    let cache = Arc::new(Cache::open(&dir.path().join("cache.sqlite")).unwrap());
    let options = SyncOptions { poll_every: Duration::from_millis(200), poll_every_live: Duration::from_secs(3600) };
    let engine = SyncEngine::start_with(cache.clone(), client.clone(), token, quiet(), options);
    let as_agent =
        Held { conversations: 1, subscribers: 1, found: strings(&["第一条"]), accounts: strings(&[ACCOUNT]) };
    until_held(&cache, &agent.id, as_agent).await;
    wait_for(&engine, "online", |s| s.connection == Connection::Online).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !engine.presence().live {
        assert!(tokio::time::Instant::now() < deadline, "the live socket opens");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Demoted: the cache drops the inbox, and the next message never reaches it.
    let to = |role| StaffChange { role: Some(role), ..Default::default() };
    client.change_staff(&owner, &agent.id, &to(Role::Designer)).await.unwrap();
    let as_designer = Held { conversations: 0, subscribers: 0, found: Vec::new(), accounts: strings(&[ACCOUNT]) };
    until_held(&cache, &agent.id, as_designer).await;
    assert_eq!(cache.feed_scope().unwrap(), [ChangeKind::Account]);
    a_subscriber_writes(&server.base_url(), "第二条").await;
    client.push(&owner, &owner_creates("later")).await.unwrap();
    let accounts_only =
        Held { conversations: 0, subscribers: 0, found: Vec::new(), accounts: strings(&["later", ACCOUNT]) };
    until_held(&cache, &agent.id, accounts_only).await;

    // Promoted back: everything the role may read, what came meanwhile too.
    client.change_staff(&owner, &agent.id, &to(Role::Agent)).await.unwrap();
    let again = Held {
        conversations: 2,
        subscribers: 2,
        found: strings(&["第一条", "第二条"]),
        accounts: strings(&["later", ACCOUNT]),
    };
    until_held(&cache, &agent.id, again).await;
    assert_eq!(cache.feed_scope().unwrap(), ChangeKind::ALL);
    assert_eq!(cache.cursor().unwrap(), server.state.storage.last_seq().await.unwrap(), "caught up");
    engine.stop();
    server.stop().await;
}
