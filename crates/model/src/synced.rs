//! What every per-account synced entity shares (saved segments, broadcast
//! drafts, automatic-reply rules): staff save one by an id the console
//! makes, through the outbox; it stays with the account it was made for;
//! saving it unchanged changes nothing; deleting it keeps a tombstone so
//! every console learns it went, through the change feed.
//!
//! Each entity's own rules (its fields, limits and issue keys) stay in its
//! module; only these shared steps live here, so the three cannot drift.

use crate::account::{Account, AccountId};
use crate::change::Change;
use crate::error::{ErrorCode, Issue, WicketError};
use crate::mutation::Mutation;
use crate::world::{Actor, ReadError, World};
use crate::Millis;

/// The longest id a console may make for a synced entity.
pub const ID_MAX_BYTES: usize = 64;

/// What the console sends to save a synced entity: it names the entity and
/// the account it belongs to.
pub trait SyncedEdit: PartialEq {
    fn id(&self) -> &str;
    fn account_id(&self) -> &AccountId;
}

/// A per-account entity saved through the outbox and carried by the change
/// feed, a deleted one as a tombstone.
pub trait SyncedEntity: Clone + Sized {
    /// What the console sends to save one.
    type Edit: SyncedEdit;

    /// How errors name it ("segment seg-1 belongs to another account").
    const NOUN: &'static str;
    /// The issue key of an empty or too long id.
    const ID_INVALID_KEY: &'static str;

    fn id(&self) -> &str;
    fn account_id(&self) -> &AccountId;
    fn is_deleted(&self) -> bool;
    /// The edit that saves it as it is: an incoming edit equal to it
    /// changes nothing.
    fn as_edit(&self) -> Self::Edit;
    /// The same entity deleted at `now`.
    fn into_tombstone(self, now: Millis) -> Self;
    fn into_change(self) -> Change;
    /// The entity a change carries, if it carries one of this kind.
    fn from_change(change: Change) -> Option<Self>;
    /// Whether `mutation` saves or deletes one of this kind (the outbox's
    /// edits a cache lays over what it pulled).
    fn is_edited_by(mutation: &Mutation) -> bool;

    /// The stored one by its id, a tombstone too.
    fn stored<W: World + ?Sized>(world: &W, id: &str) -> Result<Option<Self>, ReadError>;
}

/// Where a save stands once the steps every synced entity shares are done.
pub enum SaveStart<E> {
    /// The edit equals the stored, live entity: nothing to save.
    Unchanged,
    /// Something to check and save: the account it belongs to, and the
    /// stored entity it replaces (a tombstone too), if any.
    Changed { account: Account, current: Option<E> },
}

/// The steps that open every save, in this order: the id is 1 to 64 bytes,
/// the account exists, a stored entity by that id belongs to the same
/// account, and an unchanged live entity is left alone.
pub fn start_save<E: SyncedEntity, W: World + ?Sized>(world: &W, edit: &E::Edit) -> Result<SaveStart<E>, WicketError> {
    let id = edit.id();
    if id.is_empty() || id.len() > ID_MAX_BYTES {
        return Err(WicketError::invalid(vec![Issue::new("id", E::ID_INVALID_KEY)]));
    }
    let account_id = edit.account_id();
    let account = world.account(account_id)?.ok_or_else(|| WicketError::not_found(format!("account {account_id}")))?;
    let current = E::stored(world, id)?;
    if let Some(current) = &current {
        if current.account_id() != account_id {
            return Err(WicketError::new(ErrorCode::Conflict, format!("{} {id} belongs to another account", E::NOUN)));
        }
        if !current.is_deleted() && current.as_edit() == *edit {
            return Ok(SaveStart::Unchanged);
        }
    }
    Ok(SaveStart::Changed { account, current })
}

/// An edit's issues as the refusal every save answers with, when it has any.
pub fn refuse_issues(issues: Vec<Issue>) -> Result<(), WicketError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(WicketError::invalid(issues))
    }
}

/// The account's other live entities an edit is counted and compared with:
/// neither itself, nor tombstones, nor another account's.
pub fn live_others<'a, E: SyncedEntity>(others: &'a [E], edit: &'a E::Edit) -> impl Iterator<Item = &'a E> + 'a {
    others.iter().filter(move |e| e.id() != edit.id() && !e.is_deleted() && e.account_id() == edit.account_id())
}

/// An entity deleted by staff: kept as a tombstone; deleting it again
/// changes nothing.
pub fn delete<E: SyncedEntity, W: World + ?Sized>(
    world: &W,
    id: &str,
    actor: &Actor,
) -> Result<Vec<Change>, WicketError> {
    let current = E::stored(world, id)?.ok_or_else(|| WicketError::not_found(format!("{} {id}", E::NOUN)))?;
    if current.is_deleted() {
        return Ok(Vec::new());
    }
    Ok(vec![current.into_tombstone(actor.now).into_change()])
}
