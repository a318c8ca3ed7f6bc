//! The WeChat official-account adapter: an account's connection (AppID,
//! secrets sealed at rest, message mode), its callbacks turned into Wicket's
//! messages and events, and replies through the customer-service API.
//! The protocol itself (signatures, AES, XML) is `wicket_wechat`'s.

pub mod api;
pub mod mass;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::layout::{import_wechat_menu_with, Layout, Menu, MenuImport};
use wicket_model::wechat::{WechatMenuPublish, WechatMenuState};
use wicket_model::{Account, Issue, Millis};
use wicket_wechat::{Event, Inbound, InboundMessage, MessageMode, WechatCrypto};

use crate::platform::connections::Connections;
use crate::platform::secrets::{self, Vault};
use crate::platform::{FollowerPage, Platform, PlatformError, Reply, SendOutcome};
use crate::AppState;
use api::{CallError, Credentials, WechatApi};

pub const PLATFORM: &str = "wechat";
/// WeChat's API, unless `--wechat-api-base` points elsewhere (the double).
pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";

/// How the connection is doing, as the console shows it.
pub use wicket_model::wechat::WechatConnectionState as ConnectionState;
/// The message mode chosen in WeChat's console (消息加解密方式).
pub use wicket_model::wechat::WechatMode as Mode;

/// The protocol's name for a mode.
pub fn message_mode(mode: Mode) -> MessageMode {
    match mode {
        Mode::Plain => MessageMode::Plain,
        Mode::Compatible => MessageMode::Compatible,
        Mode::Safe => MessageMode::Safe,
    }
}

/// What is stored in the clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    app_id: String,
    mode: Mode,
}

/// What is sealed. `Debug` shows none of it.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secrets {
    pub app_secret: String,
    pub token: String,
    pub encoding_aes_key: String,
    /// The key before the last change: WeChat may still send with it.
    pub previous_encoding_aes_key: Option<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("app_secret", &secrets::mask(&self.app_secret))
            .field("token", &secrets::mask(&self.token))
            .field("encoding_aes_key", &secrets::mask(&self.encoding_aes_key))
            .field("previous_encoding_aes_key", &self.previous_encoding_aes_key.as_deref().map(secrets::mask))
            .finish()
    }
}

/// An account's WeChat connection, opened.
#[derive(Debug, Clone)]
pub struct Connection {
    pub account_id: String,
    pub app_id: String,
    pub mode: Mode,
    pub secrets: Secrets,
    pub state: ConnectionState,
}

impl Connection {
    pub fn crypto(&self) -> Result<WechatCrypto, wicket_wechat::KeyError> {
        let crypto = WechatCrypto::new(&self.secrets.token, &self.secrets.encoding_aes_key, &self.app_id)?;
        match &self.secrets.previous_encoding_aes_key {
            Some(previous) => crypto.with_previous_key(previous),
            None => Ok(crypto),
        }
    }

    pub fn credentials(&self) -> Credentials {
        Credentials { app_id: self.app_id.clone(), app_secret: self.secrets.app_secret.clone() }
    }
}

pub use crate::platform::connections::ConnectionError;

/// The WeChat adapter.
pub struct WechatPlatform {
    connections: Connections<Settings, Secrets, ConnectionState>,
    pub api: WechatApi,
}

impl WechatPlatform {
    pub fn new(api_base: &str, timeout: std::time::Duration, vault: Arc<Vault>) -> Self {
        Self { connections: Connections::new(PLATFORM, vault), api: WechatApi::new(api_base, timeout) }
    }

    pub async fn connection(&self, state: &AppState, account_id: &str) -> Result<Option<Connection>, ConnectionError> {
        let Some(loaded) = self.connections.load(state, account_id).await? else { return Ok(None) };
        Ok(Some(Connection {
            account_id: account_id.to_owned(),
            app_id: loaded.settings.app_id,
            mode: loaded.settings.mode,
            secrets: loaded.secrets,
            state: loaded.state,
        }))
    }

    pub async fn save(&self, state: &AppState, connection: &Connection) -> Result<(), ConnectionError> {
        let settings = Settings { app_id: connection.app_id.clone(), mode: connection.mode };
        self.connections.save(state, &connection.account_id, &settings, &connection.secrets, &connection.state).await?;
        self.api.forget(&connection.account_id);
        Ok(())
    }

