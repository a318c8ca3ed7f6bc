//! Reads of the conversation view, layout drafts and versions, and the
//! purge, on PostgreSQL: the SQLite queries of `sqlite/inbox.rs`,
//! `sqlite/layouts.rs` and `sqlite/purge.rs`, with JSON read through
//! `jsonb` operators instead of `json_extract`.

use r2d2_postgres::postgres::types::ToSql;
use r2d2_postgres::postgres::{Client, GenericClient};
use wicket_model::conversation::{Conversation, Message, Subscriber};
use wicket_model::layout::Layout;
use wicket_model::{Millis, WicketError};

use super::world::decode;
use super::{advisory_lock, db, get, pg};
use crate::storage::{
    ConversationFilter, DraftWrite, LayoutCheck, LayoutDraft, LayoutVersion, MessagePage, Purged, Result,
};

type Param = Box<dyn ToSql + Sync + Send>;

fn bodies<T: serde::de::DeserializeOwned>(
    conn: &mut impl GenericClient,
    query: &str,
    args: &[Param],
) -> Result<Vec<T>> {
    let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
    let rows = conn.query(query, &params).map_err(pg)?;
    rows.iter().map(|row| decode(&get::<String>(row, 0)?)).collect()
}

/// Adds `value` to the arguments and returns its placeholder.
fn arg(args: &mut Vec<Param>, value: impl ToSql + Sync + Send + 'static) -> String {
    args.push(Box::new(value));
    format!("${}", args.len())
}

pub(super) fn unread_counts(conn: &mut Client, staff_id: &str, conversation_ids: &[String]) -> Result<Vec<u32>> {
    let stmt = conn
        .prepare(
            "SELECT count(*) FROM messages m
             WHERE m.conversation_id = $2 AND m.direction = 'inbound'
               AND (m.body::jsonb -> 'body' ->> 'type') <> 'event'
               AND m.created_at > coalesce(
                 (SELECT read_at FROM read_marks WHERE staff_id = $1 AND conversation_id = $2), -9223372036854775808)",
        )
        .map_err(pg)?;
    conversation_ids
        .iter()
        .map(|id| {
            let row = conn.query_one(&stmt, &[&staff_id, id]).map_err(pg)?;
            Ok(u32::try_from(get::<i64>(&row, 0)?).unwrap_or(u32::MAX))
        })
        .collect()
}

pub(super) fn conversations(conn: &mut Client, filter: &ConversationFilter) -> Result<Vec<Conversation>> {
    let mut query = String::from("SELECT body FROM conversations WHERE 1 = 1");
    let mut args: Vec<Param> = Vec::new();
    if let Some(account) = &filter.account_id {
        query.push_str(&format!(" AND account_id = {}", arg(&mut args, account.clone())));
    }
    if let Some(status) = filter.status {
        query.push_str(&format!(" AND (body::jsonb ->> 'status') = {}", arg(&mut args, status.as_str().to_owned())));
    }
    match filter.assignee.as_deref() {
        Some("none") => query.push_str(" AND (body::jsonb ->> 'assignee') IS NULL"),
        Some(staff) => {
            query.push_str(&format!(" AND (body::jsonb ->> 'assignee') = {}", arg(&mut args, staff.to_owned())));
        }
        None => {}
    }
    if let Some(label) = &filter.label {
        query.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(body::jsonb -> 'labels') = 'array' THEN body::jsonb -> 'labels' ELSE '[]' END
               ) AS label WHERE label = {})",
            arg(&mut args, label.clone())
        ));
    }
    if let Some(before) = filter.before {
        query.push_str(&format!(" AND last_activity_at < {}", arg(&mut args, before)));
    }
    query.push_str(&format!(
        " ORDER BY last_activity_at DESC, id DESC LIMIT {}",
        arg(&mut args, i64::from(filter.limit))
    ));
    bodies(conn, &query, &args)
}

pub(super) fn messages(conn: &mut Client, conversation_id: &str, page: &MessagePage) -> Result<Vec<Message>> {
    let mut args: Vec<Param> = Vec::new();
    let mut query =
        format!("SELECT body FROM messages WHERE conversation_id = {}", arg(&mut args, conversation_id.to_owned()));
    if !page.include_notes {
        query.push_str(" AND direction <> 'note'");
    }
    let newest_first = page.after.is_none();
    if let Some((at, id)) = &page.before {
        let (at, id) = (arg(&mut args, *at), arg(&mut args, id.clone()));
        query.push_str(&format!(" AND (created_at < {at} OR (created_at = {at} AND id < {id}))"));
    }
    if let Some((at, id)) = &page.after {
        let (at, id) = (arg(&mut args, *at), arg(&mut args, id.clone()));
        query.push_str(&format!(" AND (created_at > {at} OR (created_at = {at} AND id > {id}))"));
    }
    query.push_str(if newest_first { " ORDER BY created_at DESC, id DESC" } else { " ORDER BY created_at, id" });
    query.push_str(&format!(" LIMIT {}", arg(&mut args, i64::from(page.limit))));
    let mut found: Vec<Message> = bodies(conn, &query, &args)?;
    if newest_first {
        found.reverse();
    }
    Ok(found)
}

