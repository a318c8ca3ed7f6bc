//! Writing pulled changes into the cache, with the search index kept in step
//! in the same transaction.

use wicket_model::conversation::{Message, Subscriber};
use wicket_model::{Account, Change};
use wicket_sqlite::rusqlite::{params, Connection};

use crate::search::{self, IndexTokens};
use crate::{to_json, Result, StoreError};

pub(crate) fn store_change(conn: &Connection, change: &Change) -> Result<()> {
    match change {
        Change::Account(account) => upsert_account(conn, account),
        Change::Subscriber(subscriber) => upsert_subscriber(conn, subscriber),
        Change::Conversation(c) => {
            conn.prepare_cached(
                "INSERT INTO conversations (id, account_id, last_activity_at, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET last_activity_at = excluded.last_activity_at, body = excluded.body",
            )?
            .execute(params![c.id, c.account_id, c.last_activity_at, to_json(c)?])?;
            Ok(())
        }
        Change::Message(message) => upsert_message(conn, message),
        Change::AutoReplyRule(rule) => {
            conn.prepare_cached(
                "INSERT INTO auto_reply_rules (id, account_id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![rule.id, rule.account_id, to_json(rule)?])?;
            Ok(())
        }
        Change::Segment(segment) => {
            conn.prepare_cached(
                "INSERT INTO segments (id, account_id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![segment.id, segment.account_id, to_json(segment)?])?;
            Ok(())
        }
        Change::BroadcastDraft(draft) => {
            conn.prepare_cached(
                "INSERT INTO broadcast_drafts (id, account_id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![draft.id, draft.account_id, to_json(draft)?])?;
            Ok(())
        }
    }
}

fn upsert_subscriber(conn: &Connection, s: &Subscriber) -> Result<()> {
    let rowid: i64 = conn
        .prepare_cached(
            "INSERT INTO subscribers (id, account_id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING rowid",
        )?
        .query_row(params![s.id, s.account_id, to_json(s)?], |r| r.get(0))?;
    index_subscriber(conn, rowid, s)
}

fn upsert_message(conn: &Connection, m: &Message) -> Result<()> {
    let rowid: i64 = conn
        .prepare_cached(
            "INSERT INTO messages (id, conversation_id, created_at, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING rowid",
        )?
        .query_row(params![m.id, m.conversation_id, m.created_at, to_json(m)?], |r| r.get(0))?;
    index_message(conn, rowid, m)
}

/// Replaces the message's index row (an upsert must not leave the old text
/// findable); a message without text has none.
pub(crate) fn index_message(conn: &Connection, rowid: i64, message: &Message) -> Result<()> {
    match search::message_text(&message.body) {
        Some(text) => write_index(conn, "message_search", rowid, &search::index_tokens(text)),
        None => {
            conn.prepare_cached("DELETE FROM message_search WHERE rowid = ?1")?.execute([rowid])?;
            Ok(())
        }
    }
}

pub(crate) fn index_subscriber(conn: &Connection, rowid: i64, subscriber: &Subscriber) -> Result<()> {
    write_index(conn, "subscriber_search", rowid, &search::index_tokens(&search::subscriber_text(subscriber)))
}

fn write_index(conn: &Connection, table: &str, rowid: i64, tokens: &IndexTokens) -> Result<()> {
    conn.prepare_cached(&format!("INSERT OR REPLACE INTO {table} (rowid, unigrams, bigrams) VALUES (?1, ?2, ?3)"))?
        .execute(params![rowid, tokens.unigrams, tokens.bigrams])?;
    Ok(())
}

/// Indexes what was cached before the search index existed (migration 04
/// leaves a mark; tokenizing needs Rust, so SQL alone cannot do it).
pub(crate) fn backfill_search(conn: &mut Connection) -> Result<()> {
    let marked: Option<String> = crate::get_meta(conn, "search_backfill")?;
    if marked.is_none() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare("SELECT rowid, body FROM messages")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let message: Message = decode_body(&row.get::<_, String>(1)?)?;
            index_message(&tx, row.get(0)?, &message)?;
        }
        let mut stmt = tx.prepare("SELECT rowid, body FROM subscribers")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let subscriber: Subscriber = decode_body(&row.get::<_, String>(1)?)?;
            index_subscriber(&tx, row.get(0)?, &subscriber)?;
        }
    }
    tx.execute("DELETE FROM meta WHERE key = 'search_backfill'", [])?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn decode_body<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("cached row: {e}")))
}

pub(crate) fn upsert_account(conn: &Connection, account: &Account) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO accounts
           (id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, platform = excluded.platform,
           category = excluded.category, description = excluded.description,
           avatar_color = excluded.avatar_color, archived = excluded.archived,
           created_at = excluded.created_at, updated_at = excluded.updated_at, settings = excluded.settings",
    )?
    .execute(params![
        account.id,
        account.name,
        account.platform.as_str(),
        account.category,
        account.description,
        account.avatar_color,
        account.archived,
        account.created_at,
        account.updated_at,
        account.settings.map(|settings| to_json(&settings)).transpose()?
    ])?;
    Ok(())
}
