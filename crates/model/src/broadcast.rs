//! Broadcasts: one message to many subscribers, within each platform's cap on
//! mass messages (PLATFORM-RULES §3). What a segment holds, who a broadcast
//! reaches and why the others are skipped are decided here, with the clock
//! and the time zone passed in, so the console's forecast and the server's
//! fan-out make the same decision for each subscriber.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::{Account, BroadcastCap, BroadcastPeriod};
use crate::conversation::{MessageBody, Subscriber};
use crate::error::{Issue, WicketError};
use crate::platform::{self, CapScope};
use crate::Millis;

const MINUTE: Millis = 60_000;
const DAY: Millis = 24 * 60 * MINUTE;

/// Which subscribers a broadcast or a saved segment holds. Every condition
/// given must hold; an empty filter holds every subscriber of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentFilter {
    /// At least one of these tags (none: any subscriber).
    #[serde(default)]
    pub tags_any: Vec<String>,
    /// Every one of these tags.
    #[serde(default)]
    pub tags_all: Vec<String>,
    /// Subscribers of these platforms (`sandbox`, `wechat`, `alipay`); none: all.
    #[serde(default)]
    pub platforms: Vec<String>,
    /// Followed at or after this time.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub followed_after: Option<Millis>,
    /// Followed before this time.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub followed_before: Option<Millis>,
    /// Last active (any message or event) at or after this time.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub active_after: Option<Millis>,
    /// Last active before this time (or never).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub active_before: Option<Millis>,
    /// Wrote to the account within its reply window (the hours of its reply
    /// policy), so staff could still answer them one by one.
    #[serde(default)]
    pub wrote_within_reply_window: bool,
}

/// What a segment reads of one subscriber besides the subscriber itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    /// The last message or event of theirs.
    pub last_active_at: Option<Millis>,
    /// The last message they wrote (not an event).
    pub last_wrote_at: Option<Millis>,
}

/// The most tags a filter may name, so a filter stays a filter.
pub const FILTER_MAX_TAGS: usize = 20;

impl SegmentFilter {
    /// Whether `subscriber` belongs, at `now`, on an account whose reply
    /// window is `window_hours` long.
    pub fn matches(&self, subscriber: &Subscriber, activity: Activity, now: Millis, window_hours: u32) -> bool {
        let has = |tag: &String| subscriber.tags.iter().any(|t| t == tag);
        if !self.tags_any.is_empty() && !self.tags_any.iter().any(has) {
            return false;
        }
        if !self.tags_all.iter().all(has) {
            return false;
        }
        if !self.platforms.is_empty() && !self.platforms.contains(&subscriber.platform) {
            return false;
        }
        if let Some(after) = self.followed_after {
            if subscriber.followed_at.is_none_or(|at| at < after) {
                return false;
            }
        }
        if let Some(before) = self.followed_before {
            if subscriber.followed_at.is_none_or(|at| at >= before) {
                return false;
            }
        }
        if let Some(after) = self.active_after {
            if activity.last_active_at.is_none_or(|at| at < after) {
                return false;
            }
        }
        if let Some(before) = self.active_before {
            if activity.last_active_at.is_some_and(|at| at >= before) {
                return false;
            }
        }
        if self.wrote_within_reply_window {
            let window = Millis::from(window_hours) * 60 * MINUTE;
            if activity.last_wrote_at.is_none_or(|at| now - at >= window) {
                return false;
            }
        }
        true
    }

    /// The one tag this filter is, when it is nothing but one tag (of any
    /// platform's subscribers, or of WeChat's only): a segment WeChat can
    /// send to by tag.
    pub fn single_tag(&self) -> Option<&str> {
        let only = |platforms: &[String]| platforms.is_empty() || platforms == ["wechat"];
        let rest = SegmentFilter { tags_any: vec![], tags_all: vec![], platforms: vec![], ..self.clone() };
        if rest != SegmentFilter::default() || !only(&self.platforms) {
            return None;
        }
        match (self.tags_any.as_slice(), self.tags_all.as_slice()) {
            ([tag], []) | ([], [tag]) => Some(tag),
            ([a], [b]) if a == b => Some(a),
            _ => None,
        }
    }

