//! The server over real HTTP on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wicket_model::sync::{NumberedMutation, PullResponse, PushRequest, PushResponse};
use wicket_model::{Change, ErrorCode, Mutation, NewAccount, PlatformProfile, Role, WicketError};
use wicket_server::{auth, ManualClock, ServerOptions};
use wicket_test_support::{StaffClient, TestServer};

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
}

async fn fixture() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;
    Fixture { server, http: reqwest::Client::new() }
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.server.base_url())
    }

    async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.http.post(self.url("/sessions")).json(&json!({"login": login, "password": password})).send().await.unwrap()
    }

    async fn token(&self) -> String {
        self.server.owner().await.token().to_owned()
    }

    fn staff(&self, token: &str) -> StaffClient {
        StaffClient::with_token(&self.server.base_url(), token)
    }

    async fn push(&self, token: &str, client: &str, mutations: Vec<(i64, Mutation)>) -> PushResponse {
        self.staff(token).push_numbered(client, mutations).await
    }

    async fn pull(&self, token: &str, client: &str, after: i64, limit: u32) -> PullResponse {
        self.staff(token).pull(client, after, limit).await
    }
}

fn create(id: &str, name: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: name.into(),
        platform: PlatformProfile::Wechat,
        category: "Food".into(),
        description: String::new(),
        avatar_color: "#fa8c16".into(),
    })
}

