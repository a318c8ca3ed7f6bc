//! Images staff upload for replies, over real HTTP on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use wicket_model::media::MAX_IMAGE_BYTES;
use wicket_model::Role;
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::TestServer;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a tiny picture";

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
}

async fn fixture() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_767_225_600_000)), ServerOptions::default()).await;
    Fixture { server, http: reqwest::Client::new() }
}

impl Fixture {
    async fn staff(&self, login: &str, role: Role) -> String {
        self.server.staff(login, role).await.token().to_owned()
    }

    async fn upload(&self, token: Option<&str>, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .post(format!("{}/api/v1/media", self.server.base_url()))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn an_agent_uploads_an_image_once_and_subscribers_can_fetch_it() {
    let f = fixture().await;
    let agent = f.staff("xiaoli", Role::Agent).await;
    let id = hex::encode(Sha256::digest(PNG));

    let (status, first) = f.upload(Some(&agent), "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "an agent may upload an image: {first}");
    assert_eq!(first["id"], id.as_str(), "the id is the SHA-256 of the bytes");
    assert_eq!(first["url"], format!("/s/media/{id}"), "served at its content address");
    let (status, second) = f.upload(Some(&agent), "image/png", PNG.to_vec()).await;
    assert_eq!((status, &second), (StatusCode::OK, &first), "the same bytes twice are the same image");

    let served = f.http.get(format!("{}/s/media/{id}", f.server.base_url())).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()[reqwest::header::CONTENT_TYPE], "image/png", "served with its type");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG, "served byte for byte");
    f.server.stop().await;
}

#[tokio::test]
async fn uploads_need_a_role_that_answers_subscribers() {
    let f = fixture().await;
    let designer = f.staff("meimei", Role::Designer).await;
    let (status, _) = f.upload(None, "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no token");
    let (status, _) = f.upload(Some("not-a-token"), "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a bad token");
    let (status, body) = f.upload(Some(&designer), "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a designer does not answer subscribers");
    assert_eq!(body["code"], "forbidden");
    f.server.stop().await;
}

#[tokio::test]
async fn only_real_images_of_the_claimed_type_within_the_limit_are_kept() {
    let f = fixture().await;
    let agent = f.staff("xiaoli", Role::Agent).await;
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("text/plain", PNG.to_vec(), "a type that is not an image"),
        ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "SVG, which can carry script"),
        ("image/jpeg", PNG.to_vec(), "PNG bytes claimed as JPEG"),
        ("image/png", b"MZ\x90\0 not a picture".to_vec(), "bytes without the PNG signature"),
    ];
    for (content_type, bytes, what) in cases {
        let (status, body) = f.upload(Some(&agent), content_type, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what} is refused");
        assert_eq!(body["code"], "invalid", "{what}");
        assert_eq!(body["issues"][0]["key"], "message.image.invalid", "{what}");
    }

    let mut at_limit = PNG.to_vec();
    at_limit.resize(MAX_IMAGE_BYTES, 0);
    let (status, _) = f.upload(Some(&agent), "image/png", at_limit.clone()).await;
    assert_eq!(status, StatusCode::OK, "exactly the limit is allowed");
    at_limit.push(0);
    let (status, body) = f.upload(Some(&agent), "image/png", at_limit).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "one byte over the limit is refused");
    assert_eq!(body["code"], "too_large");
    assert_eq!(body["issues"][0]["key"], "message.image.too_large");
    f.server.stop().await;
}
