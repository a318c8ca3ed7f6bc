//! The sync loop: one task per signed-in workspace.

use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;
use wicket_model::sync::{
    Connection, FromConsole, PresenceSnapshot, PresenceState, PushRequest, Rejection, SyncStatus,
};
use wicket_model::ErrorCode;
use wicket_store::{Cache, PullTaken, StoreError};

use crate::client::{ClientError, PulledPage, ServerClient};

/// How many outbox entries go in one push, and feed entries in one pull.
const PUSH_BATCH: usize = 100;
const PULL_PAGE: u32 = 500;
/// How often a console that cannot speak with its server looks again (the
/// server may have been updated meanwhile); a nudge looks at once.
const INCOMPATIBLE_RECHECK: Duration = Duration::from_secs(600);
/// This console's version: pulls that passed over changes it could not read
/// are taken again whole by another version.
const CONSOLE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// How often to look for others' changes when nothing says there are any.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// While the live feed is down.
    pub poll_every: Duration,
    /// While the live feed is up (it nudges on every change; this is a
    /// safety net).
    pub poll_every_live: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self { poll_every: Duration::from_secs(5), poll_every_live: Duration::from_secs(60) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    Status(SyncStatus),
    /// The cache changed: lists should be read again.
    DataChanged,
    /// An account's layout draft changed on its way to the server (saved,
    /// in conflict, published).
    LayoutChanged(String),
    /// Who views or types where, as the live feed says.
    Presence(PresenceSnapshot),
    /// How far a broadcast running on the server got, as the live feed
    /// says while it runs (the Broadcasts screen shows it).
    Broadcast(wicket_model::broadcast::BroadcastProgress),
    /// These accounts' broadcast drafts, as listed, changed (saved, synced,
    /// refused, deleted). The console says it, not the engine: only when
    /// the list would show something else.
    BroadcastDraftsChanged(Vec<String>),
    /// These accounts' saved segments, as listed with their counts,
    /// changed. Said by the console, as `BroadcastDraftsChanged`.
    SegmentsChanged(Vec<String>),
}

pub type SyncListener = Arc<dyn Fn(SyncEvent) + Send + Sync>;

pub(crate) struct Shared {
    pub(crate) options: SyncOptions,
    /// Whether the live feed is connected.
    pub(crate) live: std::sync::atomic::AtomicBool,
    pub(crate) cache: Arc<Cache>,
    pub(crate) client: ServerClient,
    pub(crate) token: String,
    pub(crate) nudge: Notify,
    status: watch::Sender<SyncStatus>,
    pub(crate) listener: SyncListener,
    /// Colleagues' presence, from the live feed.
    pub(crate) presence: std::sync::Mutex<crate::live::PresenceBook>,
    /// Where this console said it is, said again after a reconnect.
    pub(crate) here: std::sync::Mutex<Option<FromConsole>>,
    presence_out: mpsc::UnboundedSender<FromConsole>,
}

pub struct SyncEngine {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    live: JoinHandle<()>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum RoundError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncEngine {
    /// Starts syncing `cache` with the server at once, then whenever nudged
    /// and every few seconds.
    pub fn start(cache: Arc<Cache>, client: ServerClient, token: String, listener: SyncListener) -> Self {
        Self::start_with(cache, client, token, listener, SyncOptions::default())
    }