pub(super) fn subscribers(
    conn: &mut Client,
    account_id: &str,
    search: Option<&str>,
    limit: u32,
) -> Result<Vec<Subscriber>> {
    let search = search.map(str::trim).unwrap_or("").to_owned();
    // strpos() rather than LIKE: nothing in the search text acts as a wildcard.
    bodies(
        conn,
        "SELECT body FROM subscribers WHERE account_id = $1
           AND ($2 = '' OR strpos(body::jsonb ->> 'display_name', $2) > 0
                OR strpos(body::jsonb ->> 'note', $2) > 0
                OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(
                     CASE WHEN jsonb_typeof(body::jsonb -> 'tags') = 'array' THEN body::jsonb -> 'tags' ELSE '[]' END
                   ) AS tag WHERE strpos(tag, $2) > 0))
         ORDER BY (body::jsonb ->> 'display_name') COLLATE \"C\", id LIMIT $3",
        &[Box::new(account_id.to_owned()), Box::new(search), Box::new(i64::from(limit))],
    )
}

/// Messages in storage order, for clients that follow a conversation.
pub(super) fn messages_after(
    conn: &mut Client,
    conversation_id: &str,
    after: i64,
    limit: u32,
) -> Result<(Vec<Message>, i64)> {
    let rows = conn
        .query(
            "SELECT pos, body FROM messages WHERE conversation_id = $1 AND direction <> 'note' AND pos > $2
             ORDER BY pos LIMIT $3",
            &[&conversation_id, &after, &i64::from(limit)],
        )
        .map_err(pg)?;
    let mut cursor = after;
    let mut messages = Vec::new();
    for row in rows {
        cursor = get(&row, 0)?;
        messages.push(decode(&get::<String>(&row, 1)?)?);
    }
    Ok((messages, cursor))
}

pub(super) fn draft(conn: &mut impl GenericClient, account_id: &str) -> Result<LayoutDraft> {
    let found = conn
        .query_opt(
            // People are shown by name; an id only if they were removed.
            "SELECT d.revision, d.layout, coalesce(s.display_name, d.updated_by), d.updated_at
             FROM layout_drafts d LEFT JOIN staff s ON s.id = d.updated_by WHERE d.account_id = $1",
            &[&account_id],
        )
        .map_err(pg)?;
    Ok(match found {
        Some(row) => LayoutDraft {
            revision: get(&row, 0)?,
            layout: decode(&get::<String>(&row, 1)?)?,
            updated_by: Some(get(&row, 2)?),
            updated_at: Some(get(&row, 3)?),
        },
        None => LayoutDraft { revision: 0, layout: Layout::default(), updated_by: None, updated_at: None },
    })
}

pub(super) fn save_draft(
    conn: &mut Client,
    account_id: &str,
    expected: i64,
    layout: &Layout,
    staff_id: &str,
    now: Millis,
) -> Result<DraftWrite<LayoutDraft>> {
    let mut tx = conn.transaction().map_err(pg)?;
    // Saves and publishes of one account's layout take turns.
    advisory_lock(&mut tx, "layout", account_id)?;
    let current = draft(&mut tx, account_id)?;
    if current.revision != expected {
        return Ok(DraftWrite::Stale(current));
    }
    let json = serde_json::to_string(layout).map_err(db)?;
    let revision = expected + 1;
    tx.execute(
        "INSERT INTO layout_drafts (account_id, revision, layout, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id) DO UPDATE SET revision = excluded.revision, layout = excluded.layout,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        &[&account_id, &revision, &json, &staff_id, &now],
    )
    .map_err(pg)?;
    let saved = draft(&mut tx, account_id)?;
    tx.commit().map_err(pg)?;
    Ok(DraftWrite::Done(saved))
}

