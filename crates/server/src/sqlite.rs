//! The embedded storage: one SQLite file in the server's data folder.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use include_dir::{include_dir, Dir};
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::reply_window::ReplyLedger;
use wicket_model::sync::{FeedEntry, NumberedMutation, PullResponse, PushResponse, Rejection};
use wicket_model::{Account, Change, Millis, PlatformProfile, Role, StaffUser, WicketError, World};
use wicket_sqlite::rusqlite::{self, params, Connection, OptionalExtension, Transaction};

use crate::storage::{ApplyFn, NewStaff, Result, Storage, StorageError};

static MIGRATIONS: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// SQLite allows one writer at a time, so the server keeps one connection and
/// runs every query on the blocking pool, never on the async threads.
#[derive(Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<Self> {
        let migrations = wicket_sqlite::migrations(&MIGRATIONS).map_err(db)?;
        let conn = wicket_sqlite::open(path, &migrations).map_err(db)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
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
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // An open transaction rolls back when dropped, so a panicked holder
    // cannot leave the connection half-written.
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn db(e: impl std::fmt::Display) -> StorageError {
    StorageError::Database(e.to_string())
}

fn sql(e: rusqlite::Error) -> StorageError {
    StorageError::Database(e.to_string())
}

const STAFF_COLUMNS: &str = "id, login, display_name, role";

fn staff_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StaffUser> {
    let role: String = row.get(3)?;
    Ok(StaffUser {
        id: row.get(0)?,
        login: row.get(1)?,
        display_name: row.get(2)?,
        role: Role::parse(&role).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, role.into())
        })?,
    })
}

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let platform: String = row.get(2)?;
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        platform: PlatformProfile::parse(&platform).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                platform.into(),
            )
        })?,
        category: row.get(3)?,
        description: row.get(4)?,
        avatar_color: row.get(5)?,
        archived: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

/// What a mutation reads, inside the push's transaction. Reads that fail
/// are kept, so the push fails as a whole instead of deciding on a guess.
struct TxWorld<'a> {
    tx: &'a Transaction<'a>,
    failure: std::cell::RefCell<Option<StorageError>>,
}

impl TxWorld<'_> {
    fn read<T>(&self, result: Result<Option<T>>) -> Option<T> {
        result.unwrap_or_else(|e| {
            self.failure.borrow_mut().get_or_insert(e);
            None
        })
    }

    fn json<T: serde::de::DeserializeOwned>(&self, query: &str, id: &str) -> Option<T> {
        let found: Result<Option<String>> = self
            .tx
            .query_row(query, [id], |r| r.get(0))
            .optional()
            .map_err(sql);
        let decoded = found.and_then(|body| {
            body.map(|b| serde_json::from_str(&b).map_err(|e| StorageError::Corrupt(e.to_string())))
                .transpose()
        });
        self.read(decoded)
    }
}

impl World for TxWorld<'_> {
    fn account(&self, id: &str) -> Option<Account> {
        let found = self
            .tx
            .query_row(
                "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at
                 FROM accounts WHERE id = ?1",
                [id],
                account_from_row,
            )
            .optional()
            .map_err(sql);
        self.read(found)
    }

    fn subscriber(&self, id: &str) -> Option<Subscriber> {
        self.json("SELECT body FROM subscribers WHERE id = ?1", id)
    }

    fn conversation(&self, id: &str) -> Option<Conversation> {
        self.json("SELECT body FROM conversations WHERE id = ?1", id)
    }

    fn message(&self, id: &str) -> Option<Message> {
        self.json("SELECT body FROM messages WHERE id = ?1", id)
    }

    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> ReplyLedger {
        let history = conversation_history(self.tx, conversation_id, now);
        match history {
            Ok(messages) => ReplyLedger::from_history(
                messages
                    .iter()
                    .map(|m| (m.direction, &m.body, m.created_at)),
                now,
            ),
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                ReplyLedger::default()
            }
        }
    }
}

