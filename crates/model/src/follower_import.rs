//! "Import followers": an account's followers, listed by the platform page by
//! page with their profiles, become subscribers the way a follow makes them,
//! and the job's progress as the console shows it.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::change::Change;
use crate::conversation::Subscriber;
use crate::error::{ErrorCode, WicketError};
use crate::world::World;
use crate::Millis;

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowerImportStatus {
    /// Listing and importing (after a server restart too).
    Running,
    /// Every follower listed was handled.
    Done,
    /// Stopped by the platform's refusal or an error that did not pass: `error` says which.
    Failed,
}

/// An account's follower import, as the console shows it ("12,345 of 40,000").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct FollowerImport {
    pub status: FollowerImportStatus,
    /// Followers the platform says the account has (0 before the first page).
    pub total: u32,
    /// Followers listed so far.
    pub listed: u32,
    /// Followers made or brought up to date as subscribers.
    pub imported: u32,
    /// Followers whose profile could not be read (they may have left meanwhile).
    pub failed: u32,
    /// Why it stopped: an issue key the console translates (`wechat.import.not_authorised`, …).
    pub error: Option<String>,
    #[schema(value_type = i64)]
    pub started_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
    #[schema(value_type = Option<i64>)]
    pub finished_at: Option<Millis>,
}

/// A follower's profile as a platform gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerProfile {
    pub platform_user_id: String,
    /// False when they left between the listing and the profile.
    pub following: bool,
    pub followed_at: Option<Millis>,
    /// The merchant's own name for them on the platform (WeChat's remark), if any.
    pub remark: Option<String>,
    /// The name to give a new subscriber without a remark.
    pub default_name: String,
}

/// What importing `profiles` changes: a subscriber made for each follower
/// not yet known, following (as a follow makes them), and the known ones
/// (who followed or wrote before) brought up to date, never doubled. A
/// profile of someone who left and was never a subscriber makes nothing.
/// `new_ids[i]` is the id for a subscriber made from `profiles[i]`.
pub fn import_followers<W: World + ?Sized>(
    world: &W,
    account_id: &str,
    platform: &str,
    profiles: &[FollowerProfile],
    new_ids: &[String],
    now: Millis,
) -> Result<Vec<Change>, WicketError> {
    let account = world.account(account_id)?.ok_or_else(|| WicketError::not_found(format!("account {account_id}")))?;
    if account.archived {
        return Err(WicketError::new(ErrorCode::NotFound, "this account is no longer in service"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut changes = Vec::new();
    for (profile, new_id) in profiles.iter().zip(new_ids) {
        if !seen.insert(profile.platform_user_id.as_str()) {
            continue;
        }
        let remark = profile.remark.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let existing = world.subscriber_by_platform_id(account_id, platform, &profile.platform_user_id)?;
        let subscriber = match &existing {
            Some(known) => {
                let mut known = known.clone();
                if profile.following && !known.following {
                    known.following = true;
                    known.followed_at = profile.followed_at.or(Some(now));
                } else if !profile.following {
                    known.following = false;
                }
                if known.followed_at.is_none() && profile.following {
                    known.followed_at = profile.followed_at;
                }
                if let Some(remark) = remark {
                    known.display_name = remark.to_owned();
                }
                known
            }
            None if !profile.following => continue,
            None => Subscriber {
                id: new_id.clone(),
                account_id: account_id.to_owned(),
                platform: platform.to_owned(),
                platform_user_id: profile.platform_user_id.clone(),
                display_name: remark.map(str::to_owned).unwrap_or_else(|| profile.default_name.clone()),
                following: true,
                followed_at: profile.followed_at.or(Some(now)),
                tags: Vec::new(),
                note: String::new(),
                created_at: now,
                updated_at: now,
            },
        };
        if existing.as_ref() != Some(&subscriber) {
            changes.push(Change::Subscriber(Subscriber { updated_at: now, ..subscriber }));
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NewAccount;
    use crate::conversation::MessageBody;
    use crate::conversation_rules::{receive, Inbound, NewIds};
    use crate::platform::PlatformProfile;
    use crate::world::MemoryWorld;

    fn world() -> MemoryWorld {
        let mut world = MemoryWorld::default();
        let account = NewAccount {
            id: "acc".into(),
            name: "Bank".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#1677ff".into(),
        };
        world.absorb([Change::Account(account.normalized().unwrap().into_account(0))]);
        world
    }

    fn profile(id: &str, following: bool) -> FollowerProfile {
        FollowerProfile {
            platform_user_id: id.into(),
            following,
            followed_at: Some(5_000),
            remark: None,
            default_name: format!("微信用户 {id}"),
        }
    }

    #[test]
    fn followers_become_following_subscribers_once() {
        let mut world = world();
        let profiles = [profile("o1", true), profile("o2", true), profile("o1", true), profile("gone", false)];
        let ids: Vec<String> = (0..4).map(|i| format!("s{i}")).collect();
        let changes = import_followers(&world, "acc", "wechat", &profiles, &ids, 10).unwrap();
        assert_eq!(changes.len(), 2, "o1 listed twice is one subscriber; one who left and was unknown makes none");
        world.absorb(changes);
        assert!(world.subscribers["s0"].following, "an imported follower follows");
        assert_eq!(world.subscribers["s0"].followed_at, Some(5_000), "since the platform's follow time");
        let again = import_followers(&world, "acc", "wechat", &profiles, &ids, 20).unwrap();
        assert!(again.is_empty(), "importing the same followers again changes nothing");
    }

    #[test]
    fn a_follower_who_already_wrote_is_brought_up_to_date_not_doubled() {
        let mut world = world();
        let text = Inbound {
            account_id: "acc".into(),
            platform: "wechat".into(),
            platform_user_id: "o1".into(),
            display_name: "微信用户 O1".into(),
            platform_msg_id: Some("m1".into()),
            body: MessageBody::Text { text: "你好".into() },
        };
        let ids = NewIds { subscriber: "wrote".into(), conversation: "c".into(), message: "m".into() };
        world.absorb(receive(&world, &text, &ids, 1).unwrap());
        assert!(!world.subscribers["wrote"].following, "writing alone does not make a follower");
        let mut with_remark = profile("o1", true);
        with_remark.remark = Some("王先生".into());
        let changes = import_followers(&world, "acc", "wechat", &[with_remark], &["new".into()], 10).unwrap();
        world.absorb(changes);
        assert_eq!(world.subscribers.len(), 1, "the subscriber who wrote is not doubled");
        let known = &world.subscribers["wrote"];
        assert!(known.following && known.followed_at == Some(5_000), "now known to follow");
        assert_eq!(known.display_name, "王先生", "the merchant's remark names them");
    }
}
