//! Leases on jobs (table `leases`, migration 13): the process whose row it
//! is runs the job until the row expires, by the database's clock, so
//! processes whose clocks disagree still agree on who holds what.

use std::time::Duration;

use r2d2_postgres::postgres::Client;

use super::{get, pg};
use crate::storage::Result;

/// The database's clock, in milliseconds.
const NOW: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";

/// Takes or renews the leases in `names` that are free, lapsed or already
/// `holder`'s, until `ttl` from now; the names taken. Rows another process
/// is taking at this moment are skipped (`FOR UPDATE SKIP LOCKED`), not
/// waited for: that process gets them.
pub(super) fn claim(conn: &mut Client, names: &[String], holder: &str, ttl: Duration) -> Result<Vec<String>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let ttl = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
    let mut tx = conn.transaction().map_err(pg)?;
    tx.execute(
        "INSERT INTO leases (name, holder, expires_at) SELECT unnest($1::TEXT[]), '', 0 ON CONFLICT (name) DO NOTHING",
        &[&names],
    )
    .map_err(pg)?;
    let rows = tx
        .query(
            &format!(
                "UPDATE leases SET holder = $2, expires_at = {NOW} + $3
                 WHERE name IN (SELECT name FROM leases
                                WHERE name = ANY($1) AND (holder = $2 OR expires_at <= {NOW})
                                FOR UPDATE SKIP LOCKED)
                 RETURNING name"
            ),
            &[&names, &holder, &ttl],
        )
        .map_err(pg)?;
    tx.commit().map_err(pg)?;
    rows.iter().map(|row| get(row, 0)).collect()
}

/// Ends `holder`'s lease on `name`; another holder's is left alone.
pub(super) fn release(conn: &mut Client, name: &str, holder: &str) -> Result<()> {
    conn.execute("DELETE FROM leases WHERE name = $1 AND holder = $2", &[&name, &holder]).map_err(pg)?;
    Ok(())
}
