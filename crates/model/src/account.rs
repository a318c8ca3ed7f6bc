//! Public service accounts: what a merchant runs on a platform.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Issue;
use crate::platform::{self, wicket, LengthRule, ReplyPolicy};
use crate::Millis;

/// Which platform's rules an account follows; its home is `platform`.
pub use crate::platform::PlatformProfile;

/// A client-made id (a UUID), so an account created offline has its id at once.
pub type AccountId = String;

/// A public service account as every part of Wicket sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[schema(value_type = String)]
    pub id: AccountId,
    pub name: String,
    pub platform: PlatformProfile,
    pub category: String,
    pub description: String,
    /// `#rrggbb`, the colour of the account's avatar in the console.
    pub avatar_color: String,
    pub archived: bool,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
    /// Rules staff adjusted for this account; `None` follows its platform.
    #[serde(default)]
    pub settings: Option<AccountSettings>,
}

impl Account {
    /// The rules in force: the adjusted ones, or the platform's.
    pub fn settings(&self) -> AccountSettings {
        self.settings.unwrap_or_else(|| AccountSettings::defaults_for(self.platform))
    }

    pub fn reply_policy(&self) -> ReplyPolicy {
        self.settings().reply
    }
}

/// Per-account rules staff may adjust; the defaults are the platform's
/// (PLATFORM-RULES §2 and §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    pub reply: ReplyPolicy,
    pub broadcast: BroadcastCap,
}

/// How many broadcasts reach one subscriber in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastCap {
    pub max: u32,
    pub period: BroadcastPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BroadcastPeriod {
    Day,
    Week,
    /// A calendar month.
    Month,
}

/// Bounds on what staff may set, so a typo cannot open a window for a year.
mod setting_limits {
    pub const WINDOW_HOURS: (u32, u32) = (1, 168);
    pub const EVENT_WINDOW_SECONDS: (u32, u32) = (0, 86_400);
    pub const QUOTA: (u32, u32) = (1, 1_000);
    pub const DAILY_CAP: (u32, u32) = (1, 10_000);
    pub const BROADCASTS: (u32, u32) = (1, 100);
}

impl AccountSettings {
    pub fn defaults_for(profile: PlatformProfile) -> Self {
        let broadcast = match profile {
            // WX-MASS: a service account reaches each subscriber at most 4
            // times a calendar month.
            PlatformProfile::Wechat => BroadcastCap { max: 4, period: BroadcastPeriod::Month },
            // Alipay publishes no current cap; its 2014 服务窗 text said once
            // a week (FWC2014 §5.2.4), kept as the cautious default.
            PlatformProfile::Alipay => BroadcastCap { max: 1, period: BroadcastPeriod::Week },
        };
        Self { reply: ReplyPolicy::for_profile(profile), broadcast }
    }

    /// Every value outside its bounds, with its path under `settings`.
    pub fn check(&self, issues: &mut Vec<Issue>) {
        use setting_limits::*;
        let mut within = |path: &str, value: u32, (min, max): (u32, u32)| {
            if value < min || value > max {
                issues.push(
                    Issue::new(format!("settings.{path}"), "account.settings.out_of_range")
                        .with("min", min)
                        .with("max", max),
                );
            }
        };
        let reply = &self.reply;
        within("reply.message_window_hours", reply.message_window_hours, WINDOW_HOURS);
        within("reply.event_window_seconds", reply.event_window_seconds, EVENT_WINDOW_SECONDS);
        if let Some(quota) = reply.message_quota {
            within("reply.message_quota", quota, QUOTA);
        }
        if let Some(quota) = reply.event_quota {
            within("reply.event_quota", quota, QUOTA);
        }
        if let Some(cap) = reply.daily_cap {
            within("reply.daily_cap", cap, DAILY_CAP);
        }
        within("broadcast.max", self.broadcast.max, BROADCASTS);
    }
}

/// What staff fill in to create an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    #[schema(value_type = String)]
    pub id: AccountId,
    pub name: String,
    pub platform: PlatformProfile,
    pub category: String,
    pub description: String,
    pub avatar_color: String,
}

/// An edit of an account's details; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub avatar_color: Option<String>,
    /// New rules; the platform's defaults to go back to them.
    pub settings: Option<AccountSettings>,
}

/// What staff fill in on the "new account" form; the console adds the id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountDraft {
    pub name: String,
    pub platform: PlatformProfile,
    pub category: String,
    pub description: String,
    pub avatar_color: String,
}

