//! Helpers shared by the double's tests: a running double with one account, and OpenAPI calls
//! signed with the application key as the server's adapter makes them (wicket-alipay).
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use wicket_alipay::openapi::{timestamp, verify_response_in, Request, Response, ResponseError};
use wicket_alipay::{Charset, PrivateKey, SignType};
use wicket_alipay_double::{generate_key, AccountSpec, Double, RunningDouble};

pub const APP_ID: &str = "2021000000000001";
pub const USER: &str = "2088102000000001";

/// The application's key pair, made once per test binary.
pub fn app_key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| generate_key().unwrap()).clone()
}

/// Another key, for signatures the account does not know.
pub fn other_key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| generate_key().unwrap()).clone()
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

pub fn spec(gateway_url: Option<String>) -> AccountSpec {
    AccountSpec {
        app_id: APP_ID.into(),
        app_public_key: app_key().public_key_base64(),
        gateway_url,
        charset: "UTF-8".into(),
        chat_switch_on: false,
        name: Some("Wicket 咖啡".into()),
    }
}

pub struct Fixture {
    pub double: RunningDouble,
    pub http: reqwest::Client,
}

/// What an OpenAPI call came back with: the verified answer, or why it was not believed.
pub type Answer = Result<Response, ResponseError>;

impl Fixture {
    pub async fn start() -> Self {
        Self::start_with(spec(None)).await
    }

    pub async fn start_with(spec: AccountSpec) -> Self {
        let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.expect("the double binds a port");
        double.add_account(spec).expect("the account is added");
        Self { double, http: reqwest::Client::new() }
    }

    /// Posts a raw form body to the gateway; the answer's text.
    pub async fn post(&self, body: Vec<u8>, charset: Charset) -> String {
        let response = self
            .http
            .post(self.double.gateway_url())
            .header("content-type", format!("application/x-www-form-urlencoded;charset={}", charset.name()))
            .body(body)
            .send()
            .await
            .expect("the double answers");
        assert_eq!(response.status(), 200, "Alipay answers errors with HTTP 200 and a code");
        let bytes = response.bytes().await.unwrap();
        charset.decode(&bytes).expect("the answer is in the request's charset")
    }

    /// A signed call as the adapter makes it, its answer verified with the double's Alipay key.
    pub async fn call(&self, method: &str, biz: &Value) -> Answer {
        self.call_in(method, biz, Charset::Utf8).await
    }

    pub async fn call_in(&self, method: &str, biz: &Value, charset: Charset) -> Answer {
        let biz = if biz.is_null() { String::new() } else { biz.to_string() };
        let ts = timestamp(now_ms());
        let request = Request {
            app_id: APP_ID,
            method,
            biz_content: &biz,
            timestamp: &ts,
            charset,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        let text = self.post(request.form_body(&app_key()), charset).await;
        verify_response_in(&text, method, &self.double.alipay_public_key(), SignType::Rsa2, charset)
    }

    pub fn follow(&self, users: &[&str]) {
        let users: Vec<String> = users.iter().map(|s| s.to_string()).collect();
        self.double.add_followers(APP_ID, &users).unwrap();
    }
}

/// The answer's code and sub_code, for assertions.
pub fn codes(answer: &Answer) -> (String, Option<String>) {
    let response = answer.as_ref().expect("a signed answer");
    (response.code.clone(), response.sub_code.clone())
}

pub fn ok(answer: &Answer) -> &Value {
    let response = answer.as_ref().expect("a signed answer");
    assert!(response.is_success(), "expected success, got {:?}", response.body);
    &response.body
}

/// Asserts a refusal with `code` and `sub_code`.
#[track_caller]
pub fn refused(answer: &Answer, code: &str, sub_code: &str) {
    let (c, s) = codes(answer);
    assert_eq!((c.as_str(), s.as_deref()), (code, Some(sub_code)), "{answer:?}");
}

/// A leaf button.
pub fn button(name: &str, action_type: &str, action_param: &str) -> Value {
    json!({ "name": name, "action_type": action_type, "action_param": action_param })
}

pub fn text_menu(buttons: Vec<Value>) -> Value {
    json!({ "button": buttons })
}

/// An application gateway that takes every push, answering with wicket-alipay's signed ack message or
/// verifygw answer, without checking Alipay's signature (for tests about the API, not pushes).
pub async fn success_gateway() -> (String, tokio::task::JoinHandle<()>) {
    use axum::body::Bytes;
    async fn answer(body: Bytes) -> String {
        let form = wicket_alipay::form::parse(&body).expect("the double posts a form");
        if form.get("service") == Some(wicket_alipay_double::CHECK_SERVICE) {
            wicket_alipay::gateway::verifygw_response(&app_key(), form.charset)
        } else {
            let notify = wicket_alipay::parse_notify(form.get("biz_content").unwrap_or_default()).expect("a notify");
            wicket_alipay::gateway::notify_ack_for(&app_key(), form.charset, &notify, 1_700_000_000)
        }
    }
    let app = axum::Router::new().route("/alipay", axum::routing::post(answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alipay", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}