    /// Whether the filter reads subscribers' activity (a costlier read).
    pub fn needs_activity(&self) -> bool {
        self.active_after.is_some() || self.active_before.is_some() || self.wrote_within_reply_window
    }

    pub fn check(&self, path: &str, issues: &mut Vec<Issue>) {
        let tags = self.tags_any.len() + self.tags_all.len();
        if tags > FILTER_MAX_TAGS {
            issues.push(
                Issue::new(format!("{path}.tags_any"), "segment.tags.too_many")
                    .with("max", FILTER_MAX_TAGS)
                    .with("actual", tags),
            );
        }
        for (i, name) in self.platforms.iter().enumerate() {
            if !["sandbox", "wechat", "alipay"].contains(&name.as_str()) {
                issues.push(Issue::new(format!("{path}.platforms.{i}"), "segment.platform.unknown"));
            }
        }
        let inverted = |a: Option<Millis>, b: Option<Millis>| matches!((a, b), (Some(a), Some(b)) if a >= b);
        if inverted(self.followed_after, self.followed_before) || inverted(self.active_after, self.active_before) {
            issues.push(Issue::new(path.to_string(), "segment.range.empty"));
        }
    }
}

/// How many subscribers of one platform a segment holds, and how many of
/// them still follow (a broadcast can reach only those).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SegmentCount {
    pub platform: String,
    pub subscribers: u64,
    pub following: u64,
}

/// Counts `subscribers` (with their activity) by platform, in the order
/// platforms first appear: those `filter` holds on `account` at `now`.
pub fn segment_counts<'a>(
    account: &Account,
    filter: &SegmentFilter,
    subscribers: impl IntoIterator<Item = (&'a Subscriber, Activity)>,
    now: Millis,
) -> Vec<SegmentCount> {
    let window = account.reply_policy().message_window_hours;
    let mut out: Vec<SegmentCount> = Vec::new();
    for (subscriber, activity) in subscribers {
        if subscriber.account_id != account.id || !filter.matches(subscriber, activity, now, window) {
            continue;
        }
        let at = match out.iter().position(|c| c.platform == subscriber.platform) {
            Some(at) => at,
            None => {
                out.push(SegmentCount { platform: subscriber.platform.clone(), ..Default::default() });
                out.len() - 1
            }
        };
        out[at].subscribers += 1;
        out[at].following += u64::from(subscriber.following);
    }
    out
}

/// Who a broadcast goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Every follower of the account.
    All,
    /// The followers a filter holds.
    Segment { filter: SegmentFilter },
}

impl Audience {
    pub fn matches(&self, subscriber: &Subscriber, activity: Activity, now: Millis, window_hours: u32) -> bool {
        match self {
            Audience::All => true,
            Audience::Segment { filter } => filter.matches(subscriber, activity, now, window_hours),
        }
    }

    pub fn needs_activity(&self) -> bool {
        matches!(self, Audience::Segment { filter } if filter.needs_activity())
    }

    /// Every problem with sending to this audience from `account`: the
    /// filter's own, and a segment its platform cannot be sent to. `prefix`
    /// is where the audience sits in the request (`audience.` in a new
    /// broadcast, empty in a forecast).
    pub fn check_on(&self, account: &Account, prefix: &str, issues: &mut Vec<Issue>) {
        if let Audience::Segment { filter } = self {
            filter.check(&format!("{prefix}filter"), issues);
            // Where a platform's refusal of the whole audience is shown.
            let at = match prefix.trim_end_matches('.') {
                "" => "filter".to_owned(),
                path => path.to_owned(),
            };
            // Alipay takes any segment: the server puts a label of the
            // broadcast's own on the recipients it decided (at most 10 a
            // call) and sends one `message.label.send` to that label, then
            // deletes it (`alipay::mass` in the server; PLATFORM-RULES §3.2,
            // §6). So the forecast's Alipay counts are who it reaches, as
            // for a send to all.

            // A WeChat subscription account (its cap is the account's, once
            // a day) cannot send by OpenID list (48001, WX-MASS): only to all
            // or to one of its tags.
            let may_hold_wechat = filter.platforms.is_empty() || filter.platforms.iter().any(|p| p == "wechat");
            let subscription = account.platform == crate::account::PlatformProfile::Wechat
                && CapRule::of(account).scope == CapScope::Account;
            if subscription && may_hold_wechat && filter.single_tag().is_none() {
                issues.push(Issue::new(at.clone(), "broadcast.wechat.segment_needs_tag"));
            }
        }
    }
}

