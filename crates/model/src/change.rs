//! Entries of the server's change feed. Each carries the whole new state of
//! one thing, so replaying the feed from the start rebuilds everything.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::Account;
use crate::auto_reply::AutoReplyRule;
use crate::broadcast_draft::BroadcastDraft;
use crate::conversation::{Conversation, Message, Subscriber};
use crate::segment::Segment;
use crate::staff::{Permission, Role};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Change {
    Account(Account),
    Subscriber(Subscriber),
    Conversation(Conversation),
    Message(Message),
    AutoReplyRule(AutoReplyRule),
    /// A saved segment (a tombstone when deleted).
    Segment(Segment),
    /// A broadcast draft (a tombstone when deleted or sent).
    BroadcastDraft(BroadcastDraft),
}

/// What a change is about, as the feed stores it and as a feed's scope
/// lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Account,
    Subscriber,
    Conversation,
    Message,
    AutoReplyRule,
    Segment,
    BroadcastDraft,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 7] = [
        ChangeKind::Account,
        ChangeKind::Subscriber,
        ChangeKind::Conversation,
        ChangeKind::Message,
        ChangeKind::AutoReplyRule,
        ChangeKind::Segment,
        ChangeKind::BroadcastDraft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Account => "account",
            ChangeKind::Subscriber => "subscriber",
            ChangeKind::Conversation => "conversation",
            ChangeKind::Message => "message",
            ChangeKind::AutoReplyRule => "auto_reply_rule",
            ChangeKind::Segment => "segment",
            ChangeKind::BroadcastDraft => "broadcast_draft",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ChangeKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// What a staff member must be allowed to do to receive changes of this
    /// kind: what the routes reading the same things require. Subscribers
    /// (their notes), conversations and messages (private notes too) are
    /// the inbox's; accounts are everyone's.
    pub fn permission(self) -> Permission {
        match self {
            ChangeKind::Account => Permission::Read,
            // Automatic replies answer in the inbox: who answers there sees them.
            ChangeKind::Subscriber | ChangeKind::Conversation | ChangeKind::Message | ChangeKind::AutoReplyRule => {
                Permission::AnswerSubscribers
            }
            // Saved segments are the broadcasts': who sends them sees them.
            ChangeKind::Segment => Permission::AnswerSubscribers,
            // Broadcast drafts too.
            ChangeKind::BroadcastDraft => Permission::AnswerSubscribers,
        }
    }

    /// The kinds of change `role` receives from the feed and hears of on the
    /// live socket, in `ALL`'s order.
    pub fn visible_to(role: Role) -> Vec<ChangeKind> {
        ChangeKind::ALL.into_iter().filter(|kind| role.allows(kind.permission())).collect()
    }
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::Account(_) => ChangeKind::Account,
            Change::Subscriber(_) => ChangeKind::Subscriber,
            Change::Conversation(_) => ChangeKind::Conversation,
            Change::Message(_) => ChangeKind::Message,
            Change::AutoReplyRule(_) => ChangeKind::AutoReplyRule,
            Change::Segment(_) => ChangeKind::Segment,
            Change::BroadcastDraft(_) => ChangeKind::BroadcastDraft,
        }
    }

    /// The kind and id of the thing, as the feed stores them.
    pub fn key(&self) -> (&'static str, &str) {
        let id = match self {
            Change::Account(a) => &a.id,
            Change::Subscriber(s) => &s.id,
            Change::Conversation(c) => &c.id,
            Change::Message(m) => &m.id,
            Change::AutoReplyRule(r) => &r.id,
            Change::Segment(s) => &s.id,
            Change::BroadcastDraft(d) => &d.id,
        };
        (self.kind().as_str(), id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_designer_receives_accounts_and_no_conversation_data() {
        assert_eq!(
            ChangeKind::visible_to(Role::Designer),
            [ChangeKind::Account],
            "no subscribers, conversations or messages"
        );
        for role in [Role::Owner, Role::Admin, Role::Agent] {
            assert_eq!(ChangeKind::visible_to(role), ChangeKind::ALL, "{role:?} answers subscribers and sees it all");
        }
    }
}
