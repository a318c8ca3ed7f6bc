//! The console's local cache: one SQLite file per signed-in workspace.
//!
//! It holds the state last pulled from the server and the *outbox* of changes
//! written here and not yet taken into that state. What staff see is the
//! pulled state with the waiting changes applied on top (rebased after every
//! pull), so their own writes show at once, offline too.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use include_dir::{include_dir, Dir};
use wicket_model::mutation;
use wicket_model::sync::{NumberedMutation, PullResponse, Rejection};
use wicket_model::world::{Actor, MemoryWorld};
use wicket_model::{Account, AccountListItem, ChangeKind, Millis, Mutation, PlatformProfile, StaffUser, WicketError};
use wicket_sqlite::rusqlite::{self, params, Connection, OptionalExtension};

mod auto_replies;
mod broadcast_drafts;
mod canned;
mod inbox;
mod ingest;
mod layouts;
mod media;
mod overlay;
mod retention;
pub mod search;
mod segments;
mod synced;
mod world;

static MIGRATIONS: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Open(#[from] wicket_sqlite::OpenError),
    #[error("cache query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the cache holds something this version cannot read: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub use canned::CannedSave;
pub use layouts::{conflict_from, StoredDraft};
pub use media::PendingMedia;
pub use retention::REJECTED_RETENTION_MS;

/// A change the server refused, kept until staff dismiss it.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedChange {
    pub id: i64,
    pub mutation: Mutation,
    pub error: WicketError,
    pub created_at: Millis,
}

pub struct Cache {
    conn: Mutex<Connection>,
}

