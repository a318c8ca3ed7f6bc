//! Automatic replies, run by the server: a greeting on follow (and per
//! parameter QR scene), keyword rules, replies to menu taps, and a default
//! reply when nothing matches, at most once per subscriber per quiet period.
//! The model is WeChat's own (公众号 "自动回复"): each rule has several
//! keywords, each matched exactly or as a part of the message, and one or
//! several replies, all sent or one picked at random.
//!
//! Everything here is pure: the rules and their limits, the matcher (built
//! once per account's rules, not a loop over rules per message), the
//! templates and the quiet period. The server builds the matcher, keeps it
//! until the rules change, and calls [`answer`] inside the transaction that
//! stores the subscriber's message, so a retried callback answers once.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::AccountId;
use crate::change::Change;
use crate::conversation::{
    limits as message_limits, Conversation, Delivery, Direction, Message, MessageBody, Subscriber, SubscriberEvent,
};
use crate::error::{Issue, WicketError};
use crate::mutation::Mutation;
use crate::platform::PlatformProfile;
use crate::reply_window::{reply_window, ReplyLedger};
use crate::synced::{self, SaveStart, SyncedEdit, SyncedEntity};
use crate::world::{Actor, ReadError, World};
use crate::Millis;

/// How a keyword meets a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeywordMode {
    /// The whole message is the keyword (surrounding spaces aside).
    Exact,
    /// The message holds the keyword somewhere.
    Contains,
}

/// One keyword of a rule. Latin letters match whatever their case (and
/// full-width Latin letters and digits as their ASCII forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Keyword {
    pub text: String,
    pub mode: KeywordMode,
}

/// What makes a rule answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AutoReplyTrigger {
    /// A follow. With a scene: a follow or scan through that parameter QR
    /// code, in place of the plain greeting.
    Follow { scene: Option<String> },
    /// A text message, or a keyword a menu or module sends.
    Keyword { keywords: Vec<Keyword> },
    /// A tap on a menu button with this `CLICK` key.
    MenuClick { key: String },
    /// A message nothing else answers; at most once per subscriber every
    /// `quiet_minutes`.
    Default { quiet_minutes: u32 },
}

impl AutoReplyTrigger {
    pub fn kind(&self) -> &'static str {
        match self {
            AutoReplyTrigger::Follow { .. } => "follow",
            AutoReplyTrigger::Keyword { .. } => "keyword",
            AutoReplyTrigger::MenuClick { .. } => "menu_click",
            AutoReplyTrigger::Default { .. } => "default",
        }
    }
}

/// Whether a rule with several replies sends them all or one at random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyMode {
    All,
    Random,
}

/// One reply a rule sends. Texts (and an article's title and summary) may
/// hold `{{subscriber.name}}` and `{{account.name}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AutoReplyContent {
    Text {
        text: String,
    },
    /// An image on this server (`/s/media/…`) or an https link.
    Image {
        url: String,
    },
    /// An article card: title, cover, summary, link.
    Article {
        title: String,
        description: String,
        url: String,
        image_url: String,
    },
}

/// What staff write: a rule as the console sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoReplyRuleDraft {
    /// Made by the console; the same id saved again edits the rule.
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub name: String,
    pub trigger: AutoReplyTrigger,
    /// Higher answers first; rules of equal priority answer in the order
    /// they were made.
    pub priority: i32,
    pub replies: Vec<AutoReplyContent>,
    pub reply_mode: ReplyMode,
    pub enabled: bool,
}

/// A rule as stored and carried by the change feed. A deleted rule stays
/// as a tombstone so every console learns it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoReplyRule {
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub name: String,
    pub trigger: AutoReplyTrigger,
    pub priority: i32,
    pub replies: Vec<AutoReplyContent>,
    pub reply_mode: ReplyMode,
    pub enabled: bool,
    pub deleted: bool,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

impl AutoReplyRule {
    pub fn draft(&self) -> AutoReplyRuleDraft {
        AutoReplyRuleDraft {
            id: self.id.clone(),
            account_id: self.account_id.clone(),
            name: self.name.clone(),
            trigger: self.trigger.clone(),
            priority: self.priority,
            replies: self.replies.clone(),
            reply_mode: self.reply_mode,
            enabled: self.enabled,
        }
    }

    /// Whether it answers at all.
    pub fn live(&self) -> bool {
        self.enabled && !self.deleted
    }
}

/// A rule in the console's list, and whether an edit of it waits to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AutoReplyRuleItem {
    pub rule: AutoReplyRule,
    pub waiting: bool,
}

/// The mark on a message an automatic reply sent, which the thread shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoReplyMark {
    pub rule_id: String,
    /// `follow`, `keyword`, `menu_click` or `default`.
    pub trigger: String,
    /// Sent in the platform callback's own answer (WeChat's passive reply):
    /// no customer-service message, none of the window's quota.
    pub passive: bool,
}

