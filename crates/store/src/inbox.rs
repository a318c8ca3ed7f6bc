//! The inbox as the console shows it: conversation list, thread pages, the
//! thread's header, search, drafts and read marks. Each answer is the pulled
//! state with the waiting changes on top (see `overlay`).

use wicket_model::conversation::{Conversation, Delivery, Direction, Message, Subscriber};
use wicket_model::inbox::{
    ConversationListItem, ConversationPage, InboxFilter, InboxScope, MessageCursor, MessagePage, MessageState,
    NoteConflict, SearchHit, SnippetPart, SubscriberFilter, SubscriberListItem, SubscriberPage, ThreadInfo,
    ThreadMessage,
};
use wicket_model::reply_window::reply_window;
use wicket_model::{Millis, Mutation, PlatformProfile, WicketError};
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension};

use crate::ingest::decode_body;
use crate::overlay::{self, Scope};
use crate::search;
use crate::{decode, get_meta, Cache, Result, StoreError};

impl Cache {
    /// The whole conversation list `filter` selects (see `conversation_page`).
    pub fn conversations(&self, filter: &InboxFilter, me: &str) -> Result<Vec<ConversationListItem>> {
        Ok(self.conversation_page(filter, me, usize::MAX)?.items)
    }

    /// The first `limit` conversations `filter` selects, newest activity
    /// first, with waiting changes applied (a status change moves a
    /// conversation between lists at once). `me` is the signed-in staff
    /// member's id. Only those rows are read: a long inbox costs what the
    /// screen shows, not what the cache holds.
    pub fn conversation_page(&self, filter: &InboxFilter, me: &str, limit: usize) -> Result<ConversationPage> {
        let conn = self.conn();
        let overlay = overlay::build(&conn, Scope::Every, None)?;
        // Conversations with waiting changes are read whole and filtered
        // after the overlay; the rest by their pulled state, in the index's
        // order, as far as the page goes.
        let touched = serde_json::to_string(&overlay.world.conversations.keys().collect::<Vec<_>>())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let scope = match filter.scope {
            InboxScope::Mine => "mine",
            InboxScope::Unassigned => "unassigned",
            InboxScope::All => "all",
        };
        let columns = "SELECT c.body, a.name, a.platform, coalesce(json_extract(s.body, '$.display_name'), ''),
               (SELECT count(*) FROM messages m
                 WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.is_event = 0
                   AND m.created_at > coalesce((SELECT read_at FROM read_marks r WHERE r.conversation_id = c.id),
                                               -9223372036854775808))
             FROM conversations c
             JOIN accounts a ON a.id = c.account_id
             LEFT JOIN subscribers s ON s.id = c.subscriber_id";
        let read_row = |row: &wicket_sqlite::rusqlite::Row<'_>| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, u32>(4)?,
            ))
        };
        let mut rows = Vec::new();
        let mut stmt = conn.prepare_cached(&format!("{columns} WHERE c.id IN (SELECT value FROM json_each(?1))"))?;
        for row in stmt.query_map(params![touched], read_row)? {
            rows.push(row?);
        }
        // Unread needs activity after the read mark: a cheap test on the
        // conversation row before looking for such a message.
        let mut stmt = conn.prepare_cached(&format!(
            "{columns}
             WHERE c.id NOT IN (SELECT value FROM json_each(?1))
               AND (?2 IS NULL OR c.account_id = ?2)
               AND (?3 IS NULL OR c.status = ?3)
               AND (?4 = 'all' OR (?4 = 'mine' AND c.assignee = ?5) OR (?4 = 'unassigned' AND c.assignee IS NULL))
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(c.body, '$.labels') WHERE value = ?6))
               AND (?7 = 0 OR (c.last_activity_at > coalesce(
                     (SELECT read_at FROM read_marks r WHERE r.conversation_id = c.id), -9223372036854775808)
                   AND EXISTS (SELECT 1 FROM messages m
                     WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.is_event = 0
                       AND m.created_at > coalesce((SELECT read_at FROM read_marks r WHERE r.conversation_id = c.id),
                                                   -9223372036854775808))))
             ORDER BY c.last_activity_at DESC, c.id DESC
             LIMIT ?8"
        ))?;
        // One row more than asked tells whether the list goes on.
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let status = filter.status.map(|s| s.as_str());
        let args = params![touched, filter.account_id, status, scope, me, filter.label, filter.unread_only, fetch];
        let mut untouched = 0usize;
        for row in stmt.query_map(args, read_row)? {
            rows.push(row?);
            untouched += 1;
        }
        let mut items = Vec::with_capacity(rows.len());
        for (body, account_name, platform, subscriber_name, unread) in rows {
            let pulled: Conversation = decode_body(&body)?;
            let conversation = overlay.world.conversations.get(&pulled.id).cloned().unwrap_or(pulled);
            if !selects(filter, me, &conversation) || (filter.unread_only && unread == 0) {
                continue;
            }
            let platform = PlatformProfile::parse(&platform)
                .ok_or_else(|| StoreError::Corrupt(format!("account platform {platform}")))?;
            items.push(ConversationListItem {
                waiting: overlay.waiting.contains(&conversation.id),
                conversation,
                subscriber_name,
                account_name,
                platform,
                unread,
            });
        }
        items.sort_by(|a, b| {
            (b.conversation.last_activity_at, &b.conversation.id)
                .cmp(&(a.conversation.last_activity_at, &a.conversation.id))
        });
        let more = untouched > limit || items.len() > limit;
        items.truncate(limit);
        Ok(ConversationPage { items, more })
    }

    /// The first `limit` subscribers `filter` selects, most recently
    /// followed (or first seen) first, with staff's waiting tags and notes
    /// applied, each with their latest conversation.
    pub fn subscriber_page(&self, filter: &SubscriberFilter, limit: usize) -> Result<SubscriberPage> {
        let conn = self.conn();
        let overlay = overlay::build(&conn, Scope::Every, None)?;
        // The filter is the model's, on the row as staff see it (a tag
        // added offline finds its subscriber at once): every row of the
        // account is read, and only the page gets its conversation.
        let mut stmt = conn.prepare_cached(
            "SELECT s.body, a.name, a.platform FROM subscribers s JOIN accounts a ON a.id = s.account_id
             WHERE ?1 IS NULL OR s.account_id = ?1
             ORDER BY coalesce(json_extract(s.body, '$.followed_at'), json_extract(s.body, '$.created_at')) DESC, s.id",
        )?;
        let rows = stmt.query_map(params![filter.account_id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })?;
        let mut items = Vec::new();
        let mut more = false;
        for row in rows {
            let (body, account_name, platform) = row?;
            let pulled: Subscriber = decode_body(&body)?;
            let subscriber = overlay.world.subscribers.get(&pulled.id).cloned().unwrap_or(pulled);
            if !filter.selects(&subscriber) {
                continue;
            }
            if items.len() == limit {
                more = true;
                break;
            }
            let platform = PlatformProfile::parse(&platform)
                .ok_or_else(|| StoreError::Corrupt(format!("account platform {platform}")))?;
            items.push(SubscriberListItem {
                subscriber,
                account_name,
                platform,
                conversation_id: None,
                last_activity_at: None,
            });
        }
        let mut latest = conn.prepare_cached(
            "SELECT id, last_activity_at FROM conversations WHERE subscriber_id = ?1
             ORDER BY last_activity_at DESC LIMIT 1",
        )?;
        for item in &mut items {
            let found = latest
                .query_row(params![item.subscriber.id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))
                .optional()?;
            if let Some((id, at)) = found {
                item.conversation_id = Some(id);
                item.last_activity_at = Some(at);
            }
        }
        Ok(SubscriberPage { items, more })
    }

    /// One page of a thread, oldest first: at most `limit` pulled messages
    /// older than `before` (the newest when `None`). The newest page also ends
    /// with the replies still in the outbox: waiting ones `Queued`, refused
    /// ones `Failed` with why.
    pub fn messages(&self, conversation_id: &str, before: Option<&MessageCursor>, limit: usize) -> Result<MessagePage> {
        let conn = self.conn();
        let (before_at, before_id) = match before {
            Some(cursor) => (cursor.created_at, cursor.id.as_str()),
            None => (Millis::MAX, ""),
        };
        let mut stmt = conn.prepare_cached(
            "SELECT body FROM messages
             WHERE conversation_id = ?1 AND (created_at < ?2 OR (created_at = ?2 AND id < ?3))
             ORDER BY created_at DESC, id DESC LIMIT ?4",
        )?;
        // One row more than asked tells whether an older page exists.
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let rows =
            stmt.query_map(params![conversation_id, before_at, before_id, fetch], |row| row.get::<_, String>(0))?;
        let mut newest_first = Vec::with_capacity(limit + 1);
        for row in rows {
            newest_first.push(decode_body::<Message>(&row?)?);
        }
        let more = newest_first.len() > limit;
        newest_first.truncate(limit);
        let older = match newest_first.last() {
            Some(oldest) if more => Some(MessageCursor { created_at: oldest.created_at, id: oldest.id.clone() }),
            _ => None,
        };
        let mut messages: Vec<ThreadMessage> = newest_first.into_iter().rev().map(pulled_message).collect();
        if before.is_none() {
            messages.extend(outbox_messages(&conn, conversation_id)?);
        }
        Ok(MessagePage { messages, older })
    }

    /// The thread's header and sidebar; `None` when the conversation (or its
    /// subscriber or account) is not in the cache. `now` is this machine's
    /// clock; the window is computed in the server's time.
    pub fn thread(&self, conversation_id: &str, now: Millis) -> Result<Option<ThreadInfo>> {
        let conn = self.conn();
        let Some(pulled) = overlay::conversation(&conn, conversation_id)? else {
            return Ok(None);
        };
        let clock_offset: Millis = get_meta(&conn, "clock_offset")?.and_then(|c| c.parse().ok()).unwrap_or(0);
        let server_now = now + clock_offset;
        let scope = Scope::Conversation { id: conversation_id, subscriber_id: &pulled.subscriber_id };
        let overlay = overlay::build(&conn, scope, Some(server_now))?;
        let world = &overlay.world;
        let conversation = world.conversations.get(conversation_id).cloned().unwrap_or(pulled);
        let (Some(subscriber), Some(account)) =
            (world.subscribers.get(&conversation.subscriber_id), world.accounts.get(&conversation.account_id))
        else {
            return Ok(None);
        };
        // The same policy and ledger the model checks a reply against.
        let policy = account.reply_policy();
        let ledger = world.ledger(conversation_id, server_now);
        let window = reply_window(&policy, &ledger, server_now);
        let earlier = other_conversations(&conn, &subscriber.id, conversation_id)?;
        let note_conflicts = note_conflicts(&conn, &subscriber.id)?;
        Ok(Some(ThreadInfo {
            subscriber: subscriber.clone(),
            account: account.clone(),
            conversation,
            window,
            earlier,
            note_conflicts,
        }))
    }

    /// The refused note `id` of a note conflict, if it is one.
    pub fn note_conflict(&self, id: i64) -> Result<Option<(String, NoteConflict)>> {
        let conn = self.conn();
        let subscriber: Option<String> = conn
            .query_row(
                "SELECT json_extract(mutation, '$.args.id') FROM outbox
                 WHERE id = ?1 AND state = 'rejected' AND json_extract(mutation, '$.name') = 'set_subscriber_note'",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(subscriber) = subscriber else { return Ok(None) };
        let conflict = note_conflicts(&conn, &subscriber)?.into_iter().find(|c| c.id == id);
        Ok(conflict.map(|c| (subscriber, c)))
    }

    /// Messages (text, article titles, place names) and subscribers (name,
    /// note) that match `query`, newest first, at most `limit`. Chinese of
    /// any length and whole English words are found through the index.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(expression) = search::match_expression(query) else {
            return Ok(Vec::new());
        };
        let conn = self.conn();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut hits = message_hits(&conn, &expression, query, limit)?;
        hits.extend(subscriber_hits(&conn, &expression, query, limit)?);
        hits.sort_by_key(|hit| std::cmp::Reverse(hit.created_at));
        hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(hits)
    }

    /// The reply being written in a conversation ("" when none).
    pub fn draft(&self, conversation_id: &str) -> Result<String> {
        let conn = self.conn();
        let text = conn
            .prepare_cached("SELECT text FROM drafts WHERE conversation_id = ?1")?
            .query_row([conversation_id], |r| r.get(0))
            .optional()?;
        Ok(text.unwrap_or_default())
    }

    /// Keeps the reply being written; an empty one is forgotten.
    pub fn save_draft(&self, conversation_id: &str, text: &str, now: Millis) -> Result<()> {
        let conn = self.conn();
        if text.trim().is_empty() {
            conn.prepare_cached("DELETE FROM drafts WHERE conversation_id = ?1")?.execute([conversation_id])?;
        } else {
            conn.prepare_cached(
                "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            )?
            .execute(params![conversation_id, text, now])?;
        }
        Ok(())
    }

    /// Records that staff have read the conversation up to `at` (in the
    /// server's time, like the messages' `created_at`). A mark never moves
    /// back.
    pub fn mark_read(&self, conversation_id: &str, at: Millis) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO read_marks (conversation_id, read_at) VALUES (?1, ?2)
                 ON CONFLICT (conversation_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)",
            )?
            .execute(params![conversation_id, at])?;
        Ok(())
    }

    /// Sends a refused reply again: it goes back to the outbox as a new
    /// waiting change at the end (a new number, so the server really tries
    /// it again) and the refused entry goes, in one transaction. False when
    /// no refused reply has that message id.
    pub fn retry_rejected_message(&self, message_id: &str, now: Millis) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let found: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, mutation FROM outbox
                 WHERE state = 'rejected' AND json_extract(mutation, '$.name') = 'send_message'
                   AND json_extract(mutation, '$.args.id') = ?1
                 ORDER BY id LIMIT 1",
            )?
            .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((outbox_id, json)) = found else {
            return Ok(false);
        };
        if !matches!(decode(&json)?, Mutation::SendMessage { ref id, .. } if id == message_id) {
            return Ok(false);
        }
        tx.execute("DELETE FROM outbox WHERE id = ?1", [outbox_id])?;
        tx.execute("INSERT INTO outbox (mutation, created_at) VALUES (?1, ?2)", params![json, now])?;
        tx.commit()?;
        Ok(true)
    }
}

