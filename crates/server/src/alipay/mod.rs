//! The Alipay 生活号 adapter: an account's connection (app id, the
//! application's private key and Alipay's public key sealed at rest, the
//! charset), the application gateway's requests turned into Wicket's
//! messages and events, replies through the custom-send API, and the home
//! page (menu, extension areas, advert carousel, marketing slots) published
//! part by part. The protocol itself (RSA2, forms, XML) is `wicket_alipay`'s.

pub mod api;
pub mod mass;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wicket_alipay::charset::Charset;
use wicket_alipay::keys::{KeyError, PrivateKey, PublicKey};
use wicket_alipay::notify::{Notify, NotifyKind};
use wicket_model::alipay::{
    alipay_home, AlipayCharset, AlipayConnectionState, AlipayLiveHome, AlipayPart, AlipayPartPublish, AlipayPartState,
};
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::follower_import::FollowerProfile;
use wicket_model::layout::Layout;
use wicket_model::{Account, Millis};

use crate::platform::connections::Connections;
use crate::platform::secrets::Vault;
use crate::platform::{FollowerPage, Platform, PlatformError, Reply, SendOutcome};
use crate::AppState;
use api::{AlipayApi, CallError, Caller};

pub const PLATFORM: &str = "alipay";
/// Alipay's OpenAPI gateway, unless `--alipay-api-base` points elsewhere (the double).
pub const DEFAULT_API_BASE: &str = "https://openapi.alipay.com/gateway.do";

/// What is stored in the clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    app_id: String,
    charset: AlipayCharset,
}

/// What is sealed. `Debug` shows none of it.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secrets {
    pub app_private_key: String,
    pub alipay_public_key: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("app_private_key", &mask_private_key(&self.app_private_key))
            .field("alipay_public_key", &mask_public_key(&self.alipay_public_key))
            .finish()
    }
}

/// The application private key as shown: none of its characters, only the
/// short fingerprint of its public key (the one uploaded to Alipay), so staff
/// can tell which key is saved.
pub fn mask_private_key(text: &str) -> String {
    fingerprint_mask(PrivateKey::parse(text).ok().map(|key| key.public_key()))
}

/// Alipay's public key as shown: its short fingerprint.
pub fn mask_public_key(text: &str) -> String {
    fingerprint_mask(PublicKey::parse(text).ok())
}

fn fingerprint_mask(key: Option<PublicKey>) -> String {
    match key {
        Some(key) => format!("••••••••{}", key.fingerprint()),
        None => "••••••••".to_owned(),
    }
}

/// An account's Alipay connection, opened.
#[derive(Debug, Clone)]
pub struct Connection {
    pub account_id: String,
    pub app_id: String,
    pub charset: AlipayCharset,
    pub secrets: Secrets,
    pub state: AlipayConnectionState,
}

/// A connection's keys, parsed.
pub struct Keys {
    pub app_key: PrivateKey,
    pub alipay_key: PublicKey,
}

impl Connection {
    pub fn keys(&self) -> Result<Keys, KeyError> {
        Ok(Keys {
            app_key: PrivateKey::parse(&self.secrets.app_private_key)?,
            alipay_key: PublicKey::parse(&self.secrets.alipay_public_key)?,
        })
    }

    pub fn charset(&self) -> Charset {
        protocol_charset(self.charset)
    }
}

/// The protocol's charset for the model's.
pub fn protocol_charset(charset: AlipayCharset) -> Charset {
    match charset {
        AlipayCharset::Utf8 => Charset::Utf8,
        AlipayCharset::Gbk => Charset::Gbk,
    }
}

pub use crate::platform::connections::ConnectionError;

/// The Alipay adapter.
pub struct AlipayPlatform {
    connections: Connections<Settings, Secrets, AlipayConnectionState>,
    pub api: AlipayApi,
    /// Each account's connection opened and its keys parsed, for the gateway:
    /// an unauthenticated POST costs no AES open or key parse. Forgotten when
    /// the connection is saved or removed.
    opened: Mutex<HashMap<String, Arc<Opened>>>,
}

/// A connection opened, with its keys parsed.
pub struct Opened {
    pub connection: Connection,
    pub keys: Keys,
}

impl AlipayPlatform {
    pub fn new(api_base: &str, timeout: std::time::Duration, vault: Arc<Vault>) -> Self {
        Self {
            connections: Connections::new(PLATFORM, vault),
            api: AlipayApi::new(api_base, timeout),
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The account's connection and parsed keys, from memory when they were
    /// opened before (see [`AlipayPlatform::forget`]).
    pub async fn opened(&self, state: &AppState, account_id: &str) -> Result<Option<Arc<Opened>>, ConnectionError> {
        if let Some(opened) = self.opened.lock().unwrap_or_else(|p| p.into_inner()).get(account_id) {
            return Ok(Some(opened.clone()));
        }
        let Some(connection) = self.connection(state, account_id).await? else { return Ok(None) };
        let keys = connection.keys().map_err(|e| ConnectionError::Unusable(e.to_string()))?;
        let opened = Arc::new(Opened { connection, keys });
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).insert(account_id.to_owned(), opened.clone());
        Ok(Some(opened))
    }

    /// Forgets the account's opened connection (it was saved or removed).
    pub fn forget(&self, account_id: &str) {
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).remove(account_id);
    }