/// The limits of automatic replies, per platform: one table, read by the
/// console's inline checks and the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoReplyLimits {
    /// Rules per account (keyword, menu and greeting rules together).
    /// WeChat's console keeps at most 200 keyword rules.
    pub rules_max: usize,
    /// WeChat's console: a rule name has at most 60 characters.
    pub name_max_chars: usize,
    /// WeChat's console: at most 10 keywords per rule, each ≤ 30 characters.
    pub keywords_max: usize,
    pub keyword_max_chars: usize,
    /// WeChat's console: at most 5 replies per rule.
    pub replies_max: usize,
    /// Whether a plain image can be sent: Alipay declares it but does not
    /// support it (PLATFORM-RULES §4.2: text and image-text only).
    pub image_replies: bool,
    /// A reply text, in UTF-8 bytes: the customer-service limit every
    /// Wicket text keeps (PLATFORM-RULES §4.1).
    pub text_max_bytes: usize,
    /// An article's title, in characters (Alipay 2014: 55 CJK characters
    /// of image-text text; WeChat's article title 64).
    pub article_title_max_chars: usize,
    pub article_description_max_chars: usize,
    /// The default reply's quiet period, in minutes.
    pub quiet_minutes_min: u32,
    pub quiet_minutes_max: u32,
}

pub const WECHAT_LIMITS: AutoReplyLimits = AutoReplyLimits {
    rules_max: 200,
    name_max_chars: 60,
    keywords_max: 10,
    keyword_max_chars: 30,
    replies_max: 5,
    image_replies: true,
    text_max_bytes: message_limits::TEXT_MAX_BYTES,
    article_title_max_chars: 64,
    article_description_max_chars: 120,
    quiet_minutes_min: 1,
    quiet_minutes_max: 7 * 24 * 60,
};

pub const ALIPAY_LIMITS: AutoReplyLimits =
    AutoReplyLimits { image_replies: false, article_title_max_chars: 55, ..WECHAT_LIMITS };

/// The default reply's quiet period when staff set none: 60 minutes.
pub const DEFAULT_QUIET_MINUTES: u32 = 60;

pub fn limits_for(profile: PlatformProfile) -> &'static AutoReplyLimits {
    match profile {
        PlatformProfile::Wechat => &WECHAT_LIMITS,
        PlatformProfile::Alipay => &ALIPAY_LIMITS,
    }
}

/// The fields a reply may hold as `{{…}}`.
pub const TEMPLATE_FIELDS: &[&str] = &["subscriber.name", "account.name"];

/// The values of a reply's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateValues {
    pub subscriber_name: String,
    pub account_name: String,
}

/// The `{{field}}` names in `text`, in order, as written (spaces inside the
/// braces trimmed).
pub fn template_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        fields.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    fields
}

