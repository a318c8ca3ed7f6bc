//! The outbound dispatcher: staff replies to subscribers of a platform other
//! than the sandbox go out through that platform's adapter.
//!
//! Replies are recorded by the console's routes as they always were (push,
//! or `POST /conversations/{id}/messages`); the dispatcher finds them in the
//! change feed, queues each once ever (`platform_sends`, keyed by message
//! id), and sends. A send is marked `sending` durably before its request
//! leaves, so a server stopped mid-request finds it there and shows its
//! outcome as unknown instead of sending it twice: the platforms' send APIs
//! have no idempotency key. A refusal becomes the message's `failed` state
//! with the platform's reason as an issue key.

use std::time::Duration;

use tokio::sync::broadcast;

use wicket_model::conversation::Delivery;
use wicket_model::{Change, Millis};

use super::{Reply, SendOutcome};
use crate::platform::store::{QueuedSend, SendState};
use crate::storage::StorageError;
use crate::{AppState, LiveEvent};

/// Attempts a transient failure gets before the reply is marked failed.
pub const MAX_ATTEMPTS: u32 = 5;
/// The issue key of a reply that left and got no answer.
pub const OUTCOME_UNKNOWN: &str = wicket_model::reply_window::SEND_OUTCOME_UNKNOWN;
/// The issue key of a reply the platform kept refusing for passing reasons.
pub const UNAVAILABLE: &str = "platform.send.unavailable";

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s, 8 s…
pub fn backoff(attempts: u32) -> Millis {
    1000 * (1i64 << attempts.min(6))
}

/// The lease of the one process that dispatches replies: several processes
/// on one database would otherwise each take the same sends, and a process
/// starting would take another's sends in flight for abandoned.
pub const LEASE_NAME: &str = "outbound-dispatcher";
/// How long the dispatching process holds the lease without renewing it:
/// when it dies, another process takes over after this.
pub const LEASE: Duration = Duration::from_secs(10);
/// How often the dispatching process renews its lease.
const RENEW: Duration = Duration::from_secs(2);
/// How long the dispatcher lets announcements gather before it looks at the
/// feed: a reply waits at most this much longer to leave.
const GATHER: Duration = Duration::from_millis(20);

/// Runs the dispatcher until the server stops; the task ends once the sends
/// under way when it started stopping are recorded. Of several processes on
/// one database, the one holding [`LEASE_NAME`] dispatches; the others look
/// again every [`RENEW`]. A process that takes the lease first marks the
/// sends its predecessor left in flight as of unknown outcome.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = state.live.subscribe();
        let mut held = false;
        loop {
            let holding = match claim(&state).await {
                Ok(holding) => holding,
                Err(e) => {
                    tracing::error!(error = %e, "outbound replies: cannot take the dispatcher's lease");
                    false
                }
            };
            if holding && !held {
                if let Err(e) = abandon_in_flight(&state).await {
                    tracing::error!(error = %e, "cannot check the replies in flight when the server stopped");
                }
            }
            held = holding;
            let wait = if holding {
                let renewing = async {
                    loop {
                        tokio::time::sleep(RENEW).await;
                        if matches!(claim(&state).await, Ok(false)) {
                            return;
                        }
                    }
                };
                let ran = tokio::select! {
                    ran = run_once(&state) => ran,
                    () = renewing => {
                        tracing::warn!("lost the outbound dispatcher's lease; another process dispatches");
                        held = false;
                        Ok(RENEW)
                    }
                };
                match ran {
                    Ok(wait) => wait.min(RENEW),
                    Err(e) => {
                        tracing::error!(error = %e, "outbound replies: storage failure; trying again shortly");
                        Duration::from_secs(1)
                    }
                }
            } else {
                RENEW
            };
            tokio::select! {
                // New replies wake the dispatching process; the others only
                // look at the lease again, every RENEW. Every write to the feed
                // announces itself, so under a flood of subscriber messages the
                // dispatcher looks once per GATHER for all that came, not once
                // per message (each look writes its cursor).
                _ = events.recv(), if held => {
                    tokio::time::sleep(GATHER).await;
                    drain(&mut events);
                }
                () = tokio::time::sleep(wait) => {}
                () = state.closing() => {
                    if held {
                        if let Err(e) = state.storage.release_lease(LEASE_NAME, &state.instance).await {
                            tracing::warn!(error = %e, "cannot give up the dispatcher's lease; it lapses");
                        }
                    }
                    return;
                }
            }
        }
    })
}

/// Takes every announcement already waiting (a receiver that lagged has
/// lost some, which comes to the same: the dispatcher reads the feed).
fn drain(events: &mut broadcast::Receiver<LiveEvent>) {
    use broadcast::error::TryRecvError;
    while !matches!(events.try_recv(), Err(TryRecvError::Empty | TryRecvError::Closed)) {}
}

/// Takes or renews the dispatcher's lease: whether this process holds it.
async fn claim(state: &AppState) -> Result<bool, StorageError> {
    let got = state.storage.claim_leases(vec![LEASE_NAME.to_owned()], &state.instance, LEASE).await?;
    Ok(!got.is_empty())
}