    pub async fn connection(&self, state: &AppState, account_id: &str) -> Result<Option<Connection>, ConnectionError> {
        let Some(loaded) = self.connections.load(state, account_id).await? else { return Ok(None) };
        Ok(Some(Connection {
            account_id: account_id.to_owned(),
            app_id: loaded.settings.app_id,
            charset: loaded.settings.charset,
            secrets: loaded.secrets,
            state: loaded.state,
        }))
    }

    pub async fn save(&self, state: &AppState, connection: &Connection) -> Result<(), ConnectionError> {
        let settings = Settings { app_id: connection.app_id.clone(), charset: connection.charset };
        self.connections.save(state, &connection.account_id, &settings, &connection.secrets, &connection.state).await?;
        self.forget(&connection.account_id);
        Ok(())
    }

    /// Changes the state the console shows; failures are logged only.
    pub async fn update_state(
        &self,
        state: &AppState,
        account_id: &str,
        change: impl FnOnce(&mut AlipayConnectionState),
    ) {
        self.connections.update_state(state, account_id, change).await
    }

    /// Remembers a refused gateway request (in memory only).
    pub fn note_refusal(&self, account_id: &str, at: Millis, error: String) {
        self.connections.note_refusal(account_id, at, error)
    }

    /// One signed call with the connection's keys; a failed one becomes the
    /// connection's last error.
    pub async fn call(
        &self,
        state: &AppState,
        connection: &Connection,
        method: &str,
        biz_content: &Value,
    ) -> Result<wicket_alipay::openapi::Response, CallError> {
        let keys = connection.keys().map_err(|e| CallError::NotSent(format!("the stored keys cannot be used: {e}")))?;
        let caller = Caller {
            app_id: &connection.app_id,
            // The charset is per request, and the connection's concerns the gateway only: OpenAPI
            // calls go in UTF-8, which holds every character (GBK would turn an emoji into `&#…;`).
            charset: Charset::Utf8,
            app_key: &keys.app_key,
            alipay_key: &keys.alipay_key,
        };
        let result = self.api.call(&caller, state.clock.now(), method, biz_content).await;
        if let Err(e) = &result {
            let now = state.clock.now();
            tracing::info!(account = %connection.account_id, method, error = %e, "an Alipay call did not succeed");
            let error = last_error_of(method, e);
            self.update_state(state, &connection.account_id, move |s| {
                s.last_error = Some(error);
                s.last_error_at = Some(now);
            })
            .await;
        }
        result
    }

    /// The connection test: one harmless signed call (the account's basic
    /// information), its answer's signature checked.
    pub async fn test(
        &self,
        state: &AppState,
        connection: &Connection,
    ) -> Result<wicket_alipay::openapi::Response, CallError> {
        self.call(state, connection, TEST_METHOD, &json!({})).await
    }
}

/// The method the connection test calls.
pub const TEST_METHOD: &str = "alipay.open.public.info.query";

/// The issue key of a call that did not get Alipay's verified answer
/// (Wicket's own words, which the console translates).
pub fn call_failure_key(e: &CallError) -> &'static str {
    match e {
        CallError::Refused { .. } => "alipay.call.refused",
        CallError::NotSent(_) => "alipay.call.not_sent",
        CallError::NoAnswer(_) => "alipay.call.no_answer",
        CallError::Unverified(_) => "alipay.call.unverified",
    }
}

/// A failed call as the connection's last error: Alipay's refusal as Alipay
/// wrote it, labelled with the method and codes; any other failure as its
/// issue key.
pub fn last_error_of(method: &str, e: &CallError) -> String {
    match e {
        CallError::Refused { code, sub_code, sub_msg, msg } => {
            let sub_code = sub_code.as_deref().unwrap_or("-");
            format!("{method} {code} {sub_code}: {}", sub_msg.as_deref().unwrap_or(msg))
        }
        other => call_failure_key(other).to_owned(),
    }
}

/// The issue key of Alipay's refusal of a reply (custom send), by the exact
/// (`code`, `sub_code`) pair: the 48-hour window, the daily quota and a person
/// who no longer follows get their own words; any other pair is the generic
/// refusal, whose Alipay sub_code and sub_msg are kept for staff as Alipay
/// wrote them (a pair is never guessed from part of its name).
pub fn send_refusal_key(code: &str, sub_code: Option<&str>) -> &'static str {
    match (code, sub_code.unwrap_or_default()) {
        ("40004", "USER_NOT_FOLLOW") => "alipay.send.not_following",
        ("40004", "FREQUENCY_LIMITED") => "alipay.send.quota",
        ("40004", "USER_INTERACTION_EXPIRED") => "alipay.send.window_closed",
        _ => "alipay.send.refused",
    }
}

/// Whether Alipay's `code` says "try again later" (20000: service
/// unavailable; `aop.ACQ.SYSTEM_ERROR` and its kind).
pub(crate) fn is_transient(code: &str, sub_code: Option<&str>) -> bool {
    code == "20000" || sub_code.is_some_and(|s| s.to_ascii_uppercase().contains("SYSTEM_ERROR"))
}