/// `text` with each known field filled in; anything else is left as written.
pub fn render(text: &str, values: &TemplateValues) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match after[..end].trim() {
            "subscriber.name" => out.push_str(&values.subscriber_name),
            "account.name" => out.push_str(&values.account_name),
            _ => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

impl AutoReplyContent {
    /// The message this reply sends, its fields filled in.
    pub fn render(&self, values: &TemplateValues) -> MessageBody {
        match self {
            AutoReplyContent::Text { text } => MessageBody::Text { text: render(text, values) },
            AutoReplyContent::Image { url } => MessageBody::Image { url: url.clone() },
            AutoReplyContent::Article { title, description, url, image_url } => MessageBody::Article {
                title: render(title, values),
                description: render(description, values),
                url: url.clone(),
                image_url: image_url.clone(),
            },
        }
    }
}

/// Latin letters folded to lower case (full-width ones and full-width
/// digits to ASCII first), so "Hello", "HELLO" and "ＨＥＬＬＯ" are one keyword;
/// Chinese is unchanged.
pub fn normalize(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn push_length(issues: &mut Vec<Issue>, path: String, key: &str, max: usize, actual: usize) {
    issues.push(Issue::new(path, key).with("max", max).with("actual", actual));
}

/// Every platform limit `draft` breaks on an account of `profile`, as issue
/// keys on the field's path. `others` are the account's other live rules
/// (one greeting per scene, one default reply, at most `rules_max`).
pub fn check(draft: &AutoReplyRuleDraft, profile: PlatformProfile, others: &[AutoReplyRule]) -> Vec<Issue> {
    let limits = limits_for(profile);
    let mut issues = Vec::new();
    let name_chars = draft.name.trim().chars().count();
    if name_chars == 0 {
        issues.push(Issue::new("name", "auto_reply.name.required"));
    } else if name_chars > limits.name_max_chars {
        push_length(&mut issues, "name".into(), "auto_reply.name.too_long", limits.name_max_chars, name_chars);
    }
    let others: Vec<&AutoReplyRule> = others.iter().filter(|r| r.id != draft.id && !r.deleted).collect();
    if others.len() + 1 > limits.rules_max {
        issues.push(Issue::new("id", "auto_reply.rules.too_many").with("max", limits.rules_max));
    }
    match &draft.trigger {
        AutoReplyTrigger::Keyword { keywords } => {
            if keywords.is_empty() {
                issues.push(Issue::new("trigger.keywords", "auto_reply.keywords.required"));
            } else if keywords.len() > limits.keywords_max {
                issues.push(
                    Issue::new("trigger.keywords", "auto_reply.keywords.too_many")
                        .with("max", limits.keywords_max)
                        .with("actual", keywords.len()),
                );
            }
            for (i, keyword) in keywords.iter().enumerate() {
                let chars = keyword.text.trim().chars().count();
                if chars == 0 {
                    issues.push(Issue::new(format!("trigger.keywords.{i}"), "auto_reply.keyword.required"));
                } else if chars > limits.keyword_max_chars {
                    push_length(
                        &mut issues,
                        format!("trigger.keywords.{i}"),
                        "auto_reply.keyword.too_long",
                        limits.keyword_max_chars,
                        chars,
                    );
                }
            }
        }
        AutoReplyTrigger::MenuClick { key } => {
            // The account's menu rule for a button's key (WeChat's ≤ 128 bytes).
            let rule = crate::platform::for_profile(profile).menu.key;
            let length = rule.unit.measure(key);
            if key.trim().is_empty() {
                issues.push(Issue::new("trigger.key", "auto_reply.click_key.required"));
            } else if length > rule.max {
                issues.push(
                    Issue::new("trigger.key", "message.field.too_long")
                        .with("max", rule.max)
                        .with("actual", length)
                        .with("unit", rule.unit.as_str()),
                );
            }
        }
        AutoReplyTrigger::Follow { scene } => {
            let scene_chars = scene.as_deref().map_or(0, |s| s.chars().count());
            if scene.as_deref().is_some_and(|s| s.trim().is_empty()) {
                issues.push(Issue::new("trigger.scene", "auto_reply.scene.required"));
            } else if scene_chars > message_limits::SCENE_MAX_CHARS {
                push_length(
                    &mut issues,
                    "trigger.scene".into(),
                    "auto_reply.scene.too_long",
                    message_limits::SCENE_MAX_CHARS,
                    scene_chars,
                );
            }
            let taken =
                others.iter().any(|r| matches!(&r.trigger, AutoReplyTrigger::Follow { scene: s } if s == scene));
            if taken {
                issues.push(Issue::new("trigger.scene", "auto_reply.follow.taken"));
            }
        }
        AutoReplyTrigger::Default { quiet_minutes } => {
            if !(limits.quiet_minutes_min..=limits.quiet_minutes_max).contains(quiet_minutes) {
                issues.push(
                    Issue::new("trigger.quiet_minutes", "auto_reply.quiet_minutes.out_of_range")
                        .with("min", limits.quiet_minutes_min)
                        .with("max", limits.quiet_minutes_max),
                );
            }
            if others.iter().any(|r| matches!(r.trigger, AutoReplyTrigger::Default { .. })) {
                issues.push(Issue::new("trigger", "auto_reply.default.taken"));
            }
        }
    }
    if draft.replies.is_empty() {
        issues.push(Issue::new("replies", "auto_reply.replies.required"));
    } else if draft.replies.len() > limits.replies_max {
        issues.push(
            Issue::new("replies", "auto_reply.replies.too_many")
                .with("max", limits.replies_max)
                .with("actual", draft.replies.len()),
        );
    }
    for (i, reply) in draft.replies.iter().enumerate() {
        check_content(reply, limits, &format!("replies.{i}"), &mut issues);
    }
    issues
}

fn check_content(reply: &AutoReplyContent, limits: &AutoReplyLimits, path: &str, issues: &mut Vec<Issue>) {
    let fields = |text: &str, field: &str, issues: &mut Vec<Issue>| {
        for name in template_fields(text) {
            if !TEMPLATE_FIELDS.contains(&name) {
                issues.push(
                    Issue::new(format!("{path}.{field}"), "auto_reply.template.unknown_field").with("field", name),
                );
            }
        }
    };
    match reply {
        AutoReplyContent::Text { text } => {
            if text.trim().is_empty() {
                issues.push(Issue::new(format!("{path}.text"), "message.text.required"));
            } else if text.len() > limits.text_max_bytes {
                push_length(issues, format!("{path}.text"), "message.text.too_long", limits.text_max_bytes, text.len());
            }
            fields(text, "text", issues);
        }
        AutoReplyContent::Image { url } => {
            if !limits.image_replies {
                issues.push(Issue::new(format!("{path}.type"), "auto_reply.image.unsupported"));
            }
            check_link(url, &format!("{path}.url"), true, issues);
        }
        AutoReplyContent::Article { title, description, url, image_url } => {
            let title_chars = title.trim().chars().count();
            if title_chars == 0 {
                issues.push(Issue::new(format!("{path}.title"), "message.article.title_required"));
            } else if title_chars > limits.article_title_max_chars {
                push_length(
                    issues,
                    format!("{path}.title"),
                    "auto_reply.article.title_too_long",
                    limits.article_title_max_chars,
                    title_chars,
                );
            }
            let description_chars = description.chars().count();
            if description_chars > limits.article_description_max_chars {
                push_length(
                    issues,
                    format!("{path}.description"),
                    "auto_reply.article.description_too_long",
                    limits.article_description_max_chars,
                    description_chars,
                );
            }
            fields(title, "title", issues);
            fields(description, "description", issues);
            check_link(url, &format!("{path}.url"), false, issues);
            check_link(image_url, &format!("{path}.image_url"), true, issues);
        }
    }
}

fn check_link(url: &str, path: &str, media: bool, issues: &mut Vec<Issue>) {
    if media && crate::media::is_media_path(url) {
        return;
    }
    if !url.starts_with("https://") {
        issues.push(Issue::new(path, "message.url.not_https"));
    } else if url.len() > message_limits::URL_MAX_BYTES {
        issues.push(Issue::new(path, "message.url.too_long").with("max", message_limits::URL_MAX_BYTES));
    }
}

/// What a subscriber did that a rule may answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stimulus {
    /// Followed; through a parameter QR code when `scene` is set.
    Followed { scene: Option<String> },
    /// Already following, scanned a parameter QR code.
    Scanned { scene: String },
    /// A text, or a keyword a menu or module sent.
    Text(String),
    /// Tapped a menu button with this `CLICK` key.
    Click(String),
    /// A message no rule reads (an image, a place): only the default reply.
    OtherMessage,
}

impl Stimulus {
    /// What a message or event asks of the rules; `None` for what no rule
    /// answers (an unfollow, entering the account).
    pub fn of(body: &MessageBody) -> Option<Stimulus> {
        match body {
            MessageBody::Text { text } => Some(Stimulus::Text(text.clone())),
            MessageBody::Event(SubscriberEvent::Keyword { keyword }) => Some(Stimulus::Text(keyword.clone())),
            MessageBody::Event(SubscriberEvent::MenuTap { key, .. }) => Some(Stimulus::Click(key.clone())),
            MessageBody::Event(SubscriberEvent::Follow) => Some(Stimulus::Followed { scene: None }),
            MessageBody::Event(SubscriberEvent::Scan { scene }) => Some(Stimulus::Scanned { scene: scene.clone() }),
            MessageBody::Event(SubscriberEvent::Unfollow | SubscriberEvent::Enter) => None,
            MessageBody::Image { .. } | MessageBody::Location { .. } | MessageBody::Article { .. } => {
                Some(Stimulus::OtherMessage)
            }
        }
    }

    /// Whether nothing matching it, the default reply answers.
    fn wants_default(&self) -> bool {
        matches!(self, Stimulus::Text(_) | Stimulus::OtherMessage)
    }
}

/// An account's live rules, indexed once: exact keywords in a map, the
/// "contains" keywords in one Aho–Corasick automaton, menu keys and scenes
/// in maps. A message costs one pass over its text whatever the number of
/// rules. Rules rank by priority (higher first), then by when they were
/// made, then by id.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Live rules in rank order; indices below point here.
    rules: Vec<AutoReplyRule>,
    exact: HashMap<String, usize>,
    contains: Option<AhoCorasick>,
    /// The best rule of each "contains" pattern, by pattern index.
    contains_rule: Vec<usize>,
    clicks: HashMap<String, usize>,
    scenes: HashMap<String, usize>,
    greeting: Option<usize>,
    default: Option<usize>,
}

