//! Mutations: the changes staff make, numbered per client and applied exactly
//! once by the server. Their meaning lives here, once: the server applies them
//! to its store, and the console applies the ones still waiting on top of its
//! cache, so what staff see offline is what the server will make of them.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::{AccountId, AccountPatch, NewAccount};
use crate::change::Change;
use crate::conversation::{
    Conversation, ConversationId, ConversationStatus, MessageBody, MessageId, Subscriber, SubscriberId,
};
use crate::conversation_rules;
use crate::error::{ErrorCode, Issue, WicketError};
use crate::staff::Permission;
use crate::Millis;

/// What a change reads and who makes it; their home is `world`.
pub use crate::world::{Actor, MemoryWorld, World};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
pub enum Mutation {
    CreateAccount(NewAccount),
    UpdateAccount {
        #[schema(value_type = String)]
        id: AccountId,
        patch: AccountPatch,
    },
    ArchiveAccount {
        #[schema(value_type = String)]
        id: AccountId,
    },
    RestoreAccount {
        #[schema(value_type = String)]
        id: AccountId,
    },
    /// A reply to the subscriber, or a private note. `id` is made by the
    /// console, so the same message sent twice is stored once.
    SendMessage {
        #[schema(value_type = String)]
        id: MessageId,
        #[schema(value_type = String)]
        conversation_id: ConversationId,
        body: MessageBody,
        note: bool,
    },
    SetConversationStatus {
        #[schema(value_type = String)]
        id: ConversationId,
        status: ConversationStatus,
    },
    AssignConversation {
        #[schema(value_type = String)]
        id: ConversationId,
        assignee: Option<String>,
    },
    /// The whole list of labels, as consoles before label deltas sent it.
    /// Still accepted from them; two of them editing at once keep the last
    /// list, which is why consoles now send `EditConversationLabels`.
    SetConversationLabels {
        #[schema(value_type = String)]
        id: ConversationId,
        labels: Vec<String>,
    },
    /// Tags and note as whole values, as consoles before tag deltas and the
    /// note's compare-and-set sent them. Still accepted from them.
    UpdateSubscriber {
        #[schema(value_type = String)]
        id: SubscriberId,
        tags: Option<Vec<String>>,
        note: Option<String>,
    },
    /// Labels added to and removed from a conversation, applied as set
    /// operations to whatever labels it has when the change arrives, so two
    /// colleagues (or a console replaying offline work) both keep theirs.
    EditConversationLabels {
        #[schema(value_type = String)]
        id: ConversationId,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// Tags added to and removed from a subscriber, as set operations.
    EditSubscriberTags {
        #[schema(value_type = String)]
        id: SubscriberId,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// The subscriber's private note, replacing `base`: the note as it was
    /// when this edit began. If a colleague changed it meanwhile the change
    /// is refused as a conflict, and the console keeps both texts for staff
    /// to choose. The text itself is the revision: when it still reads
    /// `base`, nothing a colleague wrote is lost by replacing it.
    SetSubscriberNote {
        #[schema(value_type = String)]
        id: SubscriberId,
        note: String,
        base: String,
    },
    /// An automatic-reply rule made or edited (the same id edits it).
    SaveAutoReplyRule(crate::auto_reply::AutoReplyRuleDraft),
    DeleteAutoReplyRule {
        id: String,
    },
    /// A saved segment made, renamed or edited (the same id edits it).
    SaveSegment(crate::segment::SegmentDraft),
    DeleteSegment {
        id: String,
    },
    /// A broadcast draft made or updated as staff type (the same id updates it).
    SaveBroadcastDraft(crate::broadcast_draft::BroadcastDraftEdit),
    /// A broadcast draft deleted by staff, or once it was sent.
    DeleteBroadcastDraft {
        id: String,
    },
}

impl Mutation {
    /// What a staff member must be allowed to do for this change.
    pub fn permission(&self) -> Permission {
        match self {
            Mutation::CreateAccount(_)
            | Mutation::UpdateAccount { .. }
            | Mutation::ArchiveAccount { .. }
            | Mutation::RestoreAccount { .. } => Permission::ManageAccounts,
            // Automatic replies are the account's own voice: whoever manages accounts.
            Mutation::SaveAutoReplyRule(_) | Mutation::DeleteAutoReplyRule { .. } => Permission::ManageAccounts,
            Mutation::SendMessage { .. }
            | Mutation::SetConversationStatus { .. }
            | Mutation::AssignConversation { .. }
            | Mutation::SetConversationLabels { .. }
            | Mutation::UpdateSubscriber { .. }
            | Mutation::EditConversationLabels { .. }
            | Mutation::EditSubscriberTags { .. }
            | Mutation::SetSubscriberNote { .. } => Permission::AnswerSubscribers,
            // Saved segments serve broadcasts: whoever may send broadcasts.
            Mutation::SaveSegment(_) | Mutation::DeleteSegment { .. } => Permission::AnswerSubscribers,
            // Broadcast drafts too.
            Mutation::SaveBroadcastDraft(_) | Mutation::DeleteBroadcastDraft { .. } => Permission::AnswerSubscribers,
        }
    }

    /// The thing this change is about (an account, a conversation, …).
    pub fn target_id(&self) -> &str {
        match self {
            Mutation::CreateAccount(new) => &new.id,
            Mutation::UpdateAccount { id, .. }
            | Mutation::ArchiveAccount { id }
            | Mutation::RestoreAccount { id }
            | Mutation::SetConversationStatus { id, .. }
            | Mutation::AssignConversation { id, .. }
            | Mutation::SetConversationLabels { id, .. }
            | Mutation::UpdateSubscriber { id, .. }
            | Mutation::EditConversationLabels { id, .. }
            | Mutation::EditSubscriberTags { id, .. }
            | Mutation::SetSubscriberNote { id, .. } => id,
            Mutation::SendMessage { conversation_id, .. } => conversation_id,
            Mutation::SaveAutoReplyRule(draft) => &draft.id,
            Mutation::DeleteAutoReplyRule { id } => id,
            Mutation::SaveSegment(draft) => &draft.id,
            Mutation::DeleteSegment { id } => id,
            Mutation::SaveBroadcastDraft(edit) => &edit.id,
            Mutation::DeleteBroadcastDraft { id } => id,
        }
    }

    /// The subscriber this change is about, for changes to a subscriber
    /// rather than to a conversation or an account.
    pub fn subscriber_id(&self) -> Option<&str> {
        match self {
            Mutation::UpdateSubscriber { id, .. }
            | Mutation::EditSubscriberTags { id, .. }
            | Mutation::SetSubscriberNote { id, .. } => Some(id),
            _ => None,
        }
    }

    /// A short name for logs and the console's sync panel.
    pub fn name(&self) -> &'static str {
        match self {
            Mutation::CreateAccount(_) => "create_account",
            Mutation::UpdateAccount { .. } => "update_account",
            Mutation::ArchiveAccount { .. } => "archive_account",
            Mutation::RestoreAccount { .. } => "restore_account",
            Mutation::SendMessage { note: false, .. } => "send_message",
            Mutation::SendMessage { note: true, .. } => "add_note",
            Mutation::SetConversationStatus { .. } => "set_conversation_status",
            Mutation::AssignConversation { .. } => "assign_conversation",
            Mutation::SetConversationLabels { .. } => "set_conversation_labels",
            Mutation::UpdateSubscriber { .. } => "update_subscriber",
            Mutation::EditConversationLabels { .. } => "edit_conversation_labels",
            Mutation::EditSubscriberTags { .. } => "edit_subscriber_tags",
            Mutation::SetSubscriberNote { .. } => "set_subscriber_note",
            Mutation::SaveAutoReplyRule(_) => "save_auto_reply_rule",
            Mutation::DeleteAutoReplyRule { .. } => "delete_auto_reply_rule",
            Mutation::SaveSegment(_) => "save_segment",
            Mutation::DeleteSegment { .. } => "delete_segment",
            Mutation::SaveBroadcastDraft(_) => "save_broadcast_draft",
            Mutation::DeleteBroadcastDraft { .. } => "delete_broadcast_draft",
        }
    }
}

/// Works out what `mutation` changes, without changing anything: the new
/// states to record, or why it is refused.
pub fn apply<W: World + ?Sized>(world: &W, mutation: &Mutation, actor: &Actor) -> Result<Vec<Change>, WicketError> {
    let now = actor.now;
    match mutation {
        Mutation::CreateAccount(new) => {
            let new = new.clone().normalized().map_err(WicketError::invalid)?;
            if let Some(existing) = world.account(&new.id)? {
                // The same create applied twice (e.g. replayed by a console
                // that lost its acknowledgement) is not an error.
                return if existing.name == new.name && existing.platform == new.platform {
                    Ok(Vec::new())
                } else {
                    Err(WicketError::new(ErrorCode::Conflict, format!("account {} already exists", new.id)))
                };
            }
            Ok(vec![Change::Account(new.into_account(now))])
        }
        Mutation::UpdateAccount { id, patch } => {
            let current = world.account(id)?.ok_or_else(|| WicketError::not_found(format!("account {id}")))?;
            let next = patch.applied_to(&current, now).map_err(WicketError::invalid)?;
            Ok(changed(&current, next, Change::Account))
        }
        Mutation::ArchiveAccount { id } | Mutation::RestoreAccount { id } => {
            let archived = matches!(mutation, Mutation::ArchiveAccount { .. });
            let current = world.account(id)?.ok_or_else(|| WicketError::not_found(format!("account {id}")))?;
            let mut next = current.clone();
            if next.archived != archived {
                next.archived = archived;
                next.updated_at = now;
            }
            Ok(changed(&current, next, Change::Account))
        }
        Mutation::SendMessage { id, conversation_id, body, note } => {
            conversation_rules::send(world, id, conversation_id, body, *note, actor)
        }
        Mutation::SaveAutoReplyRule(draft) => crate::auto_reply::save(world, draft, actor),
        Mutation::DeleteAutoReplyRule { id } => crate::auto_reply::delete(world, id, actor),
        Mutation::SaveSegment(draft) => crate::segment::save(world, draft, actor),
        Mutation::DeleteSegment { id } => crate::segment::delete(world, id, actor),
        Mutation::SaveBroadcastDraft(edit) => crate::broadcast_draft::save(world, edit, actor),
        Mutation::DeleteBroadcastDraft { id } => crate::broadcast_draft::delete(world, id, actor),
        Mutation::SetConversationStatus { id, status } => {
            let current = conversation(world, id)?;
            let next = Conversation { status: *status, ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Conversation))
        }
        Mutation::AssignConversation { id, assignee } => {
            let current = conversation(world, id)?;
            let next = Conversation { assignee: assignee.clone(), ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Conversation))
        }
        Mutation::SetConversationLabels { id, labels } => {
            let current = conversation(world, id)?;
            let labels = conversation_rules::clean_labels(labels, "labels")?;
            let next = Conversation { labels, ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Conversation))
        }
        Mutation::UpdateSubscriber { id, tags, note } => {
            let current = world.subscriber(id)?.ok_or_else(|| WicketError::not_found(format!("subscriber {id}")))?;
            let mut next = current.clone();
            if let Some(tags) = tags {
                next.tags = conversation_rules::clean_labels(tags, "tags")?;
            }
            if let Some(note) = note {
                conversation_rules::check_note(note)?;
                next.note = note.clone();
            }
            Ok(changed_at(&current, next, now, Change::Subscriber))
        }
        Mutation::EditConversationLabels { id, add, remove } => {
            let current = conversation(world, id)?;
            let labels = edited_set(&current.labels, add, remove, "labels")?;
            let next = Conversation { labels, ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Conversation))
        }
        Mutation::EditSubscriberTags { id, add, remove } => {
            let current = world.subscriber(id)?.ok_or_else(|| WicketError::not_found(format!("subscriber {id}")))?;
            let tags = edited_set(&current.tags, add, remove, "tags")?;
            let next = Subscriber { tags, ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Subscriber))
        }
        Mutation::SetSubscriberNote { id, note, base } => {
            let current = world.subscriber(id)?.ok_or_else(|| WicketError::not_found(format!("subscriber {id}")))?;
            conversation_rules::check_note(note)?;
            // The same note sent again (a replay, or two people writing the
            // same words) changes nothing and loses nothing.
            if current.note == *note {
                return Ok(Vec::new());
            }
            if current.note != *base {
                let mut error = WicketError::new(
                    ErrorCode::Conflict,
                    "a colleague changed the subscriber's note after this edit began; both texts are kept",
                );
                error.issues.push(Issue::new("note", "subscriber.note.conflict"));
                return Err(error);
            }
            let next = Subscriber { note: note.clone(), ..current.clone() };
            Ok(changed_at(&current, next, now, Change::Subscriber))
        }
    }
}