/// The outcome of a custom send. Alipay's "unknown error" (20000 and its
/// kind) does not say the message was not delivered, and custom send has no
/// idempotency key: it is unknown, never sent again by itself.
fn send_outcome_of(result: Result<wicket_alipay::openapi::Response, CallError>) -> SendOutcome {
    match result {
        Err(CallError::Refused { code, sub_code, .. }) if is_transient(&code, sub_code.as_deref()) => {
            tracing::info!(code = %code, sub_code = ?sub_code, "Alipay answered a custom send with an unknown error");
            SendOutcome::Unknown
        }
        other => outcome_of(other),
    }
}

/// The outcome of a call that may be made again (a busy answer is retried).
fn outcome_of(result: Result<wicket_alipay::openapi::Response, CallError>) -> SendOutcome {
    match result {
        Ok(_) => SendOutcome::Sent,
        Err(CallError::Refused { code, sub_code, msg, .. }) if is_transient(&code, sub_code.as_deref()) => {
            SendOutcome::Retry { reason: format!("{code} {msg}") }
        }
        Err(CallError::Refused { code, sub_code, sub_msg, .. }) => {
            let reason = send_refusal_key(&code, sub_code.as_deref());
            tracing::info!(code = %code, sub_code = ?sub_code, sub_msg = ?sub_msg, reason, "Alipay refused a reply");
            SendOutcome::Refused { reason: reason.into() }
        }
        Err(CallError::NotSent(why)) => SendOutcome::Retry { reason: why },
        // The request reached Alipay: it may have been delivered.
        Err(CallError::NoAnswer(_) | CallError::Unverified(_)) => SendOutcome::Unknown,
    }
}

