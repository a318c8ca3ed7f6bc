//! The live feed across processes: what one server process records or
//! hears reaches the consoles and subscribers connected to the others.
//!
//! Feed writes announce themselves: a trigger on `changes` (migration 13)
//! calls `pg_notify('wicket_feed', '<origin> <conversation id>')` in the
//! writing transaction, so a notification is delivered when, and only if,
//! the write commits, in commit order. Other events (presence) are not in
//! the feed: a process publishes them on `wicket_events` as it announces
//! them, one after another from a single thread, so their order holds.
//!
//! Each process keeps one connection of its own that `LISTEN`s on both
//! channels, drains what arrived, and announces it on its own sockets: one
//! `Changes` event per batch, at the feed's committed position read after
//! the notifications (so it is never behind them), with the conversations
//! they touched. Its own notifications it ignores: it announced those
//! already. A dropped connection is opened again; the consoles are then
//! told the newest position, since notifications sent while nobody listened
//! are lost.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use r2d2_postgres::postgres::fallible_iterator::FallibleIterator;
use r2d2_postgres::postgres::{self, Client, NoTls};
use tokio::sync::{broadcast, watch};
use wicket_model::sync::LiveEvent;

use super::PgStorage;

/// The channel feed writes notify on (the trigger names it too).
pub(super) const FEED: &str = "wicket_feed";
/// What a feed notification says instead of a conversation when an
/// automatic-reply rule changed (migration 15).
const RULES: &str = "*rules";
/// The channel the events that are not in the feed go on.
pub(super) const EVENTS: &str = "wicket_events";
/// The listening connection's `application_name` (in `pg_stat_activity`).
pub const LISTENER_NAME: &str = "wicket-live";
/// How long the listener waits for a notification before it looks whether
/// the server is stopping.
const WAIT: Duration = Duration::from_millis(250);
/// How long a quiet listening connection goes before it is checked.
const CHECK_AFTER: Duration = Duration::from_secs(5);
/// The wait before connecting again after the connection dropped.
const RECONNECT: Duration = Duration::from_millis(500);
/// Notifications handled as one batch at most.
const BATCH: usize = 2_000;

/// Relays the other processes' announcements into `live` until `closing`.
pub(super) fn spawn(
    storage: PgStorage,
    live: broadcast::Sender<LiveEvent>,
    closing: watch::Receiver<bool>,
    rules_changed: Arc<dyn Fn() + Send + Sync>,
) -> tokio::task::JoinHandle<()> {
    let (events, outbox) = mpsc::channel::<String>();
    if let Ok(mut shared) = storage.outbox.lock() {
        *shared = Some(events);
    }
    let publisher = {
        let storage = storage.clone();
        let closing = closing.clone();
        tokio::task::spawn_blocking(move || publish(&storage, &outbox, &closing))
    };
    let listener = tokio::task::spawn_blocking(move || {
        let mut reconnected = false;
        while !stopping(&closing) {
            match listen(&storage, &live, &closing, rules_changed.as_ref(), reconnected) {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "the live feed's listening connection dropped; connecting again");
                    reconnected = true;
                    let until = Instant::now() + RECONNECT;
                    while Instant::now() < until && !stopping(&closing) {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
            }
        }
        if let Ok(mut shared) = storage.outbox.lock() {
            *shared = None;
        }
    });
    tokio::spawn(async move {
        let _ = listener.await;
        let _ = publisher.await;
    })
}

/// Listens until `closing` (`Ok`) or until the connection fails.
fn listen(
    storage: &PgStorage,
    live: &broadcast::Sender<LiveEvent>,
    closing: &watch::Receiver<bool>,
    rules_changed: &(dyn Fn() + Send + Sync),
    reconnected: bool,
) -> Result<(), postgres::Error> {
    let mut config = storage.config.clone();
    config.application_name(LISTENER_NAME);
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {FEED}; LISTEN {EVENTS}"))?;
    if reconnected {
        // What was announced while nobody listened is lost: every console
        // pulls from its cursor, and reply rules are read again.
        rules_changed();
        let seq = committed_seq(&mut client)?;
        let _nobody_listening = live.send(LiveEvent::Changes { seq, conversations: Vec::new() });
    }
    let mut quiet_since = Instant::now();
    while !stopping(closing) {
        let batch = receive(&mut client)?;
        if batch.is_empty() {
            // A closed connection has nothing to wait for (the wait ends at
            // once): the query fails and the caller connects again.
            if client.is_closed() || quiet_since.elapsed() >= CHECK_AFTER {
                client.simple_query("SELECT 1")?;
                quiet_since = Instant::now();
            }
            continue;
        }
        quiet_since = Instant::now();
        relay(&mut client, &storage.origin, batch, live, rules_changed)?;
    }
    Ok(())
}

