//! A staff member's console API client over HTTP, with the model's wire types.

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wicket_model::api::{DraftView, Published, UploadedMedia};
use wicket_model::conversation::Message;
use wicket_model::layout::Layout;
use wicket_model::sync::{NumberedMutation, PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse};
use wicket_model::synced::SyncedEntity;
use wicket_model::{Change, ErrorCode, Mutation, NewAccount};

/// One staff member's session on a server: `base` is the server's root URL
/// (`http://127.0.0.1:port`), paths are written from it (`/api/v1/me`).
#[derive(Clone)]
pub struct StaffClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl StaffClient {
    /// Signs in as `login`; panics with the server's answer if refused.
    pub async fn sign_in(base: &str, login: &str, password: &str) -> StaffClient {
        let session = StaffClient::try_sign_in(base, login, password).await;
        let session = session.unwrap_or_else(|(status, body)| {
            panic!("expected {login} to sign in at {base}, the server answered {status}: {body}")
        });
        StaffClient::with_token(base, &session.token)
    }

    /// Signs in as `login`: the session, or the refusal's status and body.
    pub async fn try_sign_in(base: &str, login: &str, password: &str) -> Result<SignInResponse, (StatusCode, Value)> {
        let anonymous = StaffClient::anonymous(base);
        let request = SignInRequest { login: login.into(), password: password.into() };
        let (status, body) = anonymous.call(Method::POST, "/api/v1/sessions", Some(json!(request))).await;
        if status != StatusCode::OK {
            return Err((status, body));
        }
        Ok(serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("expected a session from sign-in, got {body}: {e}")))
    }

    /// A client holding a token obtained elsewhere.
    pub fn with_token(base: &str, token: &str) -> StaffClient {
        StaffClient {
            base: base.trim_end_matches('/').to_owned(),
            token: Some(token.to_owned()),
            http: reqwest::Client::new(),
        }
    }

    /// A client with no token, for what anyone may call (and what nobody should).
    pub fn anonymous(base: &str) -> StaffClient {
        StaffClient { base: base.trim_end_matches('/').to_owned(), token: None, http: reqwest::Client::new() }
    }

    pub fn token(&self) -> &str {
        self.token.as_deref().unwrap_or_default()
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` with the session's token, to send as the test wants.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Any call, for answers the model has no type for and for refusals:
    /// the status and the body as JSON (a body that is not JSON comes back
    /// as a JSON string).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.request(method.clone(), path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response =
            request.send().await.unwrap_or_else(|e| panic!("expected the server to answer {method} {path}: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_else(|e| panic!("expected the body of {method} {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A call expected to succeed with a `T`; panics with the answer otherwise.
    pub async fn expect<T: DeserializeOwned>(&self, method: Method, path: &str, body: Option<Value>) -> T {
        let (status, answer) = self.call(method.clone(), path, body).await;
        assert!(status.is_success(), "expected {method} {path} to succeed, the server answered {status}: {answer}");
        serde_json::from_value(answer.clone())
            .unwrap_or_else(|e| panic!("expected {method} {path} to answer a {}: {e}; it said {answer}", short::<T>()))
    }

    /// `GET path`, expected to succeed with a `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> T {
        self.expect(Method::GET, path, None).await
    }

    /// `method path` with `body` as JSON, expected to succeed with a `T`.
    pub async fn send<B: Serialize, T: DeserializeOwned>(&self, method: Method, path: &str, body: &B) -> T {
        self.expect(method, path, Some(json!(body))).await
    }

    /// Pushes `mutations` numbered as given, as client `client_id`.
    pub async fn push_numbered(&self, client_id: &str, mutations: Vec<(i64, Mutation)>) -> PushResponse {
        let request = PushRequest {
            client_id: client_id.into(),
            mutations: mutations.into_iter().map(|(id, mutation)| NumberedMutation { id, mutation }).collect(),
        };
        self.send(Method::POST, "/api/v1/push", &request).await
    }

    /// Pushes `mutations`, numbered from 1, as client `client_id`.
    pub async fn push(&self, client_id: &str, mutations: Vec<Mutation>) -> PushResponse {
        self.push_numbered(client_id, (1..).zip(mutations).collect()).await
    }

    /// One page of the change feed after `after`.
    pub async fn pull(&self, client_id: &str, after: i64, limit: u32) -> PullResponse {
        self.get(&format!("/api/v1/changes?client_id={client_id}&after={after}&limit={limit}")).await
    }

    /// Every `E` the feed carries after `after`, page by page of 100, in
    /// order, and where the feed ends: what a colleague's console receives
    /// of a synced entity (segments, broadcast drafts, rules).
    pub async fn pulled<E: SyncedEntity>(&self, client_id: &str, after: i64) -> (Vec<E>, i64) {
        let mut cursor = after;
        let mut pulled = Vec::new();
        loop {
            let page = self.pull(client_id, cursor, 100).await;
            pulled.extend(page.changes.into_iter().filter_map(|entry| E::from_change(entry.change)));
            cursor = page.cursor;
            if !page.more {
                return (pulled, cursor);
            }
        }
    }

    /// Checks that this staff member's role keeps them away from `E`: the
    /// feed carries none to them, and their `edit` of one is refused as
    /// forbidden.
    pub async fn assert_kept_away_from<E: SyncedEntity + std::fmt::Debug>(&self, client_id: &str, edit: Mutation) {
        let (seen, _) = self.pulled::<E>(client_id, 0).await;
        assert!(seen.is_empty(), "{seen:?}");
        let pushed = self.push(client_id, vec![edit]).await;
        assert_eq!(pushed.rejected.len(), 1);
        assert_eq!(pushed.rejected[0].error.code, ErrorCode::Forbidden);
    }

    /// Creates an account as a colleague's console does (through a push);
    /// panics if the server refuses it.
    /// Connects `account` to the Alipay double as the application `app_id`
    /// (signing with `app_private_key`), then gives the double that
    /// application as the server answered it: its public key, UTF-8, the
    /// chat switch off, the gateway the double pushes to (if any) and the
    /// 生活号's `name`.
    pub async fn connect_alipay(
        &self,
        account: &str,
        double: &wicket_alipay_double::RunningDouble,
        (app_id, app_private_key): (&str, &str),
        gateway_url: Option<String>,
        name: &str,
    ) {
        let connect = serde_json::json!({"app_id": app_id, "app_private_key": app_private_key,
            "alipay_public_key": double.alipay_public_key_base64(), "charset": "utf-8"});
        let (status, saved) =
            self.call(Method::PUT, &format!("/api/v1/accounts/{account}/alipay"), Some(connect)).await;
        assert_eq!(status, StatusCode::OK, "expected the Alipay connection to be saved, got {saved}");
        let app_public_key = saved["app_public_key"].as_str().map(str::to_owned);
        let app_public_key =
            app_public_key.unwrap_or_else(|| panic!("expected the application's public key in {saved}"));
        let app = wicket_alipay_double::AccountSpec {
            app_id: app_id.into(),
            app_public_key,
            gateway_url,
            charset: "UTF-8".into(),
            chat_switch_on: false,
            name: Some(name.into()),
        };
        double.add_account(app).unwrap_or_else(|e| panic!("expected the double to take the application: {e}"));
    }

    pub async fn create_account(&self, account: NewAccount) {
        let id = account.id.clone();
        let pushed = self.push(&format!("setup-{id}"), vec![Mutation::CreateAccount(account)]).await;
        assert!(pushed.rejected.is_empty(), "expected account {id} to be created, refused: {:?}", pushed.rejected);
    }

    /// Every message the feed holds, in order (one page of at most 1000 changes).
    pub async fn feed_messages(&self) -> Vec<Message> {
        let pulled = self.pull("feed-reader", 0, 1000).await;
        pulled
            .changes
            .into_iter()
            .filter_map(|entry| match entry.change {
                Change::Message(message) => Some(message),
                _ => None,
            })
            .collect()
    }

    /// The id of the inbox's first conversation.
    pub async fn first_conversation(&self) -> String {
        let (status, inbox) = self.call(Method::GET, "/api/v1/conversations", None).await;
        assert_eq!(status, StatusCode::OK, "expected the inbox to open: {inbox}");
        let id = inbox["conversations"][0]["id"].as_str();
        id.unwrap_or_else(|| panic!("expected a conversation in the inbox: {inbox}")).to_owned()
    }

    /// Sends `text` as staff message `id` in `conversation`; panics if refused.
    pub async fn reply(&self, conversation: &str, id: &str, text: &str) {
        let body = json!({"client_msg_id": id, "body": {"type": "text", "text": text}});
        let path = format!("/api/v1/conversations/{conversation}/messages");
        let (status, sent) = self.call(Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "expected the reply {id} to be taken: {sent}");
    }

    /// Uploads an image (`content_type` as the staff's browser names it).
    pub async fn upload_media(&self, content_type: &str, bytes: Vec<u8>) -> UploadedMedia {
        let response = self
            .request(Method::POST, "/api/v1/media")
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await
            .unwrap_or_else(|e| panic!("expected the server to answer the upload: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "expected the {content_type} image to be taken, the server answered {status}: {text}"
        );
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("expected the uploaded image: {e}; it said {text}"))
    }

    /// Uploads `bytes` as an image and sends it as staff message `id` in
    /// `conversation`; panics if either is refused.
    pub async fn reply_with_image(&self, conversation: &str, id: &str, content_type: &str, bytes: Vec<u8>) {
        let uploaded = self.upload_media(content_type, bytes).await;
        let body = json!({"client_msg_id": id, "body": {"type": "image", "url": uploaded.url}});
        let path = format!("/api/v1/conversations/{conversation}/messages");
        let (status, sent) = self.call(Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "expected the image {id} to be taken: {sent}");
    }

    /// The server's draft of `account`'s layout.
    pub async fn draft(&self, account: &str) -> DraftView {
        self.get(&format!("/api/v1/accounts/{account}/layout/draft")).await
    }

    /// Saves `layout` as `account`'s draft over revision `revision`.
    pub async fn save_draft(&self, account: &str, revision: i64, layout: &Layout) -> DraftView {
        let path = format!("/api/v1/accounts/{account}/layout/draft");
        let response = self
            .request(Method::PUT, &path)
            .header("If-Match", revision.to_string())
            .json(&json!({ "layout": layout }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("expected the server to answer PUT {path}: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "expected the draft of {account} to be saved: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("expected a draft from PUT {path}: {e}; it said {text}"))
    }

    /// Publishes `account`'s draft at `revision`.
    pub async fn publish(&self, account: &str, revision: i64) -> Published {
        let path = format!("/api/v1/accounts/{account}/layout/publish");
        self.send(Method::POST, &path, &json!({ "revision": revision })).await
    }

    /// Saves `layout` as `account`'s draft over the current one and publishes it.
    pub async fn save_and_publish(&self, account: &str, layout: &Layout) -> Published {
        let current = self.draft(account).await;
        let saved = self.save_draft(account, current.draft.revision, layout).await;
        assert!(saved.issues.is_empty(), "expected the layout to be publishable on {account}: {:?}", saved.issues);
        self.publish(account, saved.draft.revision).await
    }
}

fn short<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}
