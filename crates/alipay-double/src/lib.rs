//! An Alipay 生活号 double: a small axum server on loopback that answers Alipay's OpenAPI gateway
//! (`POST /gateway.do`) for the 生活号 methods Wicket uses — checking each request's RSA2
//! signature with the application's public key and the methods' rules as Alipay does (see
//! `../../shared/PLATFORM-RULES.md`, cited per check), signing its answers with its own Alipay
//! key — and that pushes signed events and messages to the merchant's application gateway.
//! The server's Alipay adapter points its gateway URL at [`RunningDouble::gateway_url`] and trusts
//! [`Double::alipay_public_key_base64`] as Alipay's public key.
//!
//! ```no_run
//! # async fn demo(app_public_key: String) -> std::io::Result<()> {
//! use wicket_alipay_double::{AccountSpec, Double, Push};
//! let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await?;
//! double.add_account(AccountSpec {
//!     app_id: "2021000000000001".into(),
//!     app_public_key,
//!     gateway_url: Some("http://127.0.0.1:8080/alipay/gateway".into()),
//!     charset: "UTF-8".into(),
//!     chat_switch_on: false,
//!     name: Some("Wicket 咖啡".into()),
//! }).unwrap();
//! let check = double.verify_gateway("2021000000000001").await.unwrap();
//! assert!(check.verified);
//! // A user writes (opening the 48-hour window), the adapter answers through custom.send...
//! let report = double.send_notify("2021000000000001", "2088102000000001", Push::Text { content: "hi".into() }).await.unwrap();
//! assert!(report.delivered);
//! // ...and the test reads what the double received.
//! let sent = double.sent("2021000000000001").unwrap();
//! # Ok(()) }
//! ```
//!
//! The same controls are HTTP routes, for the binary `alipay-double --listen 127.0.0.1:0` and
//! tests in other processes (JSON bodies as the Rust types; refusals are 400 `{"error": ...}`):
//!
//! | route | does |
//! |---|---|
//! | `GET /_double/alipay-public-key` | `{"alipay_public_key": base64}`: [`Double::alipay_public_key_base64`] |
//! | `POST /_double/accounts` | [`Double::add_account`] ([`AccountSpec`]) |
//! | `PATCH /_double/accounts/{app_id}` | [`Double::change_account`] ([`AccountChange`]) |
//! | `GET`/`POST /_double/accounts/{app_id}/followers` | list / `{"user_ids": [...]}`: [`Double::add_followers`] |
//! | `GET /_double/accounts/{app_id}/sent`, `/mass-sends`, `/labels`, `/label-sends`, `/menus`, `/extension`, `/adverts`, `/topics`, `/images` | what it holds |
//! | `GET /_double/accounts/{app_id}/notifies` | [`Double::notifies`] |
//! | `PUT /_double/accounts/{app_id}/media/{media_id}?format=jpg` | the body is a user's image: [`Double::add_media`] |
//! | `GET`/`POST /chat/multimedia.do` | the multimedia gateway: a user's image by its MediaId (signed request) |
//! | `POST /_double/accounts/{app_id}/notifies` | `{"user_id", "push": {"type": "text", ...}}`: [`Double::send_notify`] |
//! | `POST /_double/accounts/{app_id}/notifies/{msg_id}/resend` | [`Double::resend_notify`] |
//! | `POST /_double/accounts/{app_id}/verify-gateway` | [`Double::verify_gateway`] |
//! | `GET /_double/calls` | [`Double::calls`] |
//! | `POST /_double/faults` | [`Fault`]: `{"kind": "drop", "method": ..., "count": 1}`; no kind is Alipay's unknown error |
//! | `POST /_double/delay`, `/_double/clock/advance` | [`Delay`], `{"seconds"}` |

mod api;
mod control;
pub mod error;
pub mod labels;
mod push;
pub mod rules;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use axum::Router;
use serde_json::Value;
use wicket_alipay::keys::{PrivateKey, PublicKey};

