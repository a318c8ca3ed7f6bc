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

/// The owner's password on the test servers.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// A team server on loopback with its owner, a console signed in to it from
/// a fresh data folder, and one synced WeChat account.
pub(crate) struct Team {
    pub(crate) server_dir: tempfile::TempDir,
    pub(crate) server: RunningServer,
    pub(crate) addr: std::net::SocketAddr,
    pub(crate) console_dir: tempfile::TempDir,
    pub(crate) console: crate::Console,
    pub(crate) account: String,
}

pub(crate) async fn team_with_account(name: &str) -> Team {
    let server_dir = tempfile::tempdir().unwrap();
    let server = start_server(server_dir.path(), "127.0.0.1:0".parse().unwrap()).await;
    server.state.create_owner("boss", "Boss", PASSWORD).await.unwrap();
    let console_dir = tempfile::tempdir().unwrap();
    let tokens = crate::TokenStore::file_only(&console_dir.path().join("sessions"));
    let console = crate::Console::with_tokens(console_dir.path(), tokens, crate::tests::quiet());
    console.sign_in(&server.base_url(), "boss", PASSWORD).await.unwrap();
    let draft = wicket_model::AccountDraft {
        name: name.into(),
        platform: wicket_model::PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    };
    let account = console.create_account(draft).await.unwrap().account.id;
    crate::tests::until_synced(&console).await;
    Team { addr: server.addr, server_dir, server, console_dir, console, account }
}