impl AccountDraft {
    pub fn with_id(self, id: AccountId) -> NewAccount {
        NewAccount {
            id,
            name: self.name,
            platform: self.platform,
            category: self.category,
            description: self.description,
            avatar_color: self.avatar_color,
        }
    }
}

/// An account as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AccountListItem {
    pub account: Account,
    /// Changes to it are kept on this computer and not yet accepted by the server.
    pub waiting: bool,
}

/// The avatar colours the console offers; any `#rrggbb` is accepted.
pub const AVATAR_COLORS: [&str; 8] =
    ["#1677ff", "#07c160", "#fa8c16", "#eb2f96", "#722ed1", "#13c2c2", "#f5222d", "#595959"];

impl NewAccount {
    /// Trims what people type and returns every problem found.
    pub fn normalized(mut self) -> Result<Self, Vec<Issue>> {
        self.name = self.name.trim().to_owned();
        self.category = self.category.trim().to_owned();
        self.description = self.description.trim().to_owned();
        self.avatar_color = self.avatar_color.trim().to_ascii_lowercase();
        let mut issues = Vec::new();
        if self.id.trim().is_empty() || self.id.len() > 64 {
            issues.push(Issue::new("id", "account.id.invalid"));
        }
        check_name(&self.name, self.platform, &mut issues);
        check_max("category", "account.category.too_long", &self.category, wicket::CATEGORY_MAX_CHARS, &mut issues);
        check_max(
            "description",
            "account.description.too_long",
            &self.description,
            wicket::DESCRIPTION_MAX_CHARS,
            &mut issues,
        );
        check_color(&self.avatar_color, &mut issues);
        if issues.is_empty() {
            Ok(self)
        } else {
            Err(issues)
        }
    }

    pub fn into_account(self, now: Millis) -> Account {
        Account {
            id: self.id,
            name: self.name,
            platform: self.platform,
            category: self.category,
            description: self.description,
            avatar_color: self.avatar_color,
            archived: false,
            created_at: now,
            updated_at: now,
            settings: None,
        }
    }
}

impl AccountPatch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.category.is_none()
            && self.description.is_none()
            && self.avatar_color.is_none()
            && self.settings.is_none()
    }

    /// Applies the patch to a copy of `account`, checking every changed field.
    pub fn applied_to(&self, account: &Account, now: Millis) -> Result<Account, Vec<Issue>> {
        let mut next = account.clone();
        let mut issues = Vec::new();
        if let Some(name) = &self.name {
            next.name = name.trim().to_owned();
            check_name(&next.name, next.platform, &mut issues);
        }
        if let Some(category) = &self.category {
            next.category = category.trim().to_owned();
            check_max("category", "account.category.too_long", &next.category, wicket::CATEGORY_MAX_CHARS, &mut issues);
        }
        if let Some(description) = &self.description {
            next.description = description.trim().to_owned();
            check_max(
                "description",
                "account.description.too_long",
                &next.description,
                wicket::DESCRIPTION_MAX_CHARS,
                &mut issues,
            );
        }
        if let Some(color) = &self.avatar_color {
            next.avatar_color = color.trim().to_ascii_lowercase();
            check_color(&next.avatar_color, &mut issues);
        }
        if let Some(settings) = self.settings {
            settings.check(&mut issues);
            // The platform's own rules are kept as "none adjusted", so the
            // account follows them if Wicket's defaults are corrected later.
            next.settings = (settings != AccountSettings::defaults_for(next.platform)).then_some(settings);
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        if next != *account {
            next.updated_at = now;
        }
        Ok(next)
    }
}

fn check_name(name: &str, platform: PlatformProfile, issues: &mut Vec<Issue>) {
    let LengthRule { min, max, unit } = platform::for_profile(platform).account_name;
    let length = unit.measure(name);
    if name.is_empty() {
        issues.push(Issue::new("name", "account.name.required"));
    } else if length < min {
        issues.push(Issue::new("name", "account.name.too_short").with("min", min).with("actual", length));
    } else if length > max {
        issues.push(Issue::new("name", "account.name.too_long").with("max", max).with("actual", length));
    }
    if name.chars().any(char::is_control) {
        issues.push(Issue::new("name", "account.name.control_chars"));
    }
}

