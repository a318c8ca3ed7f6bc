//! Broadcasts as durable jobs. A broadcast is stored, then the runner takes
//! it when it is due:
//!
//! 1. **Plan.** The account's subscribers are walked in id order, a page at
//!    a time; each one the audience holds gets a ledger row with the
//!    model's decision (send, skipped by a cap, unfollowed), written in the
//!    same transaction as the cursor. Memory holds one page, whatever the
//!    audience's size.
//! 2. **Send.** Sandbox subscribers get the message in their conversation,
//!    stored with their ledger row. WeChat's get mass sends by OpenID list
//!    (at most 10,000 a call, at most 60 calls a minute): each call's
//!    recipients and `clientmsgid` are committed before it leaves, so a
//!    restart sends a call that may have gone under the same id, which
//!    WeChat takes once. Alipay's go out in one send to all followers, or,
//!    for a segment, in one send to a label of the broadcast's own put on
//!    exactly them (`alipay::mass`); WeChat subscription accounts', and a
//!    segment of one tag WeChat also has, in one `sendall` (`wechat::mass`).
//! 3. **Progress.** While it runs, staff sockets hear its counts so far
//!    (`LiveEvent::Broadcast`, see [`Progress`]).
//!
//! A stopped server leaves the job where its last commit was; the runner
//! takes every broadcast still sending when it starts. A cancel marks
//! everyone not yet in a call as cancelled.

pub(crate) mod ledger;
pub mod store;

use std::collections::HashMap;
use std::time::Duration;

use wicket_model::broadcast::{
    Audience, Broadcast, BroadcastProgress, BroadcastStatus, Forecast, NewBroadcast, PlatformCounts,
};
use wicket_model::{ErrorCode, WicketError};

use crate::error::ApiError;
use crate::storage::StorageError;
use crate::{AppState, LiveEvent};

/// Subscribers decided per transaction.
pub const PLAN_PAGE: usize = 2_000;
/// Sandbox messages stored per transaction.
pub const SANDBOX_CHUNK: usize = 500;
/// How often the runner looks for broadcasts that became due.
const POLL: Duration = Duration::from_millis(200);

/// How often, at most, a running broadcast's progress goes to consoles.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Tells the consoles how far a broadcast got (`LiveEvent::Broadcast`):
/// its first step at once, then at most every [`PROGRESS_EVERY`] while it
/// runs, and where it ended. Each event reads the ledger's counts, a
/// grouped read that grows with the audience, so the wait between two
/// events is also at least four times what the last read took: counting
/// never takes more than a fifth of a large broadcast's time.
pub struct Progress<'a> {
    state: &'a AppState,
    id: &'a str,
    /// When the next event may go.
    next: Option<tokio::time::Instant>,
}

impl<'a> Progress<'a> {
    pub fn new(state: &'a AppState, id: &'a str) -> Self {
        Progress { state, id, next: None }
    }

    /// Tells them, unless the last event was too recent.
    pub async fn tick(&mut self) -> Result<(), StorageError> {
        if self.next.is_some_and(|next| tokio::time::Instant::now() < next) {
            return Ok(());
        }
        self.now().await
    }

    /// Tells them now.
    pub async fn now(&mut self) -> Result<(), StorageError> {
        let started = tokio::time::Instant::now();
        announce_progress(self.state, self.id).await?;
        let took = started.elapsed();
        self.next = Some(started + took + PROGRESS_EVERY.max(took * 4));
        Ok(())
    }
}

/// Tells the consoles where broadcast `id` stands.
pub async fn announce_progress(state: &AppState, id: &str) -> Result<(), StorageError> {
    if let Some(broadcast) = view(state, id).await? {
        state.announce(LiveEvent::Broadcast(BroadcastProgress::of(&broadcast)));
    }
    Ok(())
}

/// The broadcast as staff see it: stored, with the ledger's counts.
pub async fn view(state: &AppState, id: &str) -> Result<Option<Broadcast>, StorageError> {
    let store = state.storage.broadcasts();
    let Some(stored) = store.broadcast(id).await? else { return Ok(None) };
    let mut broadcast = stored.broadcast;
    broadcast.planned = stored.planned;
    let (counts, failures) = store.counts(id).await?;
    broadcast.counts = counts;
    broadcast.failures = failures;
    broadcast.platform_totals = store.platform_totals(id).await?;
    Ok(Some(broadcast))
}

