//! WeChat's server API (`api.weixin.qq.com`, or the double in tests): the
//! access token and the calls Wicket makes with it.
//!
//! The token comes from the stable-token endpoint (`/cgi-bin/stable_token`),
//! is cached per account and fetched again before it expires. One fetch runs
//! at a time per account however many sends wait for it (single flight: the
//! waiters queue on the account's lock and find the new token), and a call
//! WeChat answers with 40001/42001/40014 (token invalid or expired) gets one
//! fresh token and one more try.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};
use wicket_model::Millis;

/// What became of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// WeChat answered with an error code.
    Refused { errcode: i64, errmsg: String },
    /// The request did not leave (no connection): safe to try again.
    NotSent(String),
    /// The request left and no usable answer came back.
    NoAnswer(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Refused { errcode, errmsg } => write!(f, "WeChat answered {errcode}: {errmsg}"),
            CallError::NotSent(why) => write!(f, "WeChat could not be reached: {why}"),
            CallError::NoAnswer(why) => write!(f, "WeChat did not answer: {why}"),
        }
    }
}

/// WeChat's codes for a token it no longer takes.
pub fn is_token_error(errcode: i64) -> bool {
    matches!(errcode, 40001 | 40014 | 42001)
}

#[derive(Debug, Clone)]
struct Token {
    value: String,
    expires_at: Millis,
}

/// The credentials a token is fetched with. `Debug` hides the secret.
#[derive(Clone)]
pub struct Credentials {
    pub app_id: String,
    pub app_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("app_id", &self.app_id).field("app_secret", &"<hidden>").finish()
    }
}

/// A fresh token and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub expires_at: Millis,
}

pub struct WechatApi {
    base: String,
    http: reqwest::Client,
    /// Per account: its cached token, behind the lock its fetches queue on.
    tokens: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Token>>>>>,
    /// Where the processes on one database share their tokens, once the
    /// server has started.
    shared: std::sync::OnceLock<SharedTokens>,
}

/// Tokens shared by the server processes on one database: a process that
/// needs a new token takes the account's refresh lease, looks again, and
/// only then asks WeChat, and keeps what it got (sealed) for the others; a
/// process without the lease waits for it. So a forced refresh, which ends
/// the token every process uses, is made once per stale token, not once
/// per process. On SQLite the storage shares nothing and each call falls
/// through to WeChat as before.
pub struct SharedTokens {
    pub storage: Arc<dyn crate::storage::Storage>,
    pub vault: Arc<crate::platform::secrets::Vault>,
    /// This process's name in the leases.
    pub holder: Arc<str>,
}

/// How long a process may take to refresh a token for the others.
const REFRESH_LEASE: Duration = Duration::from_secs(30);
/// How long a process waits for another's refresh before it asks WeChat
/// itself (without forcing, which ends nobody's token).
const REFRESH_WAIT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<i64>,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

