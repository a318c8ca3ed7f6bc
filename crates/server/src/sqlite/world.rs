//! The world a decision reads inside a transaction, and how its changes are
//! stored and appended to the feed.

use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::reply_window::ReplyLedger;
use wicket_model::{Account, Change, Millis, WicketError, World};
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{account_from_row, db, sql};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

/// What a mutation reads, inside the push's transaction. Reads that fail
/// are kept, so the push fails as a whole instead of deciding on a guess.
pub(super) struct TxWorld<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) failure: std::cell::RefCell<Option<StorageError>>,
}

impl TxWorld<'_> {
    fn read<T>(&self, result: Result<Option<T>>) -> Option<T> {
        result.unwrap_or_else(|e| {
            self.failure.borrow_mut().get_or_insert(e);
            None
        })
    }

    fn json<T: serde::de::DeserializeOwned>(&self, query: &str, id: &str) -> Option<T> {
        let found: Result<Option<String>> = self.tx.query_row(query, [id], |r| r.get(0)).optional().map_err(sql);
        let decoded = found.and_then(|body| {
            body.map(|b| serde_json::from_str(&b).map_err(|e| StorageError::Corrupt(e.to_string()))).transpose()
        });
        self.read(decoded)
    }
}

impl World for TxWorld<'_> {
    fn account(&self, id: &str) -> Option<Account> {
        let found = self
            .tx
            .query_row(
                "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
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

    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> Option<Subscriber> {
        let found: Result<Option<String>> = self
            .tx
            .query_row(
                "SELECT body FROM subscribers WHERE account_id = ?1 AND platform = ?2 AND platform_user_id = ?3",
                params![account_id, platform, platform_user_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql);
        let decoded = found.and_then(|body| body.map(|b| decode(&b)).transpose());
        self.read(decoded)
    }

    fn conversation_of(&self, subscriber_id: &str) -> Option<Conversation> {
        self.json("SELECT body FROM conversations WHERE subscriber_id = ?1", subscriber_id)
    }

    fn message_by_platform_id(&self, conversation_id: &str, platform_msg_id: &str) -> Option<Message> {
        let found: Result<Option<String>> = self
            .tx
            .query_row(
                "SELECT body FROM messages WHERE conversation_id = ?1 AND platform_msg_id = ?2",
                params![conversation_id, platform_msg_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql);
        let decoded = found.and_then(|body| body.map(|b| decode(&b)).transpose());
        self.read(decoded)
    }

    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> ReplyLedger {
        let history = conversation_history(self.tx, conversation_id, now);
        match history {
            Ok(messages) => ReplyLedger::of_messages(&messages, now),
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                ReplyLedger::default()
            }
        }
    }
}

/// The messages that can still matter to the reply window (a week back).
pub(super) fn conversation_history(conn: &Connection, conversation_id: &str, now: Millis) -> Result<Vec<Message>> {
    const WEEK: Millis = 7 * 24 * 3_600_000;
    let mut stmt = conn
        .prepare_cached(
            "SELECT body FROM messages WHERE conversation_id = ?1 AND created_at >= ?2 ORDER BY created_at, id",
        )
        .map_err(sql)?;
    let rows = stmt.query_map(params![conversation_id, now - WEEK], |r| r.get::<_, String>(0)).map_err(sql)?;
    rows.map(|row| {
        let body = row.map_err(sql)?;
        serde_json::from_str(&body).map_err(|e| StorageError::Corrupt(e.to_string()))
    })
    .collect()
}

/// Stores the new state of one thing and appends it to the change feed.
/// Runs `decide` against the world as `tx` sees it and saves the changes it
/// decided, with the feed's newest position after them; a refusal saves
/// nothing. The caller commits (or adds to the transaction first).
pub(super) fn decide_and_save(
    tx: &Transaction,
    decide: DecideFn,
    now: Millis,
) -> Result<std::result::Result<Recorded, WicketError>> {
    let decided = {
        let world = TxWorld { tx, failure: std::cell::RefCell::new(None) };
        let decided = decide(&world);
        if let Some(failure) = world.failure.into_inner() {
            return Err(failure);
        }
        decided
    };
    let changes = match decided {
        Ok(changes) => changes,
        Err(refused) => return Ok(Err(refused)),
    };
    for change in &changes {
        save_change(tx, change, now)?;
    }
    let last_seq = tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql)?;
    Ok(Ok(Recorded { changes, last_seq }))
}

pub(super) fn save_change(conn: &Connection, change: &Change, now: Millis) -> Result<()> {
    match change {
        Change::Account(account) => {
            conn.execute(
                "INSERT INTO accounts
                   (id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
                   description = excluded.description, avatar_color = excluded.avatar_color,
                   archived = excluded.archived, updated_at = excluded.updated_at, settings = excluded.settings",
                params![
                    account.id,
                    account.name,
                    account.platform.as_str(),
                    account.category,
                    account.description,
                    account.avatar_color,
                    account.archived,
                    account.created_at,
                    account.updated_at,
                    account.settings.map(|settings| serde_json::to_string(&settings)).transpose().map_err(db)?
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

pub(super) fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(e.to_string()))
}