impl Cache {
    /// Opens (or creates) the cache at `path` and brings it to the latest
    /// schema.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = wicket_sqlite::open(path, &migrations()?)?;
        ingest::backfill_search(&mut conn)?;
        let cache = Cache { conn: Mutex::new(conn) };
        cache.client_id()?;
        Ok(cache)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (an
        // open transaction rolls back when dropped), so the guard is safe to reuse.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// This installation's id for this workspace, made on first use.
    pub fn client_id(&self) -> Result<String> {
        let conn = self.conn();
        if let Some(id) = get_meta(&conn, "client_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        set_meta(&conn, "client_id", &id)?;
        Ok(id)
    }

    /// The staff member this workspace belongs to, kept so the console opens
    /// offline.
    pub fn signed_in_user(&self) -> Result<Option<StaffUser>> {
        let conn = self.conn();
        match get_meta(&conn, "user")? {
            Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(None),
        }
    }

    pub fn remember_user(&self, user: &StaffUser) -> Result<()> {
        let json = serde_json::to_string(user).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        set_meta(&self.conn(), "user", &json)
    }

    /// Where the next pull starts in the server's change feed.
    pub fn cursor(&self) -> Result<i64> {
        let conn = self.conn();
        Ok(get_meta(&conn, "cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// Forgets everything pulled from the server and sets the cursor back to
    /// the start, for a server whose feed is behind this cache's cursor (its
    /// data restored from an older backup): the next pulls bring its state
    /// whole. What was written here stays: the outbox, drafts, read marks,
    /// canned replies, layout drafts and media.
    pub fn reset_pulled_state(&self) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for kind in ChangeKind::ALL {
            forget_kind(&tx, kind)?;
        }
        set_meta(&tx, "cursor", "0")?;
        tx.execute("DELETE FROM meta WHERE key = 'unreadable_by'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Notes, before the page is taken, that a pull passes over changes
    /// that the console of `version` cannot read (a newer server's): a
    /// console of another version pulls everything again.
    pub fn note_unreadable(&self, version: &str) -> Result<()> {
        set_meta(&self.conn(), "unreadable_by", version)
    }

    /// The console version whose pulls passed over changes it could not
    /// read, if one did since the pulled state was last forgotten.
    pub fn unreadable_by(&self) -> Result<Option<String>> {
        get_meta(&self.conn(), "unreadable_by")
    }

    /// The kinds of change the pulled state holds: the scope of the feed it
    /// was pulled under (every kind before feeds had scopes).
    pub fn feed_scope(&self) -> Result<Vec<ChangeKind>> {
        feed_scope(&self.conn())
    }

    /// The server's clock minus ours, in ms, as of the last pull.
    pub fn clock_offset(&self) -> Result<i64> {
        let conn = self.conn();
        Ok(get_meta(&conn, "clock_offset")?.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// Keeps a change in the outbox; returns its number. The change is
    /// visible in [`Cache::accounts`] at once.
    pub fn enqueue(&self, mutation: &Mutation, now: Millis) -> Result<i64> {
        let json = serde_json::to_string(mutation).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = self.conn();
        conn.execute("INSERT INTO outbox (mutation, created_at) VALUES (?1, ?2)", params![json, now])?;
        Ok(conn.last_insert_rowid())
    }

    /// The oldest waiting changes numbered after `after`, in order, at most
    /// `limit`.
    pub fn pending(&self, after: i64, limit: usize) -> Result<Vec<NumberedMutation>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, mutation FROM outbox WHERE state = 'pending' AND id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows =
            stmt.query_map(params![after, limit as i64], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, json) = row?;
            Ok(NumberedMutation { id, mutation: decode(&json)? })
        })
        .collect()
    }

    /// Notes that changes `first..=last` are being offered to the server
    /// under their numbers: from now on a pull that reports them processed
    /// takes them out of the outbox.
    pub fn mark_sent(&self, first: i64, last: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET sent = 1 WHERE state = 'pending' AND sent = 0 AND id BETWEEN ?1 AND ?2",
            params![first, last],
        )?;
        Ok(())
    }

    /// Takes the server's last processed number for this client: changes
    /// written from now on are numbered after it, even when this cache's own
    /// count went back (lost to a power cut, restored, copied).
    pub fn note_server_last(&self, last_mutation_id: i64) -> Result<()> {
        raise_outbox_sequence(&self.conn(), last_mutation_id)
    }

    /// Numbers the waiting changes from `from` on again, in their order,
    /// after everything this cache and the server (`server_last`) have
    /// numbered, for a server that processed `from` before with other
    /// content. They count as not sent. Returns the newest number.
    pub fn renumber_from(&self, from: i64, server_last: i64) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        raise_outbox_sequence(&tx, server_last)?;
        let mut next: i64 = tx.query_row(
            "SELECT max((SELECT coalesce(max(id), 0) FROM outbox),
                        (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox'))",
            [],
            |r| r.get(0),
        )?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM outbox WHERE state = 'pending' AND id >= ?1 ORDER BY id")?;
            let rows = stmt.query_map([from], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            next += 1;
            tx.execute("UPDATE outbox SET id = ?1, sent = 0 WHERE id = ?2", params![next, id])?;
        }
        raise_outbox_sequence(&tx, next)?;
        tx.commit()?;
        Ok(next)
    }

    /// The number of the newest change in the outbox (0 when empty).
    pub fn last_outbox_id(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT coalesce(max(id), 0) FROM outbox", [], |r| r.get(0))?)
    }

    /// Counts of waiting and refused changes, for the sync indicator.
    pub fn outbox_counts(&self) -> Result<(u32, u32)> {
        let conn = self.conn();
        let count = |state: &str| -> Result<u32> {
            Ok(conn.query_row("SELECT count(*) FROM outbox WHERE state = ?1", [state], |r| r.get(0))?)
        };
        Ok((count("pending")?, count("rejected")?))
    }

    /// Marks changes the server refused for good; they stop being applied on
    /// top of the pulled state and wait for staff to read why.
    pub fn record_rejections(&self, rejections: &[Rejection]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for rejection in rejections {
            let error = serde_json::to_string(&rejection.error).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "UPDATE outbox SET state = 'rejected', rejection = ?2 WHERE id = ?1 AND state = 'pending'",
                params![rejection.id, error],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn rejected(&self) -> Result<Vec<RejectedChange>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, mutation, rejection, created_at FROM outbox WHERE state = 'rejected' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?))
        })?;
        rows.map(|row| {
            let (id, mutation, error, created_at) = row?;
            let error = serde_json::from_str(&error).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(RejectedChange { id, mutation: decode(&mutation)?, error, created_at })
        })
        .collect()
    }

    pub fn dismiss_rejected(&self, id: i64) -> Result<()> {
        self.conn().execute("DELETE FROM outbox WHERE id = ?1 AND state = 'rejected'", [id])?;
        Ok(())
    }

    /// Takes one page of the change feed into the cache, in one transaction.
    /// Once the console has caught up (`more` is false), the waiting changes
    /// the server reports as processed are part of the pulled state and leave
    /// the outbox; until then they stay on top, so nothing flickers.
    ///
    /// A page pulled under another scope than the cache's (the staff
    /// member's role changed) first drops every kind the new scope leaves
    /// out, with its search index and the thread images kept for it. When
    /// the new scope adds kinds, the page is not taken: the cursor goes back
    /// to the start, so the next pulls bring the kinds the cache never
    /// received (the outbox stays, applied on top as ever).
    pub fn apply_pull(&self, pull: &PullResponse, now: Millis) -> Result<PullTaken> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut scope = pull.scope.clone().unwrap_or_else(|| ChangeKind::ALL.to_vec());
        scope.sort();
        scope.dedup();
        let held = feed_scope(&tx)?;
        let mut taken = PullTaken::Page;
        if held != scope {
            for kind in held.iter().filter(|kind| !scope.contains(kind)) {
                forget_kind(&tx, *kind)?;
                if *kind == ChangeKind::Message {
                    tx.execute("DELETE FROM media_cache", [])?;
                }
            }
            set_meta(&tx, "feed_scope", &to_json(&scope)?)?;
            taken = PullTaken::Narrowed;
            if scope.iter().any(|kind| !held.contains(kind)) {
                set_meta(&tx, "cursor", "0")?;
                tx.commit()?;
                return Ok(PullTaken::Widened);
            }
        }
        for entry in &pull.changes {
            ingest::store_change(&tx, &entry.change)?;
        }
        set_meta(&tx, "cursor", &pull.cursor.to_string())?;
        set_meta(&tx, "clock_offset", &(pull.server_time - now).to_string())?;
        // Only what was sent under its number can be what the server
        // processed under it; the rest is sent first.
        if !pull.more {
            tx.execute(
                "DELETE FROM outbox WHERE state = 'pending' AND sent = 1 AND id <= ?1",
                [pull.last_mutation_id],
            )?;
        }
        raise_outbox_sequence(&tx, pull.last_mutation_id)?;
        tx.commit()?;
        Ok(taken)
    }