impl WechatApi {
    /// `timeout` bounds a whole call; a call that runs out of it after its
    /// request left has an unknown outcome.
    pub fn new(base: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .build()
            .unwrap_or_default();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            http,
            tokens: Mutex::new(HashMap::new()),
            shared: std::sync::OnceLock::new(),
        }
    }

    /// Shares tokens through `shared` from now on (the server does this as
    /// it starts); a second call changes nothing.
    pub fn share_tokens(&self, shared: SharedTokens) {
        let _already = self.shared.set(shared);
    }

    fn slot(&self, account_id: &str) -> Arc<tokio::sync::Mutex<Option<Token>>> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.entry(account_id.to_owned()).or_default().clone()
    }

    /// Until when the account's cached token works, if one is cached and no
    /// fetch is running.
    pub fn valid_until(&self, account_id: &str) -> Option<Millis> {
        let slot = self.slot(account_id);
        let cached = slot.try_lock().ok()?;
        cached.as_ref().map(|token| token.expires_at)
    }

    /// Forgets an account's token (its credentials changed).
    pub fn forget(&self, account_id: &str) {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).remove(account_id);
    }

    /// A token for the account: the cached one while it has more than a few
    /// minutes left, else a new one. `stale` names a token WeChat refused:
    /// unless another caller already replaced it, a new one is forced.
    pub async fn token(
        &self,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        stale: Option<&str>,
    ) -> Result<(String, Millis), CallError> {
        let slot = self.slot(account_id);
        let mut cached = slot.lock().await;
        if let Some(token) = cached.as_ref() {
            let replaced = stale.is_some_and(|stale| stale != token.value);
            let fresh = stale.is_none() && now < token.expires_at - refresh_margin(token, now);
            if fresh || replaced {
                return Ok((token.value.clone(), token.expires_at));
            }
        }
        let token = match self.shared.get() {
            Some(shared) => self.shared_token(shared, account_id, credentials, now, stale).await?,
            None => self.fetch_token(credentials, now, stale.is_some()).await?,
        };
        let answer = (token.value.clone(), token.expires_at);
        *cached = Some(token);
        Ok(answer)
    }

    /// A token through the other processes (see [`SharedTokens`]): theirs
    /// when it is usable, else one this process fetches under the refresh
    /// lease and keeps for them.
    async fn shared_token(
        &self,
        shared: &SharedTokens,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        stale: Option<&str>,
    ) -> Result<Token, CallError> {
        let key = format!("wechat:{account_id}");
        let lease = format!("token:{key}");
        let usable = |token: &Token| match stale {
            Some(stale) => token.value != stale && now < token.expires_at,
            None => now < token.expires_at - refresh_margin(token, now),
        };
        let read = || async {
            let found = shared.storage.shared_token(&key).await.ok().flatten()?;
            let opened = shared.vault.key()?.open(&key, &found.0).ok()?;
            Some(Token { value: String::from_utf8(opened).ok()?, expires_at: found.1 })
        };
        let started = tokio::time::Instant::now();
        while started.elapsed() < REFRESH_WAIT {
            if let Some(token) = read().await.filter(usable) {
                return Ok(token);
            }
            let claimed = shared.storage.claim_leases(vec![lease.clone()], &shared.holder, REFRESH_LEASE).await;
            match claimed {
                Ok(got) if !got.is_empty() => {
                    // Another process may have refreshed it just before.
                    let fetched = match read().await.filter(usable) {
                        Some(token) => Ok(token),
                        None => self.fetch_token(credentials, now, stale.is_some()).await,
                    };
                    if let (Ok(token), Some(sealing)) = (&fetched, shared.vault.key()) {
                        let sealed = sealing.seal(&key, token.value.as_bytes());
                        if let Err(e) = shared.storage.save_shared_token(&key, sealed, token.expires_at, now).await {
                            tracing::warn!(account = %account_id, error = %e, "cannot share a WeChat token");
                        }
                    }
                    if let Err(e) = shared.storage.release_lease(&lease, &shared.holder).await {
                        tracing::warn!(account = %account_id, error = %e, "cannot give up a token's refresh lease");
                    }
                    return fetched;
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(e) => {
                    tracing::warn!(account = %account_id, error = %e, "cannot take a token's refresh lease");
                    break;
                }
            }
        }
        self.fetch_token(credentials, now, false).await
    }

    async fn fetch_token(&self, credentials: &Credentials, now: Millis, force: bool) -> Result<Token, CallError> {
        let body = json!({
            "grant_type": "client_credential",
            "appid": credentials.app_id,
            "secret": credentials.app_secret,
            "force_refresh": force,
        });
        let answer: TokenAnswer = self.post_json(&format!("{}/cgi-bin/stable_token", self.base), &body).await?;
        match (answer.access_token, answer.errcode.unwrap_or(0)) {
            (Some(value), 0) => {
                let expires_in = answer.expires_in.unwrap_or(7200).max(1);
                Ok(Token { value, expires_at: now + expires_in * 1000 })
            }
            (_, errcode) => Err(CallError::Refused { errcode, errmsg: answer.errmsg.unwrap_or_default() }),
        }
    }

    /// Calls `path` with the account's token, once more with a fresh token
    /// when WeChat says the token is no longer good.
    pub async fn call(
        &self,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        path: &str,
        body: &Value,
    ) -> Result<Value, CallError> {
        let (token, _) = self.token(account_id, credentials, now, None).await?;
        match self.call_with(&token, path, body).await {
            Err(CallError::Refused { errcode, .. }) if is_token_error(errcode) => {
                let (fresh, _) = self.token(account_id, credentials, now, Some(&token)).await?;
                self.call_with(&fresh, path, body).await
            }
            other => other,
        }
    }

    /// A GET of `path` with `query`, with the account's token (once more
    /// with a fresh one when WeChat refuses the token).
    pub async fn get(
        &self,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, CallError> {
        let get = |token: String| async move {
            let url = format!("{}{path}", self.base);
            let mut query: Vec<(&str, &str)> = query.to_vec();
            query.push(("access_token", &token));
            let response = self.http.get(url).query(&query).send().await.map_err(request_error)?;
            check(read_json(response).await?)
        };
        let (token, _) = self.token(account_id, credentials, now, None).await?;
        match get(token.clone()).await {
            Err(CallError::Refused { errcode, .. }) if is_token_error(errcode) => {
                let (fresh, _) = self.token(account_id, credentials, now, Some(&token)).await?;
                get(fresh).await
            }
            other => other,
        }
    }

    async fn call_with(&self, token: &str, path: &str, body: &Value) -> Result<Value, CallError> {
        let url = format!("{}{path}?access_token={token}", self.base);
        let answer: Value = self.post_json(&url, body).await?;
        check(answer)
    }

    /// Uploads an image as temporary media: its `media_id`.
    pub async fn upload_image(
        &self,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<String, CallError> {
        self.upload_media(account_id, credentials, now, "image", mime, bytes).await
    }

    /// Uploads temporary media of `kind` (`image`, `thumb`): its `media_id`.
    pub async fn upload_media(
        &self,
        account_id: &str,
        credentials: &Credentials,
        now: Millis,
        kind: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<String, CallError> {
        let upload = |token: String| {
            let extension = mime.rsplit('/').next().unwrap_or("png").replace("jpeg", "jpg");
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(format!("image.{extension}"))
                .mime_str(mime)
                .map_err(|e| CallError::NotSent(e.to_string()));
            let url = format!("{}/cgi-bin/media/upload?access_token={token}&type={kind}", self.base);
            async move {
                let form = reqwest::multipart::Form::new().part("media", part?);
                let response = self.http.post(url).multipart(form).send().await.map_err(request_error)?;
                let answer: Value = read_json(response).await?;
                check(answer)
            }
        };
        let (token, _) = self.token(account_id, credentials, now, None).await?;
        let answer = match upload(token.clone()).await {
            Err(CallError::Refused { errcode, .. }) if is_token_error(errcode) => {
                let (fresh, _) = self.token(account_id, credentials, now, Some(&token)).await?;
                upload(fresh).await
            }
            other => other,
        }?;
        answer["media_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| CallError::NoAnswer("the upload's answer has no media_id".into()))
    }

    async fn post_json<T: serde::de::DeserializeOwned>(&self, url: &str, body: &Value) -> Result<T, CallError> {
        let response = self.http.post(url).json(body).send().await.map_err(request_error)?;
        read_json(response).await
    }
}

fn refresh_margin(token: &Token, now: Millis) -> Millis {
    // Five minutes before the end, or half of what is left of a short-lived token.
    (5 * 60 * 1000).min((token.expires_at - now).max(0) / 2)
}

fn check(answer: Value) -> Result<Value, CallError> {
    match answer["errcode"].as_i64() {
        None | Some(0) => Ok(answer),
        Some(errcode) => {
            Err(CallError::Refused { errcode, errmsg: answer["errmsg"].as_str().unwrap_or_default().to_owned() })
        }
    }
}

/// A request that failed before it left can be sent again; one that failed
/// after cannot be known to have failed.
fn request_error(e: reqwest::Error) -> CallError {
    // The URL carries the token: never in a message.
    let e = e.without_url();
    if e.is_connect() || e.is_builder() {
        CallError::NotSent(e.to_string())
    } else {
        CallError::NoAnswer(e.to_string())
    }
}

async fn read_json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, CallError> {
    let status = response.status();
    if status == reqwest::StatusCode::SERVICE_UNAVAILABLE || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(CallError::NotSent(format!("HTTP {status}")));
    }
    if !status.is_success() {
        return Err(CallError::NoAnswer(format!("HTTP {status}")));
    }
    let bytes = response.bytes().await.map_err(request_error)?;
    serde_json::from_slice(&bytes).map_err(|e| CallError::NoAnswer(format!("an answer that is not JSON ({e})")))
}