/// The rule that answers, and which of its keywords matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'a> {
    pub rule: &'a AutoReplyRule,
    pub keyword: Option<String>,
}

fn keep_best(slot: &mut Option<usize>, rank: usize) {
    if slot.is_none_or(|best| rank < best) {
        *slot = Some(rank);
    }
}

impl Matcher {
    /// Indexes `rules` (any account's; disabled and deleted ones are left out).
    pub fn build(rules: &[AutoReplyRule]) -> Self {
        let mut live: Vec<AutoReplyRule> = rules.iter().filter(|r| r.live()).cloned().collect();
        live.sort_by(|a, b| {
            (-(a.priority as i64), a.created_at, &a.id).cmp(&(-(b.priority as i64), b.created_at, &b.id))
        });
        let mut exact: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut contains_rule: Vec<usize> = Vec::new();
        let mut clicks = HashMap::new();
        let mut scenes = HashMap::new();
        let mut greeting = None;
        let mut default = None;
        for (rank, rule) in live.iter().enumerate() {
            match &rule.trigger {
                AutoReplyTrigger::Keyword { keywords } => {
                    for keyword in keywords {
                        let text = normalize(&keyword.text);
                        if text.is_empty() {
                            continue;
                        }
                        match keyword.mode {
                            KeywordMode::Exact => {
                                exact.entry(text).or_insert(rank);
                            }
                            KeywordMode::Contains => {
                                if !pattern_index.contains_key(&text) {
                                    pattern_index.insert(text.clone(), patterns.len());
                                    patterns.push(text);
                                    contains_rule.push(rank);
                                }
                            }
                        }
                    }
                }
                AutoReplyTrigger::MenuClick { key } => {
                    clicks.entry(key.clone()).or_insert(rank);
                }
                AutoReplyTrigger::Follow { scene: Some(scene) } => {
                    scenes.entry(scene.clone()).or_insert(rank);
                }
                AutoReplyTrigger::Follow { scene: None } => keep_best(&mut greeting, rank),
                AutoReplyTrigger::Default { .. } => keep_best(&mut default, rank),
            }
        }
        // Patterns are a few hundred short strings: building cannot fail.
        let contains = if patterns.is_empty() { None } else { AhoCorasick::new(&patterns).ok() };
        Matcher { rules: live, exact, contains, contains_rule, clicks, scenes, greeting, default }
    }