/// Whether the list `filter` shows `conversation`.
fn selects(filter: &InboxFilter, me: &str, conversation: &Conversation) -> bool {
    let scope = match filter.scope {
        InboxScope::Mine => conversation.assignee.as_deref() == Some(me),
        InboxScope::Unassigned => conversation.assignee.is_none(),
        InboxScope::All => true,
    };
    scope
        && filter.account_id.as_ref().is_none_or(|id| *id == conversation.account_id)
        && filter.status.is_none_or(|status| status == conversation.status)
        && filter.label.as_ref().is_none_or(|label| conversation.labels.contains(label))
}

fn pulled_message(message: Message) -> ThreadMessage {
    let (state, failure) = match (&message.direction, &message.delivery) {
        (Direction::Outbound, Some(Delivery::Sent) | None) => (Some(MessageState::Sent), None),
        (Direction::Outbound, Some(Delivery::Delivered)) => (Some(MessageState::Delivered), None),
        (Direction::Outbound, Some(Delivery::Read)) => (Some(MessageState::Read), None),
        (Direction::Outbound, Some(Delivery::Failed { reason })) => (Some(MessageState::Failed), Some(reason.clone())),
        (Direction::Inbound | Direction::Note, _) => (None, None),
    };
    ThreadMessage { message, state, failure }
}