    /// Changes the state the console shows; failures are logged only.
    pub async fn update_state(&self, state: &AppState, account_id: &str, change: impl FnOnce(&mut ConnectionState)) {
        self.connections.update_state(state, account_id, change).await
    }

    /// Remembers a refused callback (in memory only).
    pub fn note_refusal(&self, account_id: &str, at: Millis, error: String) {
        self.connections.note_refusal(account_id, at, error)
    }

    /// Fetches a fresh access token: what WeChat answered.
    pub async fn test(&self, state: &AppState, connection: &Connection) -> Result<Millis, CallError> {
        let now = state.clock.now();
        self.api.forget(&connection.account_id);
        let result = self.api.token(&connection.account_id, &connection.credentials(), now, None).await;
        let recorded = result.clone();
        self.update_state(state, &connection.account_id, move |s| match recorded {
            Ok((_, until)) => s.token_valid_until = Some(until),
            Err(e) => {
                s.last_error = Some(e.to_string());
                s.last_error_at = Some(now);
            }
        })
        .await;
        result.map(|(_, until)| until)
    }

    async fn call(
        &self,
        state: &AppState,
        connection: &Connection,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, CallError> {
        let now = state.clock.now();
        let result = self.api.call(&connection.account_id, &connection.credentials(), now, path, body).await;
        if let Some(until) = self.api.valid_until(&connection.account_id) {
            if connection.state.token_valid_until != Some(until) {
                self.update_state(state, &connection.account_id, |s| s.token_valid_until = Some(until)).await;
            }
        }
        result
    }
}

/// How often a menu is sent while WeChat is busy or out of reach, and the
/// wait before the second attempt (doubled each time after).
pub const MENU_ATTEMPTS: u32 = 3;
pub const MENU_FIRST_BACKOFF: std::time::Duration = std::time::Duration::from_millis(250);

impl WechatPlatform {
    /// Sends the account's published `version` (`layout`) to WeChat's menu
    /// API, again with backoff while WeChat is busy or out of reach (a menu
    /// replaces the one before, so sending it twice is harmless), and keeps
    /// the outcome in the connection's state for the designer.
    pub async fn publish_menu_version(
        &self,
        state: &AppState,
        connection: &Connection,
        version: i64,
        layout: &Layout,
    ) -> WechatMenuPublish {
        let menu = wechat_menu(layout);
        let mut backoff = MENU_FIRST_BACKOFF;
        let mut attempt = 1;
        let result = loop {
            let result = self.call(state, connection, "/cgi-bin/menu/create", &menu).await;
            let transient = match &result {
                Err(CallError::Refused { errcode, .. }) => *errcode == -1 || api::is_token_error(*errcode),
                Err(CallError::NotSent(_) | CallError::NoAnswer(_)) => true,
                Ok(_) => false,
            };
            if !transient || attempt >= MENU_ATTEMPTS {
                break result;
            }
            tracing::info!(account = %connection.account_id, attempt, "WeChat did not take the menu yet; trying again");
            tokio::time::sleep(backoff).await;
            backoff *= 2;
            attempt += 1;
        };
        let at = state.clock.now();
        let outcome = match result {
            Ok(_) => WechatMenuPublish {
                version,
                state: WechatMenuState::Published,
                at,
                errcode: None,
                reason: None,
                message: None,
            },
            Err(CallError::Refused { errcode, errmsg }) if errcode != -1 && !api::is_token_error(errcode) => {
                WechatMenuPublish {
                    version,
                    state: WechatMenuState::Refused,
                    at,
                    errcode: Some(errcode),
                    reason: Some(menu_refusal_key(errcode).into()),
                    message: Some(errmsg),
                }
            }
            Err(e) => WechatMenuPublish {
                version,
                state: WechatMenuState::Failed,
                at,
                errcode: match &e {
                    CallError::Refused { errcode, .. } => Some(*errcode),
                    _ => None,
                },
                reason: Some("platform.call.unavailable".into()),
                message: Some(e.to_string()),
            },
        };
        if outcome.state != WechatMenuState::Published {
            tracing::warn!(account = %connection.account_id, version, outcome = ?outcome, "WeChat did not take the menu");
        }
        let kept = outcome.clone();
        self.update_state(state, &connection.account_id, move |s| s.menu = Some(kept)).await;
        outcome
    }