#[tokio::test]
async fn sign_in_gives_a_token_that_opens_the_api() {
    let f = fixture().await;
    let wrong = f.sign_in("boss", "nope").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "a wrong password is refused");
    let error: WicketError = wrong.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Unauthorized);

    let no_token = f.http.get(f.url("/me")).send().await.unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED, "routes need a token");

    let token = f.token().await;
    let me: Value = f.http.get(f.url("/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "owner");

    let out = f.http.delete(f.url("/sessions/current")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let after = f.http.get(f.url("/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "a signed-out token stops working");
}

#[tokio::test]
async fn repeated_sign_in_failures_are_rate_limited() {
    let f = fixture().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(f.sign_in("boss", "guess").await.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "guessing is slowed down: {statuses:?}");
}

#[tokio::test]
async fn the_same_change_pushed_twice_applies_once() {
    let f = fixture().await;
    let token = f.token().await;
    let first = f.push(&token, "c1", vec![(1, create("a", "Noodle House"))]).await;
    assert_eq!(first.last_mutation_id, 1);
    let again = f.push(&token, "c1", vec![(1, create("a", "Noodle House"))]).await;
    assert_eq!(again.last_mutation_id, 1, "a retry is recognised");
    let pull = f.pull(&token, "c1", 0, 100).await;
    assert_eq!(pull.changes.len(), 1, "one change in the feed, not two");
    assert_eq!(pull.last_mutation_id, 1);
}

#[tokio::test]
async fn a_refused_change_is_reported_and_does_not_block_the_next() {
    let f = fixture().await;
    let token = f.token().await;
    let response = f.push(&token, "c1", vec![(1, create("a", "")), (2, create("b", "Tea Shop"))]).await;
    assert_eq!(response.last_mutation_id, 2);
    assert_eq!(response.rejected.len(), 1);
    assert_eq!((response.rejected[0].id, response.rejected[0].error.code), (1, ErrorCode::Invalid));
    let retry = f.push(&token, "c1", vec![(1, create("a", "")), (2, create("b", "Tea Shop"))]).await;
    assert_eq!(retry.rejected.len(), 1, "a retried push still learns of the refusal");
}

#[tokio::test]
async fn an_agent_cannot_create_accounts() {
    let f = fixture().await;
    let hash = auth::hash_password("agent password").unwrap();
    f.server.state.create_staff("agent", "Agent", Role::Agent, hash).await.unwrap();
    let body: Value = f.sign_in("agent", "agent password").await.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let response = f.push(token, "c2", vec![(1, create("a", "Shop"))]).await;
    assert_eq!(response.rejected[0].error.code, ErrorCode::Forbidden);
    assert!(f.pull(token, "c2", 0, 10).await.changes.is_empty(), "nothing was created");
}

#[tokio::test]
async fn bad_bodies_get_clear_errors() {
    let f = fixture().await;
    let token = f.token().await;
    let unknown = json!({"client_id": "c", "mutations": [], "extra": true});
    let response = f.http.post(f.url("/push")).bearer_auth(&token).json(&unknown).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
    let error: WicketError = response.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert!(error.message.contains("extra"), "the message names the field: {}", error.message);

    let huge = "x".repeat(2 * 1024 * 1024);
    let response = f
        .http
        .post(f.url("/push"))
        .bearer_auth(&token)
        .body(huge)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "oversized bodies are refused");
}

#[tokio::test]
async fn replaying_the_feed_in_pages_rebuilds_the_state() {
    let f = fixture().await;
    let token = f.token().await;
    let mut mutations = Vec::new();
    for i in 1..=30 {
        mutations.push((i, create(&format!("acc{i}"), &format!("Shop {i}"))));
    }
    mutations.push((31, Mutation::ArchiveAccount { id: "acc3".into() }));
    f.push(&token, "c1", mutations).await;

    let mut state = std::collections::BTreeMap::new();
    let mut cursor = 0;
    let mut pages = 0;
    loop {
        let page = f.pull(&token, "reader", cursor, 7).await;
        pages += 1;
        for entry in page.changes {
            assert!(entry.seq > cursor, "the feed only moves forward");
            let Change::Account(account) = entry.change else { panic!("only accounts were written") };
            state.insert(account.id.clone(), account);
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, 5, "31 changes in pages of 7");
    assert_eq!(state.len(), 30);
    assert!(state["acc3"].archived, "the last state of each account wins");
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    let f = fixture().await;
    let token = f.token().await;
    f.push(&token, "c1", vec![(1, create("a", "Dumplings"))]).await;
    let Fixture { server, http } = f;
    let server = server.stop().await.start().await;
    let f = Fixture { server, http };
    let pull = f.pull(&token, "c1", 0, 100).await;
    assert_eq!(pull.changes.len(), 1, "the account survived the restart");
    assert_eq!(pull.last_mutation_id, 1, "and so did the client's number");
    let again = f.push(&token, "c1", vec![(1, create("a", "Dumplings"))]).await;
    assert_eq!(again.last_mutation_id, 1);
    assert_eq!(f.pull(&token, "c1", 0, 100).await.changes.len(), 1, "a retry after restart applies nothing");
}

#[tokio::test]
async fn a_client_id_belongs_to_the_first_staff_member_who_used_it() {
    let f = fixture().await;
    let boss = f.token().await;
    let hash = auth::hash_password("agent password 1").unwrap();
    f.server.state.create_staff("agent", "Agent", Role::Admin, hash).await.unwrap();
    let body: Value = f.sign_in("agent", "agent password 1").await.json().await.unwrap();
    let agent = body["token"].as_str().unwrap().to_owned();

    let first = f.push(&boss, "boss-laptop", vec![(1, create("a", "Noodle House"))]).await;
    assert_eq!(first.last_mutation_id, 1, "the boss's console is the first to use its id");

    // The colleague names the boss's client id: a push would skip the
    // boss's next numbers, a pull would read them.
    let request = PushRequest {
        client_id: "boss-laptop".into(),
        mutations: vec![NumberedMutation { id: 50, mutation: create("b", "Tea Corner") }],
    };
    let pushed = f.http.post(f.url("/push")).bearer_auth(&agent).json(&request).send().await.unwrap();
    assert_eq!(pushed.status(), StatusCode::FORBIDDEN, "another staff member's client id is refused for a push");
    let error: WicketError = pushed.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Forbidden);
    assert_eq!(error.issues[0].key, "sync.client_id.taken", "the refusal names the reason: {error:?}");
    let pulled = f.http.get(f.url("/changes?client_id=boss-laptop&after=0")).bearer_auth(&agent).send().await.unwrap();
    assert_eq!(pulled.status(), StatusCode::FORBIDDEN, "and for a pull");
    let error: WicketError = pulled.json().await.unwrap();
    assert_eq!(error.issues[0].key, "sync.client_id.taken");

    // Nothing the colleague sent under it counted: the boss numbers on.
    let next = f.push(&boss, "boss-laptop", vec![(2, create("c", "Dumpling Bar"))]).await;
    assert_eq!((next.last_mutation_id, next.rejected.len()), (2, 0), "the boss's change 2 is applied, not skipped");
    let feed = f.pull(&boss, "boss-laptop", 0, 100).await;
    assert_eq!(feed.changes.len(), 2, "only the boss's two accounts exist");
    assert_eq!(feed.last_mutation_id, 2);

    // The colleague's own console id is theirs.
    let own = f.push(&agent, "agent-desktop", vec![(1, create("d", "Rice Shop"))]).await;
    assert_eq!((own.last_mutation_id, own.rejected.len()), (1, 0), "the colleague's own client id works: {own:?}");
}