    /// The live rules, in rank order.
    pub fn rules(&self) -> &[AutoReplyRule] {
        &self.rules
    }

    /// The rule that answers `stimulus`, before the default reply.
    pub fn find(&self, stimulus: &Stimulus) -> Option<Matched<'_>> {
        let found = |rank: usize, keyword: Option<String>| Matched { rule: &self.rules[rank], keyword };
        match stimulus {
            Stimulus::Text(text) => {
                let text = normalize(text);
                let mut best: Option<(usize, String)> = self.exact.get(&text).map(|&rank| (rank, text.clone()));
                if let Some(automaton) = &self.contains {
                    for hit in automaton.find_overlapping_iter(&text) {
                        let rank = self.contains_rule[hit.pattern().as_usize()];
                        if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                            best = Some((rank, text[hit.start()..hit.end()].to_owned()));
                        }
                    }
                }
                best.map(|(rank, keyword)| found(rank, Some(keyword)))
            }
            Stimulus::Click(key) => self.clicks.get(key).map(|&rank| found(rank, None)),
            Stimulus::Followed { scene } => scene
                .as_ref()
                .and_then(|s| self.scenes.get(s))
                .or(self.greeting.as_ref())
                .map(|&rank| found(rank, None)),
            Stimulus::Scanned { scene } => self.scenes.get(scene).map(|&rank| found(rank, None)),
            Stimulus::OtherMessage => None,
        }
    }

    /// The default reply, if the account has one.
    pub fn default_rule(&self) -> Option<&AutoReplyRule> {
        self.default.map(|rank| &self.rules[rank])
    }
}

/// Whether the default reply may answer now: never sent to this subscriber,
/// or sent at least `quiet_minutes` ago.
pub fn default_reply_due(last_sent_at: Option<Millis>, now: Millis, quiet_minutes: u32) -> bool {
    last_sent_at.is_none_or(|at| now - at >= i64::from(quiet_minutes) * 60_000)
}

/// The replies of `rule` to send: all, or one picked by `pick` (given the
/// count, it answers an index below it; the server passes a random one,
/// tests a fixed one).
pub fn chosen<'a>(rule: &'a AutoReplyRule, pick: &mut dyn FnMut(usize) -> usize) -> Vec<&'a AutoReplyContent> {
    match rule.reply_mode {
        ReplyMode::All => rule.replies.iter().collect(),
        ReplyMode::Random if rule.replies.is_empty() => Vec::new(),
        ReplyMode::Random => {
            let index = pick(rule.replies.len()).min(rule.replies.len() - 1);
            vec![&rule.replies[index]]
        }
    }
}

/// The answer to one stimulus: which rule, and what it sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Decision {
    pub rule_id: String,
    pub rule_name: String,
    /// `follow`, `keyword`, `menu_click` or `default`.
    pub trigger: String,
    /// The keyword that matched, as the message wrote it (Latin letters folded).
    pub keyword: Option<String>,
    pub replies: Vec<MessageBody>,
}