/// Stores a new broadcast for `account_id` (or answers with the one
/// already stored under its id, when it is the same request again).
pub async fn create(
    state: &AppState,
    staff_id: &str,
    account_id: &str,
    new: NewBroadcast,
) -> Result<Broadcast, ApiError> {
    let now = state.clock.now();
    let account = active_account(state, account_id).await?;
    new.check(&account, now)?;
    let send_at = new.send_at.unwrap_or(now).max(now);
    let broadcast = Broadcast {
        id: new.id.clone(),
        account_id: account.id.clone(),
        content: new.content.clone(),
        audience: new.audience.clone(),
        status: if send_at > now { BroadcastStatus::Scheduled } else { BroadcastStatus::Sending },
        send_at,
        planned: false,
        counts: vec![],
        failures: vec![],
        platform_totals: vec![],
        created_by: staff_id.to_owned(),
        created_at: now,
        updated_at: now,
    };
    let store = state.storage.broadcasts();
    if !store.create_broadcast(&broadcast).await? {
        let existing = view(state, &new.id).await?.ok_or_else(|| ApiError(WicketError::not_found("broadcast")))?;
        let same = existing.account_id == broadcast.account_id
            && existing.content == broadcast.content
            && existing.audience == broadcast.audience;
        if !same {
            return Err(ApiError(WicketError::new(
                ErrorCode::Conflict,
                format!("another broadcast has the id {}", new.id),
            )));
        }
        return Ok(existing);
    }
    Ok(view(state, &broadcast.id).await?.unwrap_or(broadcast))
}

/// The account, when it exists and is not archived.
pub async fn active_account(state: &AppState, account_id: &str) -> Result<wicket_model::Account, ApiError> {
    state
        .storage
        .account(account_id)
        .await?
        .filter(|a| !a.archived)
        .ok_or_else(|| ApiError(WicketError::not_found(format!("account {account_id}"))))
}

/// Stops a broadcast; what has gone stays gone.
pub async fn cancel(state: &AppState, id: &str) -> Result<Option<Broadcast>, ApiError> {
    let now = state.clock.now();
    if state.storage.broadcasts().cancel_broadcast(id, now).await?.is_none() {
        return Ok(None);
    }
    let broadcast = view(state, id).await?;
    if let Some(broadcast) = &broadcast {
        state.announce(LiveEvent::Broadcast(BroadcastProgress::of(broadcast)));
    }
    Ok(broadcast)
}

/// Who a broadcast to `audience` would reach now, per platform.
pub async fn forecast(state: &AppState, account_id: &str, audience: &Audience) -> Result<Forecast, ApiError> {
    let now = state.clock.now();
    let account = active_account(state, account_id).await?;
    let mut issues = Vec::new();
    audience.check_on(&account, "", &mut issues);
    if !issues.is_empty() {
        return Err(ApiError(WicketError::invalid(issues)));
    }
    let counts: Vec<PlatformCounts> = state.storage.broadcasts().forecast(&account, audience, now).await?;
    let period_start = wicket_model::broadcast::CapRule::of(&account).period_start(now);
    Ok(Forecast { counts, period_start })
}

/// How long a process holds a broadcast's lease without renewing it: when
/// it dies mid-job, another process resumes the broadcast after this.
pub const LEASE: Duration = Duration::from_secs(10);
/// How often a runner renews the leases of the jobs it runs.
const RENEW: Duration = Duration::from_secs(2);

/// How often, by the server's clock, the runner deletes the Alipay labels
/// whose delivery period is over (`alipay::mass::sweep_labels`).
const LABEL_SWEEP_EVERY: wicket_model::Millis = 60_000;
/// The lease a process holds while it sweeps the Alipay labels: of several
/// processes on one database one sweeps at a time (a sweep longer than
/// [`LEASE`] may meet another; deleting a label twice does no harm).
pub const LABEL_SWEEP_LEASE: &str = "alipay-labels:sweep";

/// The lease a process holds while it runs broadcast `id`.
pub fn lease_name(id: &str) -> String {
    format!("broadcast:{id}")
}

