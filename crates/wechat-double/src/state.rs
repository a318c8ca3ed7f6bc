//! What the double knows: accounts, tokens, followers and their customer-service windows, and
//! everything it received. No I/O here; the handlers lock it, act, and unlock before awaiting.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wicket_wechat::WechatCrypto;

use crate::error::{ok, WxError};
use crate::menu;

/// Access tokens last 7200 s (getStableAccessToken / getAccessToken pages: "有效期为 7200 秒").
pub const TOKEN_LIFETIME_SECS: i64 = 7200;
/// After `/cgi-bin/token` issues a new token, "both new and old access_token values are available
/// within five minutes" (Get_access_token page).
pub const OLD_TOKEN_GRACE_SECS: i64 = 300;
/// `user/get` gives at most 10,000 OpenIDs per call (PLATFORM-RULES §6, WX-FANS).
pub const USER_PAGE_SIZE: usize = 10_000;
/// `user/info/batchget` takes at most 100 OpenIDs (§6, WxJava WxMpUserService).
pub const BATCHGET_MAX: usize = 100;
/// Customer-service text: ≤ 2048 bytes UTF-8 (§4.1 "Outbound text length", §8 kf.textMax; L).
pub const TEXT_MAX_BYTES: usize = 2048;

/// The account's message mode (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Plain,
    Compatible,
    Safe,
}

/// An official account as a test sets it up: what the merchant would read in WeChat's console.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSpec {
    pub appid: String,
    pub secret: String,
    /// The callback Token.
    pub token: String,
    /// 43 characters; required in compatible and safe mode.
    #[serde(default)]
    pub encoding_aes_key: Option<String>,
    pub mode: Mode,
    /// Where callbacks go (the merchant's server URL).
    #[serde(default)]
    pub callback_url: Option<String>,
    /// The account's original ID (`gh_…`), the callbacks' ToUserName; made up from the AppID if absent.
    #[serde(default)]
    pub original_id: Option<String>,
}

/// Changes to an account and to the double's behaviour for it; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountChange {
    /// A new EncodingAESKey, as when the merchant rotates it in WeChat's console.
    pub encoding_aes_key: Option<String>,
    pub mode: Option<Mode>,
    pub callback_url: Option<String>,
    pub token: Option<String>,
    /// Lifetime of tokens issued from now on (7200 s by default).
    pub token_lifetime_secs: Option<i64>,
    /// OpenIDs per `user/get` page (10,000 by default).
    pub user_page_size: Option<usize>,
    /// How long the double waits for a callback's answer (5000 ms by default, as WeChat).
    pub callback_timeout_ms: Option<u64>,
    /// Tries per callback in all (3 by default, as WeChat).
    pub callback_max_tries: Option<u32>,
}

/// A customer-service message the API accepted, with the request body as sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentMessage {
    pub touser: String,
    pub msgtype: String,
    pub body: Value,
    /// The double's clock, Unix seconds.
    pub at: i64,
}

/// A media upload the API accepted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub media_id: String,
    /// `image`, `voice`, `video` or `thumb`.
    pub kind: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: usize,
    pub created_at: i64,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// One call to WeChat's API, with the errcode it was answered (0 for success).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallRecord {
    pub path: String,
    pub errcode: i64,
}

/// "Fail the next `count` calls (to `path`, or to any API path) with `errcode`."
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    pub errcode: i64,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}

/// "Answer calls (to `path`, or to any API path) `millis` late." The call is handled first, so a
/// client that gives up waiting has still had its effect (a send whose outcome it cannot know).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delay {
    pub millis: u64,
    #[serde(default)]
    pub path: Option<String>,
}

/// Why a subscriber may be written to, and for how long (PLATFORM-RULES §2.1, WX-KF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interaction {
    /// The subscriber sent a message: 5 messages within 48 h.
    Message,
    /// A `click`, `scancode_push` or `scancode_waitmsg` menu tap, a follow, a parameter QR scan: 3 within 1 min.
    Short,
    /// Anything else (a `view` tap, a location report, an unfollow): no window.
    None,
}