async fn abandon_in_flight(state: &AppState) -> Result<(), StorageError> {
    let now = state.clock.now();
    for id in state.storage.platforms().abandon_in_flight(now).await? {
        tracing::warn!(message = %id, "a reply was being sent when the server stopped: its outcome is unknown");
        mark_failed(state, &id, OUTCOME_UNKNOWN).await?;
    }
    Ok(())
}

/// Queues new replies and sends those due; how long until the next is due.
pub async fn run_once(state: &AppState) -> Result<Duration, StorageError> {
    let store = state.storage.platforms();
    store.queue_outbound(state.clock.now()).await?;
    // A stopping server finishes the batch it is sending, then stops.
    while !state.is_closing() {
        let due = store.due_sends(state.clock.now(), 64).await?;
        if due.is_empty() {
            break;
        }
        // Each due send is the oldest waiting of its conversation (the store
        // holds the rest back), so they go side by side.
        let mut running = tokio::task::JoinSet::new();
        for send in due {
            let state = state.clone();
            running.spawn(async move { deliver(&state, send).await });
        }
        while let Some(done) = running.join_next().await {
            done.map_err(|e| StorageError::Database(format!("a send task failed: {e}")))??;
        }
    }
    let now = state.clock.now();
    let wait = match store.next_send_at().await? {
        Some(at) => Duration::from_millis((at - now).clamp(10, 60_000) as u64),
        None => Duration::from_secs(60),
    };
    Ok(wait)
}

async fn deliver(state: &AppState, send: QueuedSend) -> Result<(), StorageError> {
    let store = state.storage.platforms();
    let now = state.clock.now();
    let Some(reply) = reply_of(state, &send).await? else {
        store.set_send_state(&send.message_id, SendState::Failed, send.attempts, now, Some("gone".into()), now).await?;
        return Ok(());
    };
    let Some(platform) = state.platforms.for_platform(&reply.subscriber.platform) else {
        store
            .set_send_state(&send.message_id, SendState::Failed, send.attempts, now, Some("no adapter".into()), now)
            .await?;
        return mark_failed(state, &send.message_id, UNAVAILABLE).await;
    };
    let attempts = send.attempts + 1;
    if !store.set_send_state(&send.message_id, SendState::Sending, attempts, now, None, now).await? {
        return Ok(());
    }
    let outcome = platform.send_reply(state, &reply).await;
    let now = state.clock.now();
    match outcome {
        SendOutcome::Sent => {
            store.set_send_state(&send.message_id, SendState::Sent, attempts, now, None, now).await?;
        }
        SendOutcome::Refused { reason } => {
            tracing::info!(message = %send.message_id, %reason, "the platform refused a reply");
            store.set_send_state(&send.message_id, SendState::Failed, attempts, now, Some(reason.clone()), now).await?;
            mark_failed(state, &send.message_id, &reason).await?;
        }
        SendOutcome::Retry { reason } if attempts < MAX_ATTEMPTS => {
            tracing::info!(message = %send.message_id, %reason, attempts, "a reply will be sent again");
            let next = now + backoff(attempts - 1);
            store.set_send_state(&send.message_id, SendState::Pending, attempts, next, Some(reason), now).await?;
        }
        SendOutcome::Retry { reason } => {
            tracing::warn!(message = %send.message_id, %reason, attempts, "a reply could not be sent");
            store.set_send_state(&send.message_id, SendState::Failed, attempts, now, Some(reason), now).await?;
            mark_failed(state, &send.message_id, UNAVAILABLE).await?;
        }
        SendOutcome::Unknown => {
            tracing::warn!(message = %send.message_id, "a reply left without an answer: its outcome is unknown");
            store.set_send_state(&send.message_id, SendState::Unknown, attempts, now, None, now).await?;
            mark_failed(state, &send.message_id, OUTCOME_UNKNOWN).await?;
        }
    }
    Ok(())
}

async fn reply_of(state: &AppState, send: &QueuedSend) -> Result<Option<Reply>, StorageError> {
    let Some(message) = state.storage.message(&send.message_id).await? else { return Ok(None) };
    let Some(conversation) = state.storage.conversation(&message.conversation_id).await? else { return Ok(None) };
    let Some(subscriber) = state.storage.subscriber(&conversation.subscriber_id).await? else { return Ok(None) };
    let Some(account) = state.storage.account(&conversation.account_id).await? else { return Ok(None) };
    Ok(Some(Reply { account, subscriber, message }))
}

/// The message's state becomes `failed` with `reason`, in the feed.
async fn mark_failed(state: &AppState, message_id: &str, reason: &str) -> Result<(), StorageError> {
    let id = message_id.to_owned();
    let reason = reason.to_owned();
    let decide = Box::new(move |world: &dyn wicket_model::World| {
        Ok(match world.message(&id)? {
            Some(mut message) => {
                message.delivery = Some(Delivery::Failed { reason });
                vec![Change::Message(message)]
            }
            None => Vec::new(),
        })
    });
    let now = state.clock.now();
    if let Ok(recorded) = state.storage.record(decide, now).await? {
        let conversations = recorded
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Message(m) => Some(m.conversation_id.clone()),
                _ => None,
            })
            .collect();
        if !recorded.changes.is_empty() {
            state.announce(LiveEvent::Changes { seq: recorded.last_seq, conversations });
        }
    }
    Ok(())
}