/// Which rule answers `stimulus` and with what: the matching rule, else the
/// default reply when it is due (`last_default_at`: when this subscriber last
/// received it). The "try it" box and the server both decide here.
pub fn decide(
    matcher: &Matcher,
    stimulus: &Stimulus,
    last_default_at: Option<Millis>,
    now: Millis,
    values: &TemplateValues,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Option<Decision> {
    let (rule, keyword) = match matcher.find(stimulus) {
        Some(Matched { rule, keyword }) => (rule, keyword),
        None if stimulus.wants_default() => {
            let rule = matcher.default_rule()?;
            let AutoReplyTrigger::Default { quiet_minutes } = rule.trigger else { return None };
            if !default_reply_due(last_default_at, now, quiet_minutes) {
                return None;
            }
            (rule, None)
        }
        None => return None,
    };
    let replies: Vec<MessageBody> = chosen(rule, pick).into_iter().map(|r| r.render(values)).collect();
    Some(Decision {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        trigger: rule.trigger.kind().to_owned(),
        keyword,
        replies,
    })
}

/// What staff type in the "try it" box, as a subscriber would send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TryMessage {
    Text { text: String },
    MenuClick { key: String },
    Follow { scene: Option<String> },
}

impl TryMessage {
    pub fn stimulus(&self) -> Stimulus {
        match self {
            TryMessage::Text { text } => Stimulus::Text(text.clone()),
            TryMessage::MenuClick { key } => Stimulus::Click(key.clone()),
            TryMessage::Follow { scene } => Stimulus::Followed { scene: scene.clone() },
        }
    }
}

/// What the "try it" box shows: the rule that answers and every reply it
/// may send (with "one at random", `random` says one of them goes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct TryOutcome {
    pub decision: Option<Decision>,
    pub random: bool,
}

/// Which of `rules`, with `draft` in place of its saved self (or added),
/// answers `message`: the same matcher the server runs, before saving. The
/// default reply is shown as if its quiet period had passed.
pub fn try_rules(
    rules: &[AutoReplyRule],
    draft: Option<&AutoReplyRuleDraft>,
    message: &TryMessage,
    values: &TemplateValues,
    now: Millis,
) -> TryOutcome {
    let mut rules: Vec<AutoReplyRule> = rules.to_vec();
    if let Some(draft) = draft {
        let created_at = rules.iter().find(|r| r.id == draft.id).map_or(now, |r| r.created_at);
        rules.retain(|r| r.id != draft.id);
        rules.push(AutoReplyRule {
            id: draft.id.clone(),
            account_id: draft.account_id.clone(),
            name: draft.name.clone(),
            trigger: draft.trigger.clone(),
            priority: draft.priority,
            replies: draft.replies.clone(),
            reply_mode: draft.reply_mode,
            enabled: draft.enabled,
            deleted: false,
            created_at,
            updated_at: now,
        });
    }
    let matcher = Matcher::build(&rules);
    let stimulus = message.stimulus();
    let random = |id: &str| matcher.rules().iter().any(|r| r.id == id && r.reply_mode == ReplyMode::Random);
    // Every candidate reply is shown: "all" sends them, "random" one of them.
    let decision = decide(&matcher, &stimulus, None, now, values, &mut |_| 0).map(|mut decision| {
        if let Some(rule) = matcher.rules().iter().find(|r| r.id == decision.rule_id) {
            decision.replies = rule.replies.iter().map(|r| r.render(values)).collect();
        }
        decision
    });
    let random = decision.as_ref().is_some_and(|d| random(&d.rule_id));
    TryOutcome { decision, random }
}

/// Whether WeChat takes `body` as the passive reply to `stimulus`: a text,
/// or one article (its passive `news` reply; an image needs a media id
/// uploaded first, so it goes as a customer-service message).
pub fn fits_passive_reply(body: &MessageBody) -> bool {
    matches!(body, MessageBody::Text { .. } | MessageBody::Article { .. })
}

/// The ids of the automatic replies to the message `inbound_message_id`:
/// derived from it, so a platform's retried callback finds them.
pub fn reply_id(inbound_message_id: &str, n: usize) -> String {
    format!("{inbound_message_id}~auto{n}")
}

