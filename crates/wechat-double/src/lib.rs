//! A WeChat official-account double: a small axum server on loopback that answers the parts of
//! WeChat's API Wicket uses, checking what WeChat checks (see `../../shared/PLATFORM-RULES.md`,
//! cited per check), and that pushes signed, encrypted callbacks to the merchant's server with
//! WeChat's retries. The server's WeChat adapter points its base URL at [`RunningDouble::base_url`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use wicket_wechat_double::{AccountSpec, Callback, Double, Mode};
//! let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await?;
//! double.add_account(AccountSpec {
//!     appid: "wx5823bf96d3bd56c7".into(),
//!     secret: "a-secret".into(),
//!     token: "QDG6eK".into(),
//!     encoding_aes_key: Some("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".into()),
//!     mode: Mode::Safe,
//!     callback_url: Some("http://127.0.0.1:8080/wechat/callback".into()),
//!     original_id: None,
//! }).unwrap();
//! // A subscriber writes (opening the customer-service window), the adapter answers through the API...
//! let report = double.send_callback("wx5823bf96d3bd56c7", "oFan1", Callback::Text { content: "hi".into() }).await.unwrap();
//! assert!(report.delivered);
//! // ...and the test reads what the double received.
//! let sent = double.sent("wx5823bf96d3bd56c7").unwrap();
//! # Ok(()) }
//! ```
//!
//! The same controls are HTTP routes, for the binary `wechat-double --listen 127.0.0.1:0` and
//! tests in other processes (JSON bodies as the Rust types; refusals are 400 `{"error": ...}`):
//!
//! | route | does |
//! |---|---|
//! | `POST /_double/accounts` | [`Double::add_account`] ([`AccountSpec`]) |
//! | `PATCH /_double/accounts/{appid}` | [`Double::change_account`] ([`AccountChange`]) |
//! | `POST /_double/accounts/{appid}/followers` | `{"openids": [...]}`: [`Double::add_followers`] |
//! | `GET /_double/accounts/{appid}/sent`, `/menu`, `/uploads`, `/callbacks` | what it received |
//! | `POST /_double/accounts/{appid}/callbacks` | `{"openid", "message": {"type": "text", ...}}`: [`Double::send_callback`] |
//! | `POST /_double/accounts/{appid}/verify-url` | [`Double::verify_url`] |
//! | `POST /_double/accounts/{appid}/tokens/expire` | [`Double::expire_tokens`] |
//! | `GET /_double/calls` | [`Double::calls`] |
//! | `POST /_double/faults`, `/_double/delay`, `/_double/clock/advance` | [`Fault`], [`Delay`], `{"seconds"}` |

mod api;
mod control;
pub mod error;
pub mod mass;
pub mod menu;
mod push;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use serde_json::Value;

pub use error::WxError;
pub use mass::{MassPreview, MassSend, News, Tag, FIRST_TAG_ID, INVALID_TAG_ID, NEWS_ARTICLES_MAX};
pub use push::{Callback, CallbackReport, Try, UrlCheck};
pub use state::{
    AccountChange, AccountSpec, CallRecord, Delay, Fault, Mode, SentMessage, Upload, BATCHGET_MAX, TEXT_MAX_BYTES,
    TOKEN_LIFETIME_SECS, USER_PAGE_SIZE,
};

/// The double's state, shared by its handlers; cheap to clone.
#[derive(Clone)]
pub struct Double {
    state: Arc<Mutex<state::State>>,
    http: reqwest::Client,
}

impl Default for Double {
    fn default() -> Self {
        Self::new()
    }
}

impl Double {
    pub fn new() -> Self {
        Self { state: Arc::default(), http: reqwest::Client::new() }
    }

