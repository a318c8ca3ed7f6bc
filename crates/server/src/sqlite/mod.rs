//! The embedded storage: one SQLite file in the server's data folder.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) mod broadcasts;
mod inbox;
mod layouts;
mod platform;
mod purge;
mod readers;
mod sandbox;
mod world;
mod writer;

use async_trait::async_trait;
use include_dir::{include_dir, Dir};
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::layout::Layout;
use wicket_model::sync::{FeedEntry, PullResponse, PushResponse, Rejection};
use wicket_model::{Account, ChangeKind, Millis, PlatformProfile, Role, StaffUser, WicketError};
use wicket_sqlite::rusqlite::{self, params, Connection, OptionalExtension};

use crate::storage::{
    ApplyFn, ConversationFilter, DecideFn, DraftWrite, LayoutCheck, LayoutDraft, LayoutVersion, MessagePage, NewStaff,
    PushedMutation, Recorded, Result, StaffDecideFn, StaffUpdated, Storage, StorageError,
};
use world::{save_change, TxWorld};

/// Statements each connection keeps prepared: the inbound path alone runs
/// some fifteen for every message.
const STATEMENTS_KEPT: usize = 64;

static MIGRATIONS: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// SQLite allows one writer at a time, so the server keeps one writing
/// connection, and reads run on a few read-only ones (WAL: a reader never
/// waits for the writer). Every query runs off the async threads: writes and
/// reads on the blocking pool, and the durable records of subscribers'
/// messages on the group-commit writer thread ([`writer`]), which shares the
/// writing connection.
#[derive(Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
    readers: readers::ReadPool,
    writer: crate::storage::group_writer::GroupWriter,
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<Self> {
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).map_err(db)?;
        let conn = wicket_sqlite::open(path, &migrations).map_err(db)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        let conn = Arc::new(Mutex::new(conn));
        let readers = readers::open(path.to_path_buf())?;
        let writer = writer::start(conn.clone())?;
        Ok(Self { conn, readers, writer })
    }

    /// Brings the database at `path` (created if missing) to this program's
    /// schema version, and says which versions it applied.
    pub fn migrate(path: &Path) -> Result<Vec<i64>> {
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).map_err(db)?;
        let mut conn = wicket_sqlite::open_unmigrated(path).map_err(db)?;
        let before = wicket_sqlite::version(&conn, &migrations).map_err(db)?;
        wicket_sqlite::migrate_to(&mut conn, &migrations, None).map_err(db)?;
        let after = wicket_sqlite::version(&conn, &migrations).map_err(db)?;
        Ok((before + 1..=after).map(|v| v as i64).collect())
    }

    /// The schema version of the database at `path` (0 when there is none
    /// yet) and the one this program wants; changes nothing.
    pub fn schema_versions(path: &Path) -> Result<(i64, i64)> {
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).map_err(db)?;
        let known = wicket_sqlite::latest_version(&migrations).map_err(db)? as i64;
        if !path.exists() {
            return Ok((0, known));
        }
        let conn = wicket_sqlite::open_unmigrated(path).map_err(db)?;
        let current = wicket_sqlite::version(&conn, &migrations).map_err(db)? as i64;
        Ok((current, known))
    }

    async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || job(&mut lock(&conn)))
            .await
            .map_err(|e| StorageError::Database(format!("storage task failed: {e}")))?
    }

    /// Runs a job that only reads on a read-only connection of its own: it
    /// sees every write answered before it started, and waits for none.
    async fn read<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = readers.get().map_err(db)?;
            job(&mut conn)
        })
        .await
        .map_err(|e| StorageError::Database(format!("storage task failed: {e}")))?
    }

    /// A read of one row by its key, which takes microseconds: run where the
    /// caller runs when a reader is free, since handing it to the blocking
    /// pool and back costs more than the read itself (every subscriber's
    /// message makes one or two: its account and sandbox visitor, or its
    /// platform connection). Otherwise as [`Self::read`].
    async fn read_point<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        match self.readers.try_get() {
            Some(mut conn) => job(&mut conn),
            None => self.read(job).await,
        }
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // An open transaction rolls back when dropped, so a panicked holder
    // cannot leave the connection half-written.
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn db(e: impl std::fmt::Display) -> StorageError {
    StorageError::Database(e.to_string())
}

