//! Sign-in under attack, over real HTTP on loopback: limits per (name,
//! address), per address and overall; unknown names cost what known ones do;
//! password hashing never stalls other requests; names ignore case over all
//! of Unicode. Other loopback addresses (127.0.0.2, …) stand for other
//! machines.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

async fn fastest(f: &Fixture, login: &str) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(f.sign_in(login, "wrong password").await.status(), StatusCode::UNAUTHORIZED);
        best = best.min(started.elapsed());
    }
    best
}

#[tokio::test]
#[ignore = "times requests: a benchmark figure, not a test on a shared machine; run with --ignored"]
async fn an_unknown_name_costs_what_a_known_one_does() {
    let f = fixture().await;
    let known = fastest(&f, "boss").await;
    let unknown = fastest(&f, "nobody").await;
    assert!(
        unknown * 2 >= known,
        "an unknown name is checked as slowly as a known one (unknown {unknown:?}, known {known:?})"
    );
}

#[tokio::test]
#[ignore = "times requests: a benchmark figure, not a test on a shared machine; run with --ignored"]
async fn password_hashing_does_not_stall_other_requests() {
    // One runtime thread, as a busy server's workers would be.
    let f = fixture().await;
    let single = fastest(&f, "boss").await;
    let base = f.server.base_url();
    let clients: Vec<reqwest::Client> = (1..=6).map(|n| client_from(&format!("127.0.1.{n}"))).collect();
    let mut guesses = Vec::new();
    for (n, http) in clients.into_iter().enumerate() {
        let url = format!("{base}/api/v1/sessions");
        guesses.push(tokio::spawn(async move {
            http.post(url).json(&json!({"login": "boss", "password": format!("guess{n}")})).send().await.unwrap()
        }));
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    let started = Instant::now();
    let health = f.local.get(format!("{base}/api/v1/health")).send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(health.status(), StatusCode::OK);
    for guess in guesses {
        assert_eq!(guess.await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert!(waited < single, "health answered in {waited:?} while six sign-ins hashed (one takes {single:?})");
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