/// The messages that can still matter to the reply window (a week back).
fn conversation_history(
    conn: &Connection,
    conversation_id: &str,
    now: Millis,
) -> Result<Vec<Message>> {
    const WEEK: Millis = 7 * 24 * 3_600_000;
    let mut stmt = conn
        .prepare_cached(
            "SELECT body FROM messages WHERE conversation_id = ?1 AND created_at >= ?2 ORDER BY created_at, id",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map(params![conversation_id, now - WEEK], |r| {
            r.get::<_, String>(0)
        })
        .map_err(sql)?;
    rows.map(|row| {
        let body = row.map_err(sql)?;
        serde_json::from_str(&body).map_err(|e| StorageError::Corrupt(e.to_string()))
    })
    .collect()
}

/// Stores the new state of one thing and appends it to the change feed.
pub(crate) fn save_change(conn: &Connection, change: &Change, now: Millis) -> Result<()> {
    match change {
        Change::Account(account) => {
            conn.execute(
                "INSERT INTO accounts (id, name, platform, category, description, avatar_color, archived, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
                   description = excluded.description, avatar_color = excluded.avatar_color,
                   archived = excluded.archived, updated_at = excluded.updated_at",
                params![
                    account.id,
                    account.name,
                    account.platform.as_str(),
                    account.category,
                    account.description,
                    account.avatar_color,
                    account.archived,
                    account.created_at,
                    account.updated_at
                ],
            )
            .map_err(sql)?;
        }
        Change::Subscriber(subscriber) => {
            conn.execute(
                "INSERT INTO subscribers (id, account_id, platform, platform_user_id, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                params![
                    subscriber.id,
                    subscriber.account_id,
                    subscriber.platform,
                    subscriber.platform_user_id,
                    to_json(subscriber)?
                ],
            )
            .map_err(sql)?;
        }
        Change::Conversation(conversation) => {
            conn.execute(
                "INSERT INTO conversations (id, account_id, subscriber_id, last_activity_at, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET last_activity_at = excluded.last_activity_at, body = excluded.body",
                params![
                    conversation.id,
                    conversation.account_id,
                    conversation.subscriber_id,
                    conversation.last_activity_at,
                    to_json(conversation)?
                ],
            )
            .map_err(sql)?;
        }
        Change::Message(message) => {
            conn.execute(
                "INSERT INTO messages (id, conversation_id, direction, platform_msg_id, created_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                params![
                    message.id,
                    message.conversation_id,
                    message.direction.as_str(),
                    message.platform_msg_id,
                    message.created_at,
                    to_json(message)?
                ],
            )
            .map_err(sql)?;
        }
    }
    let (kind, id) = change.key();
    conn.execute(
        "INSERT INTO changes (kind, entity_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind, id, to_json(change)?, now],
    )
    .map_err(sql)?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(db)
}

