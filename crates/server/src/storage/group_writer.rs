//! Group commit for the decisions a caller may only be answered about once
//! they are on disk (a subscriber's message, before the platform is told
//! "received"), for either backend.
//!
//! One writer thread takes them from a channel in the order they came and
//! hands every one that is waiting, as one group, to the backend's
//! `commit_group`: that runs them in one transaction (each in a savepoint of
//! its own, so a refusal or a failure undoes only that decision), commits
//! once, and only then are the callers answered. One commit (one sync to
//! disk, and on PostgreSQL one turn holding the feed's lock) serves the
//! whole group, where each decision used to pay for its own.
//!
//! Order: decisions are applied in the order they reached the channel, each
//! seeing the ones before it, so two messages of one conversation are stored
//! in the order they were handed in, and one answered before the next was
//! sent comes first in the feed.

use std::sync::{mpsc, Arc};

use tokio::sync::oneshot;
use wicket_model::{Millis, WicketError};

use super::{DecideFn, Recorded, Result, StorageError};

/// At most this many decisions share one transaction, so one group's
/// transaction stays short and its callers' answers come soon.
pub(crate) const MAX_GROUP: usize = 512;

/// What one decision came to: stored, refused, or not stored.
pub(crate) type Decided = Result<std::result::Result<Recorded, WicketError>>;

/// The decisions of one group, in order, with the time each was asked at.
pub(crate) type Group = Vec<(DecideFn, Millis)>;

struct Job {
    decide: DecideFn,
    now: Millis,
    answer: oneshot::Sender<Decided>,
}

/// The way in to the writer thread. When the last clone goes, the thread
/// answers what it was given, lets go of its connection and is waited for,
/// so a server stopped has let go of its database (a backup copied then is
/// whole, and a server started again on it is alone).
#[derive(Clone)]
pub(crate) struct GroupWriter {
    thread: Arc<WriterThread>,
}

struct WriterThread {
    jobs: Option<mpsc::Sender<Job>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for WriterThread {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl GroupWriter {
    /// Starts the thread `name`; `commit_group` gets each group and returns
    /// one answer per decision, in order (a failed commit fails them all).
    pub(crate) fn start(
        name: &str,
        mut commit_group: impl FnMut(Group) -> Vec<Decided> + Send + 'static,
    ) -> Result<Self> {
        let (jobs, waiting) = mpsc::channel::<Job>();
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                while let Ok(first) = waiting.recv() {
                    let mut group = vec![first];
                    while group.len() < MAX_GROUP {
                        match waiting.try_recv() {
                            Ok(job) => group.push(job),
                            Err(_) => break,
                        }
                    }
                    let (jobs, answers): (Group, Vec<_>) =
                        group.into_iter().map(|j| ((j.decide, j.now), j.answer)).unzip();
                    let count = jobs.len();
                    let mut decided = commit_group(jobs).into_iter();
                    for answer in answers {
                        let one = decided.next().unwrap_or_else(|| {
                            Err(StorageError::Database(format!("a group of {count} decisions lost an answer")))
                        });
                        // A caller that went away (its request was cancelled)
                        // finds its decision stored when the platform sends it again.
                        let _ = answer.send(one);
                    }
                }
            })
            .map_err(|e| StorageError::Database(format!("cannot start the storage writer: {e}")))?;
        Ok(Self { thread: Arc::new(WriterThread { jobs: Some(jobs), handle: Some(handle) }) })
    }

    /// Runs `decide` in the next group and answers once that group's commit
    /// is durable (or failed: then nothing of it was kept).
    pub(crate) async fn record(&self, decide: DecideFn, now: Millis) -> Decided {
        let (answer, answered) = oneshot::channel();
        let stopped = || StorageError::Database("the storage writer has stopped".into());
        let jobs = self.thread.jobs.as_ref().ok_or_else(stopped)?;
        jobs.send(Job { decide, now, answer }).map_err(|_| stopped())?;
        answered.await.map_err(|_| StorageError::Database("the storage writer stopped before answering".into()))?
    }
}

/// Runs one decision of a group, turning a panic into an error for that
/// decision alone.
pub(crate) fn guarded(decide: impl FnOnce() -> Decided) -> Decided {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decide))
        .unwrap_or_else(|_| Err(StorageError::Database("a storage decision panicked".into())))
}

/// The answers of a group whose commit failed: every decision fails with
/// the commit's error, and the failure is logged once.
pub(crate) fn all_failed(count: usize, failed: &StorageError) -> Vec<Decided> {
    tracing::error!(decisions = count, error = %failed, "a group of durable writes failed; none was kept");
    let message = match failed {
        StorageError::Database(message) => message.clone(),
        other => other.to_string(),
    };
    (0..count).map(|_| Err(StorageError::Database(message.clone()))).collect()
}
