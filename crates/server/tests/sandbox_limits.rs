//! The public sandbox endpoints' hardening, over real HTTP on loopback: rate
//! and volume limits per address, visitors stored only on a write, images
//! checked by their bytes and bounded per visitor and overall, security
//! headers, a Secure cookie over https, and a switch that turns it all off.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::net::IpAddr;
use std::sync::Arc;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wicket_server::{auth, ManualClock, ServerOptions};
use wicket_test_support::TestServer;

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
}

async fn fixture(options: ServerOptions) -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), options).await;
    let http = reqwest::Client::new();
    let f = Fixture { server, http };
    let login = json!({"login": "boss", "password": "correct horse battery"});
    let signed: Value = f.http.post(f.url("/api/v1/sessions")).json(&login).send().await.unwrap().json().await.unwrap();
    let token = signed["token"].as_str().unwrap();
    let create = json!({"client_id": "setup", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "acc", "name": "Shop", "platform": "wechat", "category": "Food", "description": "", "avatar_color": "#1677ff"}}}]});
    let pushed = f.http.post(f.url("/api/v1/push")).bearer_auth(token).json(&create).send().await.unwrap();
    assert_eq!(pushed.status(), StatusCode::OK);
    f
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    async fn call(&self, method: Method, path: &str, cookie: Option<&str>, body: Option<Value>) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned())
}

fn image(mime: &str, bytes: &[u8]) -> Value {
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    json!({"type": "image", "data_url": format!("data:{mime};base64,{data}")})
}

fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 7);
    bytes
}

#[tokio::test]
async fn one_address_is_rate_limited_on_the_subscriber_api() {
    let f = fixture(ServerOptions { sandbox_requests_per_minute: 10, ..ServerOptions::default() }).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(f.call(Method::GET, "/s/api/acc/view", None, None).await);
    }
    assert!(statuses[..10].iter().all(|r| r.status() == StatusCode::OK));
    let last = statuses.last().unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS, "the eleventh request in a minute waits");
    let wait: u64 = last.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "and is told how long: {wait}");
    let other = reqwest::Client::builder().local_address("127.0.0.2".parse::<IpAddr>().unwrap()).build().unwrap();
    let elsewhere = other.get(f.url("/s/api/acc/view")).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::OK, "another address is not limited by this one");
}

