//! The world a decision reads: what the server reads inside its
//! transaction, what the console reads from its cache with the changes still
//! waiting applied on top, and an in-memory world for the console and tests.
//! Rules (`mutation`, `conversation_rules`, `follower_import`) read through
//! it; it knows none of them.

use std::collections::BTreeMap;

use crate::account::Account;
use crate::change::Change;
use crate::conversation::{Conversation, Message, Subscriber};
use crate::reply_window::ReplyLedger;
use crate::Millis;

/// What a mutation may read. The server reads inside its transaction; the
/// console reads its cache with the changes still waiting applied on top.
pub trait World {
    fn account(&self, id: &str) -> Option<Account>;
    fn subscriber(&self, id: &str) -> Option<Subscriber>;
    fn conversation(&self, id: &str) -> Option<Conversation>;
    fn message(&self, id: &str) -> Option<Message>;
    /// The conversation's history as the reply window needs it.
    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> ReplyLedger;
    /// The subscriber a platform knows by `platform_user_id`.
    fn subscriber_by_platform_id(&self, account_id: &str, platform: &str, platform_user_id: &str)
        -> Option<Subscriber>;
    fn conversation_of(&self, subscriber_id: &str) -> Option<Conversation>;
    /// An inbound message already received under the platform's id.
    fn message_by_platform_id(&self, conversation_id: &str, platform_msg_id: &str) -> Option<Message>;
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
            }
        }
    }
}

impl World for MemoryWorld {
    fn account(&self, id: &str) -> Option<Account> {
        self.accounts.get(id).cloned()
    }
    fn subscriber(&self, id: &str) -> Option<Subscriber> {
        self.subscribers.get(id).cloned()
    }
    fn conversation(&self, id: &str) -> Option<Conversation> {
        self.conversations.get(id).cloned()
    }
    fn message(&self, id: &str) -> Option<Message> {
        self.messages.get(id).cloned()
    }
    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> Option<Subscriber> {
        self.subscribers
            .values()
            .find(|s| s.account_id == account_id && s.platform == platform && s.platform_user_id == platform_user_id)
            .cloned()
    }
    fn conversation_of(&self, subscriber_id: &str) -> Option<Conversation> {
        self.conversations.values().find(|c| c.subscriber_id == subscriber_id).cloned()
    }
    fn message_by_platform_id(&self, conversation_id: &str, platform_msg_id: &str) -> Option<Message> {
        self.messages
            .values()
            .find(|m| m.conversation_id == conversation_id && m.platform_msg_id.as_deref() == Some(platform_msg_id))
            .cloned()
    }
    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> ReplyLedger {
        let mut history: Vec<&Message> =
            self.messages.values().filter(|m| m.conversation_id == conversation_id).collect();
        history.sort_by_key(|m| (m.created_at, m.id.clone()));
        ReplyLedger::of_messages(history, now)
    }
}
