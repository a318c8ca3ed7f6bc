//! Leases on jobs (table `leases`, migration 13): the process whose row it
//! is runs the job until the row expires, by the database's clock, so
//! processes whose clocks disagree still agree on who holds what. And rate
//! budgets the processes share (`rate_budgets`, migration 16), on the same
//! clock.

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

/// Takes one from the budget `key` (a burst of `burst`, then one every
/// `every`) as the generic cell rate algorithm does: the row keeps the
/// theoretical arrival time, which one statement moves on only while it is
/// within the burst of now. How long until one is free when it is spent.
pub(super) fn take_budget(
    conn: &mut Client,
    key: &str,
    burst: u32,
    every: Duration,
) -> Result<std::result::Result<(), Duration>> {
    const NOW: &str = "(extract(epoch FROM statement_timestamp()) * 1000)::BIGINT";
    let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX / 4).max(1);
    let tolerance = every * i64::from(burst.max(1) - 1);
    let taken = conn
        .query_opt(
            &format!(
                "INSERT INTO rate_budgets (key, tat) VALUES ($1, {NOW} + $2)
                 ON CONFLICT (key) DO UPDATE SET tat = greatest(rate_budgets.tat, {NOW}) + $2
                 WHERE greatest(rate_budgets.tat, {NOW}) - {NOW} <= $3
                 RETURNING tat"
            ),
            &[&key, &every, &tolerance],
        )
        .map_err(pg)?;
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let row = conn
        .query_one(&format!("SELECT coalesce(max(tat), 0) - {NOW} FROM rate_budgets WHERE key = $1"), &[&key])
        .map_err(pg)?;
    let wait: i64 = get(&row, 0)?;
    Ok(Err(Duration::from_millis(u64::try_from(wait - tolerance).unwrap_or(0).max(1))))
}
