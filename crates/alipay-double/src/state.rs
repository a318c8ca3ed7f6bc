//! What the double knows: accounts, their live menu and home modules, followers with their
//! 48-hour windows and daily quotas, and everything it received. No I/O here; the handlers lock
//! it, act, and unlock before awaiting.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wicket_alipay::charset::Charset;
use wicket_alipay::keys::PublicKey;

use crate::error::{success, AliError};
use crate::labels::{self, Labels};
use crate::push::NotifyReport;
use crate::rules::{self, MenuKind};

/// Custom-send window: 48 hours after the user's last interaction (entering, tapping a menu,
/// sending a message) (PLATFORM-RULES §2.2 "Window"; ALI-J3 `AlipayOpenPublicMessageCustomApi.md`).
pub const WINDOW_SECS: i64 = 48 * 3600;
/// 100 custom-send messages per user per day (§2.2 "Quota"; same source: "每天只能向1个用户推送100条消息").
pub const DAILY_QUOTA: u32 = 100;
/// `alipay.open.public.follow.batchquery` gives ≤ 10,000 user ids per call (§6; ALI-J2
/// `AlipayOpenPublicFollowBatchqueryResponse.count` "最大值为10000").
pub const FOLLOW_PAGE_SIZE: usize = 10_000;
/// Days are Beijing calendar days (UTC+8).
const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

fn utf8() -> String {
    "UTF-8".into()
}

/// A 生活号 as a test sets it up: what the merchant configures in Alipay's open platform.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSpec {
    pub app_id: String,
    /// The application public key the merchant uploaded (bare base64 or PEM): requests are verified with it.
    pub app_public_key: String,
    /// The application gateway (应用网关) pushes go to.
    #[serde(default)]
    pub gateway_url: Option<String>,
    /// The charset of pushes: `UTF-8` (default) or `GBK`.
    #[serde(default = "utf8")]
    pub charset: String,
    /// The 咨询反馈 switch: a text menu then has only 3 first-level buttons (§1.2).
    #[serde(default)]
    pub chat_switch_on: bool,
    /// The account's name, as `alipay.open.public.info.query` answers it.
    #[serde(default)]
    pub name: Option<String>,
}

/// Changes to an account and to the double's behaviour for it; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountChange {
    pub app_public_key: Option<String>,
    pub gateway_url: Option<String>,
    pub charset: Option<String>,
    pub chat_switch_on: Option<bool>,
    pub name: Option<String>,
    /// User ids per `follow.batchquery` page (10,000 by default).
    pub follow_page_size: Option<usize>,
    /// Tries per push in all, while the answer is not a valid signed success (3 by default).
    pub push_max_tries: Option<u32>,
    /// How long the double waits for the gateway's answer (5000 ms by default).
    pub push_timeout_ms: Option<u64>,
}

/// A custom-send message the API accepted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentMessage {
    pub to_user_id: String,
    /// `text` or `image-text`.
    pub msg_type: String,
    /// The request's biz_content as sent.
    pub biz_content: Value,
    /// The double's clock, Unix seconds.
    pub at: i64,
}

/// A message to every follower `alipay.open.public.message.total.send` accepted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MassSend {
    /// The id Alipay answers with (`message_id`).
    pub message_id: String,
    /// `text` or `image-text`.
    pub msg_type: String,
    /// The request's biz_content as sent.
    pub biz_content: Value,
    /// The user ids following when it was accepted: those it goes to.
    pub to_user_ids: Vec<String>,
    /// The double's clock, Unix seconds.
    pub at: i64,
}

/// The advert carousel (广告位), as `advert.batchquery` gives it back (ALI-J2 `Advert`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Advert {
    pub advert_id: String,
    pub advert_items: Vec<Value>,
}

/// A marketing slot (营销位), as `topic.batchquery` gives it back (ALI-J2 `Topic`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Topic {
    pub topic_id: String,
    /// The model as posted (title, sub_title, img_url, link_url, link_type, topic_items).
    pub topic: Value,
}

/// An image `alipay.offline.material.image.upload` accepted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Image {
    pub image_id: String,
    pub image_url: String,
    pub image_type: String,
    pub image_name: String,
    /// The file name of the multipart part.
    pub filename: String,
    pub size: usize,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// One call to the OpenAPI gateway, with Alipay's answer and, when accepted, what it changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallRecord {
    /// Empty when the request named none.
    pub app_id: String,
    pub method: String,
    /// `10000` on success.
    pub code: String,
    pub sub_code: Option<String>,
    /// What an accepted call changed on the account, in words ("menu default replaced", ...).
    pub change: Option<String>,
}