/// Replies and notes of this conversation still in the outbox, in the order
/// written; those the pulled state already holds are left out.
fn outbox_messages(conn: &Connection, conversation_id: &str) -> Result<Vec<ThreadMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.mutation, o.created_at, o.rejection FROM outbox o
         WHERE json_extract(o.mutation, '$.name') = 'send_message'
           AND json_extract(o.mutation, '$.args.conversation_id') = ?1
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = json_extract(o.mutation, '$.args.id'))
         ORDER BY o.id",
    )?;
    let rows = stmt.query_map([conversation_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Millis>(1)?, row.get::<_, Option<String>>(2)?))
    })?;
    let author = overlay::signed_in_staff_id(conn)?;
    let mut messages = Vec::new();
    for row in rows {
        let (json, created_at, rejection) = row?;
        let Mutation::SendMessage { id, conversation_id, body, note } = decode(&json)? else {
            continue;
        };
        let failure = rejection
            .map(|json| decode_body::<WicketError>(&json))
            .transpose()?
            .map(|error| error.issues.first().map(|issue| issue.key.clone()).unwrap_or(error.message));
        let state = match (&failure, note) {
            (Some(_), _) => Some(MessageState::Failed),
            (None, false) => Some(MessageState::Queued),
            (None, true) => None,
        };
        let message = Message {
            client_msg_id: Some(id.clone()),
            id,
            conversation_id,
            direction: if note { Direction::Note } else { Direction::Outbound },
            author: (!author.is_empty()).then(|| author.clone()),
            body,
            platform_msg_id: None,
            delivery: None,
            created_at,
            auto_reply: None,
        };
        messages.push(ThreadMessage { message, state, failure });
    }
    Ok(messages)
}

