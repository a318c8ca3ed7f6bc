//! The inbox's changes still waiting in the outbox, applied on top of the
//! pulled state with the model's own `mutation::apply`, so what staff see
//! offline is what the server will make of them. Only what those changes
//! touch is read from the cache into a `MemoryWorld`, never the whole cache.

use std::collections::{BTreeMap, BTreeSet};

use wicket_model::conversation::{Conversation, Direction, Message, MessageBody, Subscriber};
use wicket_model::mutation;
use wicket_model::platform::ReplyPolicy;
use wicket_model::world::{Actor, MemoryWorld};
use wicket_model::{Account, Millis, Mutation};
use wicket_sqlite::rusqlite::{Connection, OptionalExtension};

use crate::ingest::decode_body;
use crate::{account_from_row, decode, get_meta, Result};

const DAY: Millis = 24 * 3_600_000;

/// Which waiting changes to apply.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    /// Every conversation (the inbox list).
    Every,
    /// One conversation and its subscriber (a thread).
    Conversation { id: &'a str, subscriber_id: &'a str },
}

impl Scope<'_> {
    fn includes(&self, change: &Mutation) -> bool {
        match (self, change) {
            (Scope::Every, _) => true,
            (Scope::Conversation { id, subscriber_id }, change) => match change.subscriber_id() {
                Some(subscriber) => subscriber == *subscriber_id,
                None => change.target_id() == *id,
            },
        }
    }
}

/// The pulled state of what the waiting changes touch, with them applied.
pub(crate) struct Overlay {
    pub world: MemoryWorld,
    /// Conversations with a change of this staff member's still waiting.
    pub waiting: BTreeSet<String>,
}

/// Applies the waiting inbox changes in `scope`. `window_at` (server time)
/// asks for the reply ledger of the scope's conversation to be complete for
/// a window computed then.
pub(crate) fn build(conn: &Connection, scope: Scope<'_>, window_at: Option<Millis>) -> Result<Overlay> {
    let changes: Vec<(Mutation, Millis)> =
        pending_inbox_changes(conn)?.into_iter().filter(|(change, _)| scope.includes(change)).collect();
    let mut world = MemoryWorld::default();
    let mut conversation_ids = BTreeSet::new();
    let mut subscriber_ids = BTreeSet::new();
    for (change, _) in &changes {
        match change.subscriber_id() {
            Some(id) => subscriber_ids.insert(id.to_owned()),
            None => conversation_ids.insert(change.target_id().to_owned()),
        };
    }
    if let Scope::Conversation { id, .. } = scope {
        conversation_ids.insert(id.to_owned());
    }
    for id in &conversation_ids {
        if let Some(conversation) = conversation(conn, id)? {
            subscriber_ids.insert(conversation.subscriber_id.clone());
            if let Some(account) = account(conn, &conversation.account_id)? {
                world.accounts.insert(account.id.clone(), account);
            }
            world.conversations.insert(id.clone(), conversation);
        }
    }
    for id in &subscriber_ids {
        if let Some(subscriber) = subscriber(conn, id)? {
            world.subscribers.insert(id.clone(), subscriber);
        }
    }
    load_ledger_histories(conn, &mut world, &changes, scope, window_at)?;
    let staff_id = signed_in_staff_id(conn)?;
    let mut waiting = BTreeSet::new();
    for (change, created_at) in &changes {
        if change.subscriber_id().is_none() {
            waiting.insert(change.target_id().to_owned());
        }
        // A change that no longer applies (the window closed meanwhile, say)
        // is left for the server to refuse; it changes nothing shown.
        let actor = Actor { staff_id: staff_id.clone(), now: *created_at };
        if let Ok(changed) = mutation::apply(&world, change, &actor) {
            world.absorb(changed);
        }
    }
    Ok(Overlay { world, waiting })
}

/// Waiting changes to conversations and subscribers, oldest first, with when
/// they were made.
fn pending_inbox_changes(conn: &Connection) -> Result<Vec<(Mutation, Millis)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT mutation, created_at FROM outbox
         WHERE state = 'pending' AND json_extract(mutation, '$.name') IN
           ('send_message', 'set_conversation_status', 'assign_conversation', 'set_conversation_labels',
            'update_subscriber', 'edit_conversation_labels', 'edit_subscriber_tags', 'set_subscriber_note')
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Millis>(1)?)))?;
    rows.map(|row| {
        let (json, created_at) = row?;
        Ok((decode(&json)?, created_at))
    })
    .collect()
}

