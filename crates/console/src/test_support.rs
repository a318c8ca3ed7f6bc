//! What the console's tests against a real server share: the server on
//! loopback, a subscriber's browser on its sandbox platform, and waiting.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wicket_server::{RunningServer, ServerConfig, SystemClock};

pub(crate) async fn start_server(data: &Path, listen: std::net::SocketAddr) -> RunningServer {
    let config = ServerConfig { data_dir: data.to_owned(), listen };
    wicket_server::start(config, Arc::new(SystemClock)).await.unwrap()
}

/// A subscriber's browser on the sandbox platform, keeping its cookie.
pub(crate) struct Subscriber {
    pub(crate) base: String,
    pub(crate) account: String,
    pub(crate) cookie: Option<String>,
    pub(crate) http: reqwest::Client,
}

impl Subscriber {
    pub(crate) async fn call(&mut self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/s/api/{}/{path}", self.base, self.account);
        let mut request = self.http.request(method, url);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        if let Some(set) = response.headers().get("set-cookie") {
            self.cookie = Some(set.to_str().unwrap().split(';').next().unwrap().to_owned());
        }
        assert!(response.status().is_success(), "the sandbox accepts {path}");
        response.json().await.unwrap_or(Value::Null)
    }

    pub(crate) async fn say(&mut self, id: &str, text: &str) {
        let body = json!({"client_msg_id": id, "body": {"type": "text", "text": text}});
        self.call(reqwest::Method::POST, "messages", Some(body)).await;
    }

    /// The staff replies this subscriber has received.
    pub(crate) async fn replies(&mut self) -> Vec<String> {
        let answer = self.call(reqwest::Method::GET, "messages", None).await;
        answer["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "outbound")
            .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// Waits (30 s at most) until `check` finds something; panics with `what`.
pub(crate) async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Some(found) = check().await {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"))
}
