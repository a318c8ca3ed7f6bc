//! The HTTP client for a Wicket server's console API. The same code talks to
//! the embedded server in local mode and to a team's server.

use std::time::Duration;

use serde::de::DeserializeOwned;
use wicket_model::sync::{PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse};
use wicket_model::{ErrorCode, StaffUser, WicketError};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached (down, no network, timed out).
    #[error("cannot reach the server: {0}")]
    Offline(String),
    /// The server answered with an error.
    #[error("{}", .0.message)]
    Server(WicketError),
    /// The server answered with something this console cannot read.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
}

impl ClientError {
    pub fn into_wicket(self) -> WicketError {
        match self {
            ClientError::Server(error) => error,
            ClientError::Offline(message) => WicketError::new(ErrorCode::Offline, message),
            ClientError::Protocol(message) => WicketError::new(ErrorCode::Internal, message),
        }
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ClientError::Server(e) if e.code == ErrorCode::Unauthorized)
    }
}

#[derive(Clone)]
pub struct ServerClient {
    http: reqwest::Client,
    base: String,
}

impl ServerClient {
    /// A client for the server at `base_url` (`http://` or `https://`).
    pub fn new(base_url: &str) -> Result<Self, WicketError> {
        let base = normalize_url(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| WicketError::new(ErrorCode::Internal, format!("cannot make an HTTP client: {e}")))?;
        Ok(Self { http, base })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The live feed's address (`ws://` or `wss://`).
    pub fn live_url(&self) -> String {
        let socket_base = match self.base.strip_prefix("https://") {
            Some(rest) => format!("wss://{rest}"),
            None => format!("ws://{}", self.base.trim_start_matches("http://")),
        };
        format!("{socket_base}/api/v1/live")
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Result<SignInResponse, ClientError> {
        let body = SignInRequest { login: login.to_owned(), password: password.to_owned() };
        self.send(self.http.post(self.url("/sessions")).json(&body)).await
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), ClientError> {
        self.send(self.http.delete(self.url("/sessions/current")).bearer_auth(token)).await
    }

    pub async fn me(&self, token: &str) -> Result<StaffUser, ClientError> {
        self.send(self.http.get(self.url("/me")).bearer_auth(token)).await
    }

    pub async fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse, ClientError> {
        self.send(self.http.post(self.url("/push")).bearer_auth(token).json(request)).await
    }

    pub async fn pull(
        &self,
        token: &str,
        client_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<PullResponse, ClientError> {
        let query = [("client_id", client_id.to_owned()), ("after", after.to_string()), ("limit", limit.to_string())];
        self.send(self.http.get(self.url("/changes")).bearer_auth(token).query(&query)).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<WicketError>(&bytes) {
            Ok(error) => Err(ClientError::Server(error)),
            // A proxy or gateway in between answered, not Wicket.
            Err(_) if status.is_server_error() => Err(ClientError::Offline(format!("the server answered {status}"))),
            Err(_) => Err(ClientError::Protocol(format!("{status}: {}", String::from_utf8_lossy(&bytes)))),
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the server did not answer in time".into()
    } else if error.is_connect() {
        "the connection was refused or the network is down".into()
    } else {
        error.to_string()
    }
}

/// Checks and tidies a server address typed by a person.
pub fn normalize_url(text: &str) -> Result<String, WicketError> {
    let text = text.trim().trim_end_matches('/');
    let invalid = || WicketError::invalid(vec![wicket_model::Issue::new("server_url", "settings.server_url.invalid")]);
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")).ok_or_else(invalid)?;
    if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return Err(invalid());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_checked() {
        assert_eq!(normalize_url(" https://wicket.example.com/ ").unwrap(), "https://wicket.example.com");
        assert_eq!(normalize_url("http://127.0.0.1:8686").unwrap(), "http://127.0.0.1:8686");
        for bad in ["", "wicket.example.com", "ftp://x", "https://", "https://a b"] {
            assert!(normalize_url(bad).is_err(), "{bad:?} is refused");
        }
    }
}
