//! Saved segments: a filter of an account's subscribers (tags, platform,
//! follow date, last active, wrote within the reply window) kept under a
//! name, so staff pick it again for the next broadcast instead of building
//! it anew. Whoever may send broadcasts may save, rename and delete them.
//! They travel like automatic-reply rules: saved offline through the
//! outbox, checked here by the console and again by the server, and carried
//! to every console by the change feed (a deleted one as a tombstone).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::AccountId;
use crate::broadcast::SegmentFilter;
use crate::change::Change;
use crate::error::{Issue, WicketError};
use crate::mutation::Mutation;
use crate::synced::{self, SaveStart, SyncedEdit, SyncedEntity};
use crate::world::{Actor, ReadError, World};
use crate::Millis;

/// The longest segment name, in characters (surrounding spaces aside).
pub const NAME_MAX_CHARS: usize = 40;

/// The most saved segments an account keeps (deleted ones aside).
pub const SEGMENTS_MAX: usize = 50;

/// The longest id a console may make for a segment.
pub const ID_MAX_BYTES: usize = synced::ID_MAX_BYTES;

/// What staff save: a segment as the console sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentDraft {
    /// Made by the console; the same id saved again renames or edits it.
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub name: String,
    pub filter: SegmentFilter,
}

/// A saved segment as stored and carried by the change feed. A deleted
/// segment stays as a tombstone so every console learns it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub name: String,
    pub filter: SegmentFilter,
    pub deleted: bool,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

impl Segment {
    pub fn draft(&self) -> SegmentDraft {
        SegmentDraft {
            id: self.id.clone(),
            account_id: self.account_id.clone(),
            name: self.name.clone(),
            filter: self.filter.clone(),
        }
    }
}

/// A segment in the console's list: whether an edit of it waits to be
/// sent, and how many subscribers it holds, counted from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SegmentItem {
    pub segment: Segment,
    pub waiting: bool,
    /// Subscribers the filter holds now, every platform together.
    pub subscribers: u64,
    /// Of them, those who still follow (a broadcast reaches only those).
    pub following: u64,
}

/// A name as two names are compared: surrounding spaces aside, Latin
/// letters in one case (full-width ones as ASCII), so "VIP" and "vip " are
/// one name.
fn folded(name: &str) -> String {
    crate::auto_reply::normalize(name)
}

/// Every rule `draft` breaks, as issue keys on the field's path. `others`
/// are the account's saved segments, deleted ones and `draft` itself
/// included (they are left out here).
pub fn check(draft: &SegmentDraft, others: &[Segment]) -> Vec<Issue> {
    let mut issues = Vec::new();
    let name = draft.name.trim();
    let chars = name.chars().count();
    if chars == 0 {
        issues.push(Issue::new("name", "segment.name.required"));
    } else if chars > NAME_MAX_CHARS {
        issues.push(Issue::new("name", "segment.name.too_long").with("max", NAME_MAX_CHARS).with("actual", chars));
    }
    let others: Vec<&Segment> = synced::live_others(others, draft).collect();
    if chars > 0 && others.iter().any(|s| folded(&s.name) == folded(name)) {
        issues.push(Issue::new("name", "segment.name.taken"));
    }
    if others.len() + 1 > SEGMENTS_MAX {
        issues.push(Issue::new("id", "segment.saved.too_many").with("max", SEGMENTS_MAX));
    }
    draft.filter.check("filter", &mut issues);
    issues
}

/// A segment saved by staff (a new one, or a rename or edit by its id),
/// keeping when it was made.
pub fn save<W: World + ?Sized>(world: &W, draft: &SegmentDraft, actor: &Actor) -> Result<Vec<Change>, WicketError> {
    let SaveStart::Changed { current, .. } = synced::start_save::<Segment, W>(world, draft)? else {
        return Ok(Vec::new());
    };
    synced::refuse_issues(check(draft, &world.segments(&draft.account_id)?))?;
    Ok(vec![Change::Segment(Segment {
        id: draft.id.clone(),
        account_id: draft.account_id.clone(),
        name: draft.name.trim().to_owned(),
        filter: draft.filter.clone(),
        deleted: false,
        created_at: current.as_ref().map_or(actor.now, |c| c.created_at),
        updated_at: actor.now,
    })])
}

/// A segment deleted by staff: kept as a tombstone. Broadcasts already
/// sent to it keep their own copy of its filter.
pub fn delete<W: World + ?Sized>(world: &W, id: &str, actor: &Actor) -> Result<Vec<Change>, WicketError> {
    synced::delete::<Segment, W>(world, id, actor)
}

impl SyncedEdit for SegmentDraft {
    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
}