pub use api::{IMAGE_MAX_BYTES, MEDIA_DOWNLOAD_METHOD, TIMESTAMP_TOLERANCE_SECS};
pub use error::AliError;
pub use labels::{Label, LabelSend};
pub use push::{GatewayCheck, NotifyReport, Push, Try, CHECK_SERVICE, NOTIFY_SERVICE};
pub use state::{
    AccountChange, AccountSpec, Advert, CallRecord, Delay, Fault, FaultKind, Image, MassSend, SentMessage, Topic,
    DAILY_QUOTA, FOLLOW_PAGE_SIZE, WINDOW_SECS,
};

/// The double's state, shared by its handlers; cheap to clone.
#[derive(Clone)]
pub struct Double {
    state: Arc<Mutex<state::State>>,
    http: reqwest::Client,
    alipay_key: PrivateKey,
}

impl Default for Double {
    fn default() -> Self {
        Self::new()
    }
}

/// A 2048-bit key made once per process: making one takes a while, and every double of a test
/// run may share it (each test's accounts still have their own application keys).
#[allow(clippy::expect_used, reason = "the double is for tests: without its key there is no double to run")]
fn process_key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| generate_key().expect("a fresh 2048-bit RSA key parses")).clone()
}

/// A new 2048-bit RSA private key.
pub fn generate_key() -> Result<PrivateKey, String> {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).map_err(|e| e.to_string())?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?;
    PrivateKey::parse(&pem).map_err(|e| e.to_string())
}

impl Double {
    /// A double with an Alipay key pair of its own (made once per process).
    pub fn new() -> Self {
        Self::with_alipay_key(process_key())
    }

    /// A double that signs with `alipay_key` (a test's fixed key, or one from a file).
    pub fn with_alipay_key(alipay_key: PrivateKey) -> Self {
        Self { state: Arc::default(), http: reqwest::Client::new(), alipay_key }
    }

    /// Alipay's public key as the merchant copies it from Alipay's console (bare base64).
    pub fn alipay_public_key_base64(&self) -> String {
        self.alipay_key.public_key_base64()
    }

    pub fn alipay_public_key(&self) -> PublicKey {
        self.alipay_key.public_key()
    }

    /// The whole server: the gateway at `/gateway.do` and the controls under `/_double/`.
    pub fn router(&self) -> Router {
        Router::new().merge(api::routes()).merge(control::routes()).with_state(self.clone())
    }