#[tokio::test]
async fn one_address_is_limited_in_bytes_sent() {
    let f = fixture(ServerOptions { sandbox_kib_per_minute: 64, ..ServerOptions::default() }).await;
    let text = "长".repeat(10_000); // about 30 KiB
    let mut statuses = Vec::new();
    for n in 0..4 {
        let body = json!({"client_msg_id": format!("m-{n}"), "body": {"type": "text", "text": text}});
        statuses.push(f.call(Method::POST, "/s/api/acc/messages", None, Some(body)).await.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "past 64 KiB a minute: {statuses:?}");
}

#[tokio::test]
async fn reading_the_page_stores_no_visitor_and_the_first_write_does() {
    let f = fixture(ServerOptions::default()).await;
    let view = f.call(Method::GET, "/s/api/acc/view", None, None).await;
    assert_eq!(view.status(), StatusCode::OK);
    let cookie = cookie_of(&view).expect("a browser gets its identity with the page");
    let pair = cookie.split(';').next().unwrap().to_owned();
    let token = pair.strip_prefix("wicket_sandbox=").unwrap();
    let stored = |state: wicket_server::AppState, hash: String| async move {
        state.storage.sandbox_visitor(&hash).await.unwrap()
    };
    let hash = auth::token_hash(token);
    let body: Value = view.json().await.unwrap();
    let id = body["sample"]["id"].as_str().unwrap().to_owned();
    f.call(Method::GET, "/s/api/acc/messages", Some(&pair), None).await;
    f.call(Method::GET, "/s/api/acc/view", Some(&pair), None).await;
    assert_eq!(stored(f.server.state.clone(), hash.clone()).await, None, "reading stores no visitor");
    let follow = f.call(Method::POST, "/s/api/acc/follow", Some(&pair), None).await;
    assert_eq!(follow.status(), StatusCode::OK);
    assert_eq!(stored(f.server.state.clone(), hash).await, Some(id), "following stores the visitor, same id");
}

#[tokio::test]
async fn subscriber_images_are_checked_by_their_bytes() {
    let f = fixture(ServerOptions::default()).await;
    let html = b"<html><script>alert(1)</script></html>";
    let body = json!({"client_msg_id": "m-1", "body": image("image/png", html)});
    let response = f.call(Method::POST, "/s/api/acc/messages", None, Some(body)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "HTML called a PNG is refused");
    let body = json!({"client_msg_id": "m-2", "body": image("image/png", &png(100))});
    let response = f.call(Method::POST, "/s/api/acc/messages", None, Some(body)).await;
    assert_eq!(response.status(), StatusCode::OK, "a real PNG is taken");
}

#[tokio::test]
async fn subscriber_images_are_bounded_per_visitor_and_overall() {
    let options = ServerOptions { sandbox_visitor_image_bytes_per_hour: 3000, ..ServerOptions::default() };
    let f = fixture(options).await;
    let first = f.call(Method::POST, "/s/api/acc/follow", None, None).await;
    let pair = cookie_of(&first).unwrap().split(';').next().unwrap().to_owned();
    let send = |n: usize| json!({"client_msg_id": format!("m-{n}"), "body": image("image/png", &png(1000 + n))});
    let mut statuses = Vec::new();
    for n in 0..4 {
        statuses.push(f.call(Method::POST, "/s/api/acc/messages", Some(&pair), Some(send(n))).await.status());
    }
    assert_eq!(&statuses[..2], &[StatusCode::OK, StatusCode::OK]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "past the visitor's quota: {statuses:?}");
    let fresh = f.call(Method::POST, "/s/api/acc/messages", None, Some(send(9))).await;
    assert_eq!(fresh.status(), StatusCode::OK, "another visitor has their own quota");

    let options = ServerOptions { media_total_bytes: 2500, ..ServerOptions::default() };
    let f = fixture(options).await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        statuses.push(f.call(Method::POST, "/s/api/acc/messages", None, Some(send(n))).await.status());
    }
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS], "the server's total");
}

#[tokio::test]
async fn subscriber_pages_and_api_carry_security_headers() {
    let f = fixture(ServerOptions::default()).await;
    for path in ["/s/acc", "/s/api/acc/view"] {
        let response = f.call(Method::GET, path, None, None).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn the_cookie_is_secure_over_https() {
    let f = fixture(ServerOptions::default()).await;
    let plain = cookie_of(&f.call(Method::POST, "/s/api/acc/follow", None, None).await).unwrap();
    assert!(!plain.contains("Secure"), "plain http: {plain}");
    let proxied = f.http.post(f.url("/s/api/acc/follow")).header("x-forwarded-proto", "https").send().await.unwrap();
    let proxied = cookie_of(&proxied).unwrap();
    assert!(proxied.contains("; Secure"), "behind a TLS proxy: {proxied}");

    let f = fixture(ServerOptions { https: true, ..ServerOptions::default() }).await;
    let flagged = cookie_of(&f.call(Method::POST, "/s/api/acc/follow", None, None).await).unwrap();
    assert!(flagged.contains("; Secure"), "with the https flag: {flagged}");
}

#[tokio::test]
async fn the_sandbox_platform_can_be_turned_off() {
    let f = fixture(ServerOptions { sandbox_platform: false, ..ServerOptions::default() }).await;
    for (method, path) in [
        (Method::GET, "/s/acc"),
        (Method::GET, "/s/api/acc/view"),
        (Method::POST, "/s/api/acc/follow"),
        (Method::GET, "/s/api/acc/messages"),
    ] {
        assert_eq!(f.call(method, path, None, None).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(f.call(Method::GET, "/api/v1/health", None, None).await.status(), StatusCode::OK, "staff API stays");
}