/// What a fault does to a call. In JSON: `"unknown_error"`, `"drop"` or
/// `{"error": {"code", "msg", "sub_code", "sub_msg"}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `20000 isp.unknow-error` without acting.
    #[default]
    UnknownError,
    /// Act on the call, then drop the connection without an answer (the outcome is unknown to the caller).
    Drop,
    /// Act on the call, then answer `20000 isp.unknow-error` (signed): Alipay's "unknown error"
    /// does not say the call was not carried out.
    AppliedThenUnknownError,
    /// Answer this error without acting.
    Error { code: String, msg: String, sub_code: String, sub_msg: String },
}

/// "Fault the next `count` calls (to `method`, or to any)."
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    /// Alipay's unknown error when absent.
    #[serde(default)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub method: Option<String>,
}

fn one() -> u32 {
    1
}

/// "Answer calls (to `method`, or to any) `millis` late." The call takes effect first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delay {
    pub millis: u64,
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Follower {
    pub user_id: String,
    pub following: bool,
    /// The double's clock at the last interaction that opens the custom-send window.
    pub last_interaction: Option<i64>,
    /// (Beijing day, messages sent that day).
    sent_today: (i64, u32),
}

/// What a user's action does to the account (§2.2: entering, tapping a menu, sending a message open the window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interaction {
    /// Follows and opens the window.
    Follow,
    /// Stops following; the window closes.
    Unfollow,
    /// Enter, click, text, image: opens the window (and, in the double, makes the user a follower).
    Window,
}

pub(crate) struct Account {
    pub spec: AccountSpec,
    pub app_public_key: PublicKey,
    pub charset: Charset,
    /// Default menus by menu_key ("default" for text, "iconDefault" for icon), as posted.
    pub menus: BTreeMap<String, Value>,
    /// The default extension set's areas (key "default"), when one exists.
    pub extension: Option<Vec<Value>>,
    pub adverts: Vec<Advert>,
    pub topics: Vec<Topic>,
    pub followers: Vec<Follower>,
    pub sent: Vec<SentMessage>,
    pub mass_sends: Vec<MassSend>,
    /// Custom labels and the messages sent by label.
    pub labels: Labels,
    pub images: Vec<Image>,
    /// What users sent as images, by MediaId: the format and the bytes the multimedia gateway serves.
    pub media: HashMap<String, (String, Vec<u8>)>,
    pub pushes: Vec<NotifyReport>,
    pub follow_page_size: usize,
    pub push_max_tries: u32,
    pub push_timeout: Duration,
}

impl Follower {
    /// A follower with no window open.
    pub(crate) fn new(user_id: &str, following: bool) -> Self {
        Follower { user_id: user_id.to_owned(), following, last_interaction: None, sent_today: (0, 0) }
    }
}

impl Account {
    fn follower_mut(&mut self, user_id: &str) -> Option<&mut Follower> {
        self.followers.iter_mut().find(|f| f.user_id == user_id)
    }
}

#[derive(Default)]
pub(crate) struct State {
    pub accounts: HashMap<String, Account>,
    clock_offset_secs: i64,
    faults: Vec<Fault>,
    delays: Vec<Delay>,
    pub calls: Vec<CallRecord>,
    next_id: u64,
}

fn parse_charset(name: &str) -> Result<Charset, String> {
    Charset::from_name(name).map_err(|e| format!("charset {name:?}: {e}"))
}

fn parse_key(text: &str) -> Result<PublicKey, String> {
    PublicKey::parse(text).map_err(|e| format!("the application public key: {e}"))
}

/// Beijing calendar day of a Unix time.
fn beijing_day(secs: i64) -> i64 {
    (secs + BEIJING_OFFSET_SECS).div_euclid(86_400)
}

impl State {
    /// The double's clock: the wall clock plus what tests advanced it by.
    pub fn now(&self) -> i64 {
        wall_clock() + self.clock_offset_secs
    }

    pub fn advance_clock(&mut self, secs: i64) {
        self.clock_offset_secs += secs;
    }

    /// A fresh id: 16 digits, unique in this double.
    pub fn next_id(&mut self) -> String {
        if self.next_id == 0 {
            self.next_id = 2_000_000_000_000_000 + rand::thread_rng().gen_range(0..1_000_000_000_000);
        }
        self.next_id += 1;
        self.next_id.to_string()
    }