/// Reads into `world` the messages the reply windows need: for every
/// conversation that gets a reply, and for the thread asked for, the tail
/// of its history that decides the window; and pulled copies of the waiting
/// messages, so a reply already taken in is not counted twice.
fn load_ledger_histories(
    conn: &Connection,
    world: &mut MemoryWorld,
    changes: &[(Mutation, Millis)],
    scope: Scope<'_>,
    window_at: Option<Millis>,
) -> Result<()> {
    let mut earliest: BTreeMap<&str, Millis> = BTreeMap::new();
    for (change, created_at) in changes {
        if let Mutation::SendMessage { id, conversation_id, note, .. } = change {
            if let Some(pulled) = message(conn, id)? {
                world.messages.insert(id.clone(), pulled);
            }
            if !note {
                let at = earliest.entry(conversation_id).or_insert(*created_at);
                *at = (*at).min(*created_at);
            }
        }
    }
    if let (Scope::Conversation { id, .. }, Some(at)) = (scope, window_at) {
        let entry = earliest.entry(id).or_insert(at);
        *entry = (*entry).min(at);
    }
    for (conversation_id, since) in earliest {
        let Some(policy) = world
            .conversations
            .get(conversation_id)
            .and_then(|c| world.accounts.get(&c.account_id))
            .map(|account| account.reply_policy())
        else {
            continue;
        };
        for message in ledger_tail(conn, conversation_id, &policy, since)? {
            world.messages.insert(message.id.clone(), message);
        }
    }
    Ok(())
}

/// The newest messages of a conversation, back to where older ones can no
/// longer change a reply window computed at `since` or later: past the
/// subscriber's last message, and further back than a day (the daily cap)
/// and than an event's own window. Usually a handful of rows, not the thread.
fn ledger_tail(conn: &Connection, conversation_id: &str, policy: &ReplyPolicy, since: Millis) -> Result<Vec<Message>> {
    let event_window = Millis::from(policy.event_window_seconds) * 1000;
    let horizon = since - DAY.max(event_window);
    let mut stmt =
        conn.prepare_cached("SELECT body FROM messages WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC")?;
    let mut rows = stmt.query([conversation_id])?;
    let mut tail = Vec::new();
    let mut seen_subscriber_message = false;
    while let Some(row) = rows.next()? {
        let message: Message = decode_body(&row.get::<_, String>(0)?)?;
        if seen_subscriber_message && message.created_at < horizon {
            break;
        }
        if message.direction == Direction::Inbound && !matches!(message.body, MessageBody::Event(_)) {
            seen_subscriber_message = true;
        }
        tail.push(message);
    }
    Ok(tail)
}

pub(crate) fn signed_in_staff_id(conn: &Connection) -> Result<String> {
    Ok(match get_meta(conn, "user")? {
        Some(json) => decode_body::<wicket_model::StaffUser>(&json)?.id,
        None => String::new(),
    })
}

fn body<T: serde::de::DeserializeOwned>(conn: &Connection, query: &str, id: &str) -> Result<Option<T>> {
    let json: Option<String> = conn.prepare_cached(query)?.query_row([id], |r| r.get(0)).optional()?;
    json.map(|json| decode_body(&json)).transpose()
}

pub(crate) fn conversation(conn: &Connection, id: &str) -> Result<Option<Conversation>> {
    body(conn, "SELECT body FROM conversations WHERE id = ?1", id)
}

pub(crate) fn subscriber(conn: &Connection, id: &str) -> Result<Option<Subscriber>> {
    body(conn, "SELECT body FROM subscribers WHERE id = ?1", id)
}

pub(crate) fn message(conn: &Connection, id: &str) -> Result<Option<Message>> {
    body(conn, "SELECT body FROM messages WHERE id = ?1", id)
}

pub(crate) fn account(conn: &Connection, id: &str) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, platform, category, description, avatar_color, archived, created_at, updated_at, settings
             FROM accounts WHERE id = ?1",
        )?
        .query_row([id], account_from_row)
        .optional()?)
}