impl Interaction {
    fn grant(self) -> Option<(i64, u32)> {
        match self {
            Interaction::Message => Some((48 * 3600, 5)),
            Interaction::Short => Some((60, 3)),
            Interaction::None => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    expires_at: i64,
    quota: u32,
    used: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Follower {
    pub openid: String,
    pub subscribed: bool,
    subscribe_time: i64,
    subscribe_scene: &'static str,
    qr_scene_str: String,
    grants: Vec<Grant>,
}

pub(crate) struct Account {
    pub spec: AccountSpec,
    pub crypto: Option<WechatCrypto>,
    token_lifetime_secs: i64,
    user_page_size: usize,
    pub callback_timeout: Duration,
    pub callback_max_tries: u32,
    stable_token: Option<String>,
    normal_token: Option<String>,
    pub followers: Vec<Follower>,
    pub sent: Vec<SentMessage>,
    pub menu: Option<Value>,
    pub menus_published: usize,
    pub uploads: Vec<Upload>,
    pub callbacks: Vec<crate::push::CallbackReport>,
    /// The automatic replies set in WeChat's own console, as
    /// `get_current_autoreply_info` answers them.
    pub autoreply_info: Option<Value>,
}

impl Account {
    pub fn original_id(&self) -> String {
        self.spec.original_id.clone().unwrap_or_else(|| format!("gh_{}", self.spec.appid.trim_start_matches("wx")))
    }

    pub fn follower_mut(&mut self, openid: &str) -> Option<&mut Follower> {
        self.followers.iter_mut().find(|f| f.openid == openid)
    }
}

struct TokenInfo {
    appid: String,
    expires_at: i64,
}

#[derive(Default)]
pub(crate) struct State {
    pub accounts: HashMap<String, Account>,
    tokens: HashMap<String, TokenInfo>,
    clock_offset_secs: i64,
    faults: Vec<Fault>,
    delays: Vec<Delay>,
    pub calls: Vec<CallRecord>,
    next_msg_id: u64,
    /// Mass messages per AppID (`mass.rs`).
    pub(crate) mass: HashMap<String, crate::mass::MassLog>,
}

pub(crate) fn random_string(len: usize) -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

fn crypto_for(spec: &AccountSpec) -> Result<Option<WechatCrypto>, String> {
    match (&spec.encoding_aes_key, spec.mode) {
        (Some(key), _) => WechatCrypto::new(&spec.token, key, &spec.appid).map(Some).map_err(|e| e.to_string()),
        (None, Mode::Plain) => Ok(None),
        (None, _) => Err("compatible and safe mode need an encoding_aes_key".into()),
    }
}

impl State {
    /// The double's clock: the wall clock plus what tests advanced it by.
    pub fn now(&self) -> i64 {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        wall + self.clock_offset_secs
    }

    pub fn advance_clock(&mut self, secs: i64) {
        self.clock_offset_secs += secs;
    }

    pub fn next_msg_id(&mut self) -> String {
        if self.next_msg_id == 0 {
            self.next_msg_id = 24_000_000_000_000_000 + rand::thread_rng().gen_range(0..1_000_000_000_000);
        }
        self.next_msg_id += 1;
        self.next_msg_id.to_string()
    }

    pub fn add_account(&mut self, spec: AccountSpec) -> Result<(), String> {
        if spec.appid.trim().is_empty() || spec.secret.is_empty() || spec.token.is_empty() {
            return Err("an account needs an appid, a secret and a token".into());
        }
        if self.accounts.contains_key(&spec.appid) {
            return Err(format!("the account {} exists already", spec.appid));
        }
        let crypto = crypto_for(&spec)?;
        let appid = spec.appid.clone();
        self.accounts.insert(
            appid,
            Account {
                spec,
                crypto,
                token_lifetime_secs: TOKEN_LIFETIME_SECS,
                user_page_size: USER_PAGE_SIZE,
                callback_timeout: Duration::from_secs(5),
                callback_max_tries: 3,
                stable_token: None,
                normal_token: None,
                followers: Vec::new(),
                sent: Vec::new(),
                menu: None,
                menus_published: 0,
                autoreply_info: None,
                uploads: Vec::new(),
                callbacks: Vec::new(),
            },
        );
        Ok(())
    }

    pub fn account(&self, appid: &str) -> Result<&Account, String> {
        self.accounts.get(appid).ok_or_else(|| format!("no account {appid} in the double"))
    }

    pub fn account_mut(&mut self, appid: &str) -> Result<&mut Account, String> {
        self.accounts.get_mut(appid).ok_or_else(|| format!("no account {appid} in the double"))
    }

    pub fn change_account(&mut self, appid: &str, change: AccountChange) -> Result<(), String> {
        let account = self.account_mut(appid)?;
        let mut spec = account.spec.clone();
        if let Some(key) = change.encoding_aes_key {
            spec.encoding_aes_key = Some(key);
        }
        if let Some(mode) = change.mode {
            spec.mode = mode;
        }
        if let Some(url) = change.callback_url {
            spec.callback_url = Some(url);
        }
        if let Some(token) = change.token {
            spec.token = token;
        }
        account.crypto = crypto_for(&spec)?;
        account.spec = spec;
        if let Some(secs) = change.token_lifetime_secs {
            account.token_lifetime_secs = secs;
        }
        if let Some(size) = change.user_page_size {
            account.user_page_size = size.clamp(1, USER_PAGE_SIZE);
        }
        if let Some(ms) = change.callback_timeout_ms {
            account.callback_timeout = Duration::from_millis(ms);
        }
        if let Some(tries) = change.callback_max_tries {
            account.callback_max_tries = tries.max(1);
        }
        Ok(())
    }

    pub fn add_followers(&mut self, appid: &str, openids: &[String]) -> Result<(), String> {
        let now = self.now();
        let account = self.account_mut(appid)?;
        // By position, so a million followers are added in one pass.
        let mut at: HashMap<String, usize> =
            account.followers.iter().enumerate().map(|(i, f)| (f.openid.clone(), i)).collect();
        for openid in openids {
            match at.get(openid) {
                Some(&i) => account.followers[i].subscribed = true,
                None => {
                    at.insert(openid.clone(), account.followers.len());
                    account.followers.push(Follower {
                        openid: openid.clone(),
                        subscribed: true,
                        subscribe_time: now,
                        subscribe_scene: "ADD_SCENE_OTHERS",
                        qr_scene_str: String::new(),
                        grants: Vec::new(),
                    })
                }
            }
        }
        Ok(())
    }

    /// What a subscriber's action does to the account: a follow adds them, an unfollow marks
    /// them, and the action opens its customer-service window (§2.1).
    pub fn interact(
        &mut self,
        appid: &str,
        openid: &str,
        follow: Option<Option<String>>,
        unfollow: bool,
        interaction: Interaction,
    ) -> Result<(), String> {
        let now = self.now();
        let account = self.account_mut(appid)?;
        if let Some(scene) = follow {
            let scene_name = if scene.is_some() { "ADD_SCENE_QR_CODE" } else { "ADD_SCENE_SEARCH" };
            match account.follower_mut(openid) {
                Some(f) => {
                    f.subscribed = true;
                    f.subscribe_time = now;
                    f.subscribe_scene = scene_name;
                    f.qr_scene_str = scene.unwrap_or_default();
                }
                None => account.followers.push(Follower {
                    openid: openid.to_owned(),
                    subscribed: true,
                    subscribe_time: now,
                    subscribe_scene: scene_name,
                    qr_scene_str: scene.unwrap_or_default(),
                    grants: Vec::new(),
                }),
            }
        }
        let follower = account.follower_mut(openid).filter(|f| f.subscribed).ok_or_else(|| {
            format!("{openid} does not follow {appid}: add it as a follower or send a subscribe first")
        })?;
        if unfollow {
            follower.subscribed = false;
            follower.grants.clear();
        }
        if let Some((secs, quota)) = interaction.grant() {
            follower.grants.retain(|g| g.expires_at > now);
            follower.grants.push(Grant { expires_at: now + secs, quota, used: 0 });
        }
        Ok(())
    }

    // ---- faults, delays and the call log (the control API's hooks) ----

    pub fn add_fault(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    pub fn take_fault(&mut self, path: &str) -> Option<WxError> {
        let index = self.faults.iter().position(|f| f.count > 0 && f.path.as_deref().is_none_or(|p| p == path))?;
        let fault = &mut self.faults[index];
        fault.count -= 1;
        let error = WxError::new(fault.errcode, "fault set by the test");
        self.faults.retain(|f| f.count > 0);
        Some(error)
    }

    pub fn set_delay(&mut self, delay: Delay) {
        self.delays.retain(|d| d.path != delay.path);
        if delay.millis > 0 {
            self.delays.push(delay);
        }
    }

    pub fn delay_for(&self, path: &str) -> Option<Duration> {
        self.delays
            .iter()
            .find(|d| d.path.as_deref() == Some(path))
            .or_else(|| self.delays.iter().find(|d| d.path.is_none()))
            .map(|d| Duration::from_millis(d.millis))
    }

    // ---- access tokens ----

    fn issue_token(&mut self, appid: &str) -> (String, i64) {
        let lifetime = self.accounts.get(appid).map_or(TOKEN_LIFETIME_SECS, |a| a.token_lifetime_secs);
        let token = format!("{}_{}", rand::thread_rng().gen_range(80..99), random_string(120));
        self.tokens.insert(token.clone(), TokenInfo { appid: appid.to_owned(), expires_at: self.now() + lifetime });
        (token, lifetime)
    }

    fn check_credentials(&self, appid: Option<&str>, secret: Option<&str>, bad_secret: i64) -> Result<String, WxError> {
        // 41002 appid missing, 41004 appsecret missing (全局返回码).
        let appid = appid.filter(|a| !a.is_empty()).ok_or_else(|| WxError::new(41002, "appid missing"))?;
        let secret = secret.filter(|s| !s.is_empty()).ok_or_else(|| WxError::new(41004, "appsecret missing"))?;
        // 40013 invalid appid (both token pages).
        let account = self.accounts.get(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        if account.spec.secret != secret {
            let msg = if bad_secret == 40125 {
                "invalid appsecret"
            } else {
                "invalid credential, access_token is invalid or not latest"
            };
            return Err(WxError::new(bad_secret, msg));
        }
        Ok(appid.to_owned())
    }

    /// `POST /cgi-bin/stable_token`: the same token while it is valid (`expires_in` is what is left),
    /// a new one with `force_refresh`, which ends the previous one (getStableAccessToken page);
    /// a wrong secret is 40125 there.
    pub fn stable_token(&mut self, body: &[u8]) -> Result<Value, WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let field = |name: &str| request.get(name).and_then(Value::as_str);
        // 40002 invalid grant_type.
        if field("grant_type") != Some("client_credential") {
            return Err(WxError::new(40002, "invalid grant_type"));
        }
        let force = match request.get("force_refresh") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(WxError::data_format()),
        };
        let appid = self.check_credentials(field("appid"), field("secret"), 40125)?;
        let now = self.now();
        let current = self.accounts[&appid].stable_token.clone();
        if let Some(token) = current {
            match self.tokens.get(&token) {
                Some(info) if !force && info.expires_at > now => {
                    return Ok(json!({ "access_token": token, "expires_in": info.expires_at - now }));
                }
                _ => {
                    self.tokens.remove(&token);
                }
            }
        }
        let (token, lifetime) = self.issue_token(&appid);
        if let Some(account) = self.accounts.get_mut(&appid) {
            account.stable_token = Some(token.clone());
        }
        Ok(json!({ "access_token": token, "expires_in": lifetime }))
    }

    /// `GET /cgi-bin/token`: a new token each call; the previous one lives 5 more minutes at most.
    /// Separate from the stable tokens ("互相隔离"). A wrong secret is 40001 on this page.
    pub fn plain_token(
        &mut self,
        grant_type: Option<&str>,
        appid: Option<&str>,
        secret: Option<&str>,
    ) -> Result<Value, WxError> {
        if grant_type != Some("client_credential") {
            return Err(WxError::new(40002, "invalid grant_type"));
        }
        let appid = self.check_credentials(appid, secret, 40001)?;
        let now = self.now();
        if let Some(old) = self.accounts[&appid].normal_token.clone() {
            if let Some(info) = self.tokens.get_mut(&old) {
                info.expires_at = info.expires_at.min(now + OLD_TOKEN_GRACE_SECS);
            }
        }
        let (token, lifetime) = self.issue_token(&appid);
        if let Some(account) = self.accounts.get_mut(&appid) {
            account.normal_token = Some(token.clone());
        }
        Ok(json!({ "access_token": token, "expires_in": lifetime }))
    }

    /// Every API call: 41001 access_token missing, 40001 invalid credential, 42001 access_token expired.
    pub fn authorize(&self, access_token: Option<&str>) -> Result<String, WxError> {
        let token =
            access_token.filter(|t| !t.is_empty()).ok_or_else(|| WxError::new(41001, "access_token missing"))?;
        let info = self
            .tokens
            .get(token)
            .ok_or_else(|| WxError::new(40001, "invalid credential, access_token is invalid or not latest"))?;
        if info.expires_at <= self.now() {
            return Err(WxError::new(42001, "access_token expired"));
        }
        Ok(info.appid.clone())
    }

    /// The test hook: every token of the account expires now (answers 42001 from here on).
    pub fn expire_tokens(&mut self, appid: &str) -> usize {
        let now = self.now();
        let mut count = 0;
        for info in self.tokens.values_mut().filter(|i| i.appid == appid && i.expires_at > now) {
            info.expires_at = now;
            count += 1;
        }
        count
    }

    // ---- customer-service messages ----

    /// `POST /cgi-bin/message/custom/send` (WX-KF, PLATFORM-RULES §2.1 and §4.1).
    pub fn custom_send(&mut self, appid: &str, body: &[u8]) -> Result<Value, WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let object = request.as_object().ok_or_else(WxError::data_format)?;
        let touser = match object.get("touser") {
            Some(Value::String(s)) => s.clone(),
            None => return Err(WxError::invalid_openid()),
            Some(_) => return Err(WxError::data_format()),
        };
        let msgtype = object.get("msgtype").and_then(Value::as_str).ok_or_else(WxError::data_format)?.to_owned();
        let now = self.now();
        let account = self.accounts.get_mut(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        let uploads = &account.uploads;
        // The message's own fields; a missing part is a JSON shape error (47001).
        let part = |name: &str| object.get(name).and_then(Value::as_object).ok_or_else(WxError::data_format);
        match msgtype.as_str() {
            "text" => {
                let content = part("text")?.get("content").and_then(Value::as_str).ok_or_else(WxError::data_format)?;
                // 44004 empty text content; 45002 content size out of limit (§8 kf.textMax ≈ 2048 bytes, L).
                if content.is_empty() {
                    return Err(WxError::new(44004, "empty content"));
                }
                if content.len() > TEXT_MAX_BYTES {
                    return Err(WxError::new(45002, "content size out of limit"));
                }
            }
            "image" => {
                let media_id =
                    part("image")?.get("media_id").and_then(Value::as_str).ok_or_else(WxError::data_format)?;
                // 40007 invalid media_id: not a media this account uploaded (temporary media last 3 days).
                if !uploads
                    .iter()
                    .any(|u| u.media_id == media_id && u.kind == "image" && now - u.created_at < 3 * 86400)
                {
                    return Err(WxError::invalid_media_id());
                }
            }
            "news" => {
                let articles =
                    part("news")?.get("articles").and_then(Value::as_array).ok_or_else(WxError::data_format)?;
                // 44003 empty news data; 45008 article size out of limit: one article only (§4.1, WX-KF).
                if articles.is_empty() {
                    return Err(WxError::new(44003, "empty news data"));
                }
                if articles.len() > 1 {
                    return Err(WxError::new(45008, "article size out of limit"));
                }
                for article in articles {
                    let article = article.as_object().ok_or_else(WxError::data_format)?;
                    if article.values().any(|v| !v.is_string()) {
                        return Err(WxError::data_format());
                    }
                }
            }
            // A published article by article_id (§4.1: mpnewsarticle; WxJava KefuMsgType).
            "mpnewsarticle" => {
                let id = part("mpnewsarticle")?.get("article_id").and_then(Value::as_str).unwrap_or("");
                if id.is_empty() {
                    return Err(WxError::data_format());
                }
            }
            // Draft mpnews media_ids are no longer accepted (§4.1) and the double holds no material.
            "mpnews" => return Err(WxError::invalid_media_id()),
            // The other kf types exist (§4.1) but Wicket does not send them, so the double does not model them.
            "voice" | "video" | "music" | "msgmenu" | "wxcard" | "miniprogrampage" => {
                return Err(WxError::new(40008, "invalid message type (not modelled by the double)"));
            }
            _ => return Err(WxError::new(40008, "invalid message type")),
        }
        // 40003 invalid openid: not a follower of this account; 43004 require subscribe: unfollowed.
        let follower = account.follower_mut(&touser).ok_or_else(WxError::invalid_openid)?;
        if !follower.subscribed {
            return Err(WxError::new(43004, "require subscribe"));
        }
        // The window (§2.1, WX-KF): 45015 when no window is open, 45047 when the open ones are used up.
        follower.grants.retain(|g| g.expires_at > now);
        if follower.grants.is_empty() {
            return Err(WxError::new(45015, "response out of time limit or subscription is canceled"));
        }
        let grant = follower
            .grants
            .iter_mut()
            .filter(|g| g.used < g.quota)
            .min_by_key(|g| g.expires_at)
            .ok_or_else(|| WxError::new(45047, "out of response count limit"))?;
        grant.used += 1;
        account.sent.push(SentMessage { touser, msgtype, body: request.clone(), at: now });
        Ok(ok())
    }

    // ---- menus ----

    pub fn create_menu(&mut self, appid: &str, body: &[u8]) -> Result<Value, WxError> {
        let menu: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        menu::check_menu(&menu)?;
        let account = self.accounts.get_mut(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        account.menu = Some(menu);
        account.menus_published += 1;
        Ok(ok())
    }

    /// `GET /cgi-bin/menu/get`: 46003 menu no exist when none was published.
    pub fn get_menu(&self, appid: &str) -> Result<Value, WxError> {
        let menu = self.accounts.get(appid).and_then(|a| a.menu.as_ref());
        menu.map(menu::menu_get).ok_or_else(|| WxError::new(46003, "menu no exist"))
    }

    /// `GET /cgi-bin/get_current_selfmenu_info`: `is_menu_open` 0 when no menu was published by API.
    pub fn selfmenu_info(&self, appid: &str) -> Value {
        match self.accounts.get(appid).and_then(|a| a.menu.as_ref()) {
            Some(menu) => menu::selfmenu_info(menu),
            None => json!({ "is_menu_open": 0, "selfmenu_info": { "button": [] } }),
        }
    }

    /// `GET /cgi-bin/get_current_autoreply_info`: the automatic replies set in WeChat's console;
    /// an account with none has both switches off and no rules.
    pub fn autoreply_info(&self, appid: &str) -> Value {
        match self.accounts.get(appid).and_then(|a| a.autoreply_info.clone()) {
            Some(info) => info,
            None => json!({ "is_add_friend_reply_open": 0, "is_autoreply_open": 0 }),
        }
    }

    // ---- followers ----

    /// `GET /cgi-bin/user/get?next_openid=` (§6, WX-FANS): a page of followers after `next_openid`;
    /// `next_openid` in the answer is the page's last OpenID; a page past the end has `count` 0 and
    /// an empty `next_openid`.
    pub fn user_get(&self, appid: &str, next_openid: Option<&str>) -> Result<Value, WxError> {
        let account = self.accounts.get(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        let start = match next_openid.filter(|s| !s.is_empty()) {
            None => 0,
            Some(id) => account.followers.iter().position(|f| f.openid == id).ok_or_else(WxError::invalid_openid)? + 1,
        };
        let total = account.followers.iter().filter(|f| f.subscribed).count();
        let page: Vec<&str> = account.followers[start..]
            .iter()
            .filter(|f| f.subscribed)
            .take(account.user_page_size)
            .map(|f| f.openid.as_str())
            .collect();
        if page.is_empty() {
            return Ok(json!({ "total": total, "count": 0, "next_openid": "" }));
        }
        let last = page[page.len() - 1];
        Ok(json!({ "total": total, "count": page.len(), "data": { "openid": page }, "next_openid": last }))
    }

    /// `POST /cgi-bin/user/info/batchget` (§6: ≤ 100 per call; 40003 for an OpenID the account never had).
    /// Since 2021 WeChat returns no nickname or avatar here.
    pub fn batchget(&self, appid: &str, body: &[u8]) -> Result<Value, WxError> {
        let request: Value = serde_json::from_slice(body).map_err(|_| WxError::data_format())?;
        let list = request.get("user_list").and_then(Value::as_array).ok_or_else(WxError::data_format)?;
        // Size refused with 40032 invalid openid list size (全局返回码; the exact code for this API is undocumented).
        if list.is_empty() || list.len() > BATCHGET_MAX {
            return Err(WxError::new(40032, "invalid openid list size"));
        }
        let account = self.accounts.get(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        let mut infos = Vec::with_capacity(list.len());
        for entry in list {
            let openid = entry.get("openid").and_then(Value::as_str).ok_or_else(WxError::data_format)?;
            let lang = entry.get("lang").and_then(Value::as_str).unwrap_or("zh_CN");
            let follower = account.followers.iter().find(|f| f.openid == openid).ok_or_else(WxError::invalid_openid)?;
            infos.push(if follower.subscribed {
                json!({
                    "subscribe": 1, "openid": openid, "language": lang,
                    "subscribe_time": follower.subscribe_time, "remark": "", "groupid": 0, "tagid_list": [],
                    "subscribe_scene": follower.subscribe_scene, "qr_scene": 0, "qr_scene_str": follower.qr_scene_str,
                })
            } else {
                json!({ "subscribe": 0, "openid": openid })
            });
        }
        Ok(json!({ "user_info_list": infos }))
    }

    // ---- media ----

    /// `POST /cgi-bin/media/upload?type=` (临时素材): image ≤ 10 MB PNG/JPEG/JPG/GIF, voice ≤ 2 MB AMR/MP3,
    /// video ≤ 10 MB MP4, thumb ≤ 64 KB JPG (the upload page's limits).
    pub fn upload(
        &mut self,
        appid: &str,
        kind: Option<&str>,
        file: Option<(String, Option<String>, Vec<u8>)>,
    ) -> Result<Value, WxError> {
        let (max, extensions): (usize, &[&str]) = match kind {
            Some("image") => (10 << 20, &["png", "jpeg", "jpg", "gif"]),
            Some("voice") => (2 << 20, &["amr", "mp3"]),
            Some("video") => (10 << 20, &["mp4"]),
            Some("thumb") => (64 << 10, &["jpg", "jpeg"]),
            // 40004 invalid media type.
            _ => return Err(WxError::new(40004, "invalid media type")),
        };
        let kind = kind.unwrap_or_default();
        // 41005 media data missing: no `media` part.
        let (filename, content_type, bytes) = file.ok_or_else(|| WxError::new(41005, "media data missing"))?;
        // 44001 empty media data.
        if bytes.is_empty() {
            return Err(WxError::new(44001, "empty media data"));
        }
        // 40006 invalid media size.
        if bytes.len() > max {
            return Err(WxError::new(40006, "invalid media size"));
        }
        // 40005 invalid file type: by the file name's extension, and for images by the bytes too.
        let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if !extensions.contains(&extension.as_str()) || (kind == "image" && !looks_like_image(&bytes)) {
            return Err(WxError::new(40005, "invalid file type"));
        }
        let now = self.now();
        let account = self.accounts.get_mut(appid).ok_or_else(|| WxError::new(40013, "invalid appid"))?;
        let media_id = random_string(64);
        account.uploads.push(Upload {
            media_id: media_id.clone(),
            kind: kind.to_owned(),
            filename,
            content_type,
            size: bytes.len(),
            created_at: now,
            bytes,
        });
        Ok(json!({ "type": kind, "media_id": media_id, "created_at": now }))
    }
}

fn looks_like_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(b"\xff\xd8\xff") || bytes.starts_with(b"GIF8")
}