    /// The account's live menu as WeChat holds it (`menu/get`), read as
    /// Wicket's menu with what the reading left out; `published` (the live
    /// layout's menu) gives back the pay buttons Wicket published. An account
    /// without a menu (46003) has an empty one; a menu Wicket cannot read is
    /// its issues.
    pub async fn live_menu(
        &self,
        state: &AppState,
        connection: &Connection,
        published: Option<&Menu>,
    ) -> Result<Result<MenuImport, Vec<Issue>>, CallError> {
        let now = state.clock.now();
        let credentials = connection.credentials();
        let answer = match self.api.get(&connection.account_id, &credentials, now, "/cgi-bin/menu/get", &[]).await {
            Ok(answer) => answer,
            Err(CallError::Refused { errcode: 46003, .. }) => {
                return Ok(Ok(MenuImport { menu: Menu::default(), notices: Vec::new() }))
            }
            Err(e) => return Err(e),
        };
        Ok(import_wechat_menu_with(&answer.to_string(), published))
    }
}

impl WechatPlatform {
    /// The automatic replies set in the account's WeChat console
    /// (`get_current_autoreply_info`), as WeChat answers them.
    pub async fn autoreply_info(
        &self,
        state: &AppState,
        connection: &Connection,
    ) -> Result<serde_json::Value, CallError> {
        let now = state.clock.now();
        let credentials = connection.credentials();
        self.api.get(&connection.account_id, &credentials, now, "/cgi-bin/get_current_autoreply_info", &[]).await
    }
}

/// The issue key of WeChat's refusal of a menu (`menu/create`).
pub fn menu_refusal_key(errcode: i64) -> &'static str {
    match errcode {
        // Invalid button size / sub button size.
        40016 | 40023 => "wechat.menu.too_many_buttons",
        // Invalid (sub) button name size.
        40018 | 40025 => "wechat.menu.name_too_long",
        // Invalid (sub) button url size or domain.
        40020 | 40027 | 40054 | 40055 => "wechat.menu.bad_url",
        _ => "wechat.menu.refused",
    }
}

/// The issue key of a WeChat refusal of a customer-service message.
pub fn refusal_key(errcode: i64) -> &'static str {
    match errcode {
        45015 => "wechat.send.window_closed",
        45047 => "wechat.send.quota",
        48001 => "wechat.send.not_authorised",
        45009 => "wechat.send.daily_limit",
        _ => "wechat.send.refused",
    }
}

fn outcome_of(result: Result<serde_json::Value, CallError>) -> SendOutcome {
    match result {
        Ok(_) => SendOutcome::Sent,
        // -1: "system busy": nothing was done.
        Err(CallError::Refused { errcode: -1, errmsg }) => SendOutcome::Retry { reason: format!("-1 {errmsg}") },
        Err(CallError::Refused { errcode, errmsg }) if api::is_token_error(errcode) => {
            SendOutcome::Retry { reason: format!("{errcode} {errmsg}") }
        }
        Err(CallError::Refused { errcode, .. }) => SendOutcome::Refused { reason: refusal_key(errcode).into() },
        Err(CallError::NotSent(why)) => SendOutcome::Retry { reason: why },
        Err(CallError::NoAnswer(_)) => SendOutcome::Unknown,
    }
}

