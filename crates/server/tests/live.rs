//! The staff live socket's bounds, over real HTTP on loopback: oversized
//! frames close it, presence updates are checked and rate-limited, and a
//! socket whose session ends (signed out, expired, password changed) closes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Frame;
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::{StaffClient, TestServer};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Fixture {
    server: TestServer,
    clock: ManualClock,
    http: reqwest::Client,
}

async fn fixture() -> Fixture {
    let clock = ManualClock::at(1_700_000_000_000);
    let server = TestServer::start_with(Arc::new(clock.clone()), ServerOptions::default()).await;
    Fixture { server, clock, http: reqwest::Client::new() }
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.server.base_url())
    }

    async fn sign_in(&self, login: &str, password: &str) -> String {
        StaffClient::sign_in(&self.server.base_url(), login, password).await.token().to_owned()
    }

    async fn live(&self, token: &str) -> Socket {
        let url = format!("ws://{}/api/v1/live", self.server.addr);
        let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the live feed opens");
        let hello = next(&mut socket, 5).await.expect("a first event");
        assert!(hello.is_text(), "the socket starts with the feed's position");
        socket
    }
}

/// The next frame within `seconds`, or `None` when the socket closed or
/// nothing came.
async fn next(socket: &mut Socket, seconds: u64) -> Option<Frame> {
    match tokio::time::timeout(Duration::from_secs(seconds), socket.next()).await {
        Ok(Some(Ok(frame))) => Some(frame),
        _ => None,
    }
}

/// Whether the socket closes within `seconds` (text frames before are skipped).
async fn closes_within(socket: &mut Socket, seconds: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(Frame::Close(_)))) => return true,
            Ok(Some(Ok(_))) => {}
        }
    }
}

#[tokio::test]
async fn an_overlong_frame_closes_the_socket() {
    let f = fixture().await;
    let token = f.sign_in("boss", "correct horse battery").await;
    let mut socket = f.live(&token).await;
    let huge = json!({"type": "presence", "conversation_id": "c".repeat(64 * 1024), "state": "viewing"});
    let _ = socket.send(Frame::Text(huge.to_string().into())).await;
    assert!(closes_within(&mut socket, 3).await, "a 64 KiB message ends the socket");
}

#[tokio::test]
async fn a_socket_closes_when_its_session_is_signed_out_everywhere() {
    let f = fixture().await;
    let token = f.sign_in("boss", "correct horse battery").await;
    let mut socket = f.live(&token).await;
    let out = f.http.delete(f.url("/sessions")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), reqwest::StatusCode::OK);
    assert!(closes_within(&mut socket, 3).await, "the revoked session's socket closes within seconds");
}

#[tokio::test]
async fn a_socket_closes_when_its_session_expires() {
    let f = fixture().await;
    let token = f.sign_in("boss", "correct horse battery").await;
    let mut socket = f.live(&token).await;
    assert!(!closes_within(&mut socket, 2).await, "a live session's socket stays open");
    f.clock.advance(31 * 24 * 3600 * 1000);
    assert!(closes_within(&mut socket, 3).await, "an expired session's socket closes");
}

#[tokio::test]
async fn a_socket_closes_when_its_password_changes() {
    let f = fixture().await;
    let owner = f.sign_in("boss", "correct horse battery").await;
    let body = json!({"login": "xiaoli", "display_name": "", "role": "agent", "password": "staff password"});
    let added: Value =
        f.http.post(f.url("/staff")).bearer_auth(&owner).json(&body).send().await.unwrap().json().await.unwrap();
    let agent = f.sign_in("xiaoli", "staff password").await;
    let mut socket = f.live(&agent).await;
    let id = added["id"].as_str().unwrap();
    let change = f
        .http
        .patch(f.url(&format!("/staff/{id}")))
        .bearer_auth(&owner)
        .json(&json!({"password": "a new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), reqwest::StatusCode::OK);
    assert!(closes_within(&mut socket, 3).await, "the agent's socket closes with their old password");
}

#[tokio::test]
async fn presence_updates_are_checked_and_rate_limited() {
    let f = fixture().await;
    let token = f.sign_in("boss", "correct horse battery").await;
    let mut watcher = f.live(&token).await;
    let mut talker = f.live(&token).await;
    let say = |conversation: &str, state: &str| {
        Frame::Text(json!({"type": "presence", "conversation_id": conversation, "state": state}).to_string().into())
    };
    talker.send(say("<script>", "viewing")).await.unwrap();
    talker.send(say("", "viewing")).await.unwrap();
    for n in 0..100 {
        talker.send(say(&format!("conv-{}", n % 2), "viewing")).await.unwrap();
    }
    let mut relayed = Vec::new();
    while let Some(Frame::Text(text)) = next(&mut watcher, 1).await {
        let event: Value = serde_json::from_str(&text).unwrap();
        relayed.push(event["conversation_id"].as_str().unwrap_or_default().to_owned());
    }
    assert!(!relayed.is_empty(), "well-formed updates are relayed");
    assert!(relayed.iter().all(|id| id.starts_with("conv-")), "malformed ids are not: {relayed:?}");
    // Each accepted switch also says the previous one was left: two events.
    assert!(relayed.len() <= 2 * 30, "a flood is cut short: {} events relayed", relayed.len());
}
