//! The world a decision reads: what the server reads inside its
//! transaction, what the console reads from its cache with the changes still
//! waiting applied on top, and an in-memory world for the console and tests.
//! Rules (`mutation`, `conversation_rules`, `follower_import`) read through
//! it; it knows none of them.

use std::collections::BTreeMap;

use crate::account::Account;
use crate::auto_reply::AutoReplyRule;
use crate::broadcast_draft::BroadcastDraft;
use crate::change::Change;
use crate::conversation::{Conversation, Message, Subscriber};
use crate::error::{ErrorCode, WicketError};
use crate::reply_window::ReplyLedger;
use crate::segment::Segment;
use crate::Millis;

/// What a mutation may read. The server reads inside its transaction; the
/// console reads its cache with the changes still waiting applied on top.
/// Every read says whether it worked: `Ok(None)` is "there is none",
/// `Err` is "it could not be read", and a decision that meets an `Err`
/// stops with it instead of deciding on a guess.
pub trait World {
    fn account(&self, id: &str) -> Result<Option<Account>, ReadError>;
    fn subscriber(&self, id: &str) -> Result<Option<Subscriber>, ReadError>;
    fn conversation(&self, id: &str) -> Result<Option<Conversation>, ReadError>;
    fn message(&self, id: &str) -> Result<Option<Message>, ReadError>;
    /// The conversation's history as the reply window needs it.
    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> Result<ReplyLedger, ReadError>;
    /// The subscriber a platform knows by `platform_user_id`.
    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> Result<Option<Subscriber>, ReadError>;
    fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>, ReadError>;
    /// An inbound message already received under the platform's id.
    fn message_by_platform_id(
        &self,
        conversation_id: &str,
        platform_msg_id: &str,
    ) -> Result<Option<Message>, ReadError>;
    /// An automatic-reply rule, deleted ones too (their tombstones).
    fn auto_reply_rule(&self, id: &str) -> Result<Option<AutoReplyRule>, ReadError>;
    /// An account's automatic-reply rules, deleted ones too.
    fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<AutoReplyRule>, ReadError>;
    /// When the rule `rule_id` last answered in the conversation (the
    /// default reply's quiet period).
    fn last_auto_reply_at(&self, conversation_id: &str, rule_id: &str) -> Result<Option<Millis>, ReadError>;
    /// A saved segment, deleted ones too (their tombstones).
    fn segment(&self, id: &str) -> Result<Option<Segment>, ReadError>;
    /// An account's saved segments, deleted ones too.
    fn segments(&self, account_id: &str) -> Result<Vec<Segment>, ReadError>;
    /// A broadcast draft, deleted ones too (their tombstones).
    fn broadcast_draft(&self, id: &str) -> Result<Option<BroadcastDraft>, ReadError>;
    /// An account's broadcast drafts, deleted ones too.
    fn broadcast_drafts(&self, account_id: &str) -> Result<Vec<BroadcastDraft>, ReadError>;
}

/// A read the world could not make: its store failed, or holds something
/// that cannot be read. The decision reading it is refused with it, and
/// nothing it would have decided is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the stored data: {reason}")]
pub struct ReadError {
    /// What went wrong, for logs and a report.
    pub reason: String,
}

impl ReadError {
    pub fn new(reason: impl std::fmt::Display) -> Self {
        Self { reason: reason.to_string() }
    }
}

/// A decision refused because it could not read what it needed: a storage
/// failure, not a rule broken.
impl From<ReadError> for WicketError {
    fn from(error: ReadError) -> Self {
        WicketError::new(ErrorCode::Storage, error.to_string())
    }
}

/// Who makes a change, and when.
#[derive(Debug, Clone)]
pub struct Actor {
    pub staff_id: String,
    pub now: Millis,
}