    /// Serves the double on `addr` (port 0 picks one) until the returned handle is dropped.
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<RunningDouble> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = self.router();
        let task = tokio::spawn(async move {
            // The server ends only when the task is aborted; an accept error has nowhere better to go.
            let _ = axum::serve(listener, app).await;
        });
        Ok(RunningDouble { addr, double: self, task })
    }

    /// A poisoned lock only means a handler panicked; the state itself stays usable for a test double.
    fn lock(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn add_account(&self, spec: AccountSpec) -> Result<(), String> {
        self.lock().add_account(spec)
    }

    /// Moves the gateway, switches the charset or the 咨询反馈 switch, replaces the application
    /// key, makes follower pages smaller, or changes the pushes' timeout and tries.
    pub fn change_account(&self, app_id: &str, change: AccountChange) -> Result<(), String> {
        self.lock().change_account(app_id, change)
    }

    /// Adds followers with no custom-send window open.
    pub fn add_followers(&self, app_id: &str, user_ids: &[String]) -> Result<(), String> {
        self.lock().add_followers(app_id, user_ids)
    }

    /// The user ids following the account, in the order they followed.
    pub fn followers(&self, app_id: &str) -> Result<Vec<String>, String> {
        self.lock().followers(app_id)
    }

    /// The custom-send messages the API accepted, oldest first.
    pub fn sent(&self, app_id: &str) -> Result<Vec<SentMessage>, String> {
        Ok(self.lock().account(app_id)?.sent.clone())
    }

    /// The messages to every follower (`message.total.send`) the account accepted, oldest first.
    pub fn mass_sends(&self, app_id: &str) -> Result<Vec<MassSend>, String> {
        Ok(self.lock().account(app_id)?.mass_sends.clone())
    }

    /// The account's custom labels (`life.label.create`), each with the users it is on.
    pub fn labels(&self, app_id: &str) -> Result<Vec<Label>, String> {
        Ok(self.lock().account(app_id)?.labels.labels.clone())
    }

    /// The messages sent by label (`message.label.send`) the account accepted, oldest first,
    /// each with the followers it reached.
    pub fn label_sends(&self, app_id: &str) -> Result<Vec<LabelSend>, String> {
        Ok(self.lock().account(app_id)?.labels.sends.clone())
    }

    /// The live default text menu, as posted (with `type`), if any.
    pub fn menu(&self, app_id: &str) -> Result<Option<Value>, String> {
        Ok(self.lock().account(app_id)?.menus.get("default").cloned())
    }

    /// The live default menus by menu_key: `default` (text) and `iconDefault` (icon).
    pub fn menus(&self, app_id: &str) -> Result<BTreeMap<String, Value>, String> {
        Ok(self.lock().account(app_id)?.menus.clone())
    }

    /// The default extension set's areas, if one is live.
    pub fn extension_areas(&self, app_id: &str) -> Result<Option<Vec<Value>>, String> {
        Ok(self.lock().account(app_id)?.extension.clone())
    }

    /// The advert carousel (at most one).
    pub fn adverts(&self, app_id: &str) -> Result<Vec<Advert>, String> {
        Ok(self.lock().account(app_id)?.adverts.clone())
    }

    /// The marketing slots, in the order they were created.
    pub fn topics(&self, app_id: &str) -> Result<Vec<Topic>, String> {
        Ok(self.lock().account(app_id)?.topics.clone())
    }

    /// The images uploaded, with their bytes.
    pub fn images(&self, app_id: &str) -> Result<Vec<Image>, String> {
        Ok(self.lock().account(app_id)?.images.clone())
    }

    /// An image a user sends: the multimedia gateway serves it to the account under `media_id`
    /// (push it with [`Push::Image`]). `format` is `jpg`, `png` or `gif`.
    pub fn add_media(&self, app_id: &str, media_id: &str, format: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.lock().account_mut(app_id)?.media.insert(media_id.to_owned(), (format.to_owned(), bytes));
        Ok(())
    }

    /// Every notify pushed (a resend is a report of its own), with each try's outcome.
    pub fn notifies(&self, app_id: &str) -> Result<Vec<NotifyReport>, String> {
        Ok(self.lock().account(app_id)?.pushes.clone())
    }

    /// Every gateway call (not the controls), with Alipay's code and what it changed.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.lock().calls.clone()
    }

    /// Faults the next `count` calls (to `method`, or any).
    pub fn fail_next(&self, fault: Fault) {
        self.lock().add_fault(fault);
    }

    /// Holds answers back by `millis` (0 ends it); the call takes effect first.
    pub fn delay(&self, delay: Delay) {
        self.lock().set_delay(delay);
    }

    /// Moves the double's clock on (the 48-hour window, the daily quota, CreateTime). Request
    /// timestamps are still checked against the real time: the caller signs them with its clock.
    pub fn advance_clock(&self, seconds: i64) {
        self.lock().advance_clock(seconds);
    }

    /// A user follows, unfollows, taps, enters or writes: it takes effect on the account (a follow
    /// or any interaction makes them a follower and opens the 48-hour window, an unfollow removes
    /// them), then the notify is pushed to the gateway, tried again while the answer is not a valid
    /// signed success. Returns when it was accepted or the tries ran out.
    pub async fn send_notify(&self, app_id: &str, user_id: &str, push: Push) -> Result<NotifyReport, String> {
        let (target, biz_content, msg_id) = {
            let mut state = self.lock();
            // Refused before it takes effect when there is nowhere to push it.
            let target = target(state.account(app_id)?)?;
            state.interact(app_id, user_id, push.interaction())?;
            let msg_id = state.next_id();
            let create_time = state.now() * 1000;
            let xml = wicket_alipay::notify::notify_xml(&push::notify(app_id, user_id, &msg_id, create_time, &push));
            (target, xml, msg_id)
        };
        self.deliver(app_id, user_id, &msg_id, biz_content, &target).await
    }

    /// Sends a notify already pushed again, the same XML (same MsgId, CreateTime) signed afresh,
    /// as Alipay does when it did not get a valid answer: the gateway must not take it twice.
    pub async fn resend_notify(&self, app_id: &str, msg_id: &str) -> Result<NotifyReport, String> {
        let (target, earlier) = {
            let state = self.lock();
            let account = state.account(app_id)?;
            let earlier = account
                .pushes
                .iter()
                .find(|p| p.msg_id == msg_id)
                .cloned()
                .ok_or_else(|| format!("no notify {msg_id} was pushed to {app_id}"))?;
            (target(account)?, earlier)
        };
        self.deliver(app_id, &earlier.user_id, msg_id, earlier.biz_content, &target).await
    }

    async fn deliver(
        &self,
        app_id: &str,
        user_id: &str,
        msg_id: &str,
        biz_content: String,
        target: &push::Target,
    ) -> Result<NotifyReport, String> {
        let tries = push::deliver(&self.http, target, &self.alipay_key, user_id, &biz_content).await;
        let delivered = tries.last().is_some_and(|t| t.accepted);
        let report =
            NotifyReport { user_id: user_id.to_owned(), msg_id: msg_id.to_owned(), biz_content, tries, delivered };
        self.lock().account_mut(app_id)?.pushes.push(report.clone());
        Ok(report)
    }

    /// The gateway check (`alipay.service.check`, verifygw) Alipay's console sends when the merchant
    /// saves the application gateway.
    pub async fn verify_gateway(&self, app_id: &str) -> Result<GatewayCheck, String> {
        let (target, xml) = {
            let state = self.lock();
            let target = target(state.account(app_id)?)?;
            (target, push::check_xml(app_id, state.now() * 1000))
        };
        Ok(push::verify_gateway(&self.http, &target, &self.alipay_key, &xml).await)
    }
}

