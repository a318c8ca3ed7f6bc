//! PostgreSQL's side of group commit ([`crate::storage::group_writer`]):
//! each group takes a connection from the pool, locks the feed once (so
//! other processes' feed writers wait one turn per group, not one per
//! message), runs each decision in a savepoint of its own, and commits once.

use std::sync::Arc;

use super::world::{lock_feed, save_decision};
use super::{pg, PoolHolder};
use crate::storage::group_writer::{all_failed, guarded, Decided, Group, GroupWriter};
use crate::storage::Result;

pub(super) fn start(pool: Arc<PoolHolder>) -> Result<GroupWriter> {
    GroupWriter::start("postgres-writer", move |group| commit_group(&pool, group))
}

/// Applies the decisions in order in one transaction and commits it; one
/// answer per decision. A failed commit fails them all.
fn commit_group(pool: &PoolHolder, group: Group) -> Vec<Decided> {
    let count = group.len();
    let committed = (|| {
        let mut conn = pool.connection()?;
        let mut tx = conn.transaction().map_err(pg)?;
        lock_feed(&mut tx)?;
        let mut decided = Vec::with_capacity(count);
        for (decide, now) in group {
            let mut decision = tx.savepoint("decision").map_err(pg)?;
            let one = guarded(|| save_decision(&mut decision, decide, now));
            if matches!(one, Ok(Ok(_))) {
                decision.commit().map_err(pg)?;
            } else {
                decision.rollback().map_err(pg)?;
            }
            decided.push(one);
        }
        tx.commit().map_err(pg)?;
        Ok(decided)
    })();
    committed.unwrap_or_else(|failed| all_failed(count, &failed))
}
