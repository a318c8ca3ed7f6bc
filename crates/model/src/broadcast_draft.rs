//! Broadcast drafts: what staff type in the broadcast composer, kept as
//! they type so nothing is lost when they leave the screen, restart or are
//! offline. A draft travels like a saved segment: saved through the outbox,
//! checked here by the console and again by the server, and carried to
//! every console by the change feed (a deleted one as a tombstone).
//!
//! A draft may be incomplete (empty text, no link yet): the content's rules
//! are checked when it is sent (`NewBroadcast::check`). Only sizes are
//! capped here, with the limits a broadcast has, so a draft never holds
//! what could not be sent.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::AccountId;
use crate::broadcast::{Audience, TEXT_MAX_CHARS};
use crate::change::Change;
use crate::conversation::{limits::URL_MAX_BYTES, MessageBody};
use crate::error::{Issue, WicketError};
use crate::mutation::Mutation;
use crate::synced::{self, SaveStart, SyncedEdit, SyncedEntity};
use crate::world::{Actor, ReadError, World};
use crate::Millis;

/// The most drafts an account keeps (deleted ones aside).
pub const DRAFTS_MAX: usize = 100;

/// The longest id a console may make for a draft.
pub const ID_MAX_BYTES: usize = synced::ID_MAX_BYTES;

/// What the composer saves: a draft as the console sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastDraftEdit {
    /// Made by the console; the same id saved again updates the draft.
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    /// Text, image or article card, as the composer holds it.
    pub content: MessageBody,
    pub audience: Audience,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub send_at: Option<Millis>,
}

/// A draft as stored and carried by the change feed. A deleted draft stays
/// as a tombstone so every console learns it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastDraft {
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub content: MessageBody,
    pub audience: Audience,
    #[schema(value_type = Option<i64>)]
    pub send_at: Option<Millis>,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
    pub deleted: bool,
}

impl BroadcastDraft {
    pub fn edit(&self) -> BroadcastDraftEdit {
        BroadcastDraftEdit {
            id: self.id.clone(),
            account_id: self.account_id.clone(),
            content: self.content.clone(),
            audience: self.audience.clone(),
            send_at: self.send_at,
        }
    }
}

/// A draft in the console's list: whether an edit of it waits to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct BroadcastDraftItem {
    pub draft: BroadcastDraft,
    pub waiting: bool,
}

fn cap_chars(path: &str, value: &str, max: usize, issues: &mut Vec<Issue>) {
    let chars = value.chars().count();
    if chars > max {
        issues.push(Issue::new(path, "broadcast_draft.field.too_long").with("max", max).with("actual", chars));
    }
}

fn cap_bytes(path: &str, value: &str, issues: &mut Vec<Issue>) {
    if value.len() > URL_MAX_BYTES {
        issues.push(
            Issue::new(path, "broadcast_draft.field.too_long").with("max", URL_MAX_BYTES).with("actual", value.len()),
        );
    }
}

/// Every rule `edit` breaks, as issue keys on the field's path. `others`
/// are the account's drafts, deleted ones and `edit` itself included (they
/// are left out here).
pub fn check(edit: &BroadcastDraftEdit, others: &[BroadcastDraft]) -> Vec<Issue> {
    let mut issues = Vec::new();
    match &edit.content {
        MessageBody::Text { text } => {
            let chars = text.chars().count();
            if chars > TEXT_MAX_CHARS {
                issues.push(
                    Issue::new("content.text", "broadcast.text.too_long")
                        .with("max", TEXT_MAX_CHARS)
                        .with("actual", chars),
                );
            }
        }
        MessageBody::Image { url } => cap_bytes("content.url", url, &mut issues),
        MessageBody::Article { title, description, url, image_url } => {
            // A card's title and summary have no limit of their own when
            // sent; a draft keeps them within the text's.
            cap_chars("content.title", title, TEXT_MAX_CHARS, &mut issues);
            cap_chars("content.description", description, TEXT_MAX_CHARS, &mut issues);
            cap_bytes("content.url", url, &mut issues);
            cap_bytes("content.image_url", image_url, &mut issues);
        }
        _ => issues.push(Issue::new("content", "broadcast.content.kind")),
    }
    if let Audience::Segment { filter } = &edit.audience {
        filter.check("audience.filter", &mut issues);
    }
    let kept = synced::live_others(others, edit).count();
    if kept + 1 > DRAFTS_MAX {
        issues.push(Issue::new("id", "broadcast_draft.saved.too_many").with("max", DRAFTS_MAX));
    }
    issues
}