/// What arrived: waits up to [`WAIT`] for one notification, then takes
/// those already there.
fn receive(client: &mut Client) -> Result<Vec<postgres::Notification>, postgres::Error> {
    let mut batch = Vec::new();
    let mut notifications = client.notifications();
    let first = notifications.timeout_iter(WAIT).next()?;
    if let Some(first) = first {
        batch.push(first);
        let mut pending = notifications.iter();
        while batch.len() < BATCH {
            match pending.next()? {
                Some(next) => batch.push(next),
                None => break,
            }
        }
    }
    Ok(batch)
}

/// Announces a batch of other processes' notifications on this one's sockets.
fn relay(
    client: &mut Client,
    origin: &str,
    batch: Vec<postgres::Notification>,
    live: &broadcast::Sender<LiveEvent>,
    rules_changed: &(dyn Fn() + Send + Sync),
) -> Result<(), postgres::Error> {
    let (mut fed, mut rules) = (false, false);
    let mut conversations: Vec<String> = Vec::new();
    for notification in batch {
        let Some((from, rest)) = notification.payload().split_once(' ') else { continue };
        if from == origin {
            continue;
        }
        match notification.channel() {
            FEED if rest == RULES => {
                fed = true;
                rules = true;
            }
            FEED => {
                fed = true;
                if !rest.is_empty() && !conversations.iter().any(|id| id == rest) {
                    conversations.push(rest.to_owned());
                }
            }
            EVENTS => match serde_json::from_str::<LiveEvent>(rest) {
                Ok(LiveEvent::Changes { .. }) | Err(_) => {
                    tracing::warn!(payload = rest, "an unreadable live notification")
                }
                Ok(event) => {
                    let _nobody_listening = live.send(event);
                }
            },
            _ => {}
        }
    }
    if rules {
        rules_changed();
    }
    if fed {
        let seq = committed_seq(client)?;
        let _nobody_listening = live.send(LiveEvent::Changes { seq, conversations });
    }
    Ok(())
}

/// Whether the server is stopping, or gone without saying so (its state
/// dropped, say when a runtime shuts down): a blocking loop that outlived
/// it would keep the runtime's shutdown waiting for ever.
fn stopping(closing: &watch::Receiver<bool>) -> bool {
    *closing.borrow() || closing.has_changed().is_err()
}

/// The feed's newest committed position.
fn committed_seq(client: &mut Client) -> Result<i64, postgres::Error> {
    Ok(client.query_one("SELECT seq FROM feed_counter WHERE id = 1", &[])?.get(0))
}

/// Publishes this process's events that are not in the feed, in order, until `closing`.
fn publish(storage: &PgStorage, outbox: &mpsc::Receiver<String>, closing: &watch::Receiver<bool>) {
    while !stopping(closing) {
        let payload = match outbox.recv_timeout(WAIT) {
            Ok(payload) => payload,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let sent = storage
            .connection()
            .and_then(|mut conn| conn.execute("SELECT pg_notify($1, $2)", &[&EVENTS, &payload]).map_err(super::pg));
        if let Err(e) = sent {
            tracing::warn!(error = %e, "cannot tell the other processes of a live event");
        }
    }
}

/// Queues an event that is not in the feed for the other processes (feed
/// positions reach them through the trigger, at commit). An event over
/// PostgreSQL's 8000-byte payload is refused by the database and logged.
pub(super) fn share(storage: &PgStorage, event: &LiveEvent) {
    if matches!(event, LiveEvent::Changes { .. }) {
        return;
    }
    let Ok(json) = serde_json::to_string(event) else { return };
    if let Ok(shared) = storage.outbox.lock() {
        if let Some(events) = shared.as_ref() {
            let _closed = events.send(format!("{} {json}", storage.origin));
        }
    }
}

/// A new process id: what its notifications carry and its leases name.
pub(super) fn new_origin() -> Arc<str> {
    uuid::Uuid::new_v4().simple().to_string().into()
}