pub(super) fn sql(e: rusqlite::Error) -> StorageError {
    StorageError::Database(e.to_string())
}

const STAFF_COLUMNS: &str = "id, login, display_name, role";

fn staff_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StaffUser> {
    let role: String = row.get(3)?;
    Ok(StaffUser {
        id: row.get(0)?,
        login: row.get(1)?,
        display_name: row.get(2)?,
        role: Role::parse(&role)
            .ok_or_else(|| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, role.into()))?,
    })
}

pub(super) fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
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

fn last_mutation_id(conn: &Connection, client_id: &str) -> Result<i64> {
    Ok(conn
        .query_row("SELECT last_mutation_id FROM clients WHERE client_id = ?1", [client_id], |r| r.get(0))
        .optional()
        .map_err(sql)?
        .unwrap_or(0))
}

/// The staff member whose sign-in name is `login` up to Unicode case, with
/// their password hash. A team's staff list is short: it is read whole.
fn login_row(conn: &Connection, login: &str) -> Result<Option<(StaffUser, String)>> {
    let key = crate::auth::login_key(login);
    let mut stmt = conn.prepare(&format!("SELECT {STAFF_COLUMNS}, password_hash FROM staff")).map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let user = staff_from_row(row).map_err(sql)?;
        if crate::auth::login_key(&user.login) == key {
            return Ok(Some((user, row.get(4).map_err(sql)?)));
        }
    }
    Ok(None)
}