    /// The whole server: WeChat's API under `/cgi-bin/` and the controls under `/_double/`.
    pub fn router(&self) -> Router {
        Router::new().merge(api::routes(self.clone())).merge(control::routes()).with_state(self.clone())
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

    /// Rotates the EncodingAESKey, switches the mode, moves the callback URL, shortens token
    /// lifetimes, makes follower pages smaller, or changes the callback timeout and tries.
    pub fn change_account(&self, appid: &str, change: AccountChange) -> Result<(), String> {
        self.lock().change_account(appid, change)
    }

    /// Adds subscribed followers (with no customer-service window open).
    pub fn add_followers(&self, appid: &str, openids: &[String]) -> Result<(), String> {
        self.lock().add_followers(appid, openids)
    }

    /// Sets the automatic replies of WeChat's own console (`get_current_autoreply_info`'s answer).
    pub fn set_autoreply_info(&self, appid: &str, info: Value) -> Result<(), String> {
        self.lock().account_mut(appid)?.autoreply_info = Some(info);
        Ok(())
    }

    /// The customer-service messages the API accepted, oldest first.
    pub fn sent(&self, appid: &str) -> Result<Vec<SentMessage>, String> {
        Ok(self.lock().account(appid)?.sent.clone())
    }

    /// The menu last published with `menu/create`, as posted.
    pub fn menu(&self, appid: &str) -> Result<Option<Value>, String> {
        Ok(self.lock().account(appid)?.menu.clone())
    }

    /// How many menus `menu/create` accepted.
    pub fn menus_published(&self, appid: &str) -> Result<usize, String> {
        Ok(self.lock().account(appid)?.menus_published)
    }

    /// The media uploads accepted, with their bytes.
    pub fn uploads(&self, appid: &str) -> Result<Vec<Upload>, String> {
        Ok(self.lock().account(appid)?.uploads.clone())
    }

    /// Every callback pushed, with each try's outcome.
    pub fn callbacks(&self, appid: &str) -> Result<Vec<CallbackReport>, String> {
        Ok(self.lock().account(appid)?.callbacks.clone())
    }

    /// Every API call (not the controls), with the errcode it was answered.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.lock().calls.clone()
    }

    /// Fails the next `count` API calls (to `path`, or any) with `errcode`.
    pub fn fail_next(&self, fault: Fault) {
        self.lock().add_fault(fault);
    }

    /// Holds API answers back by `millis` (0 ends it); the call takes effect first.
    pub fn delay(&self, delay: Delay) {
        self.lock().set_delay(delay);
    }

    /// Every access token of the account expires now: API calls with them get 42001.
    pub fn expire_tokens(&self, appid: &str) -> Result<usize, String> {
        let mut state = self.lock();
        state.account(appid)?;
        Ok(state.expire_tokens(appid))
    }

    /// Moves the double's clock on (token expiry, customer-service windows); callbacks keep the
    /// real time in their timestamps, since the receiver checks them against its own clock.
    pub fn advance_clock(&self, seconds: i64) {
        self.lock().advance_clock(seconds);
    }

    /// A subscriber sends a message or an event: it takes effect on the account (a follow adds the
    /// follower, a message opens the customer-service window), then it is pushed to the callback
    /// URL as WeChat does, tried up to 3 times. Returns when it was accepted or the tries ran out.
    pub async fn send_callback(&self, appid: &str, openid: &str, callback: Callback) -> Result<CallbackReport, String> {
        let (target, xml, msg_id) = {
            let mut state = self.lock();
            let follow = match &callback {
                Callback::Subscribe { scene } => Some(scene.clone()),
                _ => None,
            };
            let unfollow = callback == Callback::Unsubscribe;
            state.interact(appid, openid, follow, unfollow, callback.interaction())?;
            let msg_id = state.next_msg_id();
            let target = target(state.account(appid)?)?;
            let msg_id = matches!(callback.interaction(), state::Interaction::Message).then_some(msg_id);
            let xml = push::callback_xml(&target.original_id, openid, push::wall_clock(), msg_id.as_deref(), &callback);
            (target, xml, msg_id)
        };
        let (tries, passive_reply) = push::deliver(&self.http, &target, openid, &xml).await;
        let delivered = tries.last().is_some_and(|t| t.accepted);
        let report = CallbackReport { openid: openid.to_owned(), msg_id, xml, tries, delivered, passive_reply };
        self.lock().account_mut(appid)?.callbacks.push(report.clone());
        Ok(report)
    }