pub(super) fn publish(
    conn: &mut Client,
    account_id: &str,
    expected: i64,
    staff_id: &str,
    now: Millis,
    check: LayoutCheck,
) -> Result<std::result::Result<DraftWrite<i64>, WicketError>> {
    let mut tx = conn.transaction().map_err(pg)?;
    advisory_lock(&mut tx, "layout", account_id)?;
    let current = draft(&mut tx, account_id)?;
    if current.revision != expected || current.revision == 0 {
        return Ok(Ok(DraftWrite::Stale(current)));
    }
    let already = tx
        .query_opt(
            "SELECT version FROM layout_versions WHERE account_id = $1 AND from_revision = $2",
            &[&account_id, &expected],
        )
        .map_err(pg)?;
    if let Some(row) = already {
        return Ok(Ok(DraftWrite::Done(get(&row, 0)?)));
    }
    if let Err(refused) = check(&current.layout) {
        return Ok(Err(refused));
    }
    let row = tx
        .query_one(
            "SELECT (coalesce(max(version), 0) + 1)::BIGINT FROM layout_versions WHERE account_id = $1",
            &[&account_id],
        )
        .map_err(pg)?;
    let version: i64 = get(&row, 0)?;
    let json = serde_json::to_string(&current.layout).map_err(db)?;
    tx.execute(
        "INSERT INTO layout_versions (account_id, version, layout, published_by, published_at, from_revision)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&account_id, &version, &json, &staff_id, &now, &expected],
    )
    .map_err(pg)?;
    set_live(&mut tx, account_id, version, now)?;
    tx.commit().map_err(pg)?;
    Ok(Ok(DraftWrite::Done(version)))
}

fn set_live(conn: &mut impl GenericClient, account_id: &str, version: i64, now: Millis) -> Result<()> {
    conn.execute(
        "INSERT INTO layout_live (account_id, version, changed_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at",
        &[&account_id, &version, &now],
    )
    .map_err(pg)?;
    Ok(())
}

pub(super) fn versions(conn: &mut Client, account_id: &str) -> Result<Vec<LayoutVersion>> {
    let rows = conn
        .query(
            "SELECT v.version, coalesce(s.display_name, v.published_by), v.published_at,
               coalesce(l.version = v.version, false)
             FROM layout_versions v LEFT JOIN layout_live l ON l.account_id = v.account_id
               LEFT JOIN staff s ON s.id = v.published_by
             WHERE v.account_id = $1 ORDER BY v.version DESC",
            &[&account_id],
        )
        .map_err(pg)?;
    rows.iter()
        .map(|r| {
            Ok(LayoutVersion {
                version: get(r, 0)?,
                published_by: get(r, 1)?,
                published_at: get(r, 2)?,
                live: get(r, 3)?,
            })
        })
        .collect()
}

pub(super) fn version(conn: &mut impl GenericClient, account_id: &str, version: i64) -> Result<Option<Layout>> {
    let row = conn
        .query_opt(
            "SELECT layout FROM layout_versions WHERE account_id = $1 AND version = $2",
            &[&account_id, &version],
        )
        .map_err(pg)?;
    row.map(|r| decode(&get::<String>(&r, 0)?)).transpose()
}

pub(super) fn roll_back(conn: &mut Client, account_id: &str, to: i64, now: Millis) -> Result<bool> {
    let mut tx = conn.transaction().map_err(pg)?;
    if version(&mut tx, account_id, to)?.is_none() {
        return Ok(false);
    }
    set_live(&mut tx, account_id, to, now)?;
    tx.commit().map_err(pg)?;
    Ok(true)
}

pub(super) fn live(conn: &mut Client, account_id: &str) -> Result<Option<(i64, Layout)>> {
    let row = conn
        .query_opt(
            "SELECT v.version, v.layout FROM layout_live l
             JOIN layout_versions v ON v.account_id = l.account_id AND v.version = l.version
             WHERE l.account_id = $1",
            &[&account_id],
        )
        .map_err(pg)?;
    row.map(|r| Ok((get(&r, 0)?, decode(&get::<String>(&r, 1)?)?))).transpose()
}

pub(super) fn purge(conn: &mut Client, now: Millis, clients_idle_before: Millis) -> Result<Purged> {
    let mut tx = conn.transaction().map_err(pg)?;
    let sessions = tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now]).map_err(pg)?;
    let rejections = tx
        .execute(
            "DELETE FROM rejections WHERE client_id IN (SELECT client_id FROM clients WHERE updated_at < $1)",
            &[&clients_idle_before],
        )
        .map_err(pg)?;
    // What their mutations said goes with them: the console's numbers start
    // afresh for this server, which has forgotten them all.
    tx.execute(
        "DELETE FROM mutation_digests WHERE client_id IN (SELECT client_id FROM clients WHERE updated_at < $1)",
        &[&clients_idle_before],
    )
    .map_err(pg)?;
    let clients = tx.execute("DELETE FROM clients WHERE updated_at < $1", &[&clients_idle_before]).map_err(pg)?;
    // A budget whose time has passed is full again: its row says nothing.
    tx.execute("DELETE FROM rate_budgets WHERE tat < (extract(epoch FROM statement_timestamp()) * 1000)::BIGINT", &[])
        .map_err(pg)?;
    tx.commit().map_err(pg)?;
    Ok(Purged { sessions, clients, rejections })
}