/// The name Alipay does not give: "支付宝用户" and the user id's last four digits.
pub fn display_name(user_id: &str) -> String {
    let tail: String = user_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("支付宝用户 {tail}")
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

/// A notify as Wicket's messages and events, each with the part that tells
/// apart the messages one notify makes (an `enter` with a scene is the entry
/// and the scan). Kinds Wicket has no shape for become a line saying what
/// arrived: nothing is dropped.
pub fn to_bodies(kind: &NotifyKind) -> Vec<(MessageBody, &'static str)> {
    match kind {
        NotifyKind::Verifygw => Vec::new(),
        NotifyKind::Follow => vec![(MessageBody::Event(SubscriberEvent::Follow), "")],
        NotifyKind::Unfollow => vec![(MessageBody::Event(SubscriberEvent::Unfollow), "")],
        NotifyKind::Click { action_param } => vec![(
            MessageBody::Event(SubscriberEvent::MenuTap {
                key: clip(action_param, 128),
                label: clip(action_param, 60),
            }),
            "",
        )],
        NotifyKind::Enter { scene } => {
            let mut bodies = vec![(MessageBody::Event(SubscriberEvent::Enter), "")];
            if let Some(scene) = scene.as_deref().filter(|s| !s.trim().is_empty()) {
                let scene = scene.chars().take(wicket_model::conversation::limits::SCENE_MAX_CHARS).collect();
                bodies.push((MessageBody::Event(SubscriberEvent::Scan { scene }), "#scan"));
            }
            bodies
        }
        NotifyKind::Text { content } => vec![(line(content.clone()), "")],
        // Alipay keeps the picture: the gateway fetches it through the multimedia gateway and
        // puts the image in this line's place; the line stays when that fails.
        NotifyKind::Image { .. } => vec![(line(IMAGE_NOT_FETCHED.into()), "")],
        NotifyKind::Other { msg_type, event_type } => {
            let text = match event_type {
                Some(event) => format!("[unsupported message: {msg_type} {event}]"),
                None => format!("[unsupported message: {msg_type}]"),
            };
            vec![(line(text), "")]
        }
    }
}

/// What an image message says when Alipay's copy could not be fetched: the message is kept.
pub const IMAGE_NOT_FETCHED: &str = "[image: it could not be fetched from Alipay]";

/// The platform's id a notify lands once under, within the model's bound.
pub fn platform_msg_id(notify: &Notify, part: &str) -> String {
    let key = format!("{}{part}", notify.dedup_key());
    if key.len() <= wicket_model::conversation::limits::PLATFORM_MSG_ID_MAX_BYTES {
        key
    } else {
        format!("h:{}", &hex::encode(Sha256::digest(key.as_bytes()))[..60])
    }
}

/// Wicket's id for a notify's message: the same notify, the same id.
pub fn message_id(account_id: &str, notify: &Notify, part: &str) -> String {
    let seed = format!("{PLATFORM}\n{account_id}\n{}\n{}{part}", notify.from_user_id, notify.dedup_key());
    hex::encode(&Sha256::digest(seed.as_bytes())[..16])
}

/// The name of the button of Alipay's menu JSON whose `action_param` is `key`.
pub fn menu_label(menu: &Value, key: &str) -> Option<String> {
    let top = menu["button"].as_array()?;
    let subs = top.iter().flat_map(|b| b["sub_button"].as_array().into_iter().flatten());
    top.iter()
        .chain(subs)
        .find(|button| button["action_param"].as_str() == Some(key))
        .and_then(|button| button["name"].as_str().map(str::to_owned))
}

// ---- The home page, part by part -------------------------------------------

/// The APIs of a part that Alipay keeps as a list of items with ids (the
/// carousel, the marketing slots): list, create, modify, delete, and the
/// names of the id and of the list in their answers.
struct ListedPart {
    batchquery: &'static str,
    list_field: &'static str,
    id_field: &'static str,
    create: &'static str,
    modify: &'static str,
    delete: &'static str,
}

const ADVERT: ListedPart = ListedPart {
    batchquery: "alipay.open.public.advert.batchquery",
    list_field: "advert_list",
    id_field: "advert_id",
    create: "alipay.open.public.advert.create",
    modify: "alipay.open.public.advert.modify",
    delete: "alipay.open.public.advert.delete",
};

const TOPIC: ListedPart = ListedPart {
    batchquery: "alipay.open.public.topic.batchquery",
    list_field: "topic_list",
    id_field: "topic_id",
    create: "alipay.open.public.topic.create",
    modify: "alipay.open.public.topic.modify",
    delete: "alipay.open.public.topic.delete",
};

pub const MENU_CREATE: &str = "alipay.open.public.menu.create";
pub const MENU_MODIFY: &str = "alipay.open.public.menu.modify";
pub const MENU_QUERY: &str = "alipay.open.public.menu.query";
/// The sub_code (under 40004) of a menu modified or queried before one was created.
pub const MENU_NOT_EXIST: &str = "MENU_NOT_EXIST";
pub const EXTENSION_CREATE: &str = "alipay.open.public.default.extension.create";
/// Lists the default and the personalized extension areas.
pub const EXTENSION_QUERY: &str = "alipay.open.public.personalized.extension.batchquery";
/// Deletes extension areas; `extension_key` `default` the default ones.
pub const EXTENSION_DELETE: &str = "alipay.open.public.personalized.extension.delete";
pub const CUSTOM_SEND: &str = "alipay.open.public.message.custom.send";
pub const FOLLOW_BATCHQUERY: &str = "alipay.open.public.follow.batchquery";

/// What one part's publish came to before it is recorded.
enum PartResult {
    Published,
    Removed,
    /// Nothing to do (an empty menu: Alipay's default menu stays as it is).
    Untouched,
}

/// How often a part is published while Alipay is busy or out of reach, and
/// the wait before the second attempt (doubled each time after).
pub const PART_ATTEMPTS: u32 = 3;
pub const PART_FIRST_BACKOFF: std::time::Duration = std::time::Duration::from_millis(250);

impl AlipayPlatform {
    /// Publishes the account's published `version` (`layout`) to Alipay part
    /// by part, each through its own API, and keeps each part's outcome in
    /// the connection's state for the designer. Parts the layout does not use
    /// are removed from the account.
    pub async fn publish_home(
        &self,
        state: &AppState,
        connection: &Connection,
        version: i64,
        layout: &Layout,
    ) -> Vec<AlipayPartPublish> {
        let mut outcomes = Vec::new();
        for part in AlipayPart::ALL {
            if let Some(outcome) = self.publish_part(state, connection, version, layout, part).await {
                outcomes.push(outcome);
            }
        }
        outcomes
    }

    /// Publishes one part of `layout` (a retry after a refusal); `None` when
    /// there was nothing to do for it.
    pub async fn publish_part(
        &self,
        state: &AppState,
        connection: &Connection,
        version: i64,
        layout: &Layout,
        part: AlipayPart,
    ) -> Option<AlipayPartPublish> {
        let home = alipay_home(layout);
        let wanted = home.part(part).cloned();
        // Each part's publish reads what Alipay holds before it writes, so
        // doing it again after a busy or unanswered call adds nothing twice.
        let mut backoff = PART_FIRST_BACKOFF;
        let mut attempt = 1;
        let result = loop {
            let result = match part {
                AlipayPart::Menu => self.publish_menu_part(state, connection, wanted.clone()).await,
                AlipayPart::ExtensionAreas => self.publish_extension(state, connection, wanted.clone()).await,
                AlipayPart::AdvertCarousel => self.publish_listed(state, connection, &ADVERT, wanted.clone()).await,
                AlipayPart::MarketingSlots => self.publish_listed(state, connection, &TOPIC, wanted.clone()).await,
            };
            let transient = match &result {
                Err(CallError::Refused { code, sub_code, .. }) => is_transient(code, sub_code.as_deref()),
                Err(CallError::NotSent(_) | CallError::NoAnswer(_)) => true,
                _ => false,
            };
            if !transient || attempt >= PART_ATTEMPTS {
                break result;
            }
            tracing::info!(account = %connection.account_id, part = part.name(), attempt, "Alipay did not take a part yet; trying again");
            tokio::time::sleep(backoff).await;
            backoff *= 2;
            attempt += 1;
        };
        let at = state.clock.now();
        let outcome = match result {
            Ok(PartResult::Untouched) => {
                self.update_state(state, &connection.account_id, move |s| s.home.retain(|p| p.part != part)).await;
                return None;
            }
            Ok(done) => AlipayPartPublish {
                part,
                version,
                state: match done {
                    PartResult::Removed => AlipayPartState::Removed,
                    _ => AlipayPartState::Published,
                },
                at,
                code: None,
                reason: None,
                message: None,
            },
            Err(e) => {
                let (state, reason) = match &e {
                    CallError::Refused { code, sub_code, .. } if !is_transient(code, sub_code.as_deref()) => {
                        (AlipayPartState::Refused, home_refusal_key(code))
                    }
                    CallError::Unverified(_) => (AlipayPartState::Failed, "alipay.home.unverified"),
                    _ => (AlipayPartState::Failed, "platform.call.unavailable"),
                };
                AlipayPartPublish {
                    part,
                    version,
                    state,
                    at,
                    code: e.code().map(str::to_owned),
                    reason: Some(reason.into()),
                    message: Some(e.to_string()),
                }
            }
        };
        if outcome.state == AlipayPartState::Refused || outcome.state == AlipayPartState::Failed {
            tracing::warn!(account = %connection.account_id, version, outcome = ?outcome, "Alipay did not take a part of the home page");
        }
        let kept = outcome.clone();
        self.update_state(state, &connection.account_id, move |s| s.record(kept)).await;
        Some(outcome)
    }

    /// The menu: modified when the account has one, created otherwise. A
    /// layout without a menu leaves Alipay's as it is: every 生活号 has a
    /// default menu, and none can be deleted.
    async fn publish_menu_part(
        &self,
        state: &AppState,
        connection: &Connection,
        wanted: Option<Value>,
    ) -> Result<PartResult, CallError> {
        let Some(menu) = wanted else { return Ok(PartResult::Untouched) };
        match self.call(state, connection, MENU_MODIFY, &menu).await {
            Ok(_) => Ok(PartResult::Published),
            // Only Alipay's "menu does not exist": any other refusal (a busy 20000 included) is
            // the modify's own, and creating then would be refused or add a second menu.
            Err(CallError::Refused { code, sub_code: Some(sub_code), .. })
                if code == "40004" && sub_code == MENU_NOT_EXIST =>
            {
                self.call(state, connection, MENU_CREATE, &menu).await.map(|_| PartResult::Published)
            }
            Err(e) => Err(e),
        }
    }

    /// The default extension areas: created (which replaces them as a whole)
    /// when the layout has some, deleted when it has none and Alipay shows some.
    async fn publish_extension(
        &self,
        state: &AppState,
        connection: &Connection,
        wanted: Option<Value>,
    ) -> Result<PartResult, CallError> {
        if let Some(areas) = wanted {
            return self.call(state, connection, EXTENSION_CREATE, &areas).await.map(|_| PartResult::Published);
        }
        let listed = self.call(state, connection, EXTENSION_QUERY, &json!({})).await?;
        if default_extension(&listed.body).is_none() {
            return Ok(PartResult::Untouched);
        }
        self.call(state, connection, EXTENSION_DELETE, &json!({"extension_key": "default"})).await?;
        Ok(PartResult::Removed)
    }

    /// A listed part (carousel, marketing slots): the first one Alipay lists
    /// is modified to the layout's (created when there is none), every other
    /// one is deleted; with none in the layout, all are deleted.
    async fn publish_listed(
        &self,
        state: &AppState,
        connection: &Connection,
        apis: &ListedPart,
        wanted: Option<Value>,
    ) -> Result<PartResult, CallError> {
        let listed = self.call(state, connection, apis.batchquery, &json!({})).await?;
        let ids: Vec<String> = listed.body[apis.list_field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item[apis.id_field].as_str().map(str::to_owned))
            .collect();
        let mut extra = ids.iter();
        let result = match wanted {
            Some(mut content) => {
                match extra.next() {
                    Some(id) => {
                        content[apis.id_field] = Value::from(id.as_str());
                        self.call(state, connection, apis.modify, &content).await?;
                    }
                    None => {
                        self.call(state, connection, apis.create, &content).await?;
                    }
                }
                PartResult::Published
            }
            None if ids.is_empty() => return Ok(PartResult::Untouched),
            None => PartResult::Removed,
        };
        for id in extra {
            self.call(state, connection, apis.delete, &json!({ apis.id_field: id })).await?;
        }
        Ok(result)
    }

    /// The account's home page as Alipay shows it now: the menu, the
    /// extension areas, the carousel and the marketing slots.
    pub async fn live_home(&self, state: &AppState, connection: &Connection) -> Result<AlipayLiveHome, CallError> {
        let menu = match self.call(state, connection, MENU_QUERY, &json!({})).await {
            Ok(answer) => live_menu_of(&answer.body),
            // An account without a menu.
            Err(e) if e.code() == Some(MENU_NOT_EXIST) => None,
            Err(e) => return Err(e),
        };
        let areas = self.call(state, connection, EXTENSION_QUERY, &json!({})).await?;
        let extension_areas = default_extension(&areas.body).map(|areas| json!({ "areas": areas }));
        let adverts = self.call(state, connection, ADVERT.batchquery, &json!({})).await?;
        let advert_carousel = adverts.body[ADVERT.list_field].as_array().and_then(|list| list.first()).cloned();
        let topics = self.call(state, connection, TOPIC.batchquery, &json!({})).await?;
        let marketing_slots = topics.body[TOPIC.list_field].as_array().and_then(|list| list.first()).cloned();
        Ok(AlipayLiveHome { menu, extension_areas, advert_carousel, marketing_slots })
    }
}

/// The default extension areas in the extension list's answer (`extensions`,
/// the one whose `extension_key` is `default`), when there are some.
fn default_extension(answer: &Value) -> Option<Vec<Value>> {
    answer["extensions"]
        .as_array()?
        .iter()
        .find(|e| e["extension_key"].as_str() == Some("default"))
        .and_then(|e| e["areas"].as_array())
        .filter(|areas| !areas.is_empty())
        .cloned()
}

/// The menu in `menu.query`'s answer: `menu_content` (a JSON text of the
/// menu, as Alipay gives it) or the menu's fields themselves.
fn live_menu_of(answer: &Value) -> Option<Value> {
    let menu = match answer.get("menu_content") {
        Some(Value::String(text)) => serde_json::from_str(text).ok()?,
        Some(object @ Value::Object(_)) => object.clone(),
        _ => answer.clone(),
    };
    menu["button"].as_array().filter(|b| !b.is_empty())?;
    Some(menu)
}

/// The issue key of Alipay's refusal of a part of the home page, by Alipay's
/// public `code`: 40001 (missing arguments) and 40002 (invalid arguments) say
/// the part is malformed; anything else is a refusal, shown with Alipay's
/// sub_code and words (the part's `code` and `message`).
pub fn home_refusal_key(code: &str) -> &'static str {
    match code {
        "40001" | "40002" => "alipay.home.invalid",
        _ => "alipay.home.refused",
    }
}