/// The automatic replies to the subscriber's message `received` (the
/// changes `conversation_rules::receive` decided for it), as outbound
/// messages in its conversation, marked automatic. With `passive` the
/// first reply that fits goes in the platform callback's answer; the others
/// go as customer-service messages while the reply window allows, the rest
/// are dropped (the platform would refuse them).
pub fn answer<W: World + ?Sized>(
    world: &W,
    matcher: &Matcher,
    stimulus: &Stimulus,
    received: &[Change],
    passive: bool,
    now: Millis,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<Vec<Change>, WicketError> {
    let Some(message) = received.iter().find_map(|c| match c {
        Change::Message(m) if m.direction == Direction::Inbound => Some(m),
        _ => None,
    }) else {
        return Ok(Vec::new());
    };
    let Some(conversation) = received.iter().find_map(|c| match c {
        Change::Conversation(c) => Some(c.clone()),
        _ => None,
    }) else {
        return Ok(Vec::new());
    };
    let account = world
        .account(&conversation.account_id)?
        .ok_or_else(|| WicketError::not_found(format!("account {}", conversation.account_id)))?;
    let subscriber: Option<Subscriber> = match received.iter().find_map(|c| match c {
        Change::Subscriber(s) => Some(s.clone()),
        _ => None,
    }) {
        Some(s) => Some(s),
        None => world.subscriber(&conversation.subscriber_id)?,
    };
    let values = TemplateValues {
        subscriber_name: subscriber.map(|s| s.display_name).unwrap_or_default(),
        account_name: account.name.clone(),
    };
    let last_default_at = match matcher.default_rule() {
        Some(rule) if stimulus.wants_default() => world.last_auto_reply_at(&conversation.id, &rule.id)?,
        _ => None,
    };
    let Some(decision) = decide(matcher, stimulus, last_default_at, now, &values, pick) else {
        return Ok(Vec::new());
    };
    // The window as the subscriber's message has just opened it.
    let mut ledger: ReplyLedger = world.reply_ledger(&conversation.id, now)?;
    match &message.body {
        MessageBody::Event(event) if event.opens_event_window() => {
            ledger.last_event_at = Some(now);
            ledger.replies_since_event = 0;
        }
        MessageBody::Event(_) => {}
        _ => {
            ledger.last_message_at = Some(now);
            ledger.replies_since_message = 0;
        }
    }
    let window = reply_window(&account.reply_policy(), &ledger, now);
    let mut left = if window.open { window.replies_left } else { Some(0) };
    let mut passive_left = passive;
    let mut changes = Vec::new();
    let mut preview = None;
    for (n, body) in decision.replies.into_iter().enumerate() {
        let is_passive = passive_left && fits_passive_reply(&body);
        if is_passive {
            passive_left = false;
        } else {
            match &mut left {
                Some(0) => continue,
                Some(count) => *count -= 1,
                None => {}
            }
        }
        preview = Some(body.preview());
        changes.push(Change::Message(Message {
            id: reply_id(&message.id, n),
            conversation_id: conversation.id.clone(),
            direction: Direction::Outbound,
            author: None,
            body,
            client_msg_id: None,
            platform_msg_id: None,
            delivery: Some(Delivery::Sent),
            created_at: now,
            auto_reply: Some(AutoReplyMark {
                rule_id: decision.rule_id.clone(),
                trigger: decision.trigger.clone(),
                passive: is_passive,
            }),
        }));
    }
    if let Some(preview) = preview {
        // The thread's newest line is the reply.
        changes.push(Change::Conversation(Conversation { preview, updated_at: now, ..conversation }));
    }
    Ok(changes)
}

/// A rule saved by staff: checked against the account's platform limits,
/// keeping when it was made.
pub fn save<W: World + ?Sized>(
    world: &W,
    draft: &AutoReplyRuleDraft,
    actor: &Actor,
) -> Result<Vec<Change>, WicketError> {
    let SaveStart::Changed { account, current } = synced::start_save::<AutoReplyRule, W>(world, draft)? else {
        return Ok(Vec::new());
    };
    synced::refuse_issues(check(draft, account.platform, &world.auto_reply_rules(&draft.account_id)?))?;
    let name = draft.name.trim().to_owned();
    Ok(vec![Change::AutoReplyRule(AutoReplyRule {
        id: draft.id.clone(),
        account_id: draft.account_id.clone(),
        name,
        trigger: draft.trigger.clone(),
        priority: draft.priority,
        replies: draft.replies.clone(),
        reply_mode: draft.reply_mode,
        enabled: draft.enabled,
        deleted: false,
        created_at: current.as_ref().map_or(actor.now, |c| c.created_at),
        updated_at: actor.now,
    })])
}

/// A rule deleted by staff: kept as a tombstone.
pub fn delete<W: World + ?Sized>(world: &W, id: &str, actor: &Actor) -> Result<Vec<Change>, WicketError> {
    synced::delete::<AutoReplyRule, W>(world, id, actor)
}

impl SyncedEdit for AutoReplyRuleDraft {
    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
}

impl SyncedEntity for AutoReplyRule {
    type Edit = AutoReplyRuleDraft;
    const NOUN: &'static str = "rule";
    const ID_INVALID_KEY: &'static str = "auto_reply.id.invalid";

    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
    fn is_deleted(&self) -> bool {
        self.deleted
    }
    fn as_edit(&self) -> AutoReplyRuleDraft {
        self.draft()
    }
    fn into_tombstone(self, now: Millis) -> Self {
        AutoReplyRule { deleted: true, updated_at: now, ..self }
    }
    fn into_change(self) -> Change {
        Change::AutoReplyRule(self)
    }
    fn from_change(change: Change) -> Option<Self> {
        match change {
            Change::AutoReplyRule(rule) => Some(rule),
            _ => None,
        }
    }
    fn is_edited_by(mutation: &Mutation) -> bool {
        matches!(mutation, Mutation::SaveAutoReplyRule(_) | Mutation::DeleteAutoReplyRule { .. })
    }
    fn stored<W: World + ?Sized>(world: &W, id: &str) -> Result<Option<Self>, ReadError> {
        world.auto_reply_rule(id)
    }
}

/// The automatic replies read from an account's WeChat console
/// (`get_current_autoreply_info`), as rules to save, and what could not come
/// along (voice, video and console images are WeChat media ids Wicket cannot
/// send again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AutoReplyImport {
    pub drafts: Vec<AutoReplyRuleDraft>,
    /// One line per reply left out: the rule's name and the reply's type.
    pub skipped: Vec<String>,
}

