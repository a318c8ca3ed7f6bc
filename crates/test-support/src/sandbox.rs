//! A subscriber's browser on the sandbox platform.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use wicket_model::api::{SandboxMessages, SandboxSend, SandboxSendBody, SandboxSent};
use wicket_model::conversation::{Direction, MessageBody};

/// A subscriber's browser on an account's sandbox page, keeping the cookie
/// the server gives it (so it stays one subscriber).
pub struct SandboxSubscriber {
    base: String,
    account: String,
    cookie: Option<String>,
    http: reqwest::Client,
}

impl SandboxSubscriber {
    pub fn new(base: &str, account: &str) -> SandboxSubscriber {
        SandboxSubscriber {
            base: base.trim_end_matches('/').to_owned(),
            account: account.to_owned(),
            cookie: None,
            http: reqwest::Client::new(),
        }
    }

    /// The cookie the server set, if any (`name=value`).
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    /// Any call under `/s/api/{account}/`: the status and the body as JSON
    /// (`null` when it is not JSON).
    pub async fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let url = format!("{}/s/api/{}/{path}", self.base, self.account);
        let mut request = self.http.request(method.clone(), url);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response =
            request.send().await.unwrap_or_else(|e| panic!("expected the sandbox to answer {method} {path}: {e}"));
        if let Some(set) = response.headers().get("set-cookie") {
            let pair = set.to_str().ok().and_then(|set| set.split(';').next());
            self.cookie = pair.map(str::to_owned);
        }
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A call expected to succeed: its body as JSON.
    pub async fn expect(&mut self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.call(method.clone(), path, body).await;
        assert!(status.is_success(), "expected the sandbox to take {method} {path}, it answered {status}: {answer}");
        answer
    }

    /// Sends `text` as message `id` (the web app's `client_msg_id`): the
    /// status and the answer, for tests of refusals.
    pub async fn try_say(&mut self, id: &str, text: &str) -> (StatusCode, Value) {
        let send = SandboxSend { client_msg_id: id.into(), body: SandboxSendBody::Text { text: text.into() } };
        self.call(Method::POST, "messages", Some(serde_json::json!(send))).await
    }

    /// Sends `text` as message `id`; panics if the sandbox refuses it.
    pub async fn say(&mut self, id: &str, text: &str) -> SandboxSent {
        let (status, answer) = self.try_say(id, text).await;
        assert!(status.is_success(), "expected the sandbox to take message {id}, it answered {status}: {answer}");
        serde_json::from_value(answer.clone())
            .unwrap_or_else(|e| panic!("expected the sent message: {e}; got {answer}"))
    }

    /// The conversation as this subscriber sees it.
    pub async fn messages(&mut self) -> SandboxMessages {
        let (status, answer) = self.call(Method::GET, "messages", None).await;
        assert!(status.is_success(), "expected the sandbox to show the messages, it answered {status}: {answer}");
        serde_json::from_value(answer.clone()).unwrap_or_else(|e| panic!("expected the messages: {e}; got {answer}"))
    }

    /// The texts of the staff replies this subscriber has received, in order.
    pub async fn replies(&mut self) -> Vec<String> {
        let messages = self.messages().await.messages;
        messages
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound)
            .map(|m| match m.body {
                MessageBody::Text { text } => text,
                _ => String::new(),
            })
            .collect()
    }
}