    pub fn start_with(
        cache: Arc<Cache>,
        client: ServerClient,
        token: String,
        listener: SyncListener,
        options: SyncOptions,
    ) -> Self {
        let (pending, rejected) = cache.outbox_counts().unwrap_or((0, 0));
        let initial =
            SyncStatus { connection: Connection::Syncing, pending, rejected, last_synced_at: None, last_error: None };
        let (status, _) = watch::channel(initial);
        let (presence_out, outgoing) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            options,
            live: std::sync::atomic::AtomicBool::new(false),
            cache,
            client,
            token,
            nudge: Notify::new(),
            status,
            listener,
            presence: std::sync::Mutex::new(Default::default()),
            here: std::sync::Mutex::new(None),
            presence_out,
        });
        let task = tokio::spawn(run(shared.clone()));
        let live = tokio::spawn(crate::live::follow(shared.clone(), outgoing));
        Self { shared, task, live }
    }

    /// Asks for a round now (after a local write, or when staff ask).
    pub fn nudge(&self) {
        self.shared.nudge.notify_one();
    }

    /// Tells colleagues which conversation this staff member has open
    /// (`None`: none) and whether they are typing. Online only: while the
    /// live feed is down it is said on reconnecting.
    pub fn set_presence(&self, conversation_id: Option<String>, typing: bool) {
        let mut here = self.shared.here.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let said = match (conversation_id, here.take()) {
            (Some(conversation_id), _) => {
                let state = if typing { PresenceState::Typing } else { PresenceState::Viewing };
                let said = FromConsole::Presence { conversation_id, state };
                *here = Some(said.clone());
                said
            }
            (None, Some(FromConsole::Presence { conversation_id, .. })) => {
                FromConsole::Presence { conversation_id, state: PresenceState::Left }
            }
            (None, None) => return,
        };
        // A closed channel means the engine is stopping; nothing to tell.
        let _stopping = self.shared.presence_out.send(said);
    }

    /// Colleagues' presence as last heard; unknown (`live: false`) while the
    /// live feed is down.
    pub fn presence(&self) -> PresenceSnapshot {
        let live = self.shared.live.load(std::sync::atomic::Ordering::Relaxed);
        let book = self.shared.presence.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        PresenceSnapshot { live, entries: if live { book.values().cloned().collect() } else { Vec::new() } }
    }

    pub fn status(&self) -> SyncStatus {
        self.shared.status.borrow().clone()
    }

    /// A receiver that sees every status change (tests wait on it).
    pub fn watch(&self) -> watch::Receiver<SyncStatus> {
        self.shared.status.subscribe()
    }

    /// Stops the loop. Nothing is lost: the outbox stays in the cache.
    pub fn stop(&self) {
        self.task.abort();
        self.live.abort();
    }
}

impl Drop for SyncEngine {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared {
    fn poll_every(&self) -> Duration {
        if self.live.load(std::sync::atomic::Ordering::Relaxed) {
            self.options.poll_every_live
        } else {
            self.options.poll_every
        }
    }

    pub(crate) fn cursor(&self) -> i64 {
        self.cache.cursor().unwrap_or(0)
    }
}

async fn run(shared: Arc<Shared>) {
    let mut backoff = new_backoff();
    loop {
        set_status(&shared, |s| s.connection = Connection::Syncing);
        let wait = match round(&shared).await {
            Ok(changed) => {
                backoff = new_backoff();
                let counts = counts(&shared).await;
                // Changes from a newer server were passed over: sync goes
                // on, and the status says plainly that an update is due.
                let unreadable = blocking(&shared, |cache| cache.unreadable_by()).await.ok().flatten().is_some();
                set_status(&shared, |s| {
                    s.connection = if unreadable { Connection::Incompatible } else { Connection::Online };
                    (s.pending, s.rejected) = counts;
                    s.last_synced_at = Some(now_ms());
                    s.last_error = unreadable.then(|| {
                        "the server sends changes this version of Wicket cannot read: update Wicket on this computer"
                            .to_owned()
                    });
                });
                if changed {
                    (shared.listener)(SyncEvent::DataChanged);
                }
                // Changes written during the round are pushed at once.
                if counts.0 > 0 {
                    Duration::ZERO
                } else {
                    shared.poll_every()
                }
            }
            Err(error) => {
                let signed_out = matches!(&error, RoundError::Client(e) if e.is_unauthorized());
                let incompatible = matches!(&error, RoundError::Client(ClientError::Incompatible { .. }));
                let counts = counts(&shared).await;
                tracing::info!(%error, "sync round failed");
                set_status(&shared, |s| {
                    s.connection = if signed_out {
                        Connection::SignedOut
                    } else if incompatible {
                        Connection::Incompatible
                    } else {
                        Connection::Offline
                    };
                    (s.pending, s.rejected) = counts;
                    s.last_error = Some(error.to_string());
                });
                // Whatever was pulled before the failure is in the cache.
                (shared.listener)(SyncEvent::DataChanged);
                if signed_out {
                    Duration::MAX
                } else if incompatible {
                    INCOMPATIBLE_RECHECK
                } else {
                    backoff.next().unwrap_or(Duration::from_secs(30))
                }
            }
        };
        if wait == Duration::MAX {
            shared.nudge.notified().await;
        } else if !wait.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = shared.nudge.notified() => {}
            }
        }
    }
}

