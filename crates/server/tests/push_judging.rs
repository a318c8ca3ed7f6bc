//! A push is judged mutation by mutation: a change the server cannot read
//! is refused alone, a number the server processed before with other
//! content is refused (the console's numbering went back) instead of being
//! skipped as done, and a console speaking another sync protocol is told so.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wicket_model::sync::{PullResponse, PushResponse, PROTOCOL_HEADER, PROTOCOL_VERSION};
use wicket_model::{Change, ErrorCode, Mutation, NewAccount, PlatformProfile, WicketError};
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::TestServer;

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
    token: String,
}

async fn fixture() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;
    let token = server.owner().await.token().to_owned();
    Fixture { server, http: reqwest::Client::new(), token }
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.server.base_url())
    }

    /// Pushes `mutations` (`(number, JSON)`) as console `c1`.
    async fn push_json(&self, mutations: &[(i64, Value)]) -> reqwest::Response {
        let mutations: Vec<Value> = mutations.iter().map(|(id, m)| json!({"id": id, "mutation": m})).collect();
        let body = json!({"client_id": "c1", "mutations": mutations});
        self.http.post(self.url("/push")).bearer_auth(&self.token).json(&body).send().await.unwrap()
    }

    async fn push(&self, mutations: &[(i64, Mutation)]) -> PushResponse {
        let json: Vec<(i64, Value)> = mutations.iter().map(|(id, m)| (*id, serde_json::to_value(m).unwrap())).collect();
        let response = self.push_json(&json).await;
        assert_eq!(response.status(), StatusCode::OK, "the push is answered");
        response.json().await.unwrap()
    }

    async fn account_names(&self) -> Vec<String> {
        let url = self.url("/changes?client_id=observer&after=0");
        let page: PullResponse =
            self.http.get(url).bearer_auth(&self.token).send().await.unwrap().json().await.unwrap();
        let mut names: Vec<String> = page
            .changes
            .into_iter()
            .filter_map(|entry| match entry.change {
                Change::Account(account) => Some(account.name),
                _ => None,
            })
            .collect();
        names.sort();
        names
    }
}

fn create(id: &str) -> Mutation {
    Mutation::CreateAccount(NewAccount {
        id: id.into(),
        name: format!("Shop {id}"),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#fa8c16".into(),
    })
}

fn issue_keys(error: &WicketError) -> Vec<&str> {
    error.issues.iter().map(|issue| issue.key.as_str()).collect()
}

#[tokio::test]
async fn a_number_processed_before_with_other_content_is_refused_not_skipped() {
    let f = fixture().await;
    let first = f.push(&[(1, create("a")), (2, create("b"))]).await;
    assert!(first.rejected.is_empty(), "both accounts are valid: {:?}", first.rejected);

    // The console's numbering went back: new changes under 2 and 3.
    let again = f.push(&[(2, create("c")), (3, create("d"))]).await;
    assert_eq!(again.last_mutation_id, 2, "nothing after the reused number is processed");
    assert_eq!(again.rejected.len(), 1, "the reused number is refused: {:?}", again.rejected);
    assert_eq!(again.rejected[0].id, 2);
    assert_eq!(again.rejected[0].error.code, ErrorCode::Conflict);
    assert_eq!(issue_keys(&again.rejected[0].error), ["sync.mutation.number_reused"]);
    assert_eq!(f.account_names().await, ["Shop a", "Shop b"], "neither new change was applied nor lost as done");

    // The same change sent again under its number is still a harmless retry.
    let retry = f.push(&[(1, create("a")), (2, create("b"))]).await;
    assert!(retry.rejected.is_empty(), "a retry of the same changes is not a reuse: {:?}", retry.rejected);

    // Numbered again after the server's last, both go through, in order.
    let renumbered = f.push(&[(3, create("c")), (4, create("d"))]).await;
    assert!(renumbered.rejected.is_empty(), "{:?}", renumbered.rejected);
    assert_eq!(renumbered.last_mutation_id, 4);
    assert_eq!(f.account_names().await, ["Shop a", "Shop b", "Shop c", "Shop d"]);

    // The refusal was not recorded: a later retry does not report it again.
    let later = f.push(&[(4, create("d"))]).await;
    assert!(later.rejected.is_empty(), "{:?}", later.rejected);
}

#[tokio::test]
async fn a_change_the_server_cannot_read_is_refused_alone() {
    let f = fixture().await;
    let from_a_newer_console = json!({"name": "teleport_account", "args": {"id": "a"}});
    let mutations = [
        (1, serde_json::to_value(create("a")).unwrap()),
        (2, from_a_newer_console),
        (3, serde_json::to_value(create("b")).unwrap()),
    ];
    let response = f.push_json(&mutations).await;
    assert_eq!(response.status(), StatusCode::OK, "the push is judged change by change, not refused whole");
    let answer: PushResponse = response.json().await.unwrap();
    assert_eq!(answer.last_mutation_id, 3, "the unreadable change counts as processed");
    assert_eq!(answer.rejected.len(), 1, "{:?}", answer.rejected);
    assert_eq!(answer.rejected[0].id, 2);
    assert_eq!(answer.rejected[0].error.code, ErrorCode::Invalid);
    assert_eq!(issue_keys(&answer.rejected[0].error), ["sync.mutation.unreadable"]);
    assert_eq!(f.account_names().await, ["Shop a", "Shop b"], "the changes around it are applied");

    let retry: PushResponse = f.push_json(&mutations).await.json().await.unwrap();
    assert_eq!(retry.rejected, answer.rejected, "a retry learns of the refusal again");
}

#[tokio::test]
async fn a_console_speaking_another_protocol_is_told_so_and_nothing_is_applied() {
    let f = fixture().await;
    let health = f.http.get(f.url("/health")).send().await.unwrap();
    assert_eq!(
        health.headers().get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()),
        Some(PROTOCOL_VERSION.to_string().as_str()),
        "every answer says the server's protocol"
    );

    let newer = PROTOCOL_VERSION + 1;
    let body =
        json!({"client_id": "c1", "mutations": [{"id": 1, "mutation": serde_json::to_value(create("a")).unwrap()}]});
    let response = f
        .http
        .post(f.url("/push"))
        .bearer_auth(&f.token)
        .header(PROTOCOL_HEADER, newer.to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT, "a console of an unknown protocol is refused");
    assert_eq!(
        response.headers().get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()),
        Some(PROTOCOL_VERSION.to_string().as_str()),
        "the refusal says the server's protocol too"
    );
    let error: WicketError = response.json().await.unwrap();
    assert_eq!(issue_keys(&error), ["sync.protocol.mismatch"]);
    let console = newer.to_string();
    let server = PROTOCOL_VERSION.to_string();
    assert_eq!(error.issues[0].param("console"), Some(console.as_str()));
    assert_eq!(error.issues[0].param("server"), Some(server.as_str()));
    assert!(f.account_names().await.is_empty(), "nothing of the refused push is applied");

    let same = f.http.get(f.url("/me")).bearer_auth(&f.token).header(PROTOCOL_HEADER, server).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::OK, "a console of this protocol is served");
}
