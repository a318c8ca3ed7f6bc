//! Sign-in under attack, over real HTTP on loopback: limits per (name,
//! address), per address and overall; names ignore case over all of
//! Unicode. Other loopback addresses (127.0.0.2, …) stand for other
//! machines. What unknown names cost against known ones, and whether
//! password hashing stalls other requests, are timings: `sign-in-bench`
//! measures them for `make bench`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::net::IpAddr;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::TestServer;

struct Fixture {
    server: TestServer,
    local: reqwest::Client,
}

async fn fixture() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;
    Fixture { server, local: client_from("127.0.0.1") }
}

/// A client whose requests come from `from` (a loopback address).
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(from.parse::<IpAddr>().unwrap()).build().unwrap()
}

impl Fixture {
    async fn sign_in_from(&self, http: &reqwest::Client, login: &str, password: &str) -> reqwest::Response {
        let url = format!("{}/api/v1/sessions", self.server.base_url());
        http.post(url).json(&json!({"login": login, "password": password})).send().await.unwrap()
    }

    async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.sign_in_from(&self.local, login, password).await
    }

    async fn owner_token(&self) -> String {
        let body: Value = self.sign_in("boss", "correct horse battery").await.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn failing_a_colleagues_name_from_elsewhere_does_not_lock_them_out() {
    let f = fixture().await;
    let elsewhere = client_from("127.0.0.2");
    let mut last = None;
    for _ in 0..12 {
        last = Some(f.sign_in_from(&elsewhere, "boss", "guess").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS, "guessing from one place is slowed down");
    let own = f.sign_in("boss", "correct horse battery").await;
    assert_eq!(own.status(), StatusCode::OK, "the owner still signs in from their own machine");
    let wait: u64 = last.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "a 429 says how long to wait: {wait}");
}

#[tokio::test]
async fn one_address_is_limited_whatever_names_it_tries() {
    let f = fixture().await;
    let sprayer = client_from("127.0.0.3");
    let mut statuses = Vec::new();
    for n in 0..70 {
        statuses.push(f.sign_in_from(&sprayer, &format!("name{n}"), "guess").await.status());
    }
    assert!(statuses[..50].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "a burst is allowed: {statuses:?}");
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "trying many names is slowed down too");
    assert_eq!(f.sign_in("boss", "correct horse battery").await.status(), StatusCode::OK, "others are not");
}

#[tokio::test]
async fn an_overlong_name_is_refused_like_a_wrong_one() {
    let f = fixture().await;
    let long = "b".repeat(100_000);
    assert_eq!(f.sign_in(&long, "guess").await.status(), StatusCode::UNAUTHORIZED);
    assert!(f.server.state.sign_in_limiter.tracked() <= 1);
}

#[tokio::test]
async fn sign_in_names_ignore_case_beyond_ascii() {
    let f = fixture().await;
    let owner = f.owner_token().await;
    let url = format!("{}/api/v1/staff", f.server.base_url());
    let add = |login: &str| {
        f.local
            .post(&url)
            .bearer_auth(&owner)
            .json(&json!({"login": login, "display_name": "", "role": "agent", "password": "staff password"}))
            .send()
    };
    assert_eq!(add("ÉLODIE").await.unwrap().status(), StatusCode::OK);
    assert_eq!(f.sign_in("élodie", "staff password").await.status(), StatusCode::OK, "lower case signs in");
    assert_eq!(f.sign_in(" Élodie ", "staff password").await.status(), StatusCode::OK, "and mixed case");
    assert_eq!(add("élodie").await.unwrap().status(), StatusCode::CONFLICT, "the same name in other case is taken");
    assert_eq!(add("elodie").await.unwrap().status(), StatusCode::OK, "without the accent it is another name");
}