#[async_trait]
impl Platform for WechatPlatform {
    fn name(&self) -> &'static str {
        PLATFORM
    }

    async fn send_reply(&self, state: &AppState, reply: &Reply) -> SendOutcome {
        let connection = match self.connection(state, &reply.account.id).await {
            Ok(Some(connection)) => connection,
            Ok(None) => return SendOutcome::Refused { reason: "wechat.connection.missing".into() },
            Err(e) => return SendOutcome::Retry { reason: e.to_string() },
        };
        let to = reply.subscriber.platform_user_id.clone();
        let body = match &reply.message.body {
            MessageBody::Text { text } => json!({"touser": to, "msgtype": "text", "text": {"content": text}}),
            MessageBody::Article { title, description, url, image_url } => json!({
                "touser": to,
                "msgtype": "news",
                "news": {"articles": [{"title": title, "description": description, "url": url, "picurl": image_url}]},
            }),
            MessageBody::Image { url } => {
                let Some(id) = url.strip_prefix("/s/media/") else {
                    return SendOutcome::Refused { reason: "wechat.send.unsupported".into() };
                };
                let media = match state.storage.media(id).await {
                    Ok(Some(media)) => media,
                    Ok(None) => return SendOutcome::Refused { reason: "wechat.send.unsupported".into() },
                    Err(e) => return SendOutcome::Retry { reason: e.to_string() },
                };
                let now = state.clock.now();
                let uploaded = self
                    .api
                    .upload_image(&connection.account_id, &connection.credentials(), now, &media.0, media.1)
                    .await;
                match uploaded {
                    Ok(media_id) => json!({"touser": to, "msgtype": "image", "image": {"media_id": media_id}}),
                    Err(e) => return outcome_of(Err(e)),
                }
            }
            MessageBody::Location { .. } | MessageBody::Event(_) => {
                return SendOutcome::Refused { reason: "wechat.send.unsupported".into() };
            }
        };
        let result = self.call(state, &connection, "/cgi-bin/message/custom/send", &body).await;
        if let Err(e) = &result {
            let now = state.clock.now();
            let error = e.to_string();
            self.update_state(state, &connection.account_id, move |s| {
                s.last_error = Some(error);
                s.last_error_at = Some(now);
            })
            .await;
        }
        outcome_of(result)
    }

    async fn publish_menu(&self, state: &AppState, account: &Account, layout: &Layout) -> Result<(), PlatformError> {
        let connection = self.require(state, account).await?;
        let menu = wechat_menu(layout);
        self.call(state, &connection, "/cgi-bin/menu/create", &menu).await.map(|_| ()).map_err(platform_error)
    }

    async fn followers(
        &self,
        state: &AppState,
        account: &Account,
        next: Option<&str>,
    ) -> Result<FollowerPage, PlatformError> {
        let connection = self.require(state, account).await?;
        let now = state.clock.now();
        let query = [("next_openid", next.unwrap_or(""))];
        let answer = self
            .api
            .get(&connection.account_id, &connection.credentials(), now, "/cgi-bin/user/get", &query)
            .await
            .map_err(import_error)?;
        let user_ids = answer["data"]["openid"]
            .as_array()
            .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let next = answer["next_openid"].as_str().filter(|n| !n.is_empty()).map(str::to_owned);
        Ok(FollowerPage { user_ids, next, total: answer["total"].as_u64().unwrap_or(0) })
    }

    async fn profiles(
        &self,
        state: &AppState,
        account: &Account,
        user_ids: &[String],
    ) -> Result<Vec<wicket_model::follower_import::FollowerProfile>, PlatformError> {
        let connection = self.require(state, account).await?;
        let list: Vec<serde_json::Value> =
            user_ids.iter().map(|id| serde_json::json!({ "openid": id, "lang": "zh_CN" })).collect();
        let body = serde_json::json!({ "user_list": list });
        let answer = self.call(state, &connection, "/cgi-bin/user/info/batchget", &body).await.map_err(import_error)?;
        let infos = answer["user_info_list"].as_array().cloned().unwrap_or_default();
        Ok(infos
            .iter()
            .filter_map(|info| {
                let open_id = info["openid"].as_str()?;
                Some(wicket_model::follower_import::FollowerProfile {
                    platform_user_id: open_id.to_owned(),
                    following: info["subscribe"].as_i64() == Some(1),
                    // WeChat gives seconds.
                    followed_at: info["subscribe_time"].as_i64().filter(|t| *t > 0).map(|t| t * 1000),
                    remark: info["remark"].as_str().map(|r| clip(r, 64)).filter(|r| !r.trim().is_empty()),
                    default_name: display_name(open_id),
                })
            })
            .collect())
    }

    async fn upload_media(
        &self,
        state: &AppState,
        account: &Account,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<String, PlatformError> {
        let connection = self.require(state, account).await?;
        let now = state.clock.now();
        self.api
            .upload_image(&connection.account_id, &connection.credentials(), now, mime, bytes)
            .await
            .map_err(platform_error)
    }
}

impl WechatPlatform {
    async fn require(&self, state: &AppState, account: &Account) -> Result<Connection, PlatformError> {
        match self.connection(state, &account.id).await {
            Ok(Some(connection)) => Ok(connection),
            Ok(None) => Err(PlatformError {
                key: "wechat.connection.missing".into(),
                message: "this account is not connected to WeChat".into(),
            }),
            Err(e) => Err(PlatformError { key: "platform.call.unavailable".into(), message: e.to_string() }),
        }
    }
}

fn platform_error(e: CallError) -> PlatformError {
    let key = match &e {
        CallError::Refused { errcode, .. } => refusal_key(*errcode),
        _ => "platform.call.unavailable",
    };
    PlatformError { key: key.into(), message: e.to_string() }
}

