//! Entries of the server's change feed. Each carries the whole new state of
//! one thing, so replaying the feed from the start rebuilds everything.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::Account;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Change {
    Account(Account),
}
