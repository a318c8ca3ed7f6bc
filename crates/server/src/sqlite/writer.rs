//! SQLite's side of group commit ([`crate::storage::group_writer`]): the
//! writer thread uses the storage's one writing connection, under its lock,
//! for the length of a group (the other writes keep using it between
//! groups), and commits with `synchronous=FULL`.

use std::sync::{Arc, Mutex};

use wicket_sqlite::rusqlite::Connection;

use super::world::decide_and_save;
use super::{durable, lock, sql};
use crate::storage::group_writer::{all_failed, guarded, Decided, Group, GroupWriter};
use crate::storage::Result;

pub(super) fn start(conn: Arc<Mutex<Connection>>) -> Result<GroupWriter> {
    GroupWriter::start("sqlite-writer", move |group| commit_group(&mut lock(&conn), group))
}

/// Applies the decisions in order in one transaction and commits it synced;
/// one answer per decision. A failed commit fails them all.
fn commit_group(conn: &mut Connection, group: Group) -> Vec<Decided> {
    let count = group.len();
    let committed = durable(conn, |conn| {
        let tx = conn.transaction().map_err(sql)?;
        let mut decided = Vec::with_capacity(count);
        // Kept statements: a group runs these twice per decision.
        let run = |statement: &str| tx.prepare_cached(statement).and_then(|mut s| s.execute([])).map_err(sql);
        for (decide, now) in group {
            run("SAVEPOINT decision")?;
            let one = guarded(|| decide_and_save(&tx, decide, now));
            if !matches!(one, Ok(Ok(_))) {
                run("ROLLBACK TO decision")?;
            }
            run("RELEASE decision")?;
            decided.push(one);
        }
        tx.commit().map_err(sql)?;
        Ok(decided)
    });
    committed.unwrap_or_else(|failed| all_failed(count, &failed))
}
