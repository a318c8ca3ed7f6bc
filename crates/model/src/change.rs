//! Entries of the server's change feed. Each carries the whole new state of
//! one thing, so replaying the feed from the start rebuilds everything.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::Account;
use crate::conversation::{Conversation, Message, Subscriber};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Change {
    Account(Account),
    Subscriber(Subscriber),
    Conversation(Conversation),
    Message(Message),
}

impl Change {
    /// The kind and id of the thing, as the feed stores them.
    pub fn key(&self) -> (&'static str, &str) {
        match self {
            Change::Account(a) => ("account", &a.id),
            Change::Subscriber(s) => ("subscriber", &s.id),
            Change::Conversation(c) => ("conversation", &c.id),
            Change::Message(m) => ("message", &m.id),
        }
    }
}