    /// The mass sends the account made, oldest first.
    pub fn mass_sends(&self, appid: &str) -> Vec<MassSend> {
        self.lock().mass.get(appid).map(|log| log.sends.clone()).unwrap_or_default()
    }

    /// The mass previews the account sent, oldest first.
    pub fn mass_previews(&self, appid: &str) -> Vec<MassPreview> {
        self.lock().mass.get(appid).map(|log| log.previews.clone()).unwrap_or_default()
    }

    /// Tags `openids` with the user tag named `name` (made when the account has none of that
    /// name, as WeChat's `tags/create` and `members/batchtagging` would); the tag's id.
    pub fn tag_users(&self, appid: &str, name: &str, openids: &[String]) -> i64 {
        self.lock().tag_users(appid, name, openids)
    }

    /// The article materials (`media/uploadnews`) the account made, oldest first.
    pub fn news(&self, appid: &str) -> Vec<News> {
        self.lock().mass.get(appid).map(|log| log.news.clone()).unwrap_or_default()
    }

    /// Makes the account a subscription account (one mass send a day, to all or a tag; no lists)
    /// or, with `false`, a service account (the default).
    pub fn set_subscription_account(&self, appid: &str, subscription: bool) {
        self.lock().mass.entry(appid.to_owned()).or_default().subscription = subscription;
    }

    /// Pushes a mass send's `MASSSENDJOBFINISH` to the account's callback URL, as WeChat does
    /// once the send has finished; with no callback URL nothing is pushed.
    pub(crate) async fn report_mass_send(&self, appid: &str, report: mass::Report) {
        let callback = Callback::MassSendJobFinish {
            msg_id: report.msg_id.clone(),
            status: if report.errors == 0 { "send success".into() } else { "send fail".into() },
            total: report.total,
            filtered: report.filtered,
            sent: report.sent,
            errors: report.errors,
        };
        let prepared = {
            let state = self.lock();
            let Ok(account) = state.account(appid) else { return };
            let Ok(target) = target(account) else { return };
            let xml = push::callback_xml(&target.original_id, "mphelper", push::wall_clock(), None, &callback);
            (target, xml)
        };
        let (target, xml) = prepared;
        let (tries, passive_reply) = push::deliver(&self.http, &target, "mphelper", &xml).await;
        let delivered = tries.last().is_some_and(|t| t.accepted);
        let report = CallbackReport { openid: "mphelper".into(), msg_id: None, xml, tries, delivered, passive_reply };
        if let Ok(account) = self.lock().account_mut(appid) {
            account.callbacks.push(report);
        }
    }

    /// The GET URL check WeChat's console sends when the merchant saves the server URL.
    pub async fn verify_url(&self, appid: &str) -> Result<UrlCheck, String> {
        let target = target(self.lock().account(appid)?)?;
        Ok(push::verify_url(&self.http, &target).await)
    }
}

fn target(account: &state::Account) -> Result<push::Target, String> {
    let url = account
        .spec
        .callback_url
        .clone()
        .ok_or_else(|| format!("the account {} has no callback URL", account.spec.appid))?;
    Ok(push::Target {
        url,
        token: account.spec.token.clone(),
        mode: account.spec.mode,
        crypto: account.crypto.clone(),
        original_id: account.original_id(),
        timeout: account.callback_timeout,
        max_tries: account.callback_max_tries,
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

    /// `http://127.0.0.1:PORT`: the base URL that replaces `https://api.weixin.qq.com`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
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