/// A failed read of followers: busy, unreachable or unanswered calls pass
/// (reading twice is harmless); any other answer is WeChat's refusal.
fn import_error(e: CallError) -> PlatformError {
    let key = match &e {
        CallError::Refused { errcode: -1, .. } | CallError::NotSent(_) | CallError::NoAnswer(_) => {
            "platform.call.unavailable"
        }
        CallError::Refused { errcode, .. } if api::is_token_error(*errcode) => "platform.call.unavailable",
        CallError::Refused { errcode: 48001, .. } => "wechat.import.not_authorised",
        CallError::Refused { .. } => "wechat.import.refused",
    };
    PlatformError { key: key.into(), message: e.to_string() }
}

/// A layout's menu as WeChat's menu JSON.
fn wechat_menu(layout: &Layout) -> serde_json::Value {
    wicket_model::layout::wechat_menu_json(&layout.menu)
}

/// The name of the button of WeChat's menu JSON (`menu/create`'s body)
/// whose key, URL or page path is `key`: WeChat's taps carry only those.
pub fn menu_label(menu: &serde_json::Value, key: &str) -> Option<String> {
    let top = menu["button"].as_array()?;
    let subs = top.iter().flat_map(|b| b["sub_button"].as_array().into_iter().flatten());
    top.iter().chain(subs).find_map(|button| {
        let matches = ["key", "url", "pagepath"].iter().any(|field| button[*field].as_str() == Some(key));
        matches.then(|| button["name"].as_str().map(str::to_owned)).flatten()
    })
}

/// The name WeChat does not give: "微信用户" and the OpenID's last four characters.
pub fn display_name(open_id: &str) -> String {
    let tail: String = open_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("微信用户 {}", tail.to_uppercase())
}

/// The platform's id a callback lands once under, within the model's bound;
/// `part` tells apart the messages one callback makes (`""`, `"#scan"`).
pub fn platform_msg_id(message: &InboundMessage, part: &str) -> String {
    let key = format!("{}{part}", message.dedup_key());
    if key.len() <= wicket_model::conversation::limits::PLATFORM_MSG_ID_MAX_BYTES {
        key
    } else {
        format!("h:{}", &hex::encode(Sha256::digest(key.as_bytes()))[..60])
    }
}

/// Wicket's id for a callback's message: the same callback, the same id.
pub fn message_id(account_id: &str, message: &InboundMessage, part: &str) -> String {
    let seed = format!("{PLATFORM}\n{account_id}\n{}\n{}{part}", message.from_user_name, message.dedup_key());
    hex::encode(&Sha256::digest(seed.as_bytes())[..16])
}