/// Applies one mutation (or records its refusal) with its digest and the
/// client's new last number, in one transaction: a crash between two
/// mutations leaves a clean prefix applied.
fn process(
    conn: &mut Connection,
    client_id: &str,
    staff_id: &str,
    pushed: &PushedMutation,
    apply: &ApplyFn,
    now: Millis,
) -> Result<()> {
    let tx = conn.transaction().map_err(sql)?;
    let decided = match &pushed.mutation {
        Ok(mutation) => {
            let world = TxWorld { tx: &tx, failure: std::cell::RefCell::new(None) };
            let decided = apply(&world, mutation);
            if let Some(failure) = world.failure.into_inner() {
                return Err(failure);
            }
            decided
        }
        Err(unreadable) => Err(unreadable.clone()),
    };
    match decided {
        Ok(changes) => {
            for change in &changes {
                save_change(&tx, change, now)?;
            }
        }
        Err(error) => {
            let json = serde_json::to_string(&error).map_err(db)?;
            tx.execute(
                "INSERT OR REPLACE INTO rejections (client_id, mutation_id, error) VALUES (?1, ?2, ?3)",
                params![client_id, pushed.id, json],
            )
            .map_err(sql)?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO mutation_digests (client_id, mutation_id, digest) VALUES (?1, ?2, ?3)",
        params![client_id, pushed.id, pushed.digest],
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT INTO clients (client_id, staff_id, last_mutation_id, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id,
           updated_at = excluded.updated_at",
        params![client_id, staff_id, pushed.id, now],
    )
    .map_err(sql)?;
    tx.commit().map_err(sql)
}

/// The refusal of a mutation whose number this client used before for
/// other content (its recorded digest differs), or `None` when it is the
/// same mutation sent again, or was processed before digests were kept.
fn reused_number(conn: &Connection, client_id: &str, pushed: &PushedMutation, last: i64) -> Result<Option<Rejection>> {
    let seen: Option<String> = conn
        .query_row(
            "SELECT digest FROM mutation_digests WHERE client_id = ?1 AND mutation_id = ?2",
            params![client_id, pushed.id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)?;
    if seen.is_none_or(|seen| seen == pushed.digest) {
        return Ok(None);
    }
    tracing::warn!(
        client_id,
        mutation_id = pushed.id,
        last_mutation_id = last,
        "a console sent another change under a number already processed (its numbering went back); refused, to be numbered again"
    );
    let issue = wicket_model::Issue::new("id", "sync.mutation.number_reused");
    let message =
        format!("change number {} was processed before with other content; number it again after {last}", pushed.id);
    Ok(Some(Rejection {
        id: pushed.id,
        error: WicketError { code: wicket_model::ErrorCode::Conflict, message, issues: vec![issue] },
    }))
}

/// Runs `job` with every commit synced to disk (`synchronous=FULL`), then
/// goes back to the default (`NORMAL`), whatever `job` returned.
fn durable<T>(conn: &mut Connection, job: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
    conn.pragma_update(None, "synchronous", "FULL").map_err(sql)?;
    let done = job(conn);
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(sql)?;
    done
}

/// Refuses a client id that another staff member's changes were recorded under.
fn check_client_owner(conn: &Connection, client_id: &str, staff_id: &str) -> Result<()> {
    let owner: Option<String> = conn
        .query_row("SELECT staff_id FROM clients WHERE client_id = ?1", [client_id], |r| r.get(0))
        .optional()
        .map_err(sql)?;
    match owner {
        Some(owner) if owner != staff_id => Err(StorageError::ClientTaken(client_id.to_owned())),
        _ => Ok(()),
    }
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn staff_count(&self) -> Result<u64> {
        self.read(|conn| conn.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0)).map_err(sql))
            .await
            .map(|n| n.max(0) as u64)
    }

    async fn create_staff(&self, new: NewStaff, now: Millis) -> Result<StaffUser> {
        self.run(move |conn| {
            let user = StaffUser {
                id: uuid::Uuid::new_v4().to_string(),
                login: new.login,
                display_name: new.display_name,
                role: new.role,
            };
            let tx = conn.transaction().map_err(sql)?;
            // Names differ in more than case, over all of Unicode (the
            // column's NOCASE folds only ASCII).
            if login_row(&tx, &user.login)?.is_some() {
                return Err(StorageError::LoginTaken(user.login));
            }
            let inserted = tx.execute(
                "INSERT INTO staff (id, login, display_name, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING",
                params![user.id, user.login, user.display_name, user.role.as_str(), new.password_hash, now],
            );
            match inserted.map_err(sql)? {
                0 => Err(StorageError::LoginTaken(user.login)),
                _ => {
                    tx.commit().map_err(sql)?;
                    Ok(user)
                }
            }
        })
        .await
    }

    async fn staff_by_login(&self, login: &str) -> Result<Option<(StaffUser, String)>> {
        let login = login.to_owned();
        self.read(move |conn| login_row(conn, &login)).await
    }

    async fn staff_by_role(&self, role: Role) -> Result<Vec<StaffUser>> {
        self.read(move |conn| {
            let mut stmt = conn
                .prepare(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE role = ?1 ORDER BY created_at"))
                .map_err(sql)?;
            let rows = stmt.query_map([role.as_str()], staff_from_row).map_err(sql)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
        })
        .await
    }

    async fn list_staff(&self) -> Result<Vec<StaffUser>> {
        self.run(move |conn| {
            let mut stmt =
                conn.prepare(&format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, rowid")).map_err(sql)?;
            let rows = stmt.query_map([], staff_from_row).map_err(sql)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
        })
        .await
    }

    async fn staff_by_id(&self, id: &str) -> Result<Option<StaffUser>> {
        let id = id.to_owned();
        self.read(move |conn| {
            conn.query_row(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"), [id], staff_from_row)
                .optional()
                .map_err(sql)
        })
        .await
    }

    async fn change_staff(
        &self,
        id: &str,
        decide: StaffDecideFn,
        password_hash: Option<String>,
    ) -> Result<StaffUpdated> {
        let id = id.to_owned();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let current = tx
                .query_row(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"), [&id], staff_from_row)
                .optional()
                .map_err(sql)?;
            let Some(current) = current else { return Ok(StaffUpdated::NotFound) };
            let owners: i64 =
                tx.query_row("SELECT count(*) FROM staff WHERE role = 'owner'", [], |r| r.get(0)).map_err(sql)?;
            let user = match decide(&current, owners.max(0) as u64) {
                StaffUpdated::Done(user) => user,
                refused => return Ok(refused),
            };
            tx.execute(
                "UPDATE staff SET display_name = ?2, role = ?3 WHERE id = ?1",
                params![current.id, user.display_name, user.role.as_str()],
            )
            .map_err(sql)?;
            if let Some(hash) = password_hash {
                tx.execute("UPDATE staff SET password_hash = ?2 WHERE id = ?1", params![current.id, hash])
                    .map_err(sql)?;
                tx.execute("DELETE FROM sessions WHERE staff_id = ?1", [&current.id]).map_err(sql)?;
            }
            tx.commit().map_err(sql)?;
            Ok(StaffUpdated::Done(StaffUser { id: current.id, login: current.login, ..user }))
        })
        .await
    }

    async fn create_session(&self, token_hash: &str, staff_id: &str, now: Millis, expires_at: Millis) -> Result<()> {
        let (token_hash, staff_id) = (token_hash.to_owned(), staff_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, staff_id, now, expires_at],
            )
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<StaffUser>> {
        let token_hash = token_hash.to_owned();
        self.read(move |conn| {
            conn.query_row(
                "SELECT s.id, s.login, s.display_name, s.role FROM sessions t JOIN staff s ON s.id = t.staff_id
                 WHERE t.token_hash = ?1 AND t.expires_at > ?2",
                params![token_hash, now],
                staff_from_row,
            )
            .optional()
            .map_err(sql)
        })
        .await
    }

    async fn revoke_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.run(move |conn| {
            conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash]).map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn revoke_all_sessions(&self, staff_id: &str) -> Result<()> {
        let staff_id = staff_id.to_owned();
        self.run(move |conn| {
            conn.execute("DELETE FROM sessions WHERE staff_id = ?1", [staff_id]).map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn push(
        &self,
        client_id: &str,
        staff_id: &str,
        mutations: Vec<PushedMutation>,
        apply: Arc<ApplyFn>,
        now: Millis,
    ) -> Result<PushResponse> {
        let (client_id, staff_id) = (client_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| {
            check_client_owner(conn, &client_id, &staff_id)?;
            let mut rejected = Vec::new();
            let mut last = last_mutation_id(conn, &client_id)?;
            // The last commit of this push is synced to disk, and the WAL
            // holds every earlier one before it: once answered, nothing
            // processed here is lost to a power cut.
            let final_new = mutations.iter().rposition(|m| m.id > last);
            for (index, pushed) in mutations.into_iter().enumerate() {
                if pushed.id <= last {
                    if let Some(reused) = reused_number(conn, &client_id, &pushed, last)? {
                        // Numbers only increase within a push, so nothing of
                        // it was applied: the console numbers this one and
                        // the rest again, in order.
                        rejected.push(reused);
                        break;
                    }
                    continue;
                }
                if Some(index) == final_new {
                    durable(conn, |conn| process(conn, &client_id, &staff_id, &pushed, &*apply, now))?;
                } else {
                    process(conn, &client_id, &staff_id, &pushed, &*apply, now)?;
                }
                last = pushed.id;
            }
            // Report every refusal this client has on record up to `last`,
            // so a push whose answer was lost still learns of them (a
            // reused number's refusal, not recorded, comes first).
            let mut stmt = conn
                .prepare_cached(
                    "SELECT mutation_id, error FROM rejections WHERE client_id = ?1 AND mutation_id <= ?2
                     ORDER BY mutation_id",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map(params![client_id, last], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(sql)?;
            for row in rows {
                let (id, json) = row.map_err(sql)?;
                let error: WicketError =
                    serde_json::from_str(&json).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                rejected.push(Rejection { id, error });
            }
            Ok(PushResponse { last_mutation_id: last, rejected })
        })
        .await
    }

    async fn pull(
        &self,
        client_id: &str,
        staff_id: &str,
        scope: &[ChangeKind],
        after: i64,
        limit: u32,
        now: Millis,
    ) -> Result<PullResponse> {
        let (client_id, staff_id, scope) = (client_id.to_owned(), staff_id.to_owned(), scope.to_vec());
        self.read(move |conn| {
            // One read transaction: the changes, the newest position and the
            // client's number agree.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred).map_err(sql)?;
            check_client_owner(&tx, &client_id, &staff_id)?;
            let newest: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql)?;
            let last_mutation_id = last_mutation_id(&tx, &client_id)?;
            let mut changes = Vec::new();
            // Bounded by bytes as well as by count: a page ends before the
            // change that would take it past `PULL_MAX_BYTES`, never empty.
            let mut bytes = 0;
            let mut full = false;
            {
                // The kinds in scope, as a JSON array the query reads with
                // `json_each`, so the statement is the same for every role.
                let kinds = serde_json::to_string(&scope).map_err(|e| StorageError::Database(e.to_string()))?;
                let mut stmt = tx
                    .prepare_cached(
                        "SELECT seq, body FROM changes
                         WHERE seq > ?1 AND kind IN (SELECT value FROM json_each(?3))
                         ORDER BY seq LIMIT ?2",
                    )
                    .map_err(sql)?;
                let rows = stmt
                    .query_map(params![after, i64::from(limit) + 1, kinds], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                    })
                    .map_err(sql)?;
                for row in rows {
                    let (seq, body) = row.map_err(sql)?;
                    bytes += body.len();
                    if bytes > wicket_model::sync::PULL_MAX_BYTES && !changes.is_empty() {
                        full = true;
                        break;
                    }
                    let change = serde_json::from_str(&body).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    changes.push(FeedEntry { seq, change });
                }
            }
            tx.commit().map_err(sql)?;
            let more = full || changes.len() > limit as usize;
            changes.truncate(limit as usize);
            // A page that ends the feed ends at its newest position, past
            // the changes out of scope after the last one in scope (never
            // back: a cursor beyond the newest position must stay visible).
            let cursor = match changes.last() {
                Some(last) if more => last.seq,
                _ => after.max(newest),
            };
            Ok(PullResponse {
                changes,
                cursor,
                more,
                last_mutation_id,
                server_time: now,
                newest: Some(newest),
                scope: Some(scope),
            })
        })
        .await
    }

    async fn record(&self, decide: DecideFn, now: Millis) -> Result<std::result::Result<Recorded, WicketError>> {
        self.run(move |conn| {
            let tx = conn.transaction().map_err(sql)?;
            let recorded = world::decide_and_save(&tx, decide, now)?;
            if recorded.is_ok() {
                tx.commit().map_err(sql)?;
            }
            Ok(recorded)
        })
        .await
    }

    async fn account(&self, id: &str) -> Result<Option<Account>> {
        let id = id.to_owned();
        self.read_point(move |conn| {
            conn.prepare_cached(
                "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
                 FROM accounts WHERE id = ?1",
            )
            .and_then(|mut stmt| stmt.query_row([id], account_from_row))
            .optional()
            .map_err(sql)
        })
        .await
    }

    async fn last_seq(&self) -> Result<i64> {
        self.read(|conn| conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql))
            .await
    }

    async fn conversations(&self, filter: ConversationFilter) -> Result<Vec<Conversation>> {
        self.read(move |conn| inbox::conversations(conn, &filter)).await
    }

    async fn unread_counts(&self, staff_id: &str, conversation_ids: Vec<String>) -> Result<Vec<u32>> {
        let staff_id = staff_id.to_owned();
        self.read(move |conn| inbox::unread_counts(conn, &staff_id, &conversation_ids)).await
    }

    async fn mark_read(&self, staff_id: &str, conversation_id: &str, at: Millis) -> Result<()> {
        let (staff_id, conversation_id) = (staff_id.to_owned(), conversation_id.to_owned());
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO read_marks (staff_id, conversation_id, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (staff_id, conversation_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)",
                params![staff_id, conversation_id, at],
            )
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn conversation(&self, id: &str) -> Result<Option<Conversation>> {
        let id = id.to_owned();
        self.read(move |conn| inbox::one(conn, "conversations", &id)).await
    }

    async fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>> {
        let subscriber_id = subscriber_id.to_owned();
        self.read(move |conn| {
            let body: Option<String> = conn
                .query_row("SELECT body FROM conversations WHERE subscriber_id = ?1", [subscriber_id], |r| r.get(0))
                .optional()
                .map_err(sql)?;
            body.map(|b| world::decode(&b)).transpose()
        })
        .await
    }

    async fn message(&self, id: &str) -> Result<Option<Message>> {
        let id = id.to_owned();
        self.read(move |conn| inbox::one(conn, "messages", &id)).await
    }

    async fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<wicket_model::auto_reply::AutoReplyRule>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| world::auto_reply_rules(conn, &account_id)).await
    }

    async fn messages(&self, conversation_id: &str, page: MessagePage) -> Result<Vec<Message>> {
        let conversation_id = conversation_id.to_owned();
        self.read(move |conn| inbox::messages(conn, &conversation_id, &page)).await
    }

    async fn messages_after(&self, conversation_id: &str, after: i64, limit: u32) -> Result<(Vec<Message>, i64)> {
        let conversation_id = conversation_id.to_owned();
        self.read(move |conn| inbox::messages_after(conn, &conversation_id, after, limit)).await
    }

    async fn subscribers(&self, account_id: &str, search: Option<String>, limit: u32) -> Result<Vec<Subscriber>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| inbox::subscribers(conn, &account_id, search.as_deref(), limit)).await
    }

    async fn subscriber(&self, id: &str) -> Result<Option<Subscriber>> {
        let id = id.to_owned();
        self.read(move |conn| inbox::one(conn, "subscribers", &id)).await
    }

    async fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        user_id: &str,
    ) -> Result<Option<Subscriber>> {
        let (account_id, platform, user_id) = (account_id.to_owned(), platform.to_owned(), user_id.to_owned());
        self.read(move |conn| {
            let body: Option<String> = conn
                .query_row(
                    "SELECT body FROM subscribers WHERE account_id = ?1 AND platform = ?2 AND platform_user_id = ?3",
                    params![account_id, platform, user_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            body.map(|b| world::decode(&b)).transpose()
        })
        .await
    }

    async fn layout_draft(&self, account_id: &str) -> Result<LayoutDraft> {
        let account_id = account_id.to_owned();
        self.read(move |conn| layouts::draft(conn, &account_id)).await
    }

    async fn save_layout_draft(
        &self,
        account_id: &str,
        expected_revision: i64,
        layout: Layout,
        staff_id: &str,
        now: Millis,
    ) -> Result<DraftWrite<LayoutDraft>> {
        let (account_id, staff_id) = (account_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| layouts::save_draft(conn, &account_id, expected_revision, &layout, &staff_id, now)).await
    }

    async fn publish_layout(
        &self,
        account_id: &str,
        expected_revision: i64,
        staff_id: &str,
        now: Millis,
        check: LayoutCheck,
    ) -> Result<std::result::Result<DraftWrite<i64>, WicketError>> {
        let (account_id, staff_id) = (account_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| layouts::publish(conn, &account_id, expected_revision, &staff_id, now, check)).await
    }

    async fn layout_versions(&self, account_id: &str) -> Result<Vec<LayoutVersion>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| layouts::versions(conn, &account_id)).await
    }

    async fn layout_version(&self, account_id: &str, version: i64) -> Result<Option<Layout>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| layouts::version(conn, &account_id, version)).await
    }

    async fn set_live_layout(&self, account_id: &str, version: i64, now: Millis) -> Result<bool> {
        let account_id = account_id.to_owned();
        self.run(move |conn| layouts::roll_back(conn, &account_id, version, now)).await
    }

    async fn live_layout(&self, account_id: &str) -> Result<Option<(i64, Layout)>> {
        let account_id = account_id.to_owned();
        self.read(move |conn| layouts::live(conn, &account_id)).await
    }

    async fn sandbox_visitor(&self, token_hash: &str) -> Result<Option<String>> {
        let token_hash = token_hash.to_owned();
        self.read_point(move |conn| sandbox::visitor(conn, &token_hash)).await
    }

    async fn create_sandbox_visitor(&self, token_hash: &str, user_id: &str, now: Millis) -> Result<()> {
        let (token_hash, user_id) = (token_hash.to_owned(), user_id.to_owned());
        self.run(move |conn| sandbox::create_visitor(conn, &token_hash, &user_id, now)).await
    }

    async fn save_media(&self, id: &str, mime: &str, bytes: Vec<u8>, now: Millis) -> Result<()> {
        let (id, mime) = (id.to_owned(), mime.to_owned());
        self.run(move |conn| sandbox::save_media(conn, &id, &mime, &bytes, now)).await
    }

    async fn media(&self, id: &str) -> Result<Option<(String, Vec<u8>)>> {
        let id = id.to_owned();
        self.read(move |conn| sandbox::media(conn, &id)).await
    }

    async fn media_bytes(&self) -> Result<u64> {
        self.read(|conn| {
            conn.query_row("SELECT coalesce(sum(length(bytes)), 0) FROM media", [], |r| r.get::<_, i64>(0)).map_err(sql)
        })
        .await
        .map(|n| n.max(0) as u64)
    }

    async fn purge(&self, now: Millis, clients_idle_before: Millis) -> Result<crate::storage::Purged> {
        self.run(move |conn| purge::purge(conn, now, clients_idle_before)).await
    }

    fn broadcasts(&self) -> &dyn crate::broadcast::store::BroadcastStore {
        self
    }

    fn platforms(&self) -> &dyn crate::platform::store::PlatformStore {
        self
    }
}