/// `current` with `remove` taken out and then `add` put in (each trimmed;
/// new ones at the end, in their order), checked as a whole list is.
fn edited_set(current: &[String], add: &[String], remove: &[String], path: &str) -> Result<Vec<String>, WicketError> {
    let removed: Vec<&str> = remove.iter().map(|r| r.trim()).collect();
    let mut next: Vec<String> = current.iter().filter(|item| !removed.contains(&item.trim())).cloned().collect();
    next.extend(add.iter().cloned());
    conversation_rules::clean_labels(&next, path)
}

fn conversation<W: World + ?Sized>(world: &W, id: &str) -> Result<Conversation, WicketError> {
    world.conversation(id)?.ok_or_else(|| WicketError::not_found(format!("conversation {id}")))
}

fn changed<T: PartialEq>(current: &T, next: T, wrap: fn(T) -> Change) -> Vec<Change> {
    if *current == next {
        Vec::new()
    } else {
        vec![wrap(next)]
    }
}

/// Like `changed`, stamping `updated_at` when something did change.
fn changed_at<T: PartialEq + Stamped>(current: &T, mut next: T, now: Millis, wrap: fn(T) -> Change) -> Vec<Change> {
    if *current == next {
        return Vec::new();
    }
    next.stamp(now);
    vec![wrap(next)]
}

