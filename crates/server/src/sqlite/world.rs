//! The world a decision reads inside a transaction, and how its changes are
//! stored and appended to the feed.

use wicket_model::auto_reply::AutoReplyRule;
use wicket_model::broadcast_draft::BroadcastDraft;
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::reply_window::ReplyLedger;
use wicket_model::segment::Segment;
use wicket_model::{Account, Change, Millis, ReadError, WicketError, World};
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension, Params, Row, Transaction};

use super::{account_from_row, db, sql};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

/// What a mutation reads, inside the push's transaction. A read that fails
/// is handed to the decision, which stops with it, and its cause is kept:
/// the push then fails as a storage failure (and is tried again) instead of
/// being recorded as refused.
pub(super) struct TxWorld<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) failure: std::cell::RefCell<Option<StorageError>>,
}

impl TxWorld<'_> {
    fn read<T>(&self, result: Result<T>) -> std::result::Result<T, ReadError> {
        result.map_err(|e| {
            let read = ReadError::new(&e);
            self.failure.borrow_mut().get_or_insert(e);
            read
        })
    }

    fn json<T: serde::de::DeserializeOwned>(&self, query: &str, id: &str) -> std::result::Result<Option<T>, ReadError> {
        let found: Result<Option<String>> = cached_row(self.tx, query, [id], |r| r.get(0)).optional().map_err(sql);
        let decoded = found.and_then(|body| {
            body.map(|b| serde_json::from_str(&b).map_err(|e| StorageError::Corrupt(e.to_string()))).transpose()
        });
        self.read(decoded)
    }
}

impl World for TxWorld<'_> {
    fn account(&self, id: &str) -> std::result::Result<Option<Account>, ReadError> {
        let found = cached_row(
            self.tx,
            "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
                 FROM accounts WHERE id = ?1",
            [id],
            account_from_row,
        )
        .optional()
        .map_err(sql);
        self.read(found)
    }

    fn subscriber(&self, id: &str) -> std::result::Result<Option<Subscriber>, ReadError> {
        self.json("SELECT body FROM subscribers WHERE id = ?1", id)
    }

    fn conversation(&self, id: &str) -> std::result::Result<Option<Conversation>, ReadError> {
        self.json("SELECT body FROM conversations WHERE id = ?1", id)
    }

    fn message(&self, id: &str) -> std::result::Result<Option<Message>, ReadError> {
        self.json("SELECT body FROM messages WHERE id = ?1", id)
    }

    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> std::result::Result<Option<Subscriber>, ReadError> {
        let found: Result<Option<String>> = cached_row(
            self.tx,
            "SELECT body FROM subscribers WHERE account_id = ?1 AND platform = ?2 AND platform_user_id = ?3",
            params![account_id, platform, platform_user_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql);
        let decoded = found.and_then(|body| body.map(|b| decode(&b)).transpose());
        self.read(decoded)
    }

    fn conversation_of(&self, subscriber_id: &str) -> std::result::Result<Option<Conversation>, ReadError> {
        self.json("SELECT body FROM conversations WHERE subscriber_id = ?1", subscriber_id)
    }

    fn message_by_platform_id(
        &self,
        conversation_id: &str,
        platform_msg_id: &str,
    ) -> std::result::Result<Option<Message>, ReadError> {
        let found: Result<Option<String>> = cached_row(
            self.tx,
            "SELECT body FROM messages WHERE conversation_id = ?1 AND platform_msg_id = ?2",
            params![conversation_id, platform_msg_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql);
        let decoded = found.and_then(|body| body.map(|b| decode(&b)).transpose());
        self.read(decoded)
    }

    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> std::result::Result<ReplyLedger, ReadError> {
        let history = self.read(conversation_history(self.tx, conversation_id, now))?;
        Ok(ReplyLedger::of_messages(&history, now))
    }

    fn auto_reply_rule(&self, id: &str) -> std::result::Result<Option<AutoReplyRule>, ReadError> {
        self.json("SELECT body FROM auto_reply_rules WHERE id = ?1", id)
    }

    fn auto_reply_rules(&self, account_id: &str) -> std::result::Result<Vec<AutoReplyRule>, ReadError> {
        self.read(auto_reply_rules(self.tx, account_id))
    }

    fn last_auto_reply_at(
        &self,
        conversation_id: &str,
        rule_id: &str,
    ) -> std::result::Result<Option<Millis>, ReadError> {
        // Newest first along the conversation's index: the scan stops at the
        // rule's last answer.
        let found = cached_row(
            self.tx,
            "SELECT created_at FROM messages
                 WHERE conversation_id = ?1 AND direction = 'outbound'
                   AND json_extract(body, '$.auto_reply.rule_id') = ?2
                 ORDER BY created_at DESC LIMIT 1",
            params![conversation_id, rule_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql);
        self.read(found)
    }

    fn segment(&self, id: &str) -> std::result::Result<Option<Segment>, ReadError> {
        self.json("SELECT body FROM segments WHERE id = ?1", id)
    }

    fn segments(&self, account_id: &str) -> std::result::Result<Vec<Segment>, ReadError> {
        self.read(segments(self.tx, account_id))
    }

    fn broadcast_draft(&self, id: &str) -> std::result::Result<Option<BroadcastDraft>, ReadError> {
        self.json("SELECT body FROM broadcast_drafts WHERE id = ?1", id)
    }

    fn broadcast_drafts(&self, account_id: &str) -> std::result::Result<Vec<BroadcastDraft>, ReadError> {
        self.read(broadcast_drafts(self.tx, account_id))
    }
}

/// An account's broadcast drafts, deleted ones too.
pub(super) fn broadcast_drafts(conn: &Connection, account_id: &str) -> Result<Vec<BroadcastDraft>> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM broadcast_drafts WHERE account_id = ?1 ORDER BY id").map_err(sql)?;
    let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0)).map_err(sql)?;
    rows.map(|row| decode(&row.map_err(sql)?)).collect()
}

