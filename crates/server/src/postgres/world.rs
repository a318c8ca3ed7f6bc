//! The world a decision reads inside a transaction, and how its changes are
//! stored and appended to the feed in commit order.

use std::cell::RefCell;

use r2d2_postgres::postgres::{GenericClient, Transaction};
use wicket_model::auto_reply::AutoReplyRule;
use wicket_model::broadcast_draft::BroadcastDraft;
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::reply_window::ReplyLedger;
use wicket_model::segment::Segment;
use wicket_model::{Account, Change, Millis, ReadError, WicketError, World};

use super::statements::Statements;
use super::{account_from_row, db, get, pg, ACCOUNT_COLUMNS};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

type Params<'a> = &'a [&'a (dyn r2d2_postgres::postgres::types::ToSql + Sync)];

/// What a decision reads, inside its transaction. A read that fails is
/// handed to the decision, which stops with it, and its cause is kept: the
/// write then fails as a storage failure instead of being recorded as
/// refused. (The client's reads take `&mut`; a decision reads one thing at
/// a time, so the transaction is borrowed for each read.)
pub(super) struct TxWorld<'a, 'b> {
    tx: RefCell<&'a mut Transaction<'b>>,
    statements: &'a Statements,
    failure: RefCell<Option<StorageError>>,
}

impl<'a, 'b> TxWorld<'a, 'b> {
    pub(super) fn new(tx: &'a mut Transaction<'b>, statements: &'a Statements) -> Self {
        Self { tx: RefCell::new(tx), statements, failure: RefCell::new(None) }
    }

    /// The first read that failed, if one did.
    pub(super) fn failed(self) -> Result<()> {
        match self.failure.into_inner() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }

    fn read<T>(&self, result: Result<T>) -> std::result::Result<T, ReadError> {
        result.map_err(|e| {
            let read = ReadError::new(&e);
            self.failure.borrow_mut().get_or_insert(e);
            read
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> std::result::Result<Option<T>, ReadError> {
        let found = self
            .statements
            .query_opt(&mut **self.tx.borrow_mut(), query, params)
            .map_err(pg)
            .and_then(|row| row.map(|r| decode(&get::<String>(&r, 0)?)).transpose());
        self.read(found)
    }
}

impl World for TxWorld<'_, '_> {
    fn account(&self, id: &str) -> std::result::Result<Option<Account>, ReadError> {
        let found = self
            .statements
            .query_opt(
                &mut **self.tx.borrow_mut(),
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
                &[&id],
            )
            .map_err(pg)
            .and_then(|row| row.as_ref().map(account_from_row).transpose());
        self.read(found)
    }

    fn subscriber(&self, id: &str) -> std::result::Result<Option<Subscriber>, ReadError> {
        self.json("SELECT body FROM subscribers WHERE id = $1", &[&id])
    }

    fn conversation(&self, id: &str) -> std::result::Result<Option<Conversation>, ReadError> {
        self.json("SELECT body FROM conversations WHERE id = $1", &[&id])
    }

    fn message(&self, id: &str) -> std::result::Result<Option<Message>, ReadError> {
        self.json("SELECT body FROM messages WHERE id = $1", &[&id])
    }

    fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        platform_user_id: &str,
    ) -> std::result::Result<Option<Subscriber>, ReadError> {
        self.json(
            "SELECT body FROM subscribers WHERE account_id = $1 AND platform = $2 AND platform_user_id = $3",
            &[&account_id, &platform, &platform_user_id],
        )
    }

    fn conversation_of(&self, subscriber_id: &str) -> std::result::Result<Option<Conversation>, ReadError> {
        self.json("SELECT body FROM conversations WHERE subscriber_id = $1", &[&subscriber_id])
    }

    fn message_by_platform_id(
        &self,
        conversation_id: &str,
        platform_msg_id: &str,
    ) -> std::result::Result<Option<Message>, ReadError> {
        self.json(
            "SELECT body FROM messages WHERE conversation_id = $1 AND platform_msg_id = $2",
            &[&conversation_id, &platform_msg_id],
        )
    }

    fn reply_ledger(&self, conversation_id: &str, now: Millis) -> std::result::Result<ReplyLedger, ReadError> {
        let history = conversation_history(&mut **self.tx.borrow_mut(), self.statements, conversation_id, now);
        let history = self.read(history)?;
        Ok(ReplyLedger::of_messages(&history, now))
    }

    fn auto_reply_rule(&self, id: &str) -> std::result::Result<Option<AutoReplyRule>, ReadError> {
        self.json("SELECT body FROM auto_reply_rules WHERE id = $1", &[&id])
    }

    fn auto_reply_rules(&self, account_id: &str) -> std::result::Result<Vec<AutoReplyRule>, ReadError> {
        let rules = auto_reply_rules(&mut **self.tx.borrow_mut(), self.statements, account_id);
        self.read(rules)
    }

    fn last_auto_reply_at(
        &self,
        conversation_id: &str,
        rule_id: &str,
    ) -> std::result::Result<Option<Millis>, ReadError> {
        let found = self
            .statements
            .query_opt(
                &mut **self.tx.borrow_mut(),
                "SELECT created_at FROM messages
                 WHERE conversation_id = $1 AND direction = 'outbound'
                   AND (body::jsonb -> 'auto_reply' ->> 'rule_id') = $2
                 ORDER BY created_at DESC LIMIT 1",
                &[&conversation_id, &rule_id],
            )
            .map_err(pg)
            .and_then(|row| row.map(|r| get(&r, 0)).transpose());
        self.read(found)
    }

    fn segment(&self, id: &str) -> std::result::Result<Option<Segment>, ReadError> {
        self.json("SELECT body FROM segments WHERE id = $1", &[&id])
    }

    fn segments(&self, account_id: &str) -> std::result::Result<Vec<Segment>, ReadError> {
        let segments = segments(&mut **self.tx.borrow_mut(), account_id);
        self.read(segments)
    }

    fn broadcast_draft(&self, id: &str) -> std::result::Result<Option<BroadcastDraft>, ReadError> {
        self.json("SELECT body FROM broadcast_drafts WHERE id = $1", &[&id])
    }

    fn broadcast_drafts(&self, account_id: &str) -> std::result::Result<Vec<BroadcastDraft>, ReadError> {
        let drafts = broadcast_drafts(&mut **self.tx.borrow_mut(), account_id);
        self.read(drafts)
    }
}

/// An account's broadcast drafts, deleted ones too.
pub(super) fn broadcast_drafts(conn: &mut impl GenericClient, account_id: &str) -> Result<Vec<BroadcastDraft>> {
    let rows = conn
        .query("SELECT body FROM broadcast_drafts WHERE account_id = $1 ORDER BY id", &[&account_id])
        .map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

/// An account's saved segments, deleted ones too.
pub(super) fn segments(conn: &mut impl GenericClient, account_id: &str) -> Result<Vec<Segment>> {
    let rows = conn.query("SELECT body FROM segments WHERE account_id = $1 ORDER BY id", &[&account_id]).map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

/// An account's automatic-reply rules, deleted ones too.
pub(super) fn auto_reply_rules(
    conn: &mut impl GenericClient,
    statements: &Statements,
    account_id: &str,
) -> Result<Vec<AutoReplyRule>> {
    let rows = statements
        .query(conn, "SELECT body FROM auto_reply_rules WHERE account_id = $1 ORDER BY id", &[&account_id])
        .map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

/// The messages that can still matter to the reply window (a week back).
fn conversation_history(
    conn: &mut impl GenericClient,
    statements: &Statements,
    conversation_id: &str,
    now: Millis,
) -> Result<Vec<Message>> {
    const WEEK: Millis = 7 * 24 * 3_600_000;
    let rows = statements
        .query(
            conn,
            "SELECT body FROM messages WHERE conversation_id = $1 AND created_at >= $2 ORDER BY created_at, id",
            &[&conversation_id, &(now - WEEK)],
        )
        .map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

/// Makes this transaction the one feed writer until it ends: locks the
/// feed's counter row, which every feed writer locks before it reads the
/// world. Feed positions are then handed out in commit order (the next
/// writer takes its first number only after this one has committed), and a
/// decision sees a world no other feed writer is changing, as on SQLite.
pub(super) fn lock_feed(tx: &mut impl GenericClient) -> Result<()> {
    lock_feed_with(tx, &Statements::each_time())
}

/// [`lock_feed`], its statement run as `statements` say.
pub(super) fn lock_feed_with(tx: &mut impl GenericClient, statements: &Statements) -> Result<()> {
    statements.execute(tx, "SELECT seq FROM feed_counter WHERE id = 1 FOR UPDATE", &[]).map_err(pg)?;
    Ok(())
}

/// Runs `decide` against the world as `tx` sees it, as the feed's one
/// writer, and saves the changes it decided, with the feed's newest position
/// after them; a refusal saves nothing. The caller commits (or adds to the
/// transaction first).
pub(super) fn decide_and_save(
    tx: &mut Transaction<'_>,
    decide: DecideFn,
    now: Millis,
) -> Result<std::result::Result<Recorded, WicketError>> {
    lock_feed(tx)?;
    save_decision(tx, &Statements::each_time(), decide, now)
}

/// As [`decide_and_save`], in a transaction that already holds the feed's
/// lock (a group of decisions takes it once).
pub(super) fn save_decision(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    decide: DecideFn,
    now: Millis,
) -> Result<std::result::Result<Recorded, WicketError>> {
    let decided = {
        let world = TxWorld::new(tx, statements);
        let decided = decide(&world);
        world.failed()?;
        decided
    };
    let changes = match decided {
        Ok(changes) => changes,
        Err(refused) => return Ok(Err(refused)),
    };
    for change in &changes {
        save_change_with(tx, statements, change, now)?;
    }
    let last_seq = super::newest_seq_with(tx, statements)?;
    Ok(Ok(Recorded { changes, last_seq }))
}

/// Stores the new state of one thing and appends it to the change feed
/// under the counter's next number (the counter row is this
/// transaction's: see [`lock_feed`]).
pub(super) fn save_change(conn: &mut impl GenericClient, change: &Change, now: Millis) -> Result<()> {
    save_change_with(conn, &Statements::each_time(), change, now)
}

/// [`save_change`], its statements run as `statements` say.
pub(super) fn save_change_with(
    conn: &mut impl GenericClient,
    statements: &Statements,
    change: &Change,
    now: Millis,
) -> Result<()> {
    match change {
        Change::Account(account) => {
            let settings = account.settings.map(|settings| serde_json::to_string(&settings)).transpose().map_err(db)?;
            statements
                .execute(
                    conn,
                    "INSERT INTO accounts
                   (id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
                   description = excluded.description, avatar_color = excluded.avatar_color,
                   archived = excluded.archived, updated_at = excluded.updated_at, settings = excluded.settings",
                    &[
                        &account.id,
                        &account.name,
                        &account.platform.as_str(),
                        &account.category,
                        &account.description,
                        &account.avatar_color,
                        &account.archived,
                        &account.created_at,
                        &account.updated_at,
                        &settings,
                    ],
                )
                .map_err(pg)?;
        }
        Change::Subscriber(subscriber) => {
            statements.execute(
                conn,
                "INSERT INTO subscribers (id, account_id, platform, platform_user_id, body) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                &[
                    &subscriber.id,
                    &subscriber.account_id,
                    &subscriber.platform,
                    &subscriber.platform_user_id,
                    &to_json(subscriber)?,
                ],
            )
            .map_err(pg)?;
        }
        Change::Conversation(conversation) => {
            statements
                .execute(
                    conn,
                    "INSERT INTO conversations (id, account_id, subscriber_id, last_activity_at, body)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET last_activity_at = excluded.last_activity_at, body = excluded.body",
                    &[
                        &conversation.id,
                        &conversation.account_id,
                        &conversation.subscriber_id,
                        &conversation.last_activity_at,
                        &to_json(conversation)?,
                    ],
                )
                .map_err(pg)?;
        }
        Change::Message(message) => {
            statements
                .execute(
                    conn,
                    "INSERT INTO messages (id, conversation_id, direction, platform_msg_id, created_at, body)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                    &[
                        &message.id,
                        &message.conversation_id,
                        &message.direction.as_str(),
                        &message.platform_msg_id,
                        &message.created_at,
                        &to_json(message)?,
                    ],
                )
                .map_err(pg)?;
        }
        Change::AutoReplyRule(rule) => {
            statements
                .execute(
                    conn,
                    "INSERT INTO auto_reply_rules (id, account_id, body, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    &[&rule.id, &rule.account_id, &to_json(rule)?, &rule.updated_at],
                )
                .map_err(pg)?;
        }
        Change::Segment(segment) => {
            statements
                .execute(
                    conn,
                    "INSERT INTO segments (id, account_id, body, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    &[&segment.id, &segment.account_id, &to_json(segment)?, &segment.updated_at],
                )
                .map_err(pg)?;
        }
        Change::BroadcastDraft(draft) => {
            statements
                .execute(
                    conn,
                    "INSERT INTO broadcast_drafts (id, account_id, body, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    &[&draft.id, &draft.account_id, &to_json(draft)?, &draft.updated_at],
                )
                .map_err(pg)?;
        }
    }
    let (kind, id) = change.key();
    statements
        .execute(
            conn,
            "WITH next AS (UPDATE feed_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq)
         INSERT INTO changes (seq, kind, entity_id, body, created_at)
         SELECT seq, $1::TEXT, $2::TEXT, $3::TEXT, $4::BIGINT FROM next",
            &[&kind, &id, &to_json(change)?, &now],
        )
        .map_err(pg)?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(db)
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(e.to_string()))
}
