//! The PostgreSQL schema's migrations (`crates/server/migrations-postgres`:
//! 1 to 12 as the SQLite migrations of the same number, then what only
//! several processes on one database need, from 13 on; each backend counts
//! its own versions), embedded at build time and applied in order when the
//! server starts, each in its own transaction. Processes starting at once
//! take turns (an advisory lock), and a database newer than this program is
//! refused, as on SQLite.

use include_dir::{include_dir, Dir};
use r2d2_postgres::postgres::Client;

use super::{get, pg};
use crate::storage::{Result, StorageError};

static MIGRATIONS: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations-postgres");

/// The embedded migrations, by version (the number before the folder's dash).
fn migrations() -> Result<Vec<(i64, &'static str, &'static str)>> {
    let mut found = Vec::new();
    for dir in MIGRATIONS.dirs() {
        let name = dir.path().to_str().unwrap_or_default();
        let version: i64 = name
            .split('-')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| StorageError::Database(format!("migration folder {name:?} has no number")))?;
        let sql = dir
            .get_file(dir.path().join("up.sql"))
            .and_then(|f| f.contents_utf8())
            .ok_or_else(|| StorageError::Database(format!("migration {name:?} has no up.sql")))?;
        found.push((version, name, sql));
    }
    found.sort_by_key(|(version, _, _)| *version);
    if found.iter().enumerate().any(|(i, (version, _, _))| *version != i as i64 + 1) {
        return Err(StorageError::Database("the migrations are not numbered 1, 2, 3…".into()));
    }
    Ok(found)
}

/// A lock every starting process takes while it migrates.
const MIGRATION_LOCK: i64 = 0x5749_434b_4554; // "WICKET"

/// How many migrations this program knows: the schema version it wants.
pub(super) fn known_version() -> Result<i64> {
    Ok(migrations()?.len() as i64)
}

/// The schema version `client`'s database is at (0 before the first
/// migration); creates nothing.
pub(super) fn current_version(client: &mut Client) -> Result<i64> {
    let made = client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[]).map_err(pg)?;
    if !get::<bool>(&made, 0)? {
        return Ok(0);
    }
    let row = client.query_one("SELECT coalesce(max(version), 0)::BIGINT FROM schema_migrations", &[]).map_err(pg)?;
    get(&row, 0)
}

/// Applies the migrations `client`'s database lacks, and says which (none
/// when another process applied them first); refuses a database newer than
/// this program.
pub(super) fn apply(client: &mut Client) -> Result<Vec<i64>> {
    let migrations = migrations()?;
    // Under the migration lock: `CREATE TABLE IF NOT EXISTS` is not atomic,
    // and two processes creating it at once could both pass the check (the
    // second then failed with 42710 or 23505).
    let mut tx = client.transaction().map_err(pg)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(pg)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)?;
    let mut applied = Vec::new();
    for (version, name, sql) in &migrations {
        let mut tx = client.transaction().map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(pg)?;
        let row = tx.query_one("SELECT coalesce(max(version), 0)::BIGINT FROM schema_migrations", &[]).map_err(pg)?;
        let current: i64 = get(&row, 0)?;
        if current > migrations.len() as i64 {
            return Err(StorageError::Database(format!(
                "the database is at schema version {current}, newer than this program's {}: run a newer wicket-server",
                migrations.len()
            )));
        }
        if current >= *version {
            continue;
        }
        tx.batch_execute(sql).map_err(|e| StorageError::Database(format!("migration {name}: {e}")))?;
        tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[version, name]).map_err(pg)?;
        tx.commit().map_err(pg)?;
        tracing::info!(version, name, "PostgreSQL schema migrated");
        applied.push(*version);
    }
    Ok(applied)
}