/// An in-memory world: the console's view of its cache, and tests.
#[derive(Debug, Clone, Default)]
pub struct MemoryWorld {
    pub accounts: BTreeMap<String, Account>,
    pub subscribers: BTreeMap<String, Subscriber>,
    pub conversations: BTreeMap<String, Conversation>,
    pub messages: BTreeMap<String, Message>,
    pub auto_reply_rules: BTreeMap<String, AutoReplyRule>,
    pub segments: BTreeMap<String, Segment>,
    pub broadcast_drafts: BTreeMap<String, BroadcastDraft>,
}

impl MemoryWorld {
    /// Records new states, as the server does after `apply`.
    pub fn absorb(&mut self, changes: impl IntoIterator<Item = Change>) {
        for change in changes {
            match change {
                Change::Account(a) => {
                    self.accounts.insert(a.id.clone(), a);
                }
                Change::Subscriber(s) => {
                    self.subscribers.insert(s.id.clone(), s);
                }
                Change::Conversation(c) => {
                    self.conversations.insert(c.id.clone(), c);
                }
                Change::Message(m) => {
                    self.messages.insert(m.id.clone(), m);
                }
                Change::AutoReplyRule(r) => {
                    self.auto_reply_rules.insert(r.id.clone(), r);
                }
                Change::Segment(s) => {
                    self.segments.insert(s.id.clone(), s);
                }
                Change::BroadcastDraft(d) => {
                    self.broadcast_drafts.insert(d.id.clone(), d);
                }
            }
        }
    }

    /// The conversation's reply ledger; memory never fails to read.
    pub fn ledger(&self, conversation_id: &str, now: Millis) -> ReplyLedger {
        let mut history: Vec<&Message> =
            self.messages.values().filter(|m| m.conversation_id == conversation_id).collect();
        history.sort_by_key(|m| (m.created_at, m.id.clone()));
        ReplyLedger::of_messages(history, now)
    }
}