    pub fn add_account(&mut self, spec: AccountSpec) -> Result<(), String> {
        if spec.app_id.trim().is_empty() {
            return Err("an account needs an app_id".into());
        }
        if self.accounts.contains_key(&spec.app_id) {
            return Err(format!("the account {} exists already", spec.app_id));
        }
        let app_public_key = parse_key(&spec.app_public_key)?;
        let charset = parse_charset(&spec.charset)?;
        self.accounts.insert(
            spec.app_id.clone(),
            Account {
                spec,
                app_public_key,
                charset,
                menus: BTreeMap::new(),
                extension: None,
                adverts: Vec::new(),
                topics: Vec::new(),
                followers: Vec::new(),
                sent: Vec::new(),
                mass_sends: Vec::new(),
                labels: Labels::default(),
                images: Vec::new(),
                media: HashMap::new(),
                pushes: Vec::new(),
                follow_page_size: FOLLOW_PAGE_SIZE,
                push_max_tries: 3,
                push_timeout: Duration::from_secs(5),
            },
        );
        Ok(())
    }

    pub fn account(&self, app_id: &str) -> Result<&Account, String> {
        self.accounts.get(app_id).ok_or_else(|| format!("no account {app_id} in the double"))
    }

    pub fn account_mut(&mut self, app_id: &str) -> Result<&mut Account, String> {
        self.accounts.get_mut(app_id).ok_or_else(|| format!("no account {app_id} in the double"))
    }

    pub fn change_account(&mut self, app_id: &str, change: AccountChange) -> Result<(), String> {
        let account = self.account_mut(app_id)?;
        // Parse everything first so a refused change changes nothing.
        let key = change.app_public_key.as_deref().map(parse_key).transpose()?;
        let charset = change.charset.as_deref().map(parse_charset).transpose()?;
        if let (Some(key), Some(text)) = (key, change.app_public_key) {
            account.app_public_key = key;
            account.spec.app_public_key = text;
        }
        if let (Some(charset), Some(name)) = (charset, change.charset) {
            account.charset = charset;
            account.spec.charset = name;
        }
        if let Some(url) = change.gateway_url {
            account.spec.gateway_url = Some(url);
        }
        if let Some(on) = change.chat_switch_on {
            account.spec.chat_switch_on = on;
        }
        if let Some(name) = change.name {
            account.spec.name = Some(name);
        }
        if let Some(size) = change.follow_page_size {
            account.follow_page_size = size.clamp(1, FOLLOW_PAGE_SIZE);
        }
        if let Some(tries) = change.push_max_tries {
            account.push_max_tries = tries.max(1);
        }
        if let Some(ms) = change.push_timeout_ms {
            account.push_timeout = Duration::from_millis(ms);
        }
        Ok(())
    }

    /// Adds followers with no window open (as if they followed long ago).
    pub fn add_followers(&mut self, app_id: &str, user_ids: &[String]) -> Result<(), String> {
        let account = self.account_mut(app_id)?;
        for user_id in user_ids {
            match account.follower_mut(user_id) {
                Some(f) => f.following = true,
                None => account.followers.push(Follower::new(user_id, true)),
            }
        }
        Ok(())
    }

    /// The user ids following the account, in the order they followed.
    pub fn followers(&self, app_id: &str) -> Result<Vec<String>, String> {
        Ok(self.account(app_id)?.followers.iter().filter(|f| f.following).map(|f| f.user_id.clone()).collect())
    }

    /// What a user's action does to the account.
    pub fn interact(&mut self, app_id: &str, user_id: &str, interaction: Interaction) -> Result<(), String> {
        let now = self.now();
        let account = self.account_mut(app_id)?;
        if account.follower_mut(user_id).is_none() {
            account.followers.push(Follower::new(user_id, false));
        }
        let follower = account
            .follower_mut(user_id)
            .ok_or_else(|| format!("the follower {user_id} was just added but is missing"))?;
        match interaction {
            Interaction::Follow | Interaction::Window => {
                follower.following = true;
                follower.last_interaction = Some(now);
            }
            Interaction::Unfollow => {
                follower.following = false;
                follower.last_interaction = None;
            }
        }
        Ok(())
    }

    // ---- faults, delays and the call log ----

