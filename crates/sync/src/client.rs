//! The HTTP client for a Wicket server's console API. The same code talks to
//! the embedded server in local mode and to a team's server.

use std::time::Duration;

use serde::de::DeserializeOwned;
use wicket_model::alipay::{
    AlipayConnect, AlipayConnection, AlipayHomeImport, AlipayPart, AlipayPartPublish, AlipayTest,
};
use wicket_model::api::{DraftConflict, DraftView, Published};
pub use wicket_model::api::{DraftWrite, UploadedMedia};
use wicket_model::layout::MenuImport;
use wicket_model::layout::{Layout, LayoutDraft, LayoutVersion};
use wicket_model::sync::{
    FeedEntry, PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use wicket_model::wechat::{WechatConnect, WechatConnection, WechatMenuPublish, WechatTest};
use wicket_model::{ErrorCode, Issue, NewStaff, StaffChange, StaffUser, WicketError};

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
    /// This console and the server speak different versions of the sync
    /// protocol (`server`: the server's, when it said it).
    #[error("{}", incompatible_message(*console, *server))]
    Incompatible { console: u32, server: Option<u32> },
}

fn incompatible_message(console: u32, server: Option<u32>) -> String {
    match server {
        Some(server) => format!(
            "this console speaks sync protocol {console} and the server {server}: update Wicket where it is older"
        ),
        None => format!(
            "the server's answers cannot be read by this console (sync protocol {console}): update Wicket where it is older"
        ),
    }
}

impl ClientError {
    pub fn into_wicket(self) -> WicketError {
        match self {
            ClientError::Server(error) => error,
            ClientError::Offline(message) => WicketError::new(ErrorCode::Offline, message),
            ClientError::Protocol(message) => WicketError::new(ErrorCode::Internal, message),
            ClientError::Incompatible { console, server } => {
                let server_said = server.map_or_else(|| "?".to_owned(), |v| v.to_string());
                let issue =
                    Issue::new("server", "sync.protocol.mismatch").with("console", console).with("server", server_said);
                WicketError {
                    code: ErrorCode::Conflict,
                    message: incompatible_message(console, server),
                    issues: vec![issue],
                }
            }
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
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(PROTOCOL_HEADER, reqwest::header::HeaderValue::from(PROTOCOL_VERSION));
        let http = reqwest::Client::builder()
            .default_headers(headers)
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
        Ok(self.pull_page(token, client_id, after, limit).await?.response)
    }

    /// A page of the change feed, read change by change: a change this
    /// console cannot read (a kind from a newer server) is left out and
    /// counted, so it never holds back the ones behind it; the cursor
    /// passes over it.
    pub async fn pull_page(
        &self,
        token: &str,
        client_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<PulledPage, ClientError> {
        let query = [("client_id", client_id.to_owned()), ("after", after.to_string()), ("limit", limit.to_string())];
        let request = self.http.get(self.url("/changes")).bearer_auth(token).query(&query);
        let response = request.send().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        let server = protocol_of(&response);
        let mut page: serde_json::Value = self.read(response).await?;
        let mut unreadable = Vec::new();
        if let Some(serde_json::Value::Array(entries)) = page.get_mut("changes") {
            entries.retain(|entry| match serde_json::from_value::<FeedEntry>(entry.clone()) {
                Ok(_) => true,
                Err(error) => {
                    let seq = entry.get("seq").and_then(serde_json::Value::as_i64).unwrap_or_default();
                    tracing::warn!(seq, %error, "a change this console cannot read is passed over");
                    unreadable.push(seq);
                    false
                }
            });
        }
        let response = serde_json::from_value(page).map_err(|e| unreadable_answer(server, &e))?;
        Ok(PulledPage { response, unreadable })
    }

    /// Uploads an image for a reply; the server answers its id (the SHA-256
    /// of the bytes) and path. Uploading the same bytes again is harmless.
    pub async fn upload_media(&self, token: &str, mime: &str, bytes: Vec<u8>) -> Result<UploadedMedia, ClientError> {
        let request = self
            .http
            .post(self.url("/media"))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, mime)
            .body(bytes);
        self.send(request).await
    }

    /// The bytes of an image the server serves at `/s/media/{id}` (public:
    /// subscribers' own pages show them too).
    pub async fn fetch_media(&self, id: &str) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{}", self.base, wicket_model::media::media_path(id));
        let response = self.http.get(url).send().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        match serde_json::from_slice::<WicketError>(&bytes) {
            Ok(error) => Err(ClientError::Server(error)),
            Err(_) => Err(ClientError::Offline(format!("the server answered {status}"))),
        }
    }

    pub async fn layout_draft(&self, token: &str, account_id: &str) -> Result<LayoutDraft, ClientError> {
        let answer: DraftView = self
            .send(self.http.get(self.url(&format!("/accounts/{account_id}/layout/draft"))).bearer_auth(token))
            .await?;
        Ok(answer.draft)
    }

