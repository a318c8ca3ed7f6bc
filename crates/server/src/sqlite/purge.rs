//! Deleting what has outlived its use: sessions past their expiry, and the
//! sync records of consoles that have been idle for long.

use wicket_model::Millis;
use wicket_sqlite::rusqlite::{params, Connection};

use super::sql;
use crate::storage::{Purged, Result};

pub(super) fn purge(conn: &mut Connection, now: Millis, clients_idle_before: Millis) -> Result<Purged> {
    let tx = conn.transaction().map_err(sql)?;
    let sessions = tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now]).map_err(sql)?;
    let rejections = tx
        .execute(
            "DELETE FROM rejections WHERE client_id IN (SELECT client_id FROM clients WHERE updated_at < ?1)",
            params![clients_idle_before],
        )
        .map_err(sql)?;
    // What their mutations said goes with them: the console's numbers start
    // afresh for this server, which has forgotten them all.
    tx.execute(
        "DELETE FROM mutation_digests WHERE client_id IN (SELECT client_id FROM clients WHERE updated_at < ?1)",
        params![clients_idle_before],
    )
    .map_err(sql)?;
    let clients = tx.execute("DELETE FROM clients WHERE updated_at < ?1", [clients_idle_before]).map_err(sql)?;
    tx.commit().map_err(sql)?;
    Ok(Purged { sessions: sessions as u64, clients: clients as u64, rejections: rejections as u64 })
}