fn target(account: &state::Account) -> Result<push::Target, String> {
    let url = account
        .spec
        .gateway_url
        .clone()
        .ok_or_else(|| format!("the account {} has no application gateway", account.spec.app_id))?;
    Ok(push::Target {
        app_id: account.spec.app_id.clone(),
        url,
        charset: account.charset,
        app_public_key: account.app_public_key.clone(),
        timeout: account.push_timeout,
        max_tries: account.push_max_tries,
    })
}

/// A double serving on a loopback port; dropping it stops the server.
pub struct RunningDouble {
    addr: SocketAddr,
    double: Double,
    task: tokio::task::JoinHandle<()>,
}

impl RunningDouble {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/chat/multimedia.do`: what replaces `https://openfile.alipay.com/chat/multimedia.do`.
    pub fn media_url(&self) -> String {
        format!("http://{}/chat/multimedia.do", self.addr)
    }

    /// `http://127.0.0.1:PORT/gateway.do`: what replaces `https://openapi.alipay.com/gateway.do`.
    pub fn gateway_url(&self) -> String {
        format!("http://{}/gateway.do", self.addr)
    }
}

impl std::ops::Deref for RunningDouble {
    type Target = Double;
    fn deref(&self) -> &Double {
        &self.double
    }
}

impl Drop for RunningDouble {
    fn drop(&mut self) {
        self.task.abort();
    }
}
