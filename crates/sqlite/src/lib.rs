//! The one way Wicket opens a SQLite database, for the app, the server, the
//! tests and the benchmarks alike: WAL, `synchronous=NORMAL`, a busy timeout,
//! foreign keys on, and migrations embedded at build time, each applied in its
//! own `IMMEDIATE` transaction so a crash mid-upgrade leaves a whole version.

use std::path::Path;
use std::time::Duration;

pub use include_dir::{include_dir, Dir};
pub use rusqlite;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
pub use rusqlite_migration::Migrations;
use rusqlite_migration::SchemaVersion;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database at {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("cannot set up the database: {0}")]
    Pragma(#[from] rusqlite::Error),
    #[error("the migrations are broken: {0}")]
    Migrations(rusqlite_migration::Error),
    #[error("migration to version {version} failed: {source}")]
    Migrate { version: usize, source: rusqlite_migration::Error },
    #[error("the database is at version {found}, newer than this program knows ({known}); update Wicket")]
    TooNew { found: usize, known: usize },
}

/// A migration set read from a folder of `NN-name/up.sql` files.
pub fn migrations(dir: &'static Dir<'static>) -> Result<Migrations<'static>, OpenError> {
    Migrations::from_directory(dir).map_err(OpenError::Migrations)
}

/// Opens (creating if needed) the database at `path` and brings it to the
/// latest version.
pub fn open(path: &Path, migrations: &Migrations<'static>) -> Result<Connection, OpenError> {
    let mut conn = open_unmigrated(path)?;
    migrate_to(&mut conn, migrations, None)?;
    Ok(conn)
}

/// Opens with Wicket's pragmas, without migrating (tests of old versions).
pub fn open_unmigrated(path: &Path) -> Result<Connection, OpenError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|source| OpenError::Open { path: path.display().to_string(), source })?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Writers take the lock up front, so two writers never deadlock on upgrade.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok(conn)
}

/// Applies migrations one at a time, each in its own transaction, up to
/// `target` (or the latest).
pub fn migrate_to(
    conn: &mut Connection,
    migrations: &Migrations<'static>,
    target: Option<usize>,
) -> Result<(), OpenError> {
    let known = latest_version(migrations)?;
    let target = target.unwrap_or(known);
    let current = version(conn, migrations)?;
    if current > known {
        return Err(OpenError::TooNew { found: current, known });
    }
    for version in current + 1..=target {
        migrations.to_version(conn, version).map_err(|source| OpenError::Migrate { version, source })?;
    }
    Ok(())
}

/// The version a database is at (0 when empty).
pub fn version(conn: &Connection, migrations: &Migrations<'static>) -> Result<usize, OpenError> {
    Ok(match migrations.current_version(conn) {
        Ok(SchemaVersion::NoneSet) => 0,
        Ok(SchemaVersion::Inside(v)) => v.get(),
        Ok(SchemaVersion::Outside(v)) => v.get(),
        Err(e) => return Err(OpenError::Migrations(e)),
    })
}

pub fn latest_version(migrations: &Migrations<'static>) -> Result<usize, OpenError> {
    // `pending_migrations` on an empty in-memory database is the count of all.
    let empty = Connection::open_in_memory()?;
    let count = migrations.pending_migrations(&empty).map_err(OpenError::Migrations)?;
    Ok(usize::try_from(count).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEST_MIGRATIONS: Dir = include_dir!("$CARGO_MANIFEST_DIR/test-migrations");

    #[test]
    fn opens_with_the_pragmas_and_migrates_step_by_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let set = migrations(&TEST_MIGRATIONS).unwrap();
        let conn = open(&path, &set).unwrap();
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal", "the database runs in WAL mode");
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1, "foreign keys are enforced");
        assert_eq!(version(&conn, &set).unwrap(), 2);
        let columns: i64 =
            conn.query_row("SELECT count(*) FROM pragma_table_info('things')", [], |r| r.get(0)).unwrap();
        assert_eq!(columns, 2, "both migrations were applied");
    }

    #[test]
    fn a_database_from_a_newer_program_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let conn = open_unmigrated(&path).unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
        drop(conn);
        let set = migrations(&TEST_MIGRATIONS).unwrap();
        assert!(matches!(open(&path, &set), Err(OpenError::TooNew { found: 9, known: 2 })));
    }
}
