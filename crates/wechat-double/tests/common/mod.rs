//! Helpers shared by the double's tests: a running double with one account, and calls to its API.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use serde_json::{json, Value};
use wicket_wechat_double::{AccountChange, AccountSpec, Double, Mode, RunningDouble};

pub const APPID: &str = "wx5823bf96d3bd56c7";
pub const SECRET: &str = "the-app-secret";
pub const TOKEN: &str = "QDG6eK";
pub const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

pub struct Fixture {
    pub double: RunningDouble,
    pub http: reqwest::Client,
}

pub fn spec(mode: Mode, callback_url: Option<String>) -> AccountSpec {
    AccountSpec {
        appid: APPID.into(),
        secret: SECRET.into(),
        token: TOKEN.into(),
        encoding_aes_key: Some(AES_KEY.into()),
        mode,
        callback_url,
        original_id: Some("gh_3e1b2c4d5f60".into()),
    }
}

impl Fixture {
    /// A double with one safe-mode account whose callbacks go to `callback_url`.
    pub async fn start(callback_url: Option<String>) -> Self {
        Self::start_in(Mode::Safe, callback_url).await
    }

    pub async fn start_in(mode: Mode, callback_url: Option<String>) -> Self {
        let double =
            Double::new().serve("127.0.0.1:0".parse().unwrap()).await.expect("the double binds a loopback port");
        double.add_account(spec(mode, callback_url)).expect("the account is added");
        Self { double, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.double.base_url())
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Value {
        self.post_raw(path, body.to_string()).await
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> Value {
        let response = self.http.post(self.url(path)).body(body).send().await.expect("the double answers");
        assert_eq!(response.status(), 200, "WeChat answers errors with HTTP 200 and an errcode");
        response.json().await.expect("the double answers JSON")
    }

    pub async fn get(&self, path: &str) -> Value {
        let response = self.http.get(self.url(path)).send().await.expect("the double answers");
        response.json().await.expect("the double answers JSON")
    }

    /// A stable access token for the account.
    pub async fn token(&self) -> String {
        let answer = self
            .post_json(
                "/cgi-bin/stable_token",
                &json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET}),
            )
            .await;
        answer["access_token"].as_str().expect("a token is issued").to_owned()
    }

    pub fn change(&self, change: AccountChange) {
        self.double.change_account(APPID, change).unwrap();
    }

    pub fn follow(&self, openids: &[&str]) {
        let openids: Vec<String> = openids.iter().map(|s| s.to_string()).collect();
        self.double.add_followers(APPID, &openids).unwrap();
    }
}

/// The errcode of an answer (0 when it has none, as on success with data).
pub fn errcode(answer: &Value) -> i64 {
    answer.get("errcode").and_then(Value::as_i64).unwrap_or(0)
}

/// A callback receiver that takes everything with `success` (for tests about the API, not callbacks).
pub async fn success_receiver() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().route("/wechat", axum::routing::post(|| async { "success" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/wechat", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}