trait Stamped {
    fn stamp(&mut self, now: Millis);
}

impl Stamped for Conversation {
    fn stamp(&mut self, now: Millis) {
        self.updated_at = now;
    }
}

impl Stamped for Subscriber {
    fn stamp(&mut self, now: Millis) {
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Direction, Message, SubscriberEvent};
    use crate::platform::PlatformProfile;

    const NOW: Millis = 1_767_225_600_000;

    fn actor(now: Millis) -> Actor {
        Actor { staff_id: "staff-1".into(), now }
    }

    fn create(id: &str, name: &str) -> Mutation {
        Mutation::CreateAccount(NewAccount {
            id: id.into(),
            name: name.into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
        })
    }

    /// Applies and records, as the server does.
    fn run(world: &mut MemoryWorld, mutation: &Mutation, now: Millis) -> Result<usize, WicketError> {
        let changes = apply(world, mutation, &actor(now))?;
        let count = changes.len();
        world.absorb(changes);
        Ok(count)
    }

    #[test]
    fn create_rename_archive() {
        let mut world = MemoryWorld::default();
        assert_eq!(run(&mut world, &create("a", "Shop"), 1).unwrap(), 1);
        let rename = Mutation::UpdateAccount {
            id: "a".into(),
            patch: AccountPatch { name: Some("Shop 2".into()), ..Default::default() },
        };
        run(&mut world, &rename, 2).unwrap();
        run(&mut world, &Mutation::ArchiveAccount { id: "a".into() }, 3).unwrap();
        let account = &world.accounts["a"];
        assert_eq!((account.name.as_str(), account.archived, account.updated_at), ("Shop 2", true, 3));
    }