/// A broadcast staff ask the server to send: now, or at a time the server
/// keeps. `id` is made by the console, so the same request sent twice
/// makes one broadcast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBroadcast {
    pub id: String,
    /// Text, image or article card.
    pub content: MessageBody,
    pub audience: Audience,
    /// When to send; `None` for now.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub send_at: Option<Millis>,
}

/// The longest broadcast text, in characters. WeChat's mass text has no
/// published limit; the customer-service text's ~2048 is the cautious one.
pub const TEXT_MAX_CHARS: usize = 2_000;
/// How far ahead a broadcast may be scheduled (about a year).
pub const SCHEDULE_MAX_AHEAD: Millis = 366 * DAY;

impl NewBroadcast {
    /// Every problem with this broadcast on `account`, at `now`.
    pub fn check(&self, account: &Account, now: Millis) -> Result<(), WicketError> {
        let mut issues = Vec::new();
        if self.id.is_empty() || self.id.len() > 64 || !self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            issues.push(Issue::new("id", "broadcast.id.invalid"));
        }
        let rules = platform::mass_send_rules(account.platform);
        match &self.content {
            MessageBody::Text { text } => {
                let chars = text.chars().count();
                if text.trim().is_empty() {
                    issues.push(Issue::new("content.text", "broadcast.text.required"));
                } else if chars > TEXT_MAX_CHARS {
                    issues.push(
                        Issue::new("content.text", "broadcast.text.too_long")
                            .with("max", TEXT_MAX_CHARS)
                            .with("actual", chars),
                    );
                }
            }
            MessageBody::Image { url } => {
                if url.trim().is_empty() {
                    issues.push(Issue::new("content.url", "broadcast.image.required"));
                }
            }
            MessageBody::Article { title, url, .. } => {
                if title.trim().is_empty() {
                    issues.push(Issue::new("content.title", "broadcast.article.title_required"));
                }
                if !url.starts_with("https://") && !url.starts_with("http://") {
                    issues.push(Issue::new("content.url", "broadcast.article.link_invalid"));
                }
            }
            _ => issues.push(Issue::new("content", "broadcast.content.kind")),
        }
        if !rules.content_kinds.contains(&content_kind(&self.content)) {
            issues.push(
                Issue::new("content", "broadcast.content.unsupported")
                    .with("platform", account.platform.as_str())
                    .with("kind", content_kind(&self.content)),
            );
        }
        self.audience.check_on(account, "audience.", &mut issues);
        if let Some(at) = self.send_at {
            if at < now - MINUTE {
                issues.push(Issue::new("send_at", "broadcast.schedule.past"));
            } else if at > now + SCHEDULE_MAX_AHEAD {
                issues.push(Issue::new("send_at", "broadcast.schedule.too_far"));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(WicketError::invalid(issues))
        }
    }
}

/// `text`, `image` or `article`: a broadcast content's kind.
pub fn content_kind(body: &MessageBody) -> &'static str {
    match body {
        MessageBody::Text { .. } => "text",
        MessageBody::Image { .. } => "image",
        MessageBody::Article { .. } => "article",
        _ => "other",
    }
}

/// Where a broadcast stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BroadcastStatus {
    /// Waiting for its time, kept by the server.
    Scheduled,
    /// Deciding who receives it and sending.
    Sending,
    /// Everyone decided has been sent to (or failed).
    Done,
    /// Stopped by staff; what had gone stays gone.
    Cancelled,
}

impl BroadcastStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BroadcastStatus::Scheduled => "scheduled",
            BroadcastStatus::Sending => "sending",
            BroadcastStatus::Done => "done",
            BroadcastStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Scheduled, Self::Sending, Self::Done, Self::Cancelled].into_iter().find(|s| s.as_str() == text)
    }
}