/// A draft saved by the composer (a new one, or an update by its id).
pub fn save<W: World + ?Sized>(
    world: &W,
    edit: &BroadcastDraftEdit,
    actor: &Actor,
) -> Result<Vec<Change>, WicketError> {
    if let SaveStart::Unchanged = synced::start_save::<BroadcastDraft, W>(world, edit)? {
        return Ok(Vec::new());
    }
    synced::refuse_issues(check(edit, &world.broadcast_drafts(&edit.account_id)?))?;
    Ok(vec![Change::BroadcastDraft(BroadcastDraft {
        id: edit.id.clone(),
        account_id: edit.account_id.clone(),
        content: edit.content.clone(),
        audience: edit.audience.clone(),
        send_at: edit.send_at,
        updated_at: actor.now,
        deleted: false,
    })])
}

/// A draft deleted (by staff, or once it was sent): kept as a tombstone.
pub fn delete<W: World + ?Sized>(world: &W, id: &str, actor: &Actor) -> Result<Vec<Change>, WicketError> {
    synced::delete::<BroadcastDraft, W>(world, id, actor)
}

impl SyncedEdit for BroadcastDraftEdit {
    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
}

impl SyncedEntity for BroadcastDraft {
    type Edit = BroadcastDraftEdit;
    const NOUN: &'static str = "broadcast draft";
    const ID_INVALID_KEY: &'static str = "broadcast_draft.id.invalid";