    #[test]
    fn replaying_a_create_changes_nothing() {
        let mut world = MemoryWorld::default();
        run(&mut world, &create("a", "Shop"), 1).unwrap();
        assert_eq!(run(&mut world, &create("a", "Shop"), 2).unwrap(), 0, "a replayed create is a no-op");
        let err = run(&mut world, &create("a", "Other"), 2).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "a different account under the same id is refused");
    }

    #[test]
    fn an_invalid_change_changes_nothing() {
        let mut world = MemoryWorld::default();
        run(&mut world, &create("a", "Shop"), 1).unwrap();
        let bad = Mutation::UpdateAccount {
            id: "a".into(),
            patch: AccountPatch { name: Some(String::new()), ..Default::default() },
        };
        assert_eq!(apply(&world, &bad, &actor(2)).unwrap_err().code, ErrorCode::Invalid);
        let missing = Mutation::ArchiveAccount { id: "nope".into() };
        assert_eq!(apply(&world, &missing, &actor(2)).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn mutations_cross_json_by_name_and_args() {
        let json = serde_json::to_value(Mutation::ArchiveAccount { id: "a".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"name": "archive_account", "args": {"id": "a"}}));
    }

    fn world_with_conversation(last_inbound: Option<Millis>) -> MemoryWorld {
        let mut world = MemoryWorld::default();
        run(&mut world, &create("acc", "Shop"), 0).unwrap();
        world.absorb([
            Change::Subscriber(Subscriber {
                id: "sub".into(),
                account_id: "acc".into(),
                platform: "sandbox".into(),
                platform_user_id: "u1".into(),
                display_name: "王小明".into(),
                following: true,
                followed_at: Some(0),
                tags: vec![],
                note: String::new(),
                created_at: 0,
                updated_at: 0,
            }),
            Change::Conversation(Conversation {
                id: "conv".into(),
                account_id: "acc".into(),
                subscriber_id: "sub".into(),
                status: ConversationStatus::Open,
                assignee: None,
                labels: vec![],
                last_activity_at: 0,
                preview: String::new(),
                created_at: 0,
                updated_at: 0,
            }),
        ]);
        if let Some(at) = last_inbound {
            world.absorb([Change::Message(Message {
                id: "in-1".into(),
                conversation_id: "conv".into(),
                direction: Direction::Inbound,
                author: None,
                body: MessageBody::Text { text: "还款日是哪天？".into() },
                client_msg_id: None,
                platform_msg_id: Some("p1".into()),
                delivery: None,
                created_at: at,
                auto_reply: None,
            })]);
        }
        world
    }

    fn reply(id: &str, text: &str) -> Mutation {
        Mutation::SendMessage {
            id: id.into(),
            conversation_id: "conv".into(),
            body: MessageBody::Text { text: text.into() },
            note: false,
        }
    }

    #[test]
    fn a_reply_inside_the_window_is_stored_once() {
        let mut world = world_with_conversation(Some(NOW));
        assert_eq!(
            run(&mut world, &reply("m1", "每月 5 日"), NOW + 1000).unwrap(),
            2,
            "the message and its conversation"
        );
        assert_eq!(run(&mut world, &reply("m1", "每月 5 日"), NOW + 2000).unwrap(), 0, "a retry stores nothing");
        assert_eq!(world.conversations["conv"].preview, "每月 5 日");
        let clash = run(&mut world, &reply("m1", "something else"), NOW + 3000).unwrap_err();
        assert_eq!(clash.code, ErrorCode::Conflict, "another message under the same id is refused");
    }

    #[test]
    fn a_reply_after_the_window_is_refused_with_the_reason() {
        let world = world_with_conversation(Some(NOW));
        let late = apply(&world, &reply("m1", "hello"), &actor(NOW + 48 * 3_600_000)).unwrap_err();
        assert_eq!(late.code, ErrorCode::Invalid);
        assert_eq!(late.issues[0].key, "reply_window.expired");
        let never = world_with_conversation(None);
        let err = apply(&never, &reply("m1", "hello"), &actor(NOW)).unwrap_err();
        assert_eq!(err.issues[0].key, "reply_window.no_interaction");
    }

    #[test]
    fn a_note_goes_whatever_the_window() {
        let mut world = world_with_conversation(None);
        let note = Mutation::SendMessage {
            id: "n1".into(),
            conversation_id: "conv".into(),
            body: MessageBody::Text { text: "VIP customer".into() },
            note: true,
        };
        run(&mut world, &note, NOW).unwrap();
        assert_eq!(world.messages["n1"].direction, Direction::Note);
        assert_eq!(world.messages["n1"].delivery, None, "a note is never delivered");
    }

    #[test]
    fn labels_are_cleaned_and_limited() {
        let mut world = world_with_conversation(None);
        let labels = Mutation::SetConversationLabels {
            id: "conv".into(),
            labels: vec![" 账单 ".into(), "账单".into(), "".into(), "VIP".into()],
        };
        run(&mut world, &labels, NOW).unwrap();
        assert_eq!(world.conversations["conv"].labels, ["账单", "VIP"]);
        let too_many =
            Mutation::SetConversationLabels { id: "conv".into(), labels: (0..21).map(|i| i.to_string()).collect() };
        assert_eq!(apply(&world, &too_many, &actor(NOW)).unwrap_err().code, ErrorCode::Invalid);
    }

    fn add_labels(labels: &[&str]) -> Mutation {
        Mutation::EditConversationLabels {
            id: "conv".into(),
            add: labels.iter().map(|l| l.to_string()).collect(),
            remove: vec![],
        }
    }

    #[test]
    fn labels_added_by_two_consoles_both_survive_in_either_order() {
        let base = world_with_conversation(None);
        for (first, second) in [("账单", "VIP"), ("VIP", "账单")] {
            let mut world = base.clone();
            // Both consoles made their change on a conversation with no labels.
            run(&mut world, &add_labels(&[first]), NOW).unwrap();
            run(&mut world, &add_labels(&[second]), NOW + 1).unwrap();
            assert_eq!(world.conversations["conv"].labels, [first, second], "neither addition overwrote the other");
        }
        let mut world = base.clone();
        let whole = |labels: &[&str]| Mutation::SetConversationLabels {
            id: "conv".into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
        };
        run(&mut world, &whole(&["账单"]), NOW).unwrap();
        run(&mut world, &whole(&["VIP"]), NOW + 1).unwrap();
        assert_eq!(
            world.conversations["conv"].labels,
            ["VIP"],
            "an old console's whole list is still accepted as it was"
        );
    }

    #[test]
    fn a_removal_takes_out_only_its_own_label_and_replays_change_nothing() {
        let mut world = world_with_conversation(None);
        run(&mut world, &add_labels(&[" 账单 ", "VIP", "催收"]), NOW).unwrap();
        let remove = Mutation::EditConversationLabels { id: "conv".into(), add: vec![], remove: vec!["VIP".into()] };
        run(&mut world, &remove, NOW + 1).unwrap();
        assert_eq!(world.conversations["conv"].labels, ["账单", "催收"]);
        assert_eq!(run(&mut world, &remove, NOW + 2).unwrap(), 0, "removing a label that is gone changes nothing");
        assert_eq!(
            run(&mut world, &add_labels(&["账单"]), NOW + 3).unwrap(),
            0,
            "adding a label it has changes nothing"
        );
        let twenty: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let too_many = Mutation::EditConversationLabels { id: "conv".into(), add: twenty, remove: vec![] };
        assert_eq!(apply(&world, &too_many, &actor(NOW)).unwrap_err().issues[0].key, "conversation.labels.too_many");
    }

    #[test]
    fn tags_added_by_two_agents_both_survive() {
        let mut world = world_with_conversation(None);
        let tag = |add: &str, remove: &str| Mutation::EditSubscriberTags {
            id: "sub".into(),
            add: if add.is_empty() { vec![] } else { vec![add.into()] },
            remove: if remove.is_empty() { vec![] } else { vec![remove.into()] },
        };
        run(&mut world, &tag("VIP", ""), NOW).unwrap();
        run(&mut world, &tag("燕麦", ""), NOW + 1).unwrap();
        run(&mut world, &tag("常客", "VIP"), NOW + 2).unwrap();
        assert_eq!(world.subscribers["sub"].tags, ["燕麦", "常客"]);
    }

    #[test]
    fn a_note_written_over_a_colleagues_is_a_conflict_not_an_overwrite() {
        let mut world = world_with_conversation(None);
        let note = |note: &str, base: &str| Mutation::SetSubscriberNote {
            id: "sub".into(),
            note: note.into(),
            base: base.into(),
        };
        // Both agents opened the empty note; the first to arrive wins.
        run(&mut world, &note("只喝燕麦奶", ""), NOW).unwrap();
        let late = apply(&world, &note("周五来取货", ""), &actor(NOW + 1)).unwrap_err();
        assert_eq!(late.code, ErrorCode::Conflict);
        assert_eq!(late.issues[0].key, "subscriber.note.conflict");
        assert_eq!(world.subscribers["sub"].note, "只喝燕麦奶", "the first agent's note is not overwritten");
        assert_eq!(
            run(&mut world, &note("只喝燕麦奶", ""), NOW + 2).unwrap(),
            0,
            "a replay of the same note is no conflict"
        );
        run(&mut world, &note("只喝燕麦奶；周五来取货", "只喝燕麦奶"), NOW + 3).unwrap();
        assert_eq!(world.subscribers["sub"].note, "只喝燕麦奶；周五来取货", "an edit of the note as it is goes in");
        let long = apply(&world, &note(&"字".repeat(2001), "只喝燕麦奶；周五来取货"), &actor(NOW)).unwrap_err();
        assert_eq!(long.issues[0].key, "subscriber.note.too_long");
    }

    #[test]
    fn delta_mutations_cross_json_by_name() {
        let json =
            serde_json::to_value(Mutation::SetSubscriberNote { id: "s".into(), note: "b".into(), base: "a".into() })
                .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "set_subscriber_note", "args": {"id": "s", "note": "b", "base": "a"}})
        );
        let edit = Mutation::EditSubscriberTags { id: "s".into(), add: vec!["x".into()], remove: vec![] };
        assert_eq!(edit.subscriber_id(), Some("s"));
        assert_eq!(edit.name(), "edit_subscriber_tags");
    }

    #[test]
    fn events_cannot_be_sent_by_staff() {
        let world = world_with_conversation(Some(NOW));
        let fake = Mutation::SendMessage {
            id: "e".into(),
            conversation_id: "conv".into(),
            body: MessageBody::Event(SubscriberEvent::Follow),
            note: false,
        };
        assert_eq!(apply(&world, &fake, &actor(NOW)).unwrap_err().issues[0].key, "message.event.not_sendable");
    }
}