/// Why one subscriber is not sent a broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// They have had the account's cap of broadcasts this period
    /// (WeChat service accounts: 4 a calendar month).
    SubscriberCap,
    /// The account has sent its broadcasts for the period (WeChat
    /// subscription accounts: one mass send a day).
    AccountCap,
    /// They no longer follow the account.
    Unfollowed,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::SubscriberCap => "subscriber_cap",
            SkipReason::AccountCap => "account_cap",
            SkipReason::Unfollowed => "unfollowed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::SubscriberCap, Self::AccountCap, Self::Unfollowed].into_iter().find(|s| s.as_str() == text)
    }
}

/// The decision for one subscriber of a broadcast's audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Send,
    Skip(SkipReason),
}

/// The cap an account's broadcasts follow, as the fan-out needs it: the
/// account's setting read through its platform's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapRule {
    pub cap: BroadcastCap,
    pub scope: CapScope,
    /// The time zone the platform's calendar counts in, minutes east of UTC.
    pub utc_offset_minutes: i32,
}

impl CapRule {
    pub fn of(account: &Account) -> Self {
        let cap = account.settings().broadcast;
        let rules = platform::mass_send_rules(account.platform);
        let scope = if rules.cap_per_account || (cap.period == BroadcastPeriod::Day && rules.daily_cap_per_account) {
            CapScope::Account
        } else {
            CapScope::Subscriber
        };
        CapRule { cap, scope, utc_offset_minutes: rules.utc_offset_minutes }
    }

    /// When the cap's current period began, for a broadcast at `now`.
    pub fn period_start(&self, now: Millis) -> Millis {
        period_start(self.cap.period, now, self.utc_offset_minutes)
    }

    /// The decision for one subscriber, given how many broadcasts they
    /// (per-subscriber cap) or the account (per-account cap) already had
    /// since `period_start`, this one not counted.
    pub fn decide(&self, following: bool, subscriber_had: u32, account_had: u32) -> Decision {
        if !following {
            return Decision::Skip(SkipReason::Unfollowed);
        }
        match self.scope {
            CapScope::Subscriber if subscriber_had >= self.cap.max => Decision::Skip(SkipReason::SubscriberCap),
            CapScope::Account if account_had >= self.cap.max => Decision::Skip(SkipReason::AccountCap),
            _ => Decision::Send,
        }
    }
}

/// The start (UTC millis) of the day, ISO week (from Monday) or calendar
/// month holding `now` in the time zone `utc_offset_minutes` east of UTC.
pub fn period_start(period: BroadcastPeriod, now: Millis, utc_offset_minutes: i32) -> Millis {
    let offset = Millis::from(utc_offset_minutes) * MINUTE;
    let local = now + offset;
    let day = local.div_euclid(DAY);
    let start_day = match period {
        BroadcastPeriod::Day => day,
        // 1970-01-01 was a Thursday: Monday is 3 days before it.
        BroadcastPeriod::Week => day - (day + 3).rem_euclid(7),
        BroadcastPeriod::Month => {
            let (year, month, _) = civil_from_days(day);
            days_from_civil(year, month, 1)
        }
    };
    start_day * DAY - offset
}

/// (year, month 1–12, day 1–31) of a day counted from 1970-01-01
/// (H. Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day counted from 1970-01-01 of a civil date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What one platform's share of a broadcast comes to: forecast before it is
/// sent, counted from the server's ledger while and after it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct PlatformCounts {
    /// `sandbox`, `wechat` or `alipay`.
    pub platform: String,
    /// Subscribers of the audience on this platform.
    pub targeted: u64,
    /// Will receive it (forecast), or are still to be sent (ledger).
    pub pending: u64,
    pub sent: u64,
    /// Skipped because they had the per-subscriber cap this period.
    pub skipped_subscriber_cap: u64,
    /// Skipped because the account had its broadcasts this period.
    pub skipped_account_cap: u64,
    /// No longer following.
    pub unreachable: u64,
    pub failed: u64,
    /// Not sent because the broadcast was cancelled first.
    pub cancelled: u64,
}

impl PlatformCounts {
    pub fn new(platform: &str) -> Self {
        PlatformCounts { platform: platform.to_string(), ..Default::default() }
    }