fn clip(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let mut end = max_bytes.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn line(text: String) -> MessageBody {
    MessageBody::Text { text: clip(&text, wicket_model::conversation::limits::TEXT_MAX_BYTES) }
}

fn coordinate(text: &str) -> f64 {
    text.trim().parse().unwrap_or(0.0)
}

fn menu_tap(key: &str) -> MessageBody {
    // WeChat sends the button's key (or URL), not its label.
    MessageBody::Event(SubscriberEvent::MenuTap { key: clip(key, 128), label: clip(key, 60) })
}

/// A callback as a Wicket message or event. Kinds Wicket has no shape for
/// become a line saying what arrived ("[voice] …", "[unsupported message:
/// …]"): nothing is dropped. `None` for the platform's own reports (a mass
/// send's result), which are no subscriber's message.
pub fn to_body(kind: &Inbound) -> Option<MessageBody> {
    Some(match kind {
        Inbound::Text { content } => line(content.clone()),
        Inbound::Image { pic_url, .. } => MessageBody::Image { url: clip(pic_url, 1024) },
        Inbound::Voice { recognition, .. } => match recognition.as_deref().filter(|r| !r.trim().is_empty()) {
            Some(words) => line(format!("[voice] {words}")),
            None => line("[voice]".into()),
        },
        Inbound::Video { .. } => line("[video]".into()),
        Inbound::ShortVideo { .. } => line("[short video]".into()),
        Inbound::Location { latitude, longitude, label, .. } => MessageBody::Location {
            latitude: coordinate(latitude),
            longitude: coordinate(longitude),
            label: label.chars().take(256).collect(),
        },
        Inbound::Link { title, url, .. } => line(format!("[link] {title} {url}")),
        Inbound::Event(event) => match event {
            Event::Subscribe { .. } => MessageBody::Event(SubscriberEvent::Follow),
            Event::Unsubscribe => MessageBody::Event(SubscriberEvent::Unfollow),
            Event::Scan { scene, .. } => {
                MessageBody::Event(SubscriberEvent::Scan { scene: scene.chars().take(64).collect() })
            }
            Event::Location { latitude, longitude, .. } => MessageBody::Location {
                latitude: coordinate(latitude),
                longitude: coordinate(longitude),
                label: String::new(),
            },
            Event::Click { key } => menu_tap(key),
            Event::View { url, .. } => menu_tap(url),
            Event::ScancodePush(scan) | Event::ScancodeWaitmsg(scan) => menu_tap(&scan.key),
            Event::PicSysphoto(pictures) | Event::PicPhotoOrAlbum(pictures) | Event::PicWeixin(pictures) => {
                menu_tap(&pictures.key)
            }
            Event::LocationSelect(place) => MessageBody::Location {
                latitude: coordinate(&place.latitude),
                longitude: coordinate(&place.longitude),
                label: place.label.chars().take(256).collect(),
            },
            Event::ViewMiniprogram { page_path, .. } => menu_tap(page_path),
            Event::MassSendJobFinish { .. } => return None,
        },
        Inbound::Unsupported { msg_type, event, .. } => match event {
            Some(event) => line(format!("[unsupported message: {msg_type} {event}]")),
            None => line(format!("[unsupported message: {msg_type}]")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tap_finds_its_buttons_name() {
        let menu = json!({"button": [
            {"type": "click", "name": "营业时间", "key": "HOURS"},
            {"name": "更多", "sub_button": [{"type": "view", "name": "官网", "url": "https://example.com/"}]},
        ]});
        assert_eq!(menu_label(&menu, "HOURS").as_deref(), Some("营业时间"));
        assert_eq!(menu_label(&menu, "https://example.com/").as_deref(), Some("官网"), "a sub-button's URL");
        assert_eq!(menu_label(&menu, "GONE"), None, "a button no longer published");
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let secrets = Secrets {
            app_secret: "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50".into(),
            token: "QDG6eKtoken".into(),
            encoding_aes_key: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".into(),
            previous_encoding_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()),
        };
        let connection = Connection {
            account_id: "a".into(),
            app_id: "wx5823bf96d3bd56c7".into(),
            mode: Mode::Safe,
            secrets: secrets.clone(),
            state: ConnectionState::default(),
        };
        let shown = format!("{connection:?} {:?}", connection.credentials());
        assert!(shown.contains("wx5823bf96d3bd56c7"), "the AppID is no secret: {shown}");
        for secret in [
            &secrets.app_secret,
            &secrets.token,
            &secrets.encoding_aes_key,
            secrets.previous_encoding_aes_key.as_ref().unwrap(),
        ] {
            assert!(!shown.contains(secret.as_str()), "{shown}");
        }
    }

    #[test]
    fn every_kind_of_callback_becomes_a_line_and_events_keep_their_meaning() {
        let voice = Inbound::Voice { media_id: "m".into(), format: "amr".into(), recognition: Some("你好".into()) };
        assert_eq!(to_body(&voice), Some(MessageBody::Text { text: "[voice] 你好".into() }));
        let unknown = Inbound::Unsupported { msg_type: "miniprogrampage".into(), event: None, raw_xml: String::new() };
        assert_eq!(
            to_body(&unknown),
            Some(MessageBody::Text { text: "[unsupported message: miniprogrampage]".into() })
        );
        let follow = Inbound::Event(Event::Subscribe { scene: Some("shop".into()), ticket: None });
        assert_eq!(to_body(&follow), Some(MessageBody::Event(SubscriberEvent::Follow)));
        let click = Inbound::Event(Event::Click { key: "MENU_HOURS".into() });
        assert_eq!(
            to_body(&click),
            Some(MessageBody::Event(SubscriberEvent::MenuTap { key: "MENU_HOURS".into(), label: "MENU_HOURS".into() }))
        );
        let long = Inbound::Text { content: "字".repeat(1000) };
        let Some(MessageBody::Text { text }) = to_body(&long) else { panic!("a text") };
        assert!(text.len() <= wicket_model::conversation::limits::TEXT_MAX_BYTES, "kept within the model's bound");
    }
}