impl SyncedEntity for Segment {
    type Edit = SegmentDraft;
    const NOUN: &'static str = "segment";
    const ID_INVALID_KEY: &'static str = "segment.id.invalid";

    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
    fn is_deleted(&self) -> bool {
        self.deleted
    }
    fn as_edit(&self) -> SegmentDraft {
        self.draft()
    }
    fn into_tombstone(self, now: Millis) -> Self {
        Segment { deleted: true, updated_at: now, ..self }
    }
    fn into_change(self) -> Change {
        Change::Segment(self)
    }
    fn from_change(change: Change) -> Option<Self> {
        match change {
            Change::Segment(segment) => Some(segment),
            _ => None,
        }
    }
    fn is_edited_by(mutation: &Mutation) -> bool {
        matches!(mutation, Mutation::SaveSegment(_) | Mutation::DeleteSegment { .. })
    }
    fn stored<W: World + ?Sized>(world: &W, id: &str) -> Result<Option<Self>, ReadError> {
        world.segment(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NewAccount;
    use crate::broadcast::FILTER_MAX_TAGS;
    use crate::error::ErrorCode;
    use crate::mutation::{apply, Mutation};
    use crate::platform::PlatformProfile;
    use crate::world::MemoryWorld;

    const NOW: Millis = 1_767_225_600_000;

    fn actor(now: Millis) -> Actor {
        Actor { staff_id: "staff-1".into(), now }
    }

    fn shop() -> MemoryWorld {
        let mut world = MemoryWorld::default();
        for id in ["shop", "other"] {
            let new = Mutation::CreateAccount(NewAccount {
                id: id.into(),
                name: "Oat Milk Shop".into(),
                platform: PlatformProfile::Wechat,
                category: String::new(),
                description: String::new(),
                avatar_color: "#07c160".into(),
            });
            world.absorb(apply(&world, &new, &actor(0)).unwrap());
        }
        world
    }

    fn draft(id: &str, name: &str) -> SegmentDraft {
        SegmentDraft {
            id: id.into(),
            account_id: "shop".into(),
            name: name.into(),
            filter: SegmentFilter { tags_any: vec!["VIP".into()], ..Default::default() },
        }
    }

    fn save_in(world: &mut MemoryWorld, draft: SegmentDraft, now: Millis) -> Result<Vec<Change>, WicketError> {
        let changes = apply(&*world, &Mutation::SaveSegment(draft), &actor(now))?;
        world.absorb(changes.clone());
        Ok(changes)
    }

    fn keys(error: WicketError) -> Vec<String> {
        assert_eq!(error.code, ErrorCode::Invalid, "{error:?}");
        error.issues.into_iter().map(|i| i.key).collect()
    }

    #[test]
    fn a_segment_is_saved_trimmed_renamed_keeping_its_age_and_deleted_as_a_tombstone() {
        let mut world = shop();
        let changes = save_in(&mut world, draft("s1", "  VIP 老客  "), NOW).unwrap();
        let [Change::Segment(saved)] = changes.as_slice() else { panic!("{changes:?}") };
        assert_eq!(saved.name, "VIP 老客", "the name is kept trimmed");
        assert_eq!((saved.created_at, saved.updated_at, saved.deleted), (NOW, NOW, false));

        assert!(save_in(&mut world, draft("s1", "VIP 老客"), NOW + 1).unwrap().is_empty(), "the same again: nothing");

        let renamed = save_in(&mut world, draft("s1", "熟客"), NOW + 2).unwrap();
        let [Change::Segment(renamed)] = renamed.as_slice() else { panic!("{renamed:?}") };
        assert_eq!((renamed.name.as_str(), renamed.created_at, renamed.updated_at), ("熟客", NOW, NOW + 2));

        let deleted = apply(&world, &Mutation::DeleteSegment { id: "s1".into() }, &actor(NOW + 3)).unwrap();
        let [Change::Segment(tombstone)] = deleted.as_slice() else { panic!("{deleted:?}") };
        assert!(tombstone.deleted);
        assert_eq!(tombstone.updated_at, NOW + 3);
        world.absorb(deleted);
        let again = apply(&world, &Mutation::DeleteSegment { id: "s1".into() }, &actor(NOW + 4)).unwrap();
        assert!(again.is_empty(), "deleting it twice changes nothing");
        let missing = apply(&world, &Mutation::DeleteSegment { id: "nope".into() }, &actor(NOW)).unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }

    #[test]
    fn a_name_has_1_to_40_characters_after_trimming() {
        let mut world = shop();
        assert_eq!(keys(save_in(&mut world, draft("s1", "   "), NOW).unwrap_err()), ["segment.name.required"]);
        let long = "新".repeat(NAME_MAX_CHARS + 1);
        let refused = save_in(&mut world, draft("s1", &long), NOW).unwrap_err();
        let issue = &refused.issues[0];
        assert_eq!(issue.key, "segment.name.too_long");
        assert_eq!(issue.params, [("max".to_string(), "40".to_string()), ("actual".to_string(), "41".to_string())]);
        let fits = format!("  {}  ", "新".repeat(NAME_MAX_CHARS));
        assert!(save_in(&mut world, draft("s1", &fits), NOW).is_ok(), "40 characters, spaces around aside");
    }

    #[test]
    fn a_name_is_unique_per_account_whatever_its_case_and_a_deleted_one_frees_it() {
        let mut world = shop();
        save_in(&mut world, draft("s1", "VIP buyers"), NOW).unwrap();
        assert_eq!(keys(save_in(&mut world, draft("s2", " vip BUYERS "), NOW).unwrap_err()), ["segment.name.taken"]);
        assert_eq!(
            keys(save_in(&mut world, draft("s2", "ＶＩＰ buyers"), NOW).unwrap_err()),
            ["segment.name.taken"],
            "full-width letters are the same letters"
        );
        let elsewhere = SegmentDraft { account_id: "other".into(), ..draft("s3", "VIP buyers") };
        assert!(save_in(&mut world, elsewhere, NOW).is_ok(), "another account may use the name");
        assert!(save_in(&mut world, draft("s1", "vip buyers"), NOW).is_ok(), "a segment keeps its own name");
        world.absorb(apply(&world, &Mutation::DeleteSegment { id: "s1".into() }, &actor(NOW)).unwrap());
        assert!(save_in(&mut world, draft("s2", "VIP buyers"), NOW).is_ok(), "a deleted segment's name is free");
    }

    #[test]
    fn an_account_keeps_at_most_50_segments_and_deleting_one_makes_room() {
        let mut world = shop();
        for n in 0..SEGMENTS_MAX {
            save_in(&mut world, draft(&format!("s{n}"), &format!("Segment {n}")), NOW).unwrap();
        }
        let refused = save_in(&mut world, draft("extra", "One too many"), NOW).unwrap_err();
        assert_eq!(refused.issues[0].key, "segment.saved.too_many");
        assert_eq!(refused.issues[0].params, [("max".to_string(), "50".to_string())]);
        assert!(save_in(&mut world, draft("s0", "Renamed"), NOW).is_ok(), "editing one of the 50 is fine");
        world.absorb(apply(&world, &Mutation::DeleteSegment { id: "s1".into() }, &actor(NOW)).unwrap());
        assert!(save_in(&mut world, draft("extra", "One too many"), NOW).is_ok());
    }

    #[test]
    fn the_filter_keeps_its_limits_and_the_account_its_segments() {
        let mut world = shop();
        let mut wide = draft("s1", "Everyone tagged");
        wide.filter.tags_any = (0..=FILTER_MAX_TAGS).map(|n| format!("tag{n}")).collect();
        assert_eq!(keys(save_in(&mut world, wide, NOW).unwrap_err()), ["segment.tags.too_many"]);
        let mut odd = draft("s1", "Elsewhere");
        odd.filter.platforms = vec!["douyin".into()];
        assert_eq!(keys(save_in(&mut world, odd, NOW).unwrap_err()), ["segment.platform.unknown"]);
        let mut empty = draft("s1", "Never");
        empty.filter.followed_after = Some(NOW);
        empty.filter.followed_before = Some(NOW - 1);
        assert_eq!(keys(save_in(&mut world, empty, NOW).unwrap_err()), ["segment.range.empty"]);

        assert_eq!(keys(save_in(&mut world, draft("", "No id"), NOW).unwrap_err()), ["segment.id.invalid"]);
        let nowhere = SegmentDraft { account_id: "gone".into(), ..draft("s1", "Lost") };
        assert_eq!(save_in(&mut world, nowhere, NOW).unwrap_err().code, ErrorCode::NotFound);
        save_in(&mut world, draft("s1", "Mine"), NOW).unwrap();
        let moved = SegmentDraft { account_id: "other".into(), ..draft("s1", "Mine") };
        assert_eq!(save_in(&mut world, moved, NOW).unwrap_err().code, ErrorCode::Conflict);
    }

    #[test]
    fn whoever_sends_broadcasts_edits_segments() {
        use crate::staff::{Permission, Role};
        let save = Mutation::SaveSegment(draft("s1", "VIP"));
        let delete = Mutation::DeleteSegment { id: "s1".into() };
        for change in [save, delete] {
            assert_eq!(change.permission(), Permission::AnswerSubscribers, "the broadcast routes' permission");
            assert!(Role::Agent.allows(change.permission()));
            assert!(!Role::Designer.allows(change.permission()));
        }
    }
}