    pub fn count(&mut self, decision: Decision) {
        self.targeted += 1;
        match decision {
            Decision::Send => self.pending += 1,
            Decision::Skip(SkipReason::SubscriberCap) => self.skipped_subscriber_cap += 1,
            Decision::Skip(SkipReason::AccountCap) => self.skipped_account_cap += 1,
            Decision::Skip(SkipReason::Unfollowed) => self.unreachable += 1,
        }
    }
}

/// One subscriber of the audience, as the forecast reads them.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub subscriber: &'a Subscriber,
    pub activity: Activity,
    /// Broadcasts they had since the cap's period began.
    pub had_this_period: u32,
}

/// The forecast of a broadcast, per platform, in the platforms' order of
/// first appearance. `account_had` is how many broadcasts the account sent
/// since the cap's period began; the clock is `now`.
pub fn forecast<'a>(
    account: &Account,
    audience: &Audience,
    candidates: impl IntoIterator<Item = Candidate<'a>>,
    account_had: u32,
    now: Millis,
) -> Vec<PlatformCounts> {
    let rule = CapRule::of(account);
    let window = account.reply_policy().message_window_hours;
    let mut out: Vec<PlatformCounts> = Vec::new();
    for candidate in candidates {
        let subscriber = candidate.subscriber;
        if subscriber.account_id != account.id || !audience.matches(subscriber, candidate.activity, now, window) {
            continue;
        }
        let decision = rule.decide(subscriber.following, candidate.had_this_period, account_had);
        let at = match out.iter().position(|c| c.platform == subscriber.platform) {
            Some(at) => at,
            None => {
                out.push(PlatformCounts::new(&subscriber.platform));
                out.len() - 1
            }
        };
        out[at].count(decision);
    }
    out
}

/// The totals a platform reported for one of its mass sends (WeChat's
/// MASSSENDJOBFINISH event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct PlatformTotals {
    /// The platform's id of the send (WeChat's `msg_id`).
    pub msg_id: String,
    /// `send success`, `send fail` or WeChat's `err(num)`.
    pub status: String,
    pub total: u64,
    /// After the platform's own filtering (its caps, unfollowed users).
    pub filtered: u64,
    pub sent: u64,
    pub errors: u64,
}

/// A reason some sends failed, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct FailureCount {
    /// An issue key the console translates.
    pub reason: String,
    pub count: u64,
}

/// A broadcast as staff see it: what, to whom, when, and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Broadcast {
    pub id: String,
    pub account_id: String,
    pub content: MessageBody,
    pub audience: Audience,
    pub status: BroadcastStatus,
    /// When it is (or was) due.
    #[schema(value_type = i64)]
    pub send_at: Millis,
    /// Every subscriber of the audience has been decided (sent, skipped).
    pub planned: bool,
    pub counts: Vec<PlatformCounts>,
    pub failures: Vec<FailureCount>,
    /// What the platforms reported of their own sends.
    pub platform_totals: Vec<PlatformTotals>,
    pub created_by: String,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

/// How far a running broadcast got, as the live feed tells consoles: the
/// ledger's counts so far, per platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct BroadcastProgress {
    pub account_id: String,
    pub broadcast_id: String,
    pub status: BroadcastStatus,
    /// Every subscriber of the audience has been decided.
    pub planned: bool,
    pub counts: Vec<PlatformCounts>,
    pub failures: Vec<FailureCount>,
}

impl BroadcastProgress {
    pub fn of(broadcast: &Broadcast) -> Self {
        BroadcastProgress {
            account_id: broadcast.account_id.clone(),
            broadcast_id: broadcast.id.clone(),
            status: broadcast.status,
            planned: broadcast.planned,
            counts: broadcast.counts.clone(),
            failures: broadcast.failures.clone(),
        }
    }
}

