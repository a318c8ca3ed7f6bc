//! Group commit for the decisions a caller may only be answered about once
//! they are on disk (a subscriber's message, before the platform is told
//! "received").
//!
//! One writer thread takes them from a channel in the order they came,
//! runs every one that is waiting in one transaction (each in a savepoint of
//! its own, so a refusal or a failure undoes only that decision), commits
//! with `synchronous=FULL`, and only then answers each caller. One sync to
//! disk serves the whole group, where each decision used to pay for its
//! own while every other storage call waited behind it.
//!
//! Order: decisions are applied in the order they reached the channel, each
//! seeing the ones before it, so two messages of one conversation are stored
//! in the order they were handed in, and one answered before the next was
//! sent comes first in the feed. The writer uses the storage's one writing
//! connection, under its lock, for the length of a group; the other writes
//! keep using it between groups.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;
use wicket_model::{Millis, WicketError};
use wicket_sqlite::rusqlite::Connection;

use super::world::decide_and_save;
use super::{durable, lock, sql};
use crate::storage::{DecideFn, Recorded, Result, StorageError};

/// At most this many decisions share one transaction, so one group's
/// transaction stays short and its callers' answers come soon.
const MAX_GROUP: usize = 512;

type Decided = Result<std::result::Result<Recorded, WicketError>>;

struct Job {
    decide: DecideFn,
    now: Millis,
    answer: oneshot::Sender<Decided>,
}

/// The way in to the writer thread. When the last clone goes, the thread
/// answers what it was given, closes its connection and is waited for, so a
/// server stopped has let go of its files (a backup copied then is whole,
/// and a server started again on them is alone).
#[derive(Clone)]
pub(super) struct GroupWriter {
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
    pub(super) fn start(conn: Arc<Mutex<Connection>>) -> Result<Self> {
        let (jobs, waiting) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_groups(&conn, &waiting))
            .map_err(|e| StorageError::Database(format!("cannot start the storage writer: {e}")))?;
        Ok(Self { thread: Arc::new(WriterThread { jobs: Some(jobs), handle: Some(handle) }) })
    }

    /// Runs `decide` in the next group and answers once that group's commit
    /// is synced to disk (or failed: then nothing of it was kept).
    pub(super) async fn record(&self, decide: DecideFn, now: Millis) -> Decided {
        let (answer, answered) = oneshot::channel();
        let stopped = || StorageError::Database("the storage writer has stopped".into());
        let jobs = self.thread.jobs.as_ref().ok_or_else(stopped)?;
        jobs.send(Job { decide, now, answer }).map_err(|_| stopped())?;
        answered.await.map_err(|_| StorageError::Database("the storage writer stopped before answering".into()))?
    }
}

fn write_groups(conn: &Mutex<Connection>, waiting: &mpsc::Receiver<Job>) {
    while let Ok(first) = waiting.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match waiting.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let (jobs, answers): (Vec<_>, Vec<_>) = group.into_iter().map(|j| ((j.decide, j.now), j.answer)).unzip();
        let decided = commit_group(&mut lock(conn), jobs);
        for (answer, decided) in answers.into_iter().zip(decided) {
            // A caller that went away (its request was cancelled) finds its
            // decision stored when the platform sends it again.
            let _ = answer.send(decided);
        }
    }
}

/// Applies the decisions in order in one transaction and commits it synced;
/// one answer per decision. A failed commit fails them all.
fn commit_group(conn: &mut Connection, jobs: Vec<(DecideFn, Millis)>) -> Vec<Decided> {
    let count = jobs.len();
    let committed = durable(conn, |conn| {
        let tx = conn.transaction().map_err(sql)?;
        let mut decided = Vec::with_capacity(count);
        for (decide, now) in jobs {
            tx.execute_batch("SAVEPOINT decision").map_err(sql)?;
            let one = std::panic::catch_unwind(AssertUnwindSafe(|| decide_and_save(&tx, decide, now)))
                .unwrap_or_else(|_| Err(StorageError::Database("a storage decision panicked".into())));
            let undo =
                if matches!(one, Ok(Ok(_))) { "RELEASE decision" } else { "ROLLBACK TO decision; RELEASE decision" };
            tx.execute_batch(undo).map_err(sql)?;
            decided.push(one);
        }
        tx.commit().map_err(sql)?;
        Ok(decided)
    });
    match committed {
        Ok(decided) => decided,
        Err(failed) => {
            tracing::error!(decisions = count, error = %failed, "a group of durable writes failed; none was kept");
            let message = match &failed {
                StorageError::Database(message) => message.clone(),
                other => other.to_string(),
            };
            (0..count).map(|_| Err(StorageError::Database(message.clone()))).collect()
        }
    }
}
