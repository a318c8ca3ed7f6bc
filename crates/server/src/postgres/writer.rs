//! PostgreSQL's side of group commit ([`crate::storage::group_writer`]):
//! each group locks the feed once (so other processes' feed writers wait
//! one turn per group, not one per message), runs each decision in a
//! savepoint of its own, and commits once.
//!
//! The writer keeps one pooled connection with the statements it prepared
//! on it ([`Statements::kept`]): every message runs the same dozen, and each
//! one prepared again would cost a round trip under the feed's lock. A
//! group that fails gives the connection back (the pool drops it if it
//! broke) and forgets its statements with it, and so does a group in which
//! the database failed a decision; the next group takes another.

use std::sync::Arc;

use super::statements::Statements;
use super::world::{lock_feed_with, save_decision};
use super::{pg, PoolHolder, Pooled};
use crate::storage::group_writer::{all_failed, guarded, Decided, Group, GroupWriter};
use crate::storage::Result;

/// The writer's connection and the statements prepared on it, kept and
/// dropped together.
struct Held {
    conn: Pooled,
    statements: Statements,
}

pub(super) fn start(pool: Arc<PoolHolder>) -> Result<GroupWriter> {
    let mut held: Option<Held> = None;
    GroupWriter::start("postgres-writer", move |group| {
        let count = group.len();
        let committed = match held.take() {
            Some(kept) => Ok(kept),
            None => pool.connection().map(|conn| Held { conn, statements: Statements::kept() }),
        }
        .and_then(|mut kept| {
            let decided = commit_group(&mut kept, group)?;
            // A decision the database failed may have failed on the
            // connection or a kept statement: start the next group afresh.
            if decided.iter().all(Result::is_ok) {
                held = Some(kept);
            }
            Ok(decided)
        });
        committed.unwrap_or_else(|failed| all_failed(count, &failed))
    })
}

/// Applies the decisions in order in one transaction and commits it; one
/// answer per decision. A failed commit fails them all.
fn commit_group(held: &mut Held, group: Group) -> Result<Vec<Decided>> {
    let statements = &held.statements;
    let mut tx = held.conn.transaction().map_err(pg)?;
    lock_feed_with(&mut tx, statements)?;
    let mut decided = Vec::with_capacity(group.len());
    for (decide, now) in group {
        let mut decision = tx.savepoint("decision").map_err(pg)?;
        let one = guarded(|| save_decision(&mut decision, statements, decide, now));
        if matches!(one, Ok(Ok(_))) {
            decision.commit().map_err(pg)?;
        } else {
            decision.rollback().map_err(pg)?;
        }
        decided.push(one);
    }
    tx.commit().map_err(pg)?;
    Ok(decided)
}