fn other_conversations(conn: &Connection, subscriber_id: &str, except: &str) -> Result<Vec<Conversation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM conversations WHERE subscriber_id = ?1 AND id <> ?2 ORDER BY last_activity_at DESC",
    )?;
    let rows = stmt.query_map([subscriber_id, except], |row| row.get::<_, String>(0))?;
    rows.map(|row| decode_body(&row?)).collect()
}

/// The newest matching messages. FTS5 walks its index by rowid, newest
/// cached first, and stops at `limit`: ranking every match of a common word
/// would read all of them.
fn message_hits(conn: &Connection, expression: &str, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(
        "WITH hits AS (
           SELECT rowid FROM message_search WHERE message_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
         SELECT m.body, coalesce(json_extract(s.body, '$.display_name'), '')
         FROM hits JOIN messages m ON m.rowid = hits.rowid
         LEFT JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN subscribers s ON s.id = c.subscriber_id",
    )?;
    let rows = stmt.query_map(params![expression, limit], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
    let mut hits = Vec::new();
    for row in rows {
        let (body, subscriber_name) = row?;
        let message: Message = decode_body(&body)?;
        let snippet = search::message_text(&message.body).map(|text| search::snippet(text, query)).unwrap_or_default();
        hits.push(SearchHit {
            conversation_id: message.conversation_id,
            message_id: Some(message.id),
            subscriber_name,
            snippet,
            created_at: message.created_at,
        });
    }
    Ok(hits)
}

/// Subscribers whose name or note matches, each with their newest
/// conversation; one without a conversation has nothing to open.
fn subscriber_hits(conn: &Connection, expression: &str, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(
        "WITH hits AS (
           SELECT rowid FROM subscriber_search WHERE subscriber_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
         SELECT s.body,
           (SELECT c.id FROM conversations c WHERE c.subscriber_id = s.id ORDER BY c.last_activity_at DESC LIMIT 1)
         FROM hits JOIN subscribers s ON s.rowid = hits.rowid",
    )?;
    let rows = stmt.query_map(params![expression, limit], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
    })?;
    let mut hits = Vec::new();
    for row in rows {
        let (body, conversation_id) = row?;
        let Some(conversation_id) = conversation_id else {
            continue;
        };
        let subscriber: Subscriber = decode_body(&body)?;
        let in_note = search::snippet(&subscriber.note, query);
        let snippet = if has_hit(&in_note) { in_note } else { search::snippet(&subscriber.display_name, query) };
        hits.push(SearchHit {
            conversation_id,
            message_id: None,
            subscriber_name: subscriber.display_name,
            snippet,
            created_at: subscriber.updated_at,
        });
    }
    Ok(hits)
}