fn last_mutation_id(conn: &Connection, client_id: &str) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT last_mutation_id FROM clients WHERE client_id = ?1",
            [client_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)?
        .unwrap_or(0))
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn staff_count(&self) -> Result<u64> {
        self.run(|conn| {
            conn.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0))
                .map_err(sql)
        })
        .await
        .map(|n| n.max(0) as u64)
    }

    async fn create_staff(&self, new: NewStaff, now: Millis) -> Result<StaffUser> {
        self.run(move |conn| {
            let user = StaffUser {
                id: uuid::Uuid::new_v4().to_string(),
                login: new.login.trim().to_owned(),
                display_name: new.display_name.trim().to_owned(),
                role: new.role,
            };
            let inserted = conn.execute(
                "INSERT INTO staff (id, login, display_name, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING",
                params![
                    user.id,
                    user.login,
                    user.display_name,
                    user.role.as_str(),
                    new.password_hash,
                    now
                ],
            );
            match inserted.map_err(sql)? {
                0 => Err(StorageError::LoginTaken(user.login)),
                _ => Ok(user),
            }
        })
        .await
    }

    async fn staff_by_login(&self, login: &str) -> Result<Option<(StaffUser, String)>> {
        let login = login.trim().to_owned();
        self.run(move |conn| {
            conn.query_row(
                &format!("SELECT {STAFF_COLUMNS}, password_hash FROM staff WHERE login = ?1"),
                [login],
                |row| Ok((staff_from_row(row)?, row.get(4)?)),
            )
            .optional()
            .map_err(sql)
        })
        .await
    }

    async fn staff_by_role(&self, role: Role) -> Result<Vec<StaffUser>> {
        self.run(move |conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {STAFF_COLUMNS} FROM staff WHERE role = ?1 ORDER BY created_at"
                ))
                .map_err(sql)?;
            let rows = stmt
                .query_map([role.as_str()], staff_from_row)
                .map_err(sql)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        staff_id: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()> {
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
        self.run(move |conn| {
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
            conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])
                .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn revoke_all_sessions(&self, staff_id: &str) -> Result<()> {
        let staff_id = staff_id.to_owned();
        self.run(move |conn| {
            conn.execute("DELETE FROM sessions WHERE staff_id = ?1", [staff_id])
                .map_err(sql)?;
            Ok(())
        })
        .await
    }

    async fn push(
        &self,
        client_id: &str,
        staff_id: &str,
        mutations: Vec<NumberedMutation>,
        apply: Arc<ApplyFn>,
        now: Millis,
    ) -> Result<PushResponse> {
        let (client_id, staff_id) = (client_id.to_owned(), staff_id.to_owned());
        self.run(move |conn| {
            let mut rejected = Vec::new();
            let mut last = last_mutation_id(conn, &client_id)?;
            for numbered in mutations {
                if numbered.id <= last {
                    continue;
                }
                // Each mutation commits on its own, with the client's number,
                // so a crash between two leaves a clean prefix applied.
                let tx = conn.transaction().map_err(sql)?;
                let decided = {
                    let world = TxWorld { tx: &tx, failure: std::cell::RefCell::new(None) };
                    let decided = apply(&world, &numbered.mutation);
                    if let Some(failure) = world.failure.into_inner() {
                        return Err(failure);
                    }
                    decided
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
                            params![client_id, numbered.id, json],
                        )
                        .map_err(sql)?;
                    }
                }
                tx.execute(
                    "INSERT INTO clients (client_id, staff_id, last_mutation_id, updated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id,
                       staff_id = excluded.staff_id, updated_at = excluded.updated_at",
                    params![client_id, staff_id, numbered.id, now],
                )
                .map_err(sql)?;
                tx.commit().map_err(sql)?;
                last = numbered.id;
            }
            // Report every refusal this client has on record up to `last`,
            // so a push whose answer was lost still learns of them.
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
                let error: WicketError = serde_json::from_str(&json).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                rejected.push(Rejection { id, error });
            }
            Ok(PushResponse { last_mutation_id: last, rejected })
        })
        .await
    }

    async fn pull(
        &self,
        client_id: &str,
        after: i64,
        limit: u32,
        now: Millis,
    ) -> Result<PullResponse> {
        let client_id = client_id.to_owned();
        self.run(move |conn| {
            // One read transaction: the changes and the client's number agree.
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
                .map_err(sql)?;
            let last_mutation_id = last_mutation_id(&tx, &client_id)?;
            let mut changes = Vec::new();
            {
                let mut stmt = tx
                    .prepare_cached(
                        "SELECT seq, body FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                    )
                    .map_err(sql)?;
                let rows = stmt
                    .query_map(params![after, i64::from(limit) + 1], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                    })
                    .map_err(sql)?;
                for row in rows {
                    let (seq, body) = row.map_err(sql)?;
                    let change = serde_json::from_str(&body)
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    changes.push(FeedEntry { seq, change });
                }
            }
            tx.commit().map_err(sql)?;
            let more = changes.len() > limit as usize;
            changes.truncate(limit as usize);
            let cursor = changes.last().map_or(after, |c| c.seq);
            Ok(PullResponse {
                changes,
                cursor,
                more,
                last_mutation_id,
                server_time: now,
            })
        })
        .await
    }
}