fn check_max(path: &str, key: &str, text: &str, max: usize, issues: &mut Vec<Issue>) {
    let length = text.chars().count();
    if length > max {
        issues.push(Issue::new(path, key).with("max", max).with("actual", length));
    }
}

fn check_color(color: &str, issues: &mut Vec<Issue>) {
    let valid = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !valid {
        issues.push(Issue::new("avatar_color", "account.avatar_color.invalid"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_account(name: &str, platform: PlatformProfile) -> NewAccount {
        NewAccount {
            id: "a1".into(),
            name: name.into(),
            platform,
            category: "Credit cards".into(),
            description: String::new(),
            avatar_color: "#1677FF".into(),
        }
    }

    #[test]
    fn a_valid_account_is_trimmed_and_kept() {
        let account = new_account("  招商银行信用卡 ", PlatformProfile::Alipay).normalized().unwrap();
        assert_eq!(account.name, "招商银行信用卡", "surrounding spaces are trimmed");
        assert_eq!(account.avatar_color, "#1677ff", "colours are kept in lower case");
    }

    #[test]
    fn an_empty_name_is_required() {
        let issues = new_account("   ", PlatformProfile::Wechat).normalized().unwrap_err();
        assert_eq!(issues, vec![Issue::new("name", "account.name.required")]);
    }

    #[test]
    fn alipay_names_follow_alipays_length_rule() {
        let too_long = "银".repeat(21);
        let issues = new_account(&too_long, PlatformProfile::Alipay).normalized().unwrap_err();
        assert_eq!(issues[0].key, "account.name.too_long");
        assert_eq!(issues[0].param("max"), Some("20"), "Alipay allows 20 characters");
        assert!(new_account(&"银".repeat(20), PlatformProfile::Alipay).normalized().is_ok(), "20 is allowed");
        let short = new_account("银", PlatformProfile::Alipay).normalized().unwrap_err();
        assert_eq!(short[0].key, "account.name.too_short", "Alipay needs 2 characters");
        assert!(new_account("银", PlatformProfile::Wechat).normalized().is_ok(), "WeChat has no minimum above 1");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut account = new_account("", PlatformProfile::Wechat);
        account.avatar_color = "blue".into();
        account.category = "x".repeat(41);
        let keys: Vec<_> = account.normalized().unwrap_err().into_iter().map(|i| i.key).collect();
        assert_eq!(keys, ["account.name.required", "account.category.too_long", "account.avatar_color.invalid"]);
    }

    #[test]
    fn a_patch_that_changes_nothing_keeps_the_timestamp() {
        let account = new_account("Bank", PlatformProfile::Wechat).normalized().unwrap().into_account(10);
        let patch = AccountPatch { name: Some(" Bank ".into()), ..Default::default() };
        assert_eq!(patch.applied_to(&account, 99).unwrap().updated_at, 10, "an unchanged name is no change");
        let rename = AccountPatch { name: Some("Bank B".into()), ..Default::default() };
        let renamed = rename.applied_to(&account, 99).unwrap();
        assert_eq!((renamed.name.as_str(), renamed.updated_at), ("Bank B", 99));
    }

    #[test]
    fn settings_default_to_the_platform_and_can_be_adjusted_within_bounds() {
        let account = new_account("Bank", PlatformProfile::Wechat).normalized().unwrap().into_account(10);
        assert_eq!(account.reply_policy().message_quota, Some(5), "WeChat: 5 replies after a message");
        assert_eq!(account.settings().broadcast, BroadcastCap { max: 4, period: BroadcastPeriod::Month });

        let mut adjusted = account.settings();
        adjusted.reply.message_quota = Some(3);
        let patch = AccountPatch { settings: Some(adjusted), ..Default::default() };
        let next = patch.applied_to(&account, 20).unwrap();
        assert_eq!(next.reply_policy().message_quota, Some(3), "staff may lower the quota");

        let back = AccountPatch {
            settings: Some(AccountSettings::defaults_for(PlatformProfile::Wechat)),
            ..Default::default()
        };
        assert_eq!(
            back.applied_to(&next, 30).unwrap().settings,
            None,
            "the platform's rules are stored as none adjusted"
        );

        let mut wild = account.settings();
        wild.reply.message_window_hours = 24 * 365;
        wild.broadcast.max = 0;
        let issues = AccountPatch { settings: Some(wild), ..Default::default() }.applied_to(&account, 40).unwrap_err();
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["settings.reply.message_window_hours", "settings.broadcast.max"], "each bad value is named");
    }
}