fn has_hit(snippet: &[SnippetPart]) -> bool {
    snippet.iter().any(|part| part.hit)
}

#[cfg(test)]
#[path = "inbox_tests.rs"]
mod tests;

/// The subscriber's notes refused as conflicts, oldest first.
fn note_conflicts(conn: &Connection, subscriber_id: &str) -> Result<Vec<NoteConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, mutation, rejection, created_at FROM outbox
         WHERE state = 'rejected' AND json_extract(mutation, '$.name') = 'set_subscriber_note'
           AND json_extract(mutation, '$.args.id') = ?1
         ORDER BY id",
    )?;
    let rows = stmt.query_map([subscriber_id], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Millis>(3)?,
        ))
    })?;
    let mut conflicts = Vec::new();
    for row in rows {
        let (id, mutation, rejection, created_at) = row?;
        let Some(rejection) = rejection else { continue };
        let error: WicketError =
            serde_json::from_str(&rejection).map_err(|e| StoreError::Corrupt(format!("outbox rejection: {e}")))?;
        if error.code != wicket_model::ErrorCode::Conflict {
            continue;
        }
        if let Mutation::SetSubscriberNote { note, base, .. } = decode(&mutation)? {
            conflicts.push(NoteConflict { id, mine: note, base, created_at });
        }
    }
    Ok(conflicts)
}
