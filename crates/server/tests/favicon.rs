//! The site icon browsers ask for beside the subscriber web app.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::StatusCode;
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::TestServer;

#[tokio::test]
async fn favicon_is_wickets_icon() {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;

    let response = reqwest::get(format!("{}/favicon.ico", server.base_url())).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a browser's request for the icon is answered");
    assert_eq!(response.headers()["content-type"], "image/x-icon");
    let body = response.bytes().await.unwrap();
    let icon = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../icons/icon.ico")).unwrap();
    assert_eq!(&body[..], &icon[..], "the icon is the app's own (icons/icon.ico)");
    assert_eq!(&body[..4], &[0, 0, 1, 0], "an ICO file");
}