    /// Saves `layout` over the server's draft at revision `base`. Someone's
    /// newer save comes back as `Stale` with the draft as it is now.
    pub async fn save_layout_draft(
        &self,
        token: &str,
        account_id: &str,
        base: i64,
        layout: &Layout,
    ) -> Result<DraftWrite<LayoutDraft>, ClientError> {
        let request = self
            .http
            .put(self.url(&format!("/accounts/{account_id}/layout/draft")))
            .bearer_auth(token)
            .header(reqwest::header::IF_MATCH, base.to_string())
            .json(&serde_json::json!({ "layout": layout }));
        match self.send_revisioned::<DraftView>(request).await? {
            DraftWrite::Done(answer) => Ok(DraftWrite::Done(answer.draft)),
            DraftWrite::Stale(current) => Ok(DraftWrite::Stale(current)),
        }
    }

    /// Publishes the draft at `revision`; the new version's number.
    pub async fn publish_layout(
        &self,
        token: &str,
        account_id: &str,
        revision: i64,
    ) -> Result<DraftWrite<i64>, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/accounts/{account_id}/layout/publish")))
            .bearer_auth(token)
            .json(&serde_json::json!({ "revision": revision }));
        match self.send_revisioned::<Published>(request).await? {
            DraftWrite::Done(published) => Ok(DraftWrite::Done(published.version)),
            DraftWrite::Stale(current) => Ok(DraftWrite::Stale(current)),
        }
    }

    pub async fn layout_versions(&self, token: &str, account_id: &str) -> Result<Vec<LayoutVersion>, ClientError> {
        self.send(self.http.get(self.url(&format!("/accounts/{account_id}/layout/versions"))).bearer_auth(token)).await
    }

    pub async fn layout_version(&self, token: &str, account_id: &str, version: i64) -> Result<Layout, ClientError> {
        let path = format!("/accounts/{account_id}/layout/versions/{version}");
        self.send(self.http.get(self.url(&path)).bearer_auth(token)).await
    }

    pub async fn roll_back_layout(&self, token: &str, account_id: &str, version: i64) -> Result<(), ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/accounts/{account_id}/layout/rollback")))
            .bearer_auth(token)
            .json(&serde_json::json!({ "version": version }));
        let _published: Published = self.send(request).await?;
        Ok(())
    }

    /// The team's staff (owners and administrators only).
    pub async fn staff(&self, token: &str) -> Result<Vec<StaffUser>, ClientError> {
        self.send(self.http.get(self.url("/staff")).bearer_auth(token)).await
    }

    pub async fn add_staff(&self, token: &str, new: &NewStaff) -> Result<StaffUser, ClientError> {
        self.send(self.http.post(self.url("/staff")).bearer_auth(token).json(new)).await
    }

    pub async fn change_staff(&self, token: &str, id: &str, change: &StaffChange) -> Result<StaffUser, ClientError> {
        self.send(self.http.patch(self.url(&format!("/staff/{id}"))).bearer_auth(token).json(change)).await
    }

    /// Ends every session of a staff member (a lost laptop, say).
    pub async fn sign_out_staff(&self, token: &str, id: &str) -> Result<(), ClientError> {
        self.send(self.http.delete(self.url(&format!("/staff/{id}/sessions"))).bearer_auth(token)).await
    }

    /// An account's WeChat connection, secrets masked; `None` when it has
    /// none yet (owners and administrators only).
    pub async fn wechat_connection(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<Option<WechatConnection>, ClientError> {
        let request = self.http.get(self.url(&format!("/accounts/{account_id}/wechat"))).bearer_auth(token);
        match self.send(request).await {
            Ok(connection) => Ok(Some(connection)),
            Err(ClientError::Server(e)) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Connects an account to WeChat or changes its connection.
    pub async fn connect_wechat(
        &self,
        token: &str,
        account_id: &str,
        connect: &WechatConnect,
    ) -> Result<WechatConnection, ClientError> {
        let request = self.http.put(self.url(&format!("/accounts/{account_id}/wechat"))).bearer_auth(token);
        self.send(request.json(connect)).await
    }

    /// Has the server fetch an access token: what WeChat answered.
    pub async fn test_wechat(&self, token: &str, account_id: &str) -> Result<WechatTest, ClientError> {
        self.send(self.http.post(self.url(&format!("/accounts/{account_id}/wechat/test"))).bearer_auth(token)).await
    }

    /// An account's follower import, `None` when none ever ran (owners and administrators only).
    pub async fn follower_import(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<Option<wicket_model::follower_import::FollowerImport>, ClientError> {
        let request = self.http.get(self.url(&format!("/accounts/{account_id}/followers/import"))).bearer_auth(token);
        match self.send(request).await {
            Ok(progress) => Ok(Some(progress)),
            Err(ClientError::Server(e)) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts importing an account's followers (or gets the import already running).
    pub async fn import_followers(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<wicket_model::follower_import::FollowerImport, ClientError> {
        let request = self.http.post(self.url(&format!("/accounts/{account_id}/followers/import"))).bearer_auth(token);
        self.send(request).await
    }

    /// Sends a broadcast now or at its time (the same id again is the same broadcast).
    pub async fn create_broadcast(
        &self,
        token: &str,
        account_id: &str,
        new: &wicket_model::broadcast::NewBroadcast,
    ) -> Result<wicket_model::broadcast::Broadcast, ClientError> {
        let request = self.http.post(self.url(&format!("/accounts/{account_id}/broadcasts"))).bearer_auth(token);
        self.send(request.json(new)).await
    }

    /// The account's broadcasts, newest first, with their counts.
    pub async fn broadcasts(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<Vec<wicket_model::broadcast::Broadcast>, ClientError> {
        let request = self.http.get(self.url(&format!("/accounts/{account_id}/broadcasts"))).bearer_auth(token);
        self.send(request).await
    }

    /// One broadcast: its status and counts while it runs and after.
    pub async fn broadcast(
        &self,
        token: &str,
        account_id: &str,
        id: &str,
    ) -> Result<wicket_model::broadcast::Broadcast, ClientError> {
        let request = self.http.get(self.url(&format!("/accounts/{account_id}/broadcasts/{id}"))).bearer_auth(token);
        self.send(request).await
    }

    /// Cancels a broadcast: nobody not yet sent to gets it.
    pub async fn cancel_broadcast(
        &self,
        token: &str,
        account_id: &str,
        id: &str,
    ) -> Result<wicket_model::broadcast::Broadcast, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/broadcasts/{id}/cancel"));
        self.send(self.http.post(url).bearer_auth(token)).await
    }

    /// Who a broadcast to `audience` would reach now, per platform.
    pub async fn broadcast_forecast(
        &self,
        token: &str,
        account_id: &str,
        audience: &wicket_model::broadcast::Audience,
    ) -> Result<wicket_model::broadcast::Forecast, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/broadcasts/forecast"));
        self.send(self.http.post(url).bearer_auth(token).json(audience)).await
    }

    /// Sends a broadcast's content to one WeChat user as a preview.
    pub async fn preview_broadcast(
        &self,
        token: &str,
        account_id: &str,
        content: &wicket_model::conversation::MessageBody,
        open_id: &str,
    ) -> Result<(), ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/broadcasts/preview"));
        let body = serde_json::json!({"content": content, "open_id": open_id});
        self.send(self.http.post(url).bearer_auth(token).json(&body)).await
    }

    /// What came of sending the last published menu to WeChat (`None` before any).
    pub async fn wechat_menu(&self, token: &str, account_id: &str) -> Result<Option<WechatMenuPublish>, ClientError> {
        self.send(self.http.get(self.url(&format!("/accounts/{account_id}/layout/wechat"))).bearer_auth(token)).await
    }

    /// Sends the live layout's menu to WeChat again.
    pub async fn retry_wechat_menu(&self, token: &str, account_id: &str) -> Result<WechatMenuPublish, ClientError> {
        self.send(self.http.post(self.url(&format!("/accounts/{account_id}/layout/wechat"))).bearer_auth(token)).await
    }

    /// The menu WeChat shows the account's subscribers now, read as Wicket's menu.
    pub async fn live_wechat_menu(&self, token: &str, account_id: &str) -> Result<MenuImport, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/layout/wechat/live"));
        self.send(self.http.get(url).bearer_auth(token)).await
    }

    /// The automatic replies set in the account's WeChat console, as rules.
    pub async fn wechat_auto_replies(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<wicket_model::auto_reply::AutoReplyImport, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/wechat/auto-replies"));
        self.send(self.http.get(url).bearer_auth(token)).await
    }

    /// An account's Alipay connection, keys masked; `None` when it has none
    /// yet (owners and administrators only).
    pub async fn alipay_connection(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<Option<AlipayConnection>, ClientError> {
        let request = self.http.get(self.url(&format!("/accounts/{account_id}/alipay"))).bearer_auth(token);
        match self.send(request).await {
            Ok(connection) => Ok(Some(connection)),
            Err(ClientError::Server(e)) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Connects an account to Alipay or changes its connection.
    pub async fn connect_alipay(
        &self,
        token: &str,
        account_id: &str,
        connect: &AlipayConnect,
    ) -> Result<AlipayConnection, ClientError> {
        let request = self.http.put(self.url(&format!("/accounts/{account_id}/alipay"))).bearer_auth(token);
        self.send(request.json(connect)).await
    }

    /// Disconnects an account from Alipay: the connection that was removed.
    pub async fn disconnect_alipay(&self, token: &str, account_id: &str) -> Result<AlipayConnection, ClientError> {
        self.send(self.http.delete(self.url(&format!("/accounts/{account_id}/alipay"))).bearer_auth(token)).await
    }

    /// Has the server make one signed, harmless call: what Alipay answered.
    pub async fn test_alipay(&self, token: &str, account_id: &str) -> Result<AlipayTest, ClientError> {
        self.send(self.http.post(self.url(&format!("/accounts/{account_id}/alipay/test"))).bearer_auth(token)).await
    }

    /// What came of publishing each part of the last published layout to Alipay.
    pub async fn alipay_home(&self, token: &str, account_id: &str) -> Result<Vec<AlipayPartPublish>, ClientError> {
        self.send(self.http.get(self.url(&format!("/accounts/{account_id}/layout/alipay"))).bearer_auth(token)).await
    }

    /// Publishes one part of the live layout to Alipay again; `None` when
    /// there was nothing to do for it.
    pub async fn retry_alipay_part(
        &self,
        token: &str,
        account_id: &str,
        part: AlipayPart,
    ) -> Result<Option<AlipayPartPublish>, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/layout/alipay/{}", part.name()));
        self.send(self.http.post(url).bearer_auth(token)).await
    }

    /// The home page Alipay shows the account's subscribers now, read as a layout.
    pub async fn live_alipay_home(&self, token: &str, account_id: &str) -> Result<AlipayHomeImport, ClientError> {
        let url = self.url(&format!("/accounts/{account_id}/layout/alipay/live"));
        self.send(self.http.get(url).bearer_auth(token)).await
    }

    /// Like `send`, reading a 409 as the server's current draft.
    async fn send_revisioned<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<DraftWrite<T>, ClientError> {
        let response = request.send().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        if response.status() == reqwest::StatusCode::CONFLICT {
            let bytes = response.bytes().await.map_err(|e| ClientError::Offline(describe(&e)))?;
            let conflict: DraftConflict =
                serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))?;
            return Ok(DraftWrite::Stale(conflict.current.draft));
        }
        self.read(response).await.map(DraftWrite::Done)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        self.read(response).await
    }

    async fn read<T: DeserializeOwned>(&self, response: reqwest::Response) -> Result<T, ClientError> {
        let status = response.status();
        let server = protocol_of(&response);
        let other_protocol = server.is_some_and(|server| server != PROTOCOL_VERSION);
        let incompatible = || ClientError::Incompatible { console: PROTOCOL_VERSION, server };
        let bytes = response.bytes().await.map_err(|e| ClientError::Offline(describe(&e)))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| unreadable_answer(server, &e));
        }
        match serde_json::from_slice::<WicketError>(&bytes) {
            Ok(error) if error.issues.iter().any(|issue| issue.key == "sync.protocol.mismatch") => {
                let said = error.issues.iter().find_map(|issue| issue.param("server")?.parse().ok());
                Err(ClientError::Incompatible { console: PROTOCOL_VERSION, server: said.or(server) })
            }
            Ok(error) => Err(ClientError::Server(error)),
            Err(_) if other_protocol => Err(incompatible()),
            // A proxy in between refused the size (Wicket's own refusal is JSON).
            Err(_) if status == reqwest::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ClientError::Server(WicketError::new(ErrorCode::TooLarge, format!("the server answered {status}"))))
            }
            // A proxy or gateway in between answered, not Wicket.
            Err(_) if status.is_server_error() => Err(ClientError::Offline(format!("the server answered {status}"))),
            Err(_) => Err(ClientError::Protocol(format!("{status}: {}", String::from_utf8_lossy(&bytes)))),
        }
    }
}

/// A page of the change feed and the positions of the changes in it that
/// this console could not read (left out of `response`).
#[derive(Debug, Clone, PartialEq)]
pub struct PulledPage {
    pub response: PullResponse,
    pub unreadable: Vec<i64>,
}

/// The server's sync protocol, when it says it (servers that predate the
/// header speak version 1).
fn protocol_of(response: &reqwest::Response) -> Option<u32> {
    response.headers().get(PROTOCOL_HEADER)?.to_str().ok()?.trim().parse().ok()
}

/// An answer this console cannot read: a server of another protocol
/// version, or else a bug on one side.
fn unreadable_answer(server: Option<u32>, error: &serde_json::Error) -> ClientError {
    match server {
        Some(server) if server != PROTOCOL_VERSION => {
            ClientError::Incompatible { console: PROTOCOL_VERSION, server: Some(server) }
        }
        _ => ClientError::Protocol(error.to_string()),
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