impl World for MemoryWorld {
    fn account(&self, id: &str) -> Result<Option<Account>, ReadError> {
        Ok(self.accounts.get(id).cloned())
    }
    fn subscriber(&self, id: &str) -> Result<Option<Subscriber>, ReadError> {
        Ok(self.subscribers.get(id).cloned())
    }
    fn conversation(&self, id: &str) -> Result<Option<Conversation>, ReadError> {
        Ok(self.conversations.get(id).cloned())
    }
    fn message(&self, id: &str) -> Result<Option<Message>, ReadError> {
        Ok(self.messages.get(id).cloned())
    }
    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> Result<Option<Subscriber>, ReadError> {
        Ok(self
            .subscribers
            .values()
            .find(|s| s.account_id == account_id && s.platform == platform && s.platform_user_id == platform_user_id)
            .cloned())
    }
    fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>, ReadError> {
        Ok(self.conversations.values().find(|c| c.subscriber_id == subscriber_id).cloned())
    }
    fn message_by_platform_id(
        &self,
        conversation_id: &str,
        platform_msg_id: &str,
    ) -> Result<Option<Message>, ReadError> {
        Ok(self
            .messages
            .values()
            .find(|m| m.conversation_id == conversation_id && m.platform_msg_id.as_deref() == Some(platform_msg_id))
            .cloned())
    }
    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> Result<ReplyLedger, ReadError> {
        Ok(self.ledger(conversation_id, now))
    }
    fn auto_reply_rule(&self, id: &str) -> Result<Option<AutoReplyRule>, ReadError> {
        Ok(self.auto_reply_rules.get(id).cloned())
    }
    fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<AutoReplyRule>, ReadError> {
        Ok(self.auto_reply_rules.values().filter(|r| r.account_id == account_id).cloned().collect())
    }
    fn last_auto_reply_at(&self, conversation_id: &str, rule_id: &str) -> Result<Option<Millis>, ReadError> {
        Ok(self
            .messages
            .values()
            .filter(|m| m.conversation_id == conversation_id)
            .filter(|m| m.auto_reply.as_ref().is_some_and(|mark| mark.rule_id == rule_id))
            .map(|m| m.created_at)
            .max())
    }
    fn segment(&self, id: &str) -> Result<Option<Segment>, ReadError> {
        Ok(self.segments.get(id).cloned())
    }
    fn segments(&self, account_id: &str) -> Result<Vec<Segment>, ReadError> {
        Ok(self.segments.values().filter(|s| s.account_id == account_id).cloned().collect())
    }
    fn broadcast_draft(&self, id: &str) -> Result<Option<BroadcastDraft>, ReadError> {
        Ok(self.broadcast_drafts.get(id).cloned())
    }
    fn broadcast_drafts(&self, account_id: &str) -> Result<Vec<BroadcastDraft>, ReadError> {
        Ok(self.broadcast_drafts.values().filter(|d| d.account_id == account_id).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NewAccount;
    use crate::conversation::{ConversationStatus, MessageBody};
    use crate::conversation_rules::{receive, Inbound, NewIds};
    use crate::mutation::{apply, Mutation};
    use crate::platform::PlatformProfile;

    const NOW: Millis = 1_767_225_600_000;

    type Decision = dyn Fn(&Failing) -> Result<Vec<Change>, WicketError>;

    /// A world whose store fails on one kind of read and answers the others
    /// from memory.
    struct Failing {
        world: MemoryWorld,
        fails: &'static str,
    }

    impl Failing {
        fn read(&self, what: &str) -> Result<(), ReadError> {
            if self.fails == what {
                Err(ReadError::new(format!("disk I/O error reading {what}")))
            } else {
                Ok(())
            }
        }
    }

    impl World for Failing {
        fn account(&self, id: &str) -> Result<Option<Account>, ReadError> {
            self.read("account")?;
            self.world.account(id)
        }
        fn subscriber(&self, id: &str) -> Result<Option<Subscriber>, ReadError> {
            self.read("subscriber")?;
            self.world.subscriber(id)
        }
        fn conversation(&self, id: &str) -> Result<Option<Conversation>, ReadError> {
            self.read("conversation")?;
            self.world.conversation(id)
        }
        fn message(&self, id: &str) -> Result<Option<Message>, ReadError> {
            self.read("message")?;
            self.world.message(id)
        }
        fn reply_ledger(&self, conversation_id: &str, now: Millis) -> Result<ReplyLedger, ReadError> {
            self.read("reply_ledger")?;
            self.world.reply_ledger(conversation_id, now)
        }
        fn subscriber_by_platform_id(
            &self,
            account_id: &str,
            platform: &str,
            platform_user_id: &str,
        ) -> Result<Option<Subscriber>, ReadError> {
            self.read("subscriber_by_platform_id")?;
            self.world.subscriber_by_platform_id(account_id, platform, platform_user_id)
        }
        fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>, ReadError> {
            self.read("conversation_of")?;
            self.world.conversation_of(subscriber_id)
        }
        fn message_by_platform_id(
            &self,
            conversation_id: &str,
            platform_msg_id: &str,
        ) -> Result<Option<Message>, ReadError> {
            self.read("message_by_platform_id")?;
            self.world.message_by_platform_id(conversation_id, platform_msg_id)
        }
        fn auto_reply_rule(&self, id: &str) -> Result<Option<AutoReplyRule>, ReadError> {
            self.read("auto_reply_rule")?;
            self.world.auto_reply_rule(id)
        }
        fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<AutoReplyRule>, ReadError> {
            self.read("auto_reply_rules")?;
            self.world.auto_reply_rules(account_id)
        }
        fn last_auto_reply_at(&self, conversation_id: &str, rule_id: &str) -> Result<Option<Millis>, ReadError> {
            self.read("last_auto_reply_at")?;
            self.world.last_auto_reply_at(conversation_id, rule_id)
        }
        fn segment(&self, id: &str) -> Result<Option<Segment>, ReadError> {
            self.read("segment")?;
            self.world.segment(id)
        }
        fn segments(&self, account_id: &str) -> Result<Vec<Segment>, ReadError> {
            self.read("segments")?;
            self.world.segments(account_id)
        }
        fn broadcast_draft(&self, id: &str) -> Result<Option<BroadcastDraft>, ReadError> {
            self.read("broadcast_draft")?;
            self.world.broadcast_draft(id)
        }
        fn broadcast_drafts(&self, account_id: &str) -> Result<Vec<BroadcastDraft>, ReadError> {
            self.read("broadcast_drafts")?;
            self.world.broadcast_drafts(account_id)
        }
    }

    fn new_account(id: &str) -> Mutation {
        Mutation::CreateAccount(NewAccount {
            id: id.into(),
            name: "Shop".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
        })
    }

    fn inbound(platform_msg_id: &str) -> Inbound {
        Inbound {
            account_id: "acc".into(),
            platform: "sandbox".into(),
            platform_user_id: "visitor-1".into(),
            display_name: "访客".into(),
            platform_msg_id: Some(platform_msg_id.into()),
            body: MessageBody::Text { text: "你好".into() },
        }
    }

    fn ids(n: u32) -> NewIds {
        NewIds { subscriber: format!("s{n}"), conversation: format!("c{n}"), message: format!("m{n}") }
    }

    /// An account whose subscriber wrote a moment ago: subscriber `s1`,
    /// conversation `c1`, message `m1` (the platform's `p1`).
    fn world() -> MemoryWorld {
        let mut world = MemoryWorld::default();
        let actor = Actor { staff_id: "staff-1".into(), now: NOW };
        world.absorb(apply(&world, &new_account("acc"), &actor).unwrap());
        world.absorb(receive(&world, &inbound("p1"), &ids(1), NOW).unwrap());
        world
    }

    #[test]
    fn a_read_that_fails_refuses_the_decision_with_its_failure() {
        let actor = Actor { staff_id: "staff-1".into(), now: NOW + 1_000 };
        let reply = Mutation::SendMessage {
            id: "r1".into(),
            conversation_id: "c1".into(),
            body: MessageBody::Text { text: "在的".into() },
            note: false,
        };
        let decide_change = |mutation: Mutation| {
            let actor = actor.clone();
            move |world: &Failing| apply(world, &mutation, &actor)
        };
        let decide_receive = |message: Inbound| move |world: &Failing| receive(world, &message, &ids(2), NOW + 1_000);
        // Each decision would go ahead on a read that came back empty: a new
        // account, a second subscriber for the same person, a message stored
        // twice, a reply refused as outside a window that is open.
        let cases: Vec<(&str, Box<Decision>)> = vec![
            ("account", Box::new(decide_change(new_account("other")))),
            ("account", Box::new(decide_change(Mutation::ArchiveAccount { id: "acc".into() }))),
            (
                "subscriber",
                Box::new(decide_change(Mutation::SetSubscriberNote {
                    id: "s1".into(),
                    note: "VIP".into(),
                    base: String::new(),
                })),
            ),
            (
                "conversation",
                Box::new(decide_change(Mutation::SetConversationStatus {
                    id: "c1".into(),
                    status: ConversationStatus::Resolved,
                })),
            ),
            ("message", Box::new(decide_change(reply.clone()))),
            ("reply_ledger", Box::new(decide_change(reply))),
            ("subscriber_by_platform_id", Box::new(decide_receive(inbound("p2")))),
            ("conversation_of", Box::new(decide_receive(inbound("p2")))),
            ("message_by_platform_id", Box::new(decide_receive(inbound("p1")))),
        ];
        for (fails, decide) in cases {
            let healthy = Failing { world: world(), fails: "nothing" };
            assert!(decide(&healthy).is_ok(), "with every read working, the decision reading {fails} is taken");
            let failing = Failing { world: world(), fails };
            let refused = decide(&failing).expect_err("a decision whose read failed is refused");
            assert_eq!(refused.code, ErrorCode::Storage, "a failed {fails} read is a storage failure: {refused:?}");
            assert_eq!(
                refused.message,
                format!("cannot read the stored data: disk I/O error reading {fails}"),
                "the refusal carries the read's own failure"
            );
        }
    }
}