    pub fn add_fault(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    pub fn take_fault(&mut self, method: &str) -> Option<FaultKind> {
        let index = self.faults.iter().position(|f| f.count > 0 && f.method.as_deref().is_none_or(|m| m == method))?;
        let fault = &mut self.faults[index];
        fault.count -= 1;
        let kind = fault.kind.clone();
        self.faults.retain(|f| f.count > 0);
        Some(kind)
    }

    pub fn set_delay(&mut self, delay: Delay) {
        self.delays.retain(|d| d.method != delay.method);
        if delay.millis > 0 {
            self.delays.push(delay);
        }
    }

    pub fn delay_for(&self, method: &str) -> Option<Duration> {
        self.delays
            .iter()
            .find(|d| d.method.as_deref() == Some(method))
            .or_else(|| self.delays.iter().find(|d| d.method.is_none()))
            .map(|d| Duration::from_millis(d.millis))
    }

    // ---- the OpenAPI methods ----

    /// Runs a verified call; returns the `*_response` object's fields on success and what changed.
    pub fn dispatch(
        &mut self,
        app_id: &str,
        method: &str,
        biz: &Value,
        upload: Option<Upload>,
    ) -> Result<(Value, Option<String>), AliError> {
        let now = self.now();
        let id = self.next_id();
        let account = self.accounts.get_mut(app_id).ok_or_else(invalid_app_id)?;
        match method {
            // A harmless read, for "test the connection" (ALI-J2 `AlipayOpenPublicInfoQueryResponse`).
            "alipay.open.public.info.query" => {
                let name = account.spec.name.clone().unwrap_or_else(|| format!("生活号 {app_id}"));
                Ok((
                    success(json!({
                        "app_name": name, "is_online": "T", "is_release": "T",
                        "audit_status": "AUDIT_NORMAL", "audit_desc": "",
                        "logo_url": "", "background_url": "", "introduction": "", "public_greeting": "",
                    })),
                    None,
                ))
            }
            "alipay.open.public.menu.create" | "alipay.open.public.menu.modify" => {
                let kind = rules::check_menu(biz, account.spec.chat_switch_on)?;
                let key = kind.menu_key();
                let exists = account.menus.contains_key(key);
                // The 2014 服务窗 API allowed one create, then updates (11013 "菜单已经创建过", FWC2014 §7;
                // PLATFORM-RULES §1.2 "Legacy behaviours", M); the double keeps that pairing.
                if method.ends_with("create") && exists {
                    return Err(AliError::business(
                        "MENU_ALREADY_EXISTS",
                        format!("菜单已经创建过: the {key} menu exists, change it with alipay.open.public.menu.modify"),
                    ));
                }
                if method.ends_with("modify") && !exists {
                    return Err(AliError::business(
                        "MENU_NOT_EXIST",
                        format!("菜单不存在: create the {key} menu with alipay.open.public.menu.create first"),
                    ));
                }
                let mut menu = biz.clone();
                if kind == MenuKind::Text {
                    if let Some(object) = menu.as_object_mut() {
                        object.entry("type").or_insert_with(|| json!("text"));
                    }
                }
                account.menus.insert(key.to_owned(), menu);
                let verb = if exists { "replaced" } else { "created" };
                Ok((success(json!({ "menu_key": key })), Some(format!("menu {key} {verb}"))))
            }
            // "一级菜单数组" as a JSON string (ALI-J2 `AlipayOpenPublicMenuQueryResponse.menu_content`).
            "alipay.open.public.menu.query" => {
                let menu = account
                    .menus
                    .get("default")
                    .or_else(|| account.menus.get("iconDefault"))
                    .ok_or_else(|| AliError::business("MENU_NOT_EXIST", "菜单不存在"))?;
                Ok((success(json!({ "menu_content": menu.to_string() })), None))
            }
            // The default and personalized menus (the double has default ones only), each with its
            // menu_key, type and buttons (ALI-J2 `AlipayOpenPublicMenuBatchqueryResponse`, `QueryMenu`).
            "alipay.open.public.menu.batchquery" => {
                let menus: Vec<Value> = account
                    .menus
                    .iter()
                    .map(|(key, menu)| {
                        let kind = if key == "default" { "text" } else { "icon" };
                        json!({ "menu_key": key, "type": kind, "button": menu.get("button").cloned().unwrap_or(json!([])) })
                    })
                    .collect();
                Ok((success(json!({ "count": menus.len().to_string(), "menus": menus })), None))
            }
            "alipay.open.public.default.extension.create" => {
                let areas = rules::check_extension_areas(biz)?;
                let verb = if account.extension.is_some() { "replaced" } else { "created" };
                account.extension = Some(areas);
                Ok((success(json!({})), Some(format!("extension default {verb}"))))
            }
            // Lists the default and personalized sets (ALI-J3 AlipayOpenPublicPersonalizedExtensionApi
            // "批量查询扩展区列表，包括默认扩展区和个性化扩展区"; ALI-J2 `QueryExtension`).
            "alipay.open.public.personalized.extension.batchquery" => {
                let extensions: Vec<Value> = account
                    .extension
                    .iter()
                    .map(|areas| json!({ "extension_key": "default", "status": "ON", "areas": areas }))
                    .collect();
                Ok((success(json!({ "count": extensions.len(), "extensions": extensions })), None))
            }
            // "删除默认扩展区时传入default" (ALI-J2 `AlipayOpenPublicPersonalizedExtensionDeleteModel`).
            "alipay.open.public.personalized.extension.delete" => {
                let key = field(biz, "extension_key")?;
                if key != "default" || account.extension.is_none() {
                    return Err(AliError::business("EXTENSION_NOT_EXIST", format!("扩展区不存在: {key:?}")));
                }
                account.extension = None;
                Ok((success(json!({})), Some("extension default deleted".into())))
            }
            "alipay.open.public.advert.create" => {
                let items = rules::check_advert_items(biz)?;
                // "目前只有一个广告位" (ALI-J2 `AlipayOpenPublicAdvertBatchqueryResponse.advert_list`).
                if !account.adverts.is_empty() {
                    return Err(AliError::business(
                        "ADVERT_ALREADY_EXISTS",
                        "生活号目前只有一个广告位: change it with alipay.open.public.advert.modify",
                    ));
                }
                account.adverts.push(Advert { advert_id: id.clone(), advert_items: items });
                Ok((success(json!({ "advert_id": id })), Some(format!("advert {id} created"))))
            }
            "alipay.open.public.advert.modify" => {
                let advert_id = field(biz, "advert_id")?;
                let items = rules::check_advert_items(biz)?;
                let advert = account
                    .adverts
                    .iter_mut()
                    .find(|a| a.advert_id == advert_id)
                    .ok_or_else(|| AliError::business("ADVERT_NOT_EXIST", format!("广告位不存在: {advert_id}")))?;
                advert.advert_items = items;
                Ok((success(json!({})), Some(format!("advert {advert_id} replaced"))))
            }
            "alipay.open.public.advert.delete" => {
                let advert_id = field(biz, "advert_id")?;
                let before = account.adverts.len();
                account.adverts.retain(|a| a.advert_id != advert_id);
                if account.adverts.len() == before {
                    return Err(AliError::business("ADVERT_NOT_EXIST", format!("广告位不存在: {advert_id}")));
                }
                Ok((success(json!({})), Some(format!("advert {advert_id} deleted"))))
            }
            "alipay.open.public.advert.batchquery" => Ok((success(json!({ "advert_list": account.adverts })), None)),
            "alipay.open.public.topic.create" => {
                rules::check_topic(biz)?;
                account.topics.push(Topic { topic_id: id.clone(), topic: biz.clone() });
                Ok((success(json!({ "topic_id": id })), Some(format!("topic {id} created"))))
            }
            // "modify replaces the whole set" (§7).
            "alipay.open.public.topic.modify" => {
                let topic_id = field(biz, "topic_id")?;
                rules::check_topic(biz)?;
                let topic = account
                    .topics
                    .iter_mut()
                    .find(|t| t.topic_id == topic_id)
                    .ok_or_else(|| AliError::business("TOPIC_NOT_EXIST", format!("营销位不存在: {topic_id}")))?;
                let mut model = biz.clone();
                if let Some(object) = model.as_object_mut() {
                    object.remove("topic_id");
                }
                topic.topic = model;
                Ok((success(json!({})), Some(format!("topic {topic_id} replaced"))))
            }
            "alipay.open.public.topic.delete" => {
                let topic_id = field(biz, "topic_id")?;
                let before = account.topics.len();
                account.topics.retain(|t| t.topic_id != topic_id);
                if account.topics.len() == before {
                    return Err(AliError::business("TOPIC_NOT_EXIST", format!("营销位不存在: {topic_id}")));
                }
                Ok((success(json!({})), Some(format!("topic {topic_id} deleted"))))
            }
            "alipay.open.public.topic.batchquery" => {
                let list: Vec<Value> = account.topics.iter().map(topic_json).collect();
                Ok((success(json!({ "topic_list": list })), None))
            }
            "alipay.open.public.message.custom.send" => {
                let (to, msg_type) = rules::check_custom_message(biz)?;
                // §2.2: the user must follow, have interacted within 48 h, and have had < 100 today.
                let follower = account
                    .follower_mut(&to)
                    .filter(|f| f.following)
                    .ok_or_else(|| AliError::business("USER_NOT_FOLLOW", format!("用户未关注生活号: {to}")))?;
                if follower.last_interaction.is_none_or(|at| now - at > WINDOW_SECS) {
                    return Err(AliError::business(
                        "USER_INTERACTION_EXPIRED",
                        "用户48小时内未与生活号交互（进入生活号、点击菜单、发送消息），不能推送",
                    ));
                }
                let today = beijing_day(now);
                if follower.sent_today.0 != today {
                    follower.sent_today = (today, 0);
                }
                if follower.sent_today.1 >= DAILY_QUOTA {
                    return Err(AliError::business(
                        "FREQUENCY_LIMITED",
                        "频率超限: 每个生活号每天只能向1个用户推送100条消息",
                    ));
                }
                follower.sent_today.1 += 1;
                account.sent.push(SentMessage { to_user_id: to.clone(), msg_type, biz_content: biz.clone(), at: now });
                Ok((success(json!({})), Some(format!("message sent to {to}"))))
            }
            // A message to every follower (PLATFORM-RULES §3.2); Alipay delivers it later. The SDK
            // documents no frequency; the "once per week" of the 2014 服务窗 is the account's cap
            // in Wicket, not a check here (no current official number was found).
            "alipay.open.public.message.total.send" => {
                let msg_type = rules::check_total_message(biz)?;
                let to_user_ids = account.followers.iter().filter(|f| f.following).map(|f| f.user_id.clone()).collect();
                account.mass_sends.push(MassSend {
                    message_id: id.clone(),
                    msg_type,
                    biz_content: biz.clone(),
                    to_user_ids,
                    at: now,
                });
                Ok((success(json!({ "message_id": id })), Some(format!("message {id} sent to all followers"))))
            }
            // Custom labels and sends by label (§3.2, §6), in their own module.
            method if labels::METHODS.contains(&method) => {
                account.labels.dispatch(&account.followers, method, biz, &id, now)
            }
            "alipay.open.public.follow.batchquery" => {
                let after = text_field(biz, "next_user_id");
                let following: Vec<&Follower> = account.followers.iter().filter(|f| f.following).collect();
                let start = match after.filter(|s| !s.is_empty()) {
                    None => 0,
                    Some(id) => following.iter().position(|f| f.user_id == id).map(|i| i + 1).ok_or_else(|| {
                        AliError::parameter(format!("next_user_id {id} is not a follower of this account"))
                    })?,
                };
                let page: Vec<&str> =
                    following[start..].iter().take(account.follow_page_size).map(|f| f.user_id.as_str()).collect();
                let more = start + page.len() < following.len();
                let mut answer = json!({ "count": page.len().to_string(), "user_id_list": page });
                if more {
                    answer["next_user_id"] = json!(page.last());
                }
                Ok((success(answer), None))
            }
            "alipay.offline.material.image.upload" => {
                let upload =
                    upload.ok_or_else(|| AliError::missing("isv.missing-parameter", "image_content is required"))?;
                let image = crate::api::accept_image(upload, &id)?;
                let answer = json!({ "image_id": image.image_id, "image_url": image.image_url });
                account.images.push(image);
                Ok((success(answer), Some(format!("image {id} uploaded"))))
            }
            other => Err(AliError::invalid("isv.invalid-method", format!("不存在的方法名: {other}"))),
        }
    }
}

/// An uploaded file: the multipart's text fields and the `image_content` file.
pub struct Upload {
    pub image_type: String,
    pub image_name: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

pub(crate) fn invalid_app_id() -> AliError {
    AliError::invalid("isv.invalid-app-id", "无效的AppID参数")
}

fn topic_json(topic: &Topic) -> Value {
    let mut value = topic.topic.clone();
    if let Some(object) = value.as_object_mut() {
        object.insert("topic_id".into(), json!(topic.topic_id));
    }
    value
}

fn text_field<'a>(biz: &'a Value, name: &str) -> Option<&'a str> {
    biz.get(name).and_then(Value::as_str)
}

fn field<'a>(biz: &'a Value, name: &str) -> Result<&'a str, AliError> {
    text_field(biz, name).filter(|s| !s.is_empty()).ok_or_else(|| AliError::parameter(format!("{name} is required")))
}

/// Real time, for request timestamps: the caller signs them with its own clock.
pub(crate) fn wall_clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
