//! Queries of the conversation view: conversations, messages, subscribers.

use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_sqlite::rusqlite::types::Value;
use wicket_sqlite::rusqlite::{params_from_iter, Connection};

use super::sql;
use super::world::decode;
use crate::storage::{ConversationFilter, MessagePage, Result};

fn bodies<T: serde::de::DeserializeOwned>(conn: &Connection, query: &str, args: Vec<Value>) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(query).map_err(sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| r.get::<_, String>(0)).map_err(sql)?;
    rows.map(|row| decode(&row.map_err(sql)?)).collect()
}

pub(super) fn unread_counts(conn: &Connection, staff_id: &str, conversation_ids: &[String]) -> Result<Vec<u32>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT count(*) FROM messages m
             WHERE m.conversation_id = ?2 AND m.direction = 'inbound'
               AND json_extract(m.body, '$.body.type') <> 'event'
               AND m.created_at > coalesce(
                 (SELECT read_at FROM read_marks WHERE staff_id = ?1 AND conversation_id = ?2), -9223372036854775808)",
        )
        .map_err(sql)?;
    conversation_ids
        .iter()
        .map(|id| {
            let count: i64 =
                stmt.query_row(wicket_sqlite::rusqlite::params![staff_id, id], |r| r.get(0)).map_err(sql)?;
            Ok(u32::try_from(count).unwrap_or(u32::MAX))
        })
        .collect()
}

pub(super) fn conversations(conn: &Connection, filter: &ConversationFilter) -> Result<Vec<Conversation>> {
    let mut query = String::from("SELECT body FROM conversations WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(account) = &filter.account_id {
        query.push_str(" AND account_id = ?");
        args.push(Value::Text(account.clone()));
    }
    if let Some(status) = filter.status {
        query.push_str(" AND json_extract(body, '$.status') = ?");
        args.push(Value::Text(status.as_str().into()));
    }
    match filter.assignee.as_deref() {
        Some("none") => query.push_str(" AND json_extract(body, '$.assignee') IS NULL"),
        Some(staff) => {
            query.push_str(" AND json_extract(body, '$.assignee') = ?");
            args.push(Value::Text(staff.into()));
        }
        None => {}
    }
    if let Some(label) = &filter.label {
        query.push_str(" AND EXISTS (SELECT 1 FROM json_each(body, '$.labels') WHERE value = ?)");
        args.push(Value::Text(label.clone()));
    }
    if let Some(before) = filter.before {
        query.push_str(" AND last_activity_at < ?");
        args.push(Value::Integer(before));
    }
    query.push_str(" ORDER BY last_activity_at DESC, id DESC LIMIT ?");
    args.push(Value::Integer(i64::from(filter.limit)));
    bodies(conn, &query, args)
}

pub(super) fn messages(conn: &Connection, conversation_id: &str, page: &MessagePage) -> Result<Vec<Message>> {
    let mut query = String::from("SELECT body FROM messages WHERE conversation_id = ?");
    let mut args: Vec<Value> = vec![Value::Text(conversation_id.into())];
    if !page.include_notes {
        query.push_str(" AND direction <> 'note'");
    }
    let newest_first = page.after.is_none();
    if let Some((at, id)) = &page.before {
        query.push_str(" AND (created_at < ? OR (created_at = ? AND id < ?))");
        args.extend([Value::Integer(*at), Value::Integer(*at), Value::Text(id.clone())]);
    }
    if let Some((at, id)) = &page.after {
        query.push_str(" AND (created_at > ? OR (created_at = ? AND id > ?))");
        args.extend([Value::Integer(*at), Value::Integer(*at), Value::Text(id.clone())]);
    }
    query.push_str(if newest_first { " ORDER BY created_at DESC, id DESC" } else { " ORDER BY created_at, id" });
    query.push_str(" LIMIT ?");
    args.push(Value::Integer(i64::from(page.limit)));
    let mut found: Vec<Message> = bodies(conn, &query, args)?;
    if newest_first {
        found.reverse();
    }
    Ok(found)
}

pub(super) fn subscribers(
    conn: &Connection,
    account_id: &str,
    search: Option<&str>,
    limit: u32,
) -> Result<Vec<Subscriber>> {
    let search = search.map(str::trim).unwrap_or("");
    // instr() rather than LIKE: nothing in the search text acts as a wildcard.
    bodies(
        conn,
        "SELECT body FROM subscribers WHERE account_id = ?1
           AND (?2 = '' OR instr(json_extract(body, '$.display_name'), ?2) > 0
                OR instr(json_extract(body, '$.note'), ?2) > 0
                OR EXISTS (SELECT 1 FROM json_each(body, '$.tags') WHERE instr(value, ?2) > 0))
         ORDER BY json_extract(body, '$.display_name'), id LIMIT ?3",
        vec![Value::Text(account_id.into()), Value::Text(search.into()), Value::Integer(i64::from(limit))],
    )
}

pub(super) fn one<T: serde::de::DeserializeOwned>(conn: &Connection, table: &str, id: &str) -> Result<Option<T>> {
    let query = format!("SELECT body FROM {table} WHERE id = ?");
    Ok(bodies(conn, &query, vec![Value::Text(id.into())])?.into_iter().next())
}

/// Messages in storage order (rowid), for clients that follow a conversation.
pub(super) fn messages_after(
    conn: &Connection,
    conversation_id: &str,
    after: i64,
    limit: u32,
) -> Result<(Vec<Message>, i64)> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT rowid, body FROM messages WHERE conversation_id = ?1 AND direction <> 'note' AND rowid > ?2
             ORDER BY rowid LIMIT ?3",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map(wicket_sqlite::rusqlite::params![conversation_id, after, i64::from(limit)], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql)?;
    let mut cursor = after;
    let mut messages = Vec::new();
    for row in rows {
        let (rowid, body) = row.map_err(sql)?;
        cursor = rowid;
        messages.push(decode(&body)?);
    }
    Ok((messages, cursor))
}