#[async_trait]
impl Platform for AlipayPlatform {
    fn name(&self) -> &'static str {
        PLATFORM
    }

    async fn send_reply(&self, state: &AppState, reply: &Reply) -> SendOutcome {
        let connection = match self.connection(state, &reply.account.id).await {
            Ok(Some(connection)) => connection,
            Ok(None) => return SendOutcome::Refused { reason: "alipay.connection.missing".into() },
            Err(e) => return SendOutcome::Retry { reason: e.to_string() },
        };
        let to = reply.subscriber.platform_user_id.clone();
        let body = match &reply.message.body {
            MessageBody::Text { text } => {
                json!({"to_user_id": to, "msg_type": "text", "text": {"content": text}, "chat": "1"})
            }
            MessageBody::Article { title, description, url, image_url } => json!({
                "to_user_id": to,
                "msg_type": "image-text",
                "articles": [{"title": title, "desc": description, "url": url, "image_url": image_url}],
                "chat": "1",
            }),
            // Alipay declares a pure image but does not deliver it (PLATFORM-RULES §4.2): the
            // image goes as image-text, uploaded to Alipay first, under the account's name.
            MessageBody::Image { url } => {
                let image_url = match self.upload(state, &connection, url).await {
                    Ok(image_url) => image_url,
                    Err(outcome) => return outcome,
                };
                let title = clip(&reply.account.name, 120);
                json!({
                    "to_user_id": to,
                    "msg_type": "image-text",
                    "articles": [{"title": title, "desc": "", "url": image_url, "image_url": image_url}],
                    "chat": "1",
                })
            }
            MessageBody::Location { .. } | MessageBody::Event(_) => {
                return SendOutcome::Refused { reason: "alipay.send.unsupported".into() };
            }
        };
        send_outcome_of(self.call(state, &connection, CUSTOM_SEND, &body).await)
    }

    async fn publish_menu(&self, state: &AppState, account: &Account, layout: &Layout) -> Result<(), PlatformError> {
        let connection = self.require(state, account).await?;
        let outcome = self.publish_part(state, &connection, 0, layout, AlipayPart::Menu).await;
        match outcome {
            Some(AlipayPartPublish {
                state: AlipayPartState::Refused | AlipayPartState::Failed,
                reason,
                message,
                ..
            }) => Err(PlatformError { key: reason.unwrap_or_default(), message: message.unwrap_or_default() }),
            _ => Ok(()),
        }
    }

    async fn followers(
        &self,
        state: &AppState,
        account: &Account,
        next: Option<&str>,
    ) -> Result<FollowerPage, PlatformError> {
        let connection = self.require(state, account).await?;
        let mut query = json!({});
        if let Some(next) = next {
            query["next_user_id"] = Value::from(next);
        }
        let answer = self.call(state, &connection, FOLLOW_BATCHQUERY, &query).await.map_err(import_error)?;
        let list = |field: &str| -> Vec<String> {
            answer.body[field]
                .as_array()
                .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let user_ids = match list("user_id_list") {
            ids if ids.is_empty() => list("open_id_list"),
            ids => ids,
        };
        let next = answer.body["next_user_id"].as_str().filter(|n| !n.is_empty()).map(str::to_owned);
        let total = answer.body["count"]
            .as_u64()
            .or_else(|| answer.body["count"].as_str()?.parse().ok())
            .unwrap_or(user_ids.len() as u64);
        Ok(FollowerPage { user_ids, next, total })
    }

    async fn profiles(
        &self,
        _state: &AppState,
        _account: &Account,
        user_ids: &[String],
    ) -> Result<Vec<FollowerProfile>, PlatformError> {
        // Alipay lists followers but gives no profile of them to a 生活号.
        Ok(user_ids
            .iter()
            .map(|id| FollowerProfile {
                platform_user_id: id.clone(),
                following: true,
                followed_at: None,
                remark: None,
                default_name: display_name(id),
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
        match self.upload_bytes(state, &connection, mime, &bytes).await {
            Ok(image_url) => Ok(image_url),
            Err(e) => {
                let key = match &e {
                    UploadError::Unsupported(_) => "alipay.send.unsupported",
                    UploadError::Call(CallError::Refused { code, sub_code, .. })
                        if !is_transient(code, sub_code.as_deref()) =>
                    {
                        "alipay.send.refused"
                    }
                    UploadError::Call(_) => "platform.call.unavailable",
                };
                Err(PlatformError { key: key.into(), message: e.to_string() })
            }
        }
    }
}

/// Why an image was not uploaded.
#[derive(Debug, thiserror::Error)]
enum UploadError {
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Call(CallError),
}

/// The `image_type` Alipay's image upload takes for a MIME type (jpg, png, gif, bmp).
fn alipay_image_type(mime: &str) -> Option<&'static str> {
    match mime {
        "image/jpeg" => Some("jpg"),
        "image/png" => Some("png"),
        "image/gif" => Some("gif"),
        "image/bmp" => Some("bmp"),
        _ => None,
    }
}

/// The largest image taken from Alipay's multimedia gateway: the size of a staff or sandbox image.
pub const MEDIA_MAX_BYTES: usize = wicket_model::media::MAX_IMAGE_BYTES;

impl AlipayPlatform {
    /// Uploads image bytes (`alipay.offline.material.image.upload`): Alipay's `image_url`.
    async fn upload_bytes(
        &self,
        state: &AppState,
        connection: &Connection,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, UploadError> {
        let image_type = alipay_image_type(mime)
            .ok_or_else(|| UploadError::Unsupported(format!("Alipay takes jpg, png, gif or bmp images, not {mime}")))?;
        let keys = connection
            .keys()
            .map_err(|e| UploadError::Call(CallError::NotSent(format!("the stored keys cannot be used: {e}"))))?;
        let caller = Caller {
            app_id: &connection.app_id,
            charset: Charset::Utf8,
            app_key: &keys.app_key,
            alipay_key: &keys.alipay_key,
        };
        let result = self.api.upload_image(&caller, state.clock.now(), image_type, mime, bytes).await;
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => {
                let now = state.clock.now();
                let error = format!("alipay.offline.material.image.upload: {e}");
                self.update_state(state, &connection.account_id, move |s| {
                    s.last_error = Some(error);
                    s.last_error_at = Some(now);
                })
                .await;
                return Err(UploadError::Call(e));
            }
        };
        answer.body["image_url"]
            .as_str()
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| UploadError::Call(CallError::NoAnswer("the upload's answer has no image_url".into())))
    }

    /// A staff image (`/s/media/{id}`) uploaded to Alipay: its `image_url`, or the reply's outcome.
    async fn upload(&self, state: &AppState, connection: &Connection, url: &str) -> Result<String, SendOutcome> {
        let unsupported = || SendOutcome::Refused { reason: "alipay.send.unsupported".into() };
        let id = wicket_model::media::media_id_of(url).ok_or_else(unsupported)?;
        let (mime, bytes) = match state.storage.media(id).await {
            Ok(Some(media)) => media,
            Ok(None) => return Err(unsupported()),
            Err(e) => return Err(SendOutcome::Retry { reason: e.to_string() }),
        };
        match self.upload_bytes(state, connection, &mime, &bytes).await {
            Ok(image_url) => Ok(image_url),
            Err(UploadError::Unsupported(_)) => Err(unsupported()),
            // Nothing was sent to the subscriber yet: an upload whose answer was lost is uploaded again.
            Err(UploadError::Call(CallError::NoAnswer(why) | CallError::Unverified(why))) => {
                Err(SendOutcome::Retry { reason: why })
            }
            Err(UploadError::Call(e)) => Err(outcome_of(Err(e))),
        }
    }

    /// A user's image (`MediaId` of an image notify), fetched from Alipay's multimedia gateway
    /// and kept as the server's media: its `/s/media/{id}` path.
    pub async fn fetch_image(
        &self,
        state: &AppState,
        connection: &Connection,
        media_id: &str,
    ) -> Result<String, api::MediaError> {
        let keys = connection.keys().map_err(|e| api::MediaError(format!("the stored keys cannot be used: {e}")))?;
        let caller = Caller {
            app_id: &connection.app_id,
            charset: Charset::Utf8,
            app_key: &keys.app_key,
            alipay_key: &keys.alipay_key,
        };
        let bytes = self.api.download_media(&caller, state.clock.now(), media_id, MEDIA_MAX_BYTES).await?;
        let mime = wicket_model::media::image_type(&bytes)
            .ok_or_else(|| api::MediaError("what Alipay gave is not a png, jpeg, gif or webp image".into()))?;
        let id = hex::encode(Sha256::digest(&bytes));
        state
            .storage
            .save_media(&id, mime, bytes, state.clock.now())
            .await
            .map_err(|e| api::MediaError(format!("the image could not be kept: {e}")))?;
        Ok(wicket_model::media::media_path(&id))
    }
}

impl AlipayPlatform {
    async fn require(&self, state: &AppState, account: &Account) -> Result<Connection, PlatformError> {
        match self.connection(state, &account.id).await {
            Ok(Some(connection)) => Ok(connection),
            Ok(None) => Err(PlatformError {
                key: "alipay.connection.missing".into(),
                message: "this account is not connected to Alipay".into(),
            }),
            Err(e) => Err(PlatformError { key: "platform.call.unavailable".into(), message: e.to_string() }),
        }
    }
}

/// A failed read of followers: busy, unreachable or unanswered calls pass
/// (reading twice is harmless); any other answer is Alipay's refusal.
fn import_error(e: CallError) -> PlatformError {
    let key = match &e {
        CallError::Refused { code, sub_code, .. } if !is_transient(code, sub_code.as_deref()) => {
            "alipay.import.refused"
        }
        _ => "platform.call.unavailable",
    };
    PlatformError { key: key.into(), message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_key() {
        let connection = Connection {
            account_id: "a".into(),
            app_id: "2021000000000001".into(),
            charset: AlipayCharset::Utf8,
            secrets: Secrets {
                app_private_key: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCsecretpart".into(),
                alipay_public_key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAotherpart".into(),
            },
            state: AlipayConnectionState::default(),
        };
        let shown = format!("{connection:?}");
        assert!(shown.contains("2021000000000001"), "{shown}");
        assert!(!shown.contains("secretpart") && !shown.contains("MIIE") && !shown.contains("otherpart"), "{shown}");
        assert!(!shown.contains("part\""), "not even the last characters: {shown}");
    }

    #[test]
    fn an_enter_with_a_scene_is_the_entry_and_the_scan() {
        let bodies = to_bodies(&NotifyKind::Enter { scene: Some("table_12".into()) });
        assert_eq!(
            bodies,
            vec![
                (MessageBody::Event(SubscriberEvent::Enter), ""),
                (MessageBody::Event(SubscriberEvent::Scan { scene: "table_12".into() }), "#scan"),
            ]
        );
        assert_eq!(to_bodies(&NotifyKind::Enter { scene: None }).len(), 1);
        assert!(to_bodies(&NotifyKind::Verifygw).is_empty(), "the gateway check is no subscriber's message");
    }

    #[test]
    fn refusals_of_a_reply_say_why() {
        let refused = |code: &str, sub_code: &str| {
            send_outcome_of(Err(CallError::Refused {
                code: code.into(),
                msg: "Business Failed".into(),
                sub_code: Some(sub_code.into()),
                sub_msg: Some("支付宝的原话".into()),
            }))
        };
        let key = |reason: &str| SendOutcome::Refused { reason: reason.into() };
        assert_eq!(refused("40004", "USER_NOT_FOLLOW"), key("alipay.send.not_following"));
        assert_eq!(refused("40004", "FREQUENCY_LIMITED"), key("alipay.send.quota"));
        assert_eq!(refused("40004", "USER_INTERACTION_EXPIRED"), key("alipay.send.window_closed"));
        // Exact pairs only: a code that merely contains TIME, LIMIT or FOLLOW is Alipay's refusal.
        assert_eq!(refused("40002", "isv.invalid-timestamp"), key("alipay.send.refused"));
        assert_eq!(refused("40004", "USER_FOLLOW_LIMITED"), key("alipay.send.refused"));
        assert_eq!(refused("40002", "USER_NOT_FOLLOW"), key("alipay.send.refused"), "under another code");
        let unverified = send_outcome_of(Err(CallError::Unverified("bad sign".into())));
        assert_eq!(unverified, SendOutcome::Unknown, "an answer not believed leaves the outcome unknown");
        let unknown_error = CallError::Refused {
            code: "20000".into(),
            msg: "Service Currently Unavailable".into(),
            sub_code: Some("isp.unknow-error".into()),
            sub_msg: None,
        };
        let sent = send_outcome_of(Err(unknown_error.clone()));
        assert_eq!(sent, SendOutcome::Unknown, "a send answered 20000 may have been delivered: never resent");
        assert!(matches!(outcome_of(Err(unknown_error)), SendOutcome::Retry { .. }), "other calls may retry");
        assert_eq!(home_refusal_key("40002"), "alipay.home.invalid");
        assert_eq!(home_refusal_key("40004"), "alipay.home.refused", "a business rule, whatever its sub_code");
    }

    #[test]
    fn a_tap_finds_its_buttons_name() {
        let menu = json!({"button": [
            {"name": "官网", "action_type": "link", "action_param": "https://example.com/"},
            {"name": "服务", "sub_button": [{"name": "营业时间", "action_type": "out", "action_param": "HOURS"}]},
        ]});
        assert_eq!(menu_label(&menu, "HOURS").as_deref(), Some("营业时间"));
        assert_eq!(menu_label(&menu, "GONE"), None);
    }
}