/// Starts the runner: it takes every broadcast that is sending (left so by a
/// stopped server, or just due) whose lease it gets, and runs one job per
/// broadcast, renewing the leases while they run; so of several processes
/// on one database exactly one runs each broadcast, and one that dies
/// leaves its broadcasts to the others once their leases lapse. A job
/// whose lease was lost stops. The task ends when the server stops, its
/// jobs left at their last commit and their leases given up, so another
/// process takes them at once. Every [`LABEL_SWEEP_EVERY`] (and when it
/// starts) it also deletes the Alipay labels whose time has come, in a task
/// of its own so the jobs' leases are renewed meanwhile.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut running: HashMap<String, tokio::task::AbortHandle> = HashMap::new();
        let mut jobs: tokio::task::JoinSet<String> = tokio::task::JoinSet::new();
        let mut renewed = tokio::time::Instant::now();
        let mut next_sweep = wicket_model::Millis::MIN;
        let mut sweeping: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            let now = state.clock.now();
            if now >= next_sweep && sweeping.as_ref().is_none_or(|s| s.is_finished()) {
                next_sweep = now.saturating_add(LABEL_SWEEP_EVERY);
                let state = state.clone();
                sweeping = Some(tokio::spawn(async move { sweep_labels(&state).await }));
            }
            while let Some(finished) = jobs.try_join_next() {
                let Ok(id) = finished else { continue };
                running.remove(&id);
                release(&state, &id).await;
            }
            if renewed.elapsed() >= RENEW && !running.is_empty() {
                renewed = tokio::time::Instant::now();
                let names = running.keys().map(|id| lease_name(id)).collect();
                match state.storage.claim_leases(names, &state.instance, LEASE).await {
                    Ok(kept) => running.retain(|id, job| {
                        let held = kept.contains(&lease_name(id));
                        if !held {
                            tracing::warn!(broadcast = %id, "lost the broadcast's lease; another process runs it");
                            job.abort();
                        }
                        held
                    }),
                    Err(e) => tracing::error!(error = %e, "broadcasts: cannot renew the leases"),
                }
            }
            match state.storage.broadcasts().start_due(state.clock.now()).await {
                Ok(ids) => {
                    let free: Vec<String> =
                        ids.iter().filter(|id| !running.contains_key(id.as_str())).map(|id| lease_name(id)).collect();
                    let claimed = if free.is_empty() {
                        Ok(Vec::new())
                    } else {
                        state.storage.claim_leases(free, &state.instance, LEASE).await
                    };
                    match claimed {
                        Ok(claimed) => {
                            for id in ids.into_iter().filter(|id| claimed.contains(&lease_name(id))) {
                                let state = state.clone();
                                let job = jobs.spawn({
                                    let id = id.clone();
                                    async move {
                                        if let Err(e) = run(&state, &id).await {
                                            tracing::error!(broadcast = %id, error = %e, "broadcast job stopped; it resumes shortly");
                                            tokio::time::sleep(Duration::from_secs(1)).await;
                                        }
                                        id
                                    }
                                });
                                running.insert(id, job);
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "broadcasts: cannot take the leases"),
                    }
                }
                Err(e) => tracing::error!(error = %e, "broadcasts: storage failure; trying again shortly"),
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = state.closing() => {
                    // A stopping server leaves each job at its last commit,
                    // and hands it to the other processes.
                    jobs.shutdown().await;
                    for id in running.keys() {
                        release(&state, id).await;
                    }
                    if let Some(sweep) = sweeping.take().filter(|s| !s.is_finished()) {
                        sweep.abort();
                        let _ = sweep.await;
                        release_named(&state, LABEL_SWEEP_LEASE).await;
                    }
                    return;
                }
            }
        }
    })
}

/// Gives up the lease of a job that ended here.
async fn release(state: &AppState, id: &str) {
    release_named(state, &lease_name(id)).await;
}

async fn release_named(state: &AppState, name: &str) {
    if let Err(e) = state.storage.release_lease(name, &state.instance).await {
        tracing::warn!(lease = %name, error = %e, "cannot give up a lease; it lapses");
    }
}

/// Deletes the Alipay labels whose delivery period is over, when this
/// process gets the sweep's lease (another process holding it sweeps).
async fn sweep_labels(state: &AppState) {
    let name = LABEL_SWEEP_LEASE.to_owned();
    match state.storage.claim_leases(vec![name.clone()], &state.instance, LEASE).await {
        Ok(claimed) if claimed.contains(&name) => {
            match crate::alipay::mass::sweep_labels(state).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted Alipay labels whose delivery period is over"),
                Err(e) => tracing::error!(error = %e, "Alipay labels: storage failure; swept again later"),
            }
            release_named(state, &name).await;
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "Alipay labels: cannot take the sweep's lease"),
    }
}

/// One broadcast's job, from wherever its ledger says it is.
async fn run(state: &AppState, id: &str) -> Result<(), StorageError> {
    use store::Planned;
    let store = state.storage.broadcasts();
    let mut progress = Progress::new(state, id);
    loop {
        match store.plan_page(id, PLAN_PAGE, state.clock.now()).await? {
            Planned::More => progress.tick().await?,
            Planned::Done => break,
            Planned::Stopped => return progress.now().await,
        }
    }
    progress.tick().await?;
    loop {
        let (delivered, seq) = store.deliver_sandbox(id, SANDBOX_CHUNK, state.clock.now()).await?;
        if delivered > 0 {
            state.announce(LiveEvent::Changes { seq, conversations: vec![] });
            progress.tick().await?;
        }
        if delivered < SANDBOX_CHUNK {
            break;
        }
    }
    let Some(stored) = store.broadcast(id).await? else { return Ok(()) };
    crate::wechat::mass::send_broadcast(state, &stored.broadcast, &mut progress).await?;
    crate::alipay::mass::send_broadcast(state, &stored.broadcast).await?;
    store.finish_if_sent(id, state.clock.now()).await?;
    progress.now().await
}