/// The forecast of a broadcast the console asks for before sending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Forecast {
    pub counts: Vec<PlatformCounts>,
    /// When the cap's current period began (the account's time zone).
    #[schema(value_type = i64)]
    pub period_start: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AccountSettings, PlatformProfile};

    // 2026-01-31T16:30:00Z: 00:30 on 1 February in China (UTC+8).
    const FEB_1_CHINA: Millis = 1_769_877_000_000;

    fn account(platform: PlatformProfile) -> Account {
        Account {
            id: "acc".into(),
            name: "Shop".into(),
            platform,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
            archived: false,
            created_at: 0,
            updated_at: 0,
            settings: None,
        }
    }

    fn subscriber(id: &str, platform: &str, tags: &[&str], followed_at: Millis) -> Subscriber {
        Subscriber {
            id: id.into(),
            account_id: "acc".into(),
            platform: platform.into(),
            platform_user_id: format!("u-{id}"),
            display_name: id.into(),
            following: true,
            followed_at: Some(followed_at),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            note: String::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn calendar_dates_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2026, 2, 1), 20_485);
        for day in [-800_000, -1, 0, 59, 11_016, 20_484, 20_485, 800_000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29) + 1), (2024, 3, 1), "a leap day");
    }

    #[test]
    fn a_month_begins_at_midnight_in_the_accounts_time_zone() {
        // 00:30 on 1 February in China is still 31 January in UTC.
        let china = period_start(BroadcastPeriod::Month, FEB_1_CHINA, 480);
        assert_eq!(china, days_from_civil(2026, 2, 1) * DAY - 8 * 3_600_000, "1 February, 00:00 China time");
        let utc = period_start(BroadcastPeriod::Month, FEB_1_CHINA, 0);
        assert_eq!(utc, days_from_civil(2026, 1, 1) * DAY, "in UTC it is still January");
        // A minute before midnight in China belongs to January there.
        assert_eq!(
            period_start(BroadcastPeriod::Month, FEB_1_CHINA - 31 * MINUTE, 480),
            days_from_civil(2026, 1, 1) * DAY - 8 * 3_600_000
        );
        // West of UTC the same instant is 31 January still, 1 day before.
        let new_york = period_start(BroadcastPeriod::Day, FEB_1_CHINA, -300);
        assert_eq!(new_york, days_from_civil(2026, 1, 31) * DAY + 5 * 3_600_000);
        // 2026-02-01 is a Sunday: its ISO week began on Monday 26 January.
        assert_eq!(
            period_start(BroadcastPeriod::Week, FEB_1_CHINA, 480),
            days_from_civil(2026, 1, 26) * DAY - 8 * 3_600_000
        );
    }

    #[test]
    fn a_service_account_caps_each_subscriber_and_a_subscription_account_itself() {
        let service = CapRule::of(&account(PlatformProfile::Wechat));
        assert_eq!((service.cap.max, service.scope), (4, CapScope::Subscriber));
        assert_eq!(service.decide(true, 3, 100), Decision::Send, "the account's count does not matter");
        assert_eq!(service.decide(true, 4, 0), Decision::Skip(SkipReason::SubscriberCap));
        assert_eq!(service.decide(false, 0, 0), Decision::Skip(SkipReason::Unfollowed));
        let mut subscription = account(PlatformProfile::Wechat);
        let mut settings = AccountSettings::defaults_for(PlatformProfile::Wechat);
        settings.broadcast = BroadcastCap { max: 1, period: BroadcastPeriod::Day };
        subscription.settings = Some(settings);
        let rule = CapRule::of(&subscription);
        assert_eq!(rule.scope, CapScope::Account, "WeChat's daily cap is the subscription account's");
        assert_eq!(rule.decide(true, 9, 0), Decision::Send);
        assert_eq!(rule.decide(true, 0, 1), Decision::Skip(SkipReason::AccountCap));
        let alipay = CapRule::of(&account(PlatformProfile::Alipay));
        assert_eq!(
            (alipay.cap.max, alipay.cap.period, alipay.scope),
            (1, BroadcastPeriod::Week, CapScope::Account),
            "Alipay's send to all reaches everyone: its once a week is the account's"
        );
        assert_eq!(alipay.decide(true, 0, 0), Decision::Send);
        assert_eq!(alipay.decide(true, 0, 1), Decision::Skip(SkipReason::AccountCap));
    }

    #[test]
    fn segments_filter_by_tags_platform_dates_and_the_reply_window() {
        let now = FEB_1_CHINA;
        let vip = subscriber("a", "wechat", &["VIP", "燕麦"], 100);
        let plain = subscriber("b", "sandbox", &[], 5_000);
        let quiet = Activity::default();
        let filter = |f: SegmentFilter| move |s: &Subscriber, a: Activity| f.matches(s, a, now, 48);
        let any = filter(SegmentFilter { tags_any: vec!["VIP".into(), "x".into()], ..Default::default() });
        assert!(any(&vip, quiet) && !any(&plain, quiet));
        let all = filter(SegmentFilter { tags_all: vec!["VIP".into(), "x".into()], ..Default::default() });
        assert!(!all(&vip, quiet), "every tag of tags_all");
        let sandbox = filter(SegmentFilter { platforms: vec!["sandbox".into()], ..Default::default() });
        assert!(sandbox(&plain, quiet) && !sandbox(&vip, quiet));
        let recent = filter(SegmentFilter { followed_after: Some(1_000), ..Default::default() });
        assert!(recent(&plain, quiet) && !recent(&vip, quiet));
        let wrote = filter(SegmentFilter { wrote_within_reply_window: true, ..Default::default() });
        let wrote_an_hour_ago =
            Activity { last_active_at: Some(now - 60 * MINUTE), last_wrote_at: Some(now - 60 * MINUTE) };
        let wrote_long_ago = Activity { last_active_at: Some(now), last_wrote_at: Some(now - 48 * 60 * MINUTE) };
        assert!(wrote(&vip, wrote_an_hour_ago));
        assert!(!wrote(&vip, wrote_long_ago), "48 hours on, the window has closed; a tap is no message");
        assert!(!wrote(&vip, quiet));
        let idle = filter(SegmentFilter { active_before: Some(now - DAY), ..Default::default() });
        assert!(idle(&vip, quiet), "never active counts as inactive");
        assert!(!idle(&vip, wrote_an_hour_ago));
        assert!(SegmentFilter::default().matches(&plain, quiet, now, 48), "an empty filter holds everyone");
    }

    #[test]
    fn the_forecast_counts_per_platform_who_receives_who_is_capped_and_who_left() {
        let account = account(PlatformProfile::Wechat);
        let mut left = subscriber("c", "wechat", &["VIP"], 0);
        left.following = false;
        let subscribers = [
            subscriber("a", "wechat", &["VIP"], 0),
            subscriber("b", "wechat", &["VIP"], 0),
            left,
            subscriber("d", "sandbox", &["VIP"], 0),
            subscriber("e", "sandbox", &[], 0),
        ];
        let had = [0, 4, 0, 3, 0];
        let candidates = subscribers.iter().zip(had).map(|(subscriber, had_this_period)| Candidate {
            subscriber,
            activity: Activity::default(),
            had_this_period,
        });
        let audience =
            Audience::Segment { filter: SegmentFilter { tags_any: vec!["VIP".into()], ..Default::default() } };
        let counts = forecast(&account, &audience, candidates, 0, FEB_1_CHINA);
        let wechat = PlatformCounts {
            platform: "wechat".into(),
            targeted: 3,
            pending: 1,
            skipped_subscriber_cap: 1,
            unreachable: 1,
            ..Default::default()
        };
        let sandbox = PlatformCounts { platform: "sandbox".into(), targeted: 1, pending: 1, ..Default::default() };
        assert_eq!(counts, [wechat, sandbox]);
    }

    #[test]
    fn a_broadcast_is_checked_against_its_platform() {
        let now = FEB_1_CHINA;
        let new = |content: MessageBody, send_at: Option<Millis>| NewBroadcast {
            id: "b-1".into(),
            content,
            audience: Audience::All,
            send_at,
        };
        let text = |t: &str| MessageBody::Text { text: t.into() };
        let wechat = account(PlatformProfile::Wechat);
        assert!(new(text("春季新品上市"), None).check(&wechat, now).is_ok());
        let keys = |result: Result<(), WicketError>| -> Vec<String> {
            result.unwrap_err().issues.into_iter().map(|i| i.key).collect()
        };
        assert_eq!(keys(new(text(" "), None).check(&wechat, now)), ["broadcast.text.required"]);
        assert_eq!(keys(new(text(&"字".repeat(2001)), None).check(&wechat, now)), ["broadcast.text.too_long"]);
        assert_eq!(keys(new(text("hi"), Some(now - DAY)).check(&wechat, now)), ["broadcast.schedule.past"]);
        let article = MessageBody::Article {
            title: "新品".into(),
            description: "春季".into(),
            url: "https://shop.example/new".into(),
            image_url: "https://shop.example/cover.jpg".into(),
        };
        assert!(new(article.clone(), None).check(&wechat, now).is_ok(), "WeChat's article card goes as mpnews");
        let image = MessageBody::Image { url: "/s/media/x".into() };
        assert_eq!(keys(new(image, None).check(&wechat, now)), ["broadcast.content.unsupported"]);
        assert!(new(article, None).check(&account(PlatformProfile::Alipay), now).is_ok());
        let alipay = account(PlatformProfile::Alipay);
        let to = |platforms: &[&str]| NewBroadcast {
            audience: Audience::Segment {
                filter: SegmentFilter {
                    tags_any: vec!["VIP".into()],
                    platforms: platforms.iter().map(|p| p.to_string()).collect(),
                    ..Default::default()
                },
            },
            ..new(text("hi"), None)
        };
        assert!(to(&[]).check(&alipay, now).is_ok(), "Alipay sends a segment through a label of its own");
        assert!(to(&["alipay", "sandbox"]).check(&alipay, now).is_ok());
        assert!(to(&["sandbox"]).check(&alipay, now).is_ok(), "sandbox subscribers are delivered directly");
        assert!(to(&[]).check(&wechat, now).is_ok());
        let mut subscription = account(PlatformProfile::Wechat);
        let mut settings = AccountSettings::defaults_for(PlatformProfile::Wechat);
        settings.broadcast = BroadcastCap { max: 1, period: BroadcastPeriod::Day };
        subscription.settings = Some(settings);
        assert!(to(&["wechat"]).check(&subscription, now).is_ok(), "one tag: WeChat sends to the tag");
        let two_tags = NewBroadcast {
            audience: Audience::Segment {
                filter: SegmentFilter { tags_any: vec!["VIP".into(), "新客".into()], ..Default::default() },
            },
            ..new(text("hi"), None)
        };
        assert_eq!(keys(two_tags.check(&subscription, now)), ["broadcast.wechat.segment_needs_tag"]);
        assert!(two_tags.check(&wechat, now).is_ok(), "a service account sends any segment by list");
        assert!(to(&["sandbox"]).check(&subscription, now).is_ok());
    }

    #[test]
    fn a_segment_of_one_tag_and_nothing_else_is_a_wechat_tag_send() {
        let tag = |any: &[&str], all: &[&str]| SegmentFilter {
            tags_any: any.iter().map(|t| t.to_string()).collect(),
            tags_all: all.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(tag(&["VIP"], &[]).single_tag(), Some("VIP"));
        assert_eq!(tag(&[], &["VIP"]).single_tag(), Some("VIP"));
        assert_eq!(tag(&["VIP"], &["VIP"]).single_tag(), Some("VIP"));
        assert_eq!(tag(&["VIP", "x"], &[]).single_tag(), None);
        assert_eq!(tag(&["VIP"], &["x"]).single_tag(), None);
        assert_eq!(tag(&[], &[]).single_tag(), None);
        let wechat_only = SegmentFilter { platforms: vec!["wechat".into()], ..tag(&["VIP"], &[]) };
        assert_eq!(wechat_only.single_tag(), Some("VIP"));
        let sandbox = SegmentFilter { platforms: vec!["sandbox".into()], ..tag(&["VIP"], &[]) };
        assert_eq!(sandbox.single_tag(), None);
        let recent = SegmentFilter { followed_after: Some(1), ..tag(&["VIP"], &[]) };
        assert_eq!(recent.single_tag(), None, "WeChat's tag knows no follow date");
        let window = SegmentFilter { wrote_within_reply_window: true, ..tag(&["VIP"], &[]) };
        assert_eq!(window.single_tag(), None);
    }
}