fn wechat_reply(reply: &serde_json::Value) -> Option<AutoReplyContent> {
    match reply.get("type")?.as_str()? {
        "text" => Some(AutoReplyContent::Text { text: reply.get("content")?.as_str()?.to_owned() }),
        "news" => {
            let article = reply.get("news_info")?.get("list")?.get(0)?;
            let field = |name: &str| article.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            Some(AutoReplyContent::Article {
                title: field("title"),
                description: field("digest"),
                url: field("content_url"),
                image_url: field("cover_url"),
            })
        }
        _ => None,
    }
}

/// The rules of WeChat's answer `info`, for `account_id`. Ids are derived
/// from WeChat's (a rule's creation time), so importing again edits the
/// same rules instead of adding copies. A switched-off group comes in
/// switched off.
pub fn from_wechat_autoreply_info(info: &serde_json::Value, account_id: &str) -> AutoReplyImport {
    let mut drafts = Vec::new();
    let mut skipped = Vec::new();
    let on = |name: &str| info.get(name).and_then(|v| v.as_i64()) == Some(1);
    let rule = |id: String, name: String, trigger: AutoReplyTrigger, replies, reply_mode, enabled| AutoReplyRuleDraft {
        id,
        account_id: account_id.to_owned(),
        name,
        trigger,
        priority: 0,
        replies,
        reply_mode,
        enabled,
    };
    let mut single = |key: &str,
                      id: &str,
                      name: &str,
                      trigger: AutoReplyTrigger,
                      enabled: bool,
                      drafts: &mut Vec<_>| {
        if let Some(reply) = info.get(key).filter(|v| v.is_object()) {
            match wechat_reply(reply) {
                Some(content) => {
                    drafts.push(rule(id.to_owned(), name.to_owned(), trigger, vec![content], ReplyMode::All, enabled))
                }
                None => skipped.push(format!("{name}: {}", reply.get("type").and_then(|t| t.as_str()).unwrap_or("?"))),
            }
        }
    };
    single(
        "add_friend_autoreply_info",
        "wechat-follow",
        "Follow",
        AutoReplyTrigger::Follow { scene: None },
        on("is_add_friend_reply_open"),
        &mut drafts,
    );
    single(
        "message_default_autoreply_info",
        "wechat-default",
        "Default",
        AutoReplyTrigger::Default { quiet_minutes: DEFAULT_QUIET_MINUTES },
        on("is_autoreply_open"),
        &mut drafts,
    );
    let list = info.get("keyword_autoreply_info").and_then(|k| k.get("list")).and_then(|l| l.as_array());
    for (n, item) in list.into_iter().flatten().enumerate() {
        let name = item.get("rule_name").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let keywords: Vec<Keyword> = item
            .get("keyword_list_info")
            .and_then(|k| k.as_array())
            .into_iter()
            .flatten()
            .filter_map(|k| {
                let text = k.get("content")?.as_str()?.to_owned();
                let mode = match k.get("match_mode")?.as_str()? {
                    "equal" => KeywordMode::Exact,
                    _ => KeywordMode::Contains,
                };
                Some(Keyword { text, mode })
            })
            .collect();
        let mut replies = Vec::new();
        for reply in item.get("reply_list_info").and_then(|r| r.as_array()).into_iter().flatten() {
            match wechat_reply(reply) {
                Some(content) => replies.push(content),
                None => skipped.push(format!("{name}: {}", reply.get("type").and_then(|t| t.as_str()).unwrap_or("?"))),
            }
        }
        if keywords.is_empty() || replies.is_empty() {
            continue;
        }
        let reply_mode = match item.get("reply_mode").and_then(|m| m.as_str()) {
            Some("random_one") => ReplyMode::Random,
            _ => ReplyMode::All,
        };
        let created = item.get("create_time").and_then(|t| t.as_i64()).unwrap_or(n as i64);
        let id = format!("wechat-{created}-{n}");
        drafts.push(rule(
            id,
            name,
            AutoReplyTrigger::Keyword { keywords },
            replies,
            reply_mode,
            on("is_autoreply_open"),
        ));
    }
    AutoReplyImport { drafts, skipped }
}

#[cfg(test)]
#[path = "auto_reply_tests.rs"]
mod tests;