    fn id(&self) -> &str {
        &self.id
    }
    fn account_id(&self) -> &AccountId {
        &self.account_id
    }
    fn is_deleted(&self) -> bool {
        self.deleted
    }
    fn as_edit(&self) -> BroadcastDraftEdit {
        self.edit()
    }
    fn into_tombstone(self, now: Millis) -> Self {
        BroadcastDraft { deleted: true, updated_at: now, ..self }
    }
    fn into_change(self) -> Change {
        Change::BroadcastDraft(self)
    }
    fn from_change(change: Change) -> Option<Self> {
        match change {
            Change::BroadcastDraft(draft) => Some(draft),
            _ => None,
        }
    }
    fn is_edited_by(mutation: &Mutation) -> bool {
        matches!(mutation, Mutation::SaveBroadcastDraft(_) | Mutation::DeleteBroadcastDraft { .. })
    }
    fn stored<W: World + ?Sized>(world: &W, id: &str) -> Result<Option<Self>, ReadError> {
        world.broadcast_draft(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NewAccount;
    use crate::broadcast::{SegmentFilter, FILTER_MAX_TAGS};
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
                name: format!("Shop {id}"),
                platform: PlatformProfile::Wechat,
                category: String::new(),
                description: String::new(),
                avatar_color: "#07c160".into(),
            });
            world.absorb(apply(&world, &new, &actor(0)).unwrap());
        }
        world
    }

    fn edit(id: &str, text: &str) -> BroadcastDraftEdit {
        BroadcastDraftEdit {
            id: id.into(),
            account_id: "shop".into(),
            content: MessageBody::Text { text: text.into() },
            audience: Audience::All,
            send_at: None,
        }
    }

    fn save_in(world: &mut MemoryWorld, edit: BroadcastDraftEdit, now: Millis) -> Result<Vec<Change>, WicketError> {
        let changes = apply(&*world, &Mutation::SaveBroadcastDraft(edit), &actor(now))?;
        world.absorb(changes.clone());
        Ok(changes)
    }

    fn keys(error: WicketError) -> Vec<String> {
        assert_eq!(error.code, ErrorCode::Invalid, "{error:?}");
        error.issues.into_iter().map(|i| i.key).collect()
    }

    #[test]
    fn an_incomplete_draft_is_saved_updated_and_deleted_as_a_tombstone() {
        let mut world = shop();
        // Empty text could not be sent, but a draft may hold it.
        let changes = save_in(&mut world, edit("d1", ""), NOW).unwrap();
        let [Change::BroadcastDraft(saved)] = changes.as_slice() else { panic!("{changes:?}") };
        assert_eq!((saved.updated_at, saved.deleted), (NOW, false));
        let blank_card = BroadcastDraftEdit {
            content: MessageBody::Article {
                title: String::new(),
                description: String::new(),
                url: String::new(),
                image_url: String::new(),
            },
            ..edit("d2", "")
        };
        assert!(save_in(&mut world, blank_card, NOW).is_ok(), "a card without title or link yet");

        assert!(save_in(&mut world, edit("d1", ""), NOW + 1).unwrap().is_empty(), "the same again: nothing");
        let later = BroadcastDraftEdit { send_at: Some(NOW + 3_600_000), ..edit("d1", "周末新品") };
        let updated = save_in(&mut world, later, NOW + 2).unwrap();
        let [Change::BroadcastDraft(updated)] = updated.as_slice() else { panic!("{updated:?}") };
        assert_eq!(updated.content, MessageBody::Text { text: "周末新品".into() });
        assert_eq!((updated.send_at, updated.updated_at), (Some(NOW + 3_600_000), NOW + 2));

        let deleted = apply(&world, &Mutation::DeleteBroadcastDraft { id: "d1".into() }, &actor(NOW + 3)).unwrap();
        let [Change::BroadcastDraft(tombstone)] = deleted.as_slice() else { panic!("{deleted:?}") };
        assert!(tombstone.deleted);
        assert_eq!(tombstone.updated_at, NOW + 3);
        world.absorb(deleted);
        let again = apply(&world, &Mutation::DeleteBroadcastDraft { id: "d1".into() }, &actor(NOW + 4)).unwrap();
        assert!(again.is_empty(), "deleting it twice changes nothing");
        let missing = apply(&world, &Mutation::DeleteBroadcastDraft { id: "nope".into() }, &actor(NOW)).unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }

    #[test]
    fn a_draft_never_holds_more_than_a_broadcast_could_send() {
        let mut world = shop();
        let fits = "新".repeat(TEXT_MAX_CHARS);
        assert!(save_in(&mut world, edit("d1", &fits), NOW).is_ok());
        let long = "新".repeat(TEXT_MAX_CHARS + 1);
        let refused = save_in(&mut world, edit("d1", &long), NOW).unwrap_err();
        assert_eq!(refused.issues[0].key, "broadcast.text.too_long", "the send's own limit");
        assert_eq!(
            refused.issues[0].params,
            [("max".to_string(), "2000".to_string()), ("actual".to_string(), "2001".to_string())]
        );
        let card = BroadcastDraftEdit {
            content: MessageBody::Article {
                title: "t".repeat(TEXT_MAX_CHARS + 1),
                description: String::new(),
                url: format!("https://shop.example/{}", "a".repeat(URL_MAX_BYTES)),
                image_url: String::new(),
            },
            ..edit("d2", "")
        };
        let refused = save_in(&mut world, card, NOW).unwrap_err();
        let paths: Vec<&str> = refused.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["content.title", "content.url"]);
        assert!(refused.issues.iter().all(|i| i.key == "broadcast_draft.field.too_long"));

        let location = BroadcastDraftEdit {
            content: MessageBody::Location { latitude: 0.0, longitude: 0.0, label: String::new() },
            ..edit("d3", "")
        };
        assert_eq!(keys(save_in(&mut world, location, NOW).unwrap_err()), ["broadcast.content.kind"]);
        let wide = SegmentFilter {
            tags_any: (0..=FILTER_MAX_TAGS).map(|n| format!("tag{n}")).collect(),
            ..Default::default()
        };
        let segment = BroadcastDraftEdit { audience: Audience::Segment { filter: wide }, ..edit("d4", "") };
        assert_eq!(keys(save_in(&mut world, segment, NOW).unwrap_err()), ["segment.tags.too_many"]);
    }

    #[test]
    fn an_account_keeps_at_most_100_drafts_and_deleting_one_makes_room() {
        let mut world = shop();
        for n in 0..DRAFTS_MAX {
            save_in(&mut world, edit(&format!("d{n}"), ""), NOW).unwrap();
        }
        let refused = save_in(&mut world, edit("extra", ""), NOW).unwrap_err();
        assert_eq!(refused.issues[0].key, "broadcast_draft.saved.too_many");
        assert_eq!(refused.issues[0].params, [("max".to_string(), "100".to_string())]);
        assert!(save_in(&mut world, edit("d0", "改"), NOW).is_ok(), "editing one of the 100 is fine");
        let elsewhere = BroadcastDraftEdit { account_id: "other".into(), ..edit("o1", "") };
        assert!(save_in(&mut world, elsewhere, NOW).is_ok(), "another account has its own 100");
        world.absorb(apply(&world, &Mutation::DeleteBroadcastDraft { id: "d1".into() }, &actor(NOW)).unwrap());
        assert!(save_in(&mut world, edit("extra", ""), NOW).is_ok());
    }

    #[test]
    fn a_draft_has_an_id_an_account_and_stays_with_its_account() {
        let mut world = shop();
        assert_eq!(keys(save_in(&mut world, edit("", ""), NOW).unwrap_err()), ["broadcast_draft.id.invalid"]);
        let nowhere = BroadcastDraftEdit { account_id: "gone".into(), ..edit("d1", "") };
        assert_eq!(save_in(&mut world, nowhere, NOW).unwrap_err().code, ErrorCode::NotFound);
        save_in(&mut world, edit("d1", "mine"), NOW).unwrap();
        let moved = BroadcastDraftEdit { account_id: "other".into(), ..edit("d1", "mine") };
        assert_eq!(save_in(&mut world, moved, NOW).unwrap_err().code, ErrorCode::Conflict);
    }

    #[test]
    fn whoever_sends_broadcasts_edits_drafts() {
        use crate::staff::{Permission, Role};
        let save = Mutation::SaveBroadcastDraft(edit("d1", ""));
        let delete = Mutation::DeleteBroadcastDraft { id: "d1".into() };
        for change in [save, delete] {
            assert_eq!(change.permission(), Permission::AnswerSubscribers, "the broadcast routes' permission");
            assert!(Role::Agent.allows(change.permission()));
            assert!(!Role::Designer.allows(change.permission()));
        }
    }
}
