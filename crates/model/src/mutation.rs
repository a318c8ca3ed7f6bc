//! Mutations: the changes staff make, numbered per client and applied exactly
//! once by the server. Their meaning lives here, once: the server applies them
//! to its store, and the console applies the ones still waiting on top of its
//! cache, so what staff see offline is what the server will make of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::{Account, AccountId, AccountPatch, NewAccount};
use crate::error::{ErrorCode, WicketError};
use crate::staff::Permission;
use crate::Millis;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
pub enum Mutation {
    CreateAccount(NewAccount),
    UpdateAccount { id: AccountId, patch: AccountPatch },
    ArchiveAccount { id: AccountId },
    RestoreAccount { id: AccountId },
}

impl Mutation {
    /// What a staff member must be allowed to do for this change.
    pub fn permission(&self) -> Permission {
        match self {
            Mutation::CreateAccount(_)
            | Mutation::UpdateAccount { .. }
            | Mutation::ArchiveAccount { .. }
            | Mutation::RestoreAccount { .. } => Permission::ManageAccounts,
        }
    }

    /// The account this change is about.
    pub fn account_id(&self) -> &str {
        match self {
            Mutation::CreateAccount(new) => &new.id,
            Mutation::UpdateAccount { id, .. }
            | Mutation::ArchiveAccount { id }
            | Mutation::RestoreAccount { id } => id,
        }
    }

    /// A short name for logs and the console's sync panel.
    pub fn name(&self) -> &'static str {
        match self {
            Mutation::CreateAccount(_) => "create_account",
            Mutation::UpdateAccount { .. } => "update_account",
            Mutation::ArchiveAccount { .. } => "archive_account",
            Mutation::RestoreAccount { .. } => "restore_account",
        }
    }
}

/// The accounts a mutation reads and writes, keyed by id. The server loads
/// the ones a mutation touches; the console holds all of its cache's.
pub type AccountBook = BTreeMap<AccountId, Account>;

/// Applies `mutation` to `accounts`, returning the accounts it changed (the
/// server records each as a change). On error nothing is changed.
pub fn apply(
    accounts: &mut AccountBook,
    mutation: &Mutation,
    now: Millis,
) -> Result<Vec<Account>, WicketError> {
    match mutation {
        Mutation::CreateAccount(new) => {
            let new = new.clone().normalized().map_err(WicketError::invalid)?;
            if let Some(existing) = accounts.get(&new.id) {
                // The same create applied twice (e.g. replayed by a console
                // that lost its acknowledgement) is not an error.
                return if existing.name == new.name && existing.platform == new.platform {
                    Ok(Vec::new())
                } else {
                    Err(WicketError::new(
                        ErrorCode::Conflict,
                        format!("account {} already exists", new.id),
                    ))
                };
            }
            let account = new.into_account(now);
            accounts.insert(account.id.clone(), account.clone());
            Ok(vec![account])
        }
        Mutation::UpdateAccount { id, patch } => {
            let current = accounts
                .get(id)
                .ok_or_else(|| WicketError::not_found(format!("account {id}")))?;
            let next = patch
                .applied_to(current, now)
                .map_err(WicketError::invalid)?;
            changed(accounts, next)
        }
        Mutation::ArchiveAccount { id } | Mutation::RestoreAccount { id } => {
            let archived = matches!(mutation, Mutation::ArchiveAccount { .. });
            let current = accounts
                .get(id)
                .ok_or_else(|| WicketError::not_found(format!("account {id}")))?;
            let mut next = current.clone();
            if next.archived != archived {
                next.archived = archived;
                next.updated_at = now;
            }
            changed(accounts, next)
        }
    }
}

fn changed(accounts: &mut AccountBook, next: Account) -> Result<Vec<Account>, WicketError> {
    if accounts.get(&next.id) == Some(&next) {
        return Ok(Vec::new());
    }
    accounts.insert(next.id.clone(), next.clone());
    Ok(vec![next])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::PlatformProfile;

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

    #[test]
    fn create_rename_archive() {
        let mut book = AccountBook::new();
        assert_eq!(apply(&mut book, &create("a", "Shop"), 1).unwrap().len(), 1);
        let rename = Mutation::UpdateAccount {
            id: "a".into(),
            patch: AccountPatch {
                name: Some("Shop 2".into()),
                ..Default::default()
            },
        };
        apply(&mut book, &rename, 2).unwrap();
        apply(&mut book, &Mutation::ArchiveAccount { id: "a".into() }, 3).unwrap();
        let account = &book["a"];
        assert_eq!(
            (account.name.as_str(), account.archived, account.updated_at),
            ("Shop 2", true, 3)
        );
    }

    #[test]
    fn replaying_a_create_changes_nothing() {
        let mut book = AccountBook::new();
        apply(&mut book, &create("a", "Shop"), 1).unwrap();
        assert!(
            apply(&mut book, &create("a", "Shop"), 2)
                .unwrap()
                .is_empty(),
            "a replayed create is a no-op"
        );
        let err = apply(&mut book, &create("a", "Other"), 2).unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::Conflict,
            "a different account under the same id is refused"
        );
    }

    #[test]
    fn an_invalid_change_leaves_everything_as_it_was() {
        let mut book = AccountBook::new();
        apply(&mut book, &create("a", "Shop"), 1).unwrap();
        let before = book.clone();
        let bad = Mutation::UpdateAccount {
            id: "a".into(),
            patch: AccountPatch {
                name: Some(String::new()),
                ..Default::default()
            },
        };
        assert_eq!(
            apply(&mut book, &bad, 2).unwrap_err().code,
            ErrorCode::Invalid
        );
        assert_eq!(
            book, before,
            "a refused change leaves the accounts unchanged"
        );
        let missing = Mutation::ArchiveAccount { id: "nope".into() };
        assert_eq!(
            apply(&mut book, &missing, 2).unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn mutations_cross_json_by_name_and_args() {
        let json = serde_json::to_value(Mutation::ArchiveAccount { id: "a".into() }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "archive_account", "args": {"id": "a"}})
        );
    }
}