    /// Every account: the pulled state with the waiting changes applied on
    /// top, in the order they were made. Archived accounts are included.
    pub fn accounts(&self) -> Result<Vec<AccountListItem>> {
        let conn = self.conn();
        let mut world = MemoryWorld::default();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
                 FROM accounts",
            )?;
            let rows = stmt.query_map([], account_from_row)?;
            for account in rows {
                let account = account?;
                world.accounts.insert(account.id.clone(), account);
            }
        }
        let mut waiting = std::collections::BTreeSet::new();
        let mut stmt =
            conn.prepare_cached("SELECT mutation, created_at FROM outbox WHERE state = 'pending' ORDER BY id")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
        for row in rows {
            let (json, created_at) = row?;
            let change = decode(&json)?;
            if !matches!(
                change,
                Mutation::CreateAccount(_)
                    | Mutation::UpdateAccount { .. }
                    | Mutation::ArchiveAccount { .. }
                    | Mutation::RestoreAccount { .. }
            ) {
                continue;
            }
            // A change that no longer applies (its account is gone, say) is
            // left for the server to refuse; it shows nothing meanwhile.
            let actor = Actor { staff_id: String::new(), now: created_at };
            if let Ok(changed) = mutation::apply(&world, &change, &actor) {
                for change in &changed {
                    waiting.insert(change.key().1.to_owned());
                }
                world.absorb(changed);
            }
        }
        let book = world.accounts;
        let mut accounts: Vec<_> = book
            .into_values()
            .map(|account| AccountListItem { waiting: waiting.contains(&account.id), account })
            .collect();
        accounts.sort_by(|a, b| {
            (a.account.archived, a.account.created_at, &a.account.id).cmp(&(
                b.account.archived,
                b.account.created_at,
                &b.account.id,
            ))
        });
        Ok(accounts)
    }
}

/// What [`Cache::apply_pull`] did with a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullTaken {
    /// Taken into the cache.
    Page,
    /// Taken, after the kinds the page's narrower scope leaves out were
    /// dropped from the cache.
    Narrowed,
    /// Not taken: the page's scope holds kinds the cache never received,
    /// so the cursor went back to the start (and kinds left out were
    /// dropped). Pull again.
    Widened,
}

/// The kinds the pulled state holds (see [`Cache::feed_scope`]).
fn feed_scope(conn: &Connection) -> Result<Vec<ChangeKind>> {
    match get_meta(conn, "feed_scope")? {
        Some(json) => {
            let mut scope: Vec<ChangeKind> =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("feed scope: {e}")))?;
            scope.sort();
            Ok(scope)
        }
        None => Ok(ChangeKind::ALL.to_vec()),
    }
}

/// Deletes every pulled thing of `kind`, with its search index.
fn forget_kind(conn: &Connection, kind: ChangeKind) -> Result<()> {
    let (table, index) = match kind {
        ChangeKind::Account => ("accounts", None),
        ChangeKind::Subscriber => ("subscribers", Some("subscriber_search")),
        ChangeKind::Conversation => ("conversations", None),
        ChangeKind::Message => ("messages", Some("message_search")),
        ChangeKind::AutoReplyRule => ("auto_reply_rules", None),
        ChangeKind::Segment => ("segments", None),
        ChangeKind::BroadcastDraft => ("broadcast_drafts", None),
    };
    conn.execute(&format!("DELETE FROM {table}"), [])?;
    if let Some(index) = index {
        conn.execute(&format!("INSERT INTO {index} ({index}) VALUES ('delete-all')"), [])?;
    }
    Ok(())
}

fn migrations() -> Result<wicket_sqlite::Migrations<'static>> {
    Ok(wicket_sqlite::migrations(&MIGRATIONS)?)
}

pub(crate) fn decode(json: &str) -> Result<Mutation> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("outbox entry: {e}")))
}

/// Makes the outbox number new changes after `at_least` (SQLite keeps an
/// AUTOINCREMENT table's highest number in `sqlite_sequence`).
fn raise_outbox_sequence(conn: &Connection, at_least: i64) -> Result<()> {
    let raised = conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'outbox'", [at_least])?;
    if raised == 0 {
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?1)", [at_least])?;
    }
    Ok(())
}

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let platform: String = row.get(2)?;
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        platform: PlatformProfile::parse(&platform).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, platform.into())
        })?,
        category: row.get(3)?,
        description: row.get(4)?,
        avatar_color: row.get(5)?,
        archived: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
        settings: match row.get::<_, Option<String>>(9)? {
            Some(json) => {
                Some(serde_json::from_str(&json).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e))
                })?)
            }
            None => None,
        },
    })
}

#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod tests;