#[cfg(test)]
mod tests {
    use wicket_test_support::broadcast_tallies;

    use super::*;

    fn synchronous(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_durable_job_commits_with_full_sync_and_the_rest_stays_normal() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).unwrap();
        let mut conn = wicket_sqlite::open(&dir.path().join("server.sqlite"), &migrations).unwrap();
        assert_eq!(synchronous(&conn), 1, "ordinary commits are NORMAL");
        let inside = durable(&mut conn, |conn| Ok(synchronous(conn))).unwrap();
        assert_eq!(inside, 2, "the acknowledged commit is FULL: synced before the answer");
        assert_eq!(synchronous(&conn), 1, "and back to NORMAL after it");
        let failed: Result<()> = durable(&mut conn, |_| Err(StorageError::Database("refused".into())));
        assert!(failed.is_err());
        assert_eq!(synchronous(&conn), 1, "back to NORMAL after a failure too");
    }

    /// Rows of (broadcast/platform, state, reason, recipients).
    type Grouped = Vec<(String, String, String, i64)>;

    /// The ledger grouped as the tallies keep it, and the tallies.
    fn tallies_and_ledger(conn: &Connection) -> (Grouped, Grouped) {
        let read = |sql: &str| {
            let mut statement = conn.prepare(sql).unwrap();
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
            rows.collect::<std::result::Result<Vec<_>, _>>().unwrap()
        };
        (read(broadcast_tallies::TALLIES), read(broadcast_tallies::LEDGER))
    }

    #[test]
    fn the_tallies_count_a_ledger_written_before_them_and_follow_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.sqlite");
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).unwrap();
        let mut conn = wicket_sqlite::open_unmigrated(&path).unwrap();
        wicket_sqlite::migrate_to(&mut conn, &migrations, Some(12)).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO broadcasts (id, account_id, status, send_at, planned, body, created_at, updated_at)
             VALUES ('b1', 'shop', 'sending', 0, 1, '{}', 0, 0);
             INSERT INTO broadcast_recipients
               (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, reason, decided_at)
             VALUES ('b1', 's1', 'shop', 'wechat', 'o1', 'sent', NULL, 0),
                    ('b1', 's2', 'shop', 'wechat', 'o2', 'sent', NULL, 0),
                    ('b1', 's3', 'shop', 'wechat', 'o3', 'failed', 'wechat.mass.refused', 0),
                    ('b1', 's4', 'shop', 'wechat', 'o4', 'pending', NULL, 0),
                    ('b1', 's5', 'shop', 'wechat', 'o5', 'unfollowed', NULL, 0);",
        )
        .unwrap();
        wicket_sqlite::migrate_to(&mut conn, &migrations, None).unwrap();
        let (tallies, ledger) = tallies_and_ledger(&conn);
        assert_eq!(tallies, ledger, "the upgrade counts the ledger it finds");
        assert!(tallies.contains(&("b1/wechat".into(), "sent".into(), String::new(), 2)), "{tallies:?}");

        let after_upgrade = "INSERT INTO broadcast_recipients
               (broadcast_id, subscriber_id, account_id, platform, platform_user_id, state, decided_at)
             VALUES ('b1', 's6', 'shop', 'alipay', 'a6', 'pending', 0),
                    ('b1', 's7', 'shop', 'wechat', 'o7', 'pending', 0)
             ON CONFLICT DO NOTHING";
        for step in std::iter::once(after_upgrade).chain(broadcast_tallies::LEDGER_CHANGES) {
            conn.execute(step, []).unwrap();
            let (tallies, ledger) = tallies_and_ledger(&conn);
            assert_eq!(tallies, ledger, "after {step}");
        }
    }

    #[test]
    fn labels_left_by_broadcasts_that_ended_before_the_delivery_period_are_due_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).unwrap();
        let mut conn = wicket_sqlite::open_unmigrated(&dir.path().join("server.sqlite")).unwrap();
        wicket_sqlite::migrate_to(&mut conn, &migrations, Some(16)).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO broadcasts (id, account_id, status, send_at, planned, body, created_at, updated_at)
             VALUES ('done', 'shop', 'done', 0, 1, '{}', 0, 0),
                    ('gone', 'shop', 'done', 0, 1, '{}', 0, 0),
                    ('running', 'shop', 'sending', 0, 1, '{}', 0, 0);
             INSERT INTO broadcast_labels (broadcast_id, label_id, deleted)
             VALUES ('done', 'L1', 0), ('gone', 'L2', 1), ('running', 'L3', 0);",
        )
        .unwrap();
        wicket_sqlite::migrate_to(&mut conn, &migrations, None).unwrap();
        let mut statement =
            conn.prepare("SELECT broadcast_id, delete_after FROM broadcast_labels ORDER BY broadcast_id").unwrap();
        let rows: Vec<(String, Option<i64>)> = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [("done".into(), Some(0)), ("gone".into(), None), ("running".into(), None)],
            "a label whose delete failed is due; one in use waits for its broadcast"
        );
    }
}