pub(crate) fn new_backoff() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(500))
        .with_max_delay(Duration::from_secs(30))
        .with_jitter()
        .without_max_times()
        .build()
}

/// One exchange: upload waiting images, push everything waiting, then pull
/// until caught up.
/// Returns whether the cache changed.
async fn round(shared: &Arc<Shared>) -> Result<bool, RoundError> {
    let mut changed = false;
    let client_id = blocking(shared, |cache| cache.client_id()).await?;
    // Another version of this console passed over changes it could not
    // read: this one may read them, so it pulls everything again.
    if blocking(shared, |cache| cache.unreadable_by()).await?.is_some_and(|by| by != CONSOLE_VERSION) {
        tracing::info!("changes an earlier version could not read were passed over: syncing again from the start");
        blocking(shared, |cache| cache.reset_pulled_state()).await?;
        changed = true;
    }
    // Images first: the replies that show them are pushed below. A reply is
    // kept after its image, so every change up to `upto` has its image
    // uploaded by now; later ones wait for the next round.
    let upto = blocking(shared, |cache| cache.last_outbox_id()).await?;
    crate::media::upload_pending_media(shared).await?;
    // A server restored from an older backup is noticed before this push
    // adds to its feed, which could bring its newest position up to ours.
    let waiting = !blocking(shared, |cache| cache.pending(0, 1)).await?.is_empty();
    let cursor = blocking(shared, |cache| cache.cursor()).await?;
    if waiting && cursor > 0 {
        let page = shared.client.pull(&shared.token, &client_id, cursor, 1).await?;
        changed |= restart_if_behind(shared, cursor, page.newest).await?;
    }
    // Pushed changes stay in the outbox (applied on top) until the pull
    // below shows them in the server's state, so nothing flickers back.
    let mut after = 0;
    let mut batch = PUSH_BATCH;
    loop {
        let mut mutations = blocking(shared, move |cache| cache.pending(after, batch)).await?;
        mutations.retain(|m| m.id <= upto);
        let (Some(first), Some(last)) = (mutations.first().map(|m| m.id), mutations.last().map(|m| m.id)) else {
            break;
        };
        blocking(shared, move |cache| cache.mark_sent(first, last)).await?;
        let count = mutations.len();
        let request = PushRequest { client_id: client_id.clone(), mutations };
        let response = match shared.client.push(&shared.token, &request).await {
            Ok(response) => response,
            // Refused whole for what it carries (too large, or a server
            // that reads a push whole and cannot read one of its changes):
            // halved until the change at fault is alone, which is kept as
            // refused with the server's reason; the ones behind it go on.
            Err(ClientError::Server(error)) if matches!(error.code, ErrorCode::TooLarge | ErrorCode::Invalid) => {
                if count > 1 {
                    batch = count / 2;
                    continue;
                }
                tracing::warn!(id = last, error = %error.message, "the server refuses this change whole: kept as refused");
                let rejected = vec![Rejection { id: last, error }];
                blocking(shared, move |cache| cache.record_rejections(&rejected)).await?;
                changed = true;
                after = last;
                batch = PUSH_BATCH;
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        let server_last = response.last_mutation_id;
        blocking(shared, move |cache| cache.note_server_last(server_last)).await?;
        // A number the server processed before with other content: this
        // cache's numbering went back (a power cut, a restored or copied
        // cache). That change and every one after it are numbered again
        // after the server's last, and go in the next round, in order.
        let reused = response.rejected.iter().find(|r| is_reused_number(r)).map(|r| r.id);
        let rejected: Vec<Rejection> = response
            .rejected
            .into_iter()
            .filter(|r| (first..=last).contains(&r.id) && reused.is_none_or(|reused| r.id < reused))
            .collect();
        if !rejected.is_empty() {
            blocking(shared, move |cache| cache.record_rejections(&rejected)).await?;
            changed = true;
        }
        if let Some(from) = reused {
            tracing::warn!(
                from,
                server_last,
                "the server processed this number before for another change: numbering again"
            );
            blocking(shared, move |cache| cache.renumber_from(from, server_last)).await?;
            changed = true;
            break;
        }
        after = last;
    }
    loop {
        let cursor = blocking(shared, |cache| cache.cursor()).await?;
        let PulledPage { response: page, unreadable } =
            shared.client.pull_page(&shared.token, &client_id, cursor, PULL_PAGE).await?;
        if restart_if_behind(shared, cursor, page.newest).await? {
            changed = true;
            continue;
        }
        if !unreadable.is_empty() {
            blocking(shared, |cache| cache.note_unreadable(CONSOLE_VERSION)).await?;
        }
        let more = page.more;
        let had_changes = !page.changes.is_empty();
        let before = blocking(shared, |cache| cache.outbox_counts()).await?;
        let taken = blocking(shared, move |cache| cache.apply_pull(&page, now_ms())).await?;
        let after = blocking(shared, |cache| cache.outbox_counts()).await?;
        changed |= had_changes || before != after || taken != PullTaken::Page;
        // The role changed and the feed now carries kinds this cache never
        // received: the cache went back to the start; pull from there.
        if taken == PullTaken::Widened {
            tracing::info!("the feed's scope widened (the role changed): syncing again from the start");
            continue;
        }
        if !more {
            break;
        }
    }
    changed |= crate::layouts::sync_layouts(shared).await?;
    Ok(changed)
}

/// The server's refusal of a number it processed before with other content.
fn is_reused_number(rejection: &Rejection) -> bool {
    rejection.error.issues.iter().any(|issue| issue.key == "sync.mutation.number_reused")
}

/// When the server's newest feed position is behind `cursor`, its data was
/// restored from an older backup: its feed reissues the positions between,
/// which this console would skip for good. Forgets the pulled state so the
/// next pulls start from the beginning; the outbox stays and is applied on
/// top as ever. Returns whether it did.
async fn restart_if_behind(shared: &Arc<Shared>, cursor: i64, newest: Option<i64>) -> Result<bool, RoundError> {
    let Some(newest) = newest.filter(|newest| cursor > *newest) else {
        return Ok(false);
    };
    tracing::warn!(cursor, newest, "the server's feed is behind this console: syncing again from the start");
    blocking(shared, |cache| cache.reset_pulled_state()).await?;
    Ok(true)
}

async fn counts(shared: &Arc<Shared>) -> (u32, u32) {
    blocking(shared, |cache| cache.outbox_counts()).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot count the outbox");
        let status = shared.status.borrow();
        (status.pending, status.rejected)
    })
}

pub(crate) async fn blocking<T, F>(shared: &Arc<Shared>, job: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&Cache) -> Result<T, StoreError> + Send + 'static,
{
    let cache = shared.cache.clone();
    tokio::task::spawn_blocking(move || job(&cache))
        .await
        .unwrap_or_else(|e| Err(StoreError::Corrupt(format!("cache task failed: {e}"))))
}

fn set_status(shared: &Shared, change: impl FnOnce(&mut SyncStatus)) {
    let modified = shared.status.send_if_modified(|status| {
        let before = status.clone();
        change(status);
        *status != before
    });
    if modified {
        (shared.listener)(SyncEvent::Status(shared.status.borrow().clone()));
    }
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}