/// An account's saved segments, deleted ones too.
pub(super) fn segments(conn: &Connection, account_id: &str) -> Result<Vec<Segment>> {
    let mut stmt = conn.prepare_cached("SELECT body FROM segments WHERE account_id = ?1 ORDER BY id").map_err(sql)?;
    let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0)).map_err(sql)?;
    rows.map(|row| decode(&row.map_err(sql)?)).collect()
}

/// An account's automatic-reply rules, deleted ones too.
pub(super) fn auto_reply_rules(conn: &Connection, account_id: &str) -> Result<Vec<AutoReplyRule>> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM auto_reply_rules WHERE account_id = ?1 ORDER BY id").map_err(sql)?;
    let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0)).map_err(sql)?;
    rows.map(|row| decode(&row.map_err(sql)?)).collect()
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
    let last_seq = cached_row(tx, "SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(sql)?;
    Ok(Ok(Recorded { changes, last_seq }))
}

pub(super) fn save_change(conn: &Connection, change: &Change, now: Millis) -> Result<()> {
    match change {
        Change::Account(account) => {
            cached_execute(
                conn,
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
            cached_execute(
                conn,
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
            cached_execute(conn,
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
            cached_execute(
                conn,
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
        Change::AutoReplyRule(rule) => {
            cached_execute(
                conn,
                "INSERT INTO auto_reply_rules (id, account_id, body, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![rule.id, rule.account_id, to_json(rule)?, rule.updated_at],
            )
            .map_err(sql)?;
        }
        Change::Segment(segment) => {
            cached_execute(
                conn,
                "INSERT INTO segments (id, account_id, body, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![segment.id, segment.account_id, to_json(segment)?, segment.updated_at],
            )
            .map_err(sql)?;
        }
        Change::BroadcastDraft(draft) => {
            cached_execute(
                conn,
                "INSERT INTO broadcast_drafts (id, account_id, body, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![draft.id, draft.account_id, to_json(draft)?, draft.updated_at],
            )
            .map_err(sql)?;
        }
    }
    let (kind, id) = change.key();
    cached_execute(
        conn,
        "INSERT INTO changes (kind, entity_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind, id, to_json(change)?, now],
    )
    .map_err(sql)?;
    Ok(())
}

/// One row of a statement kept prepared on the connection: the inbound path
/// runs the same few statements for every message, so none is parsed twice.
fn cached_row<T, P: Params>(
    conn: &Connection,
    query: &str,
    params: P,
    row: impl FnOnce(&Row<'_>) -> wicket_sqlite::rusqlite::Result<T>,
) -> wicket_sqlite::rusqlite::Result<T> {
    conn.prepare_cached(query)?.query_row(params, row)
}

/// Runs a statement kept prepared on the connection.
fn cached_execute<P: Params>(conn: &Connection, query: &str, params: P) -> wicket_sqlite::rusqlite::Result<usize> {
    conn.prepare_cached(query)?.execute(params)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(db)
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use wicket_model::mutation::{self, Actor};
    use wicket_model::{ErrorCode, Mutation, NewAccount, PlatformProfile};

    use super::*;

    #[test]
    fn a_read_that_fails_reaches_the_decision_and_the_record_fails_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = wicket_sqlite::migrations(&super::super::MIGRATIONS).unwrap();
        let mut conn = wicket_sqlite::open(&dir.path().join("server.sqlite"), &migrations).unwrap();
        // An account whose stored settings cannot be read.
        conn.execute(
            "INSERT INTO accounts
               (id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings)
             VALUES ('acc', 'Shop', 'wechat', '', '', '#07c160', 0, 1, 1, '{not json')",
            [],
        )
        .unwrap();
        let create = Mutation::CreateAccount(NewAccount {
            id: "acc".into(),
            name: "Another shop".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
        });
        let decided = Arc::new(Mutex::new(None));
        let seen = decided.clone();
        let decide: DecideFn = Box::new(move |world: &dyn World| {
            let result = mutation::apply(world, &create, &Actor { staff_id: "staff-1".into(), now: 2 });
            *seen.lock().unwrap() = Some(result.clone());
            result
        });
        let tx = conn.transaction().unwrap();
        let recorded = decide_and_save(&tx, decide, 2);
        let failure = match recorded {
            Err(StorageError::Database(failure)) => failure,
            other => panic!("the record fails as a storage failure, not a decision: {other:?}"),
        };
        let refused = decided.lock().unwrap().take().expect("the decision ran").expect_err("and was refused");
        assert_eq!(refused.code, ErrorCode::Storage, "the decision met the failed read, not a missing account");
        assert!(refused.message.contains(&failure), "with the read's own failure: {refused:?} / {failure}");
        let changes: i64 = tx.query_row("SELECT count(*) FROM changes", [], |r| r.get(0)).unwrap();
        assert_eq!(changes, 0, "nothing is recorded");
    }
}
