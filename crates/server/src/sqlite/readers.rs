//! The read-only connections the storage's reads run on, beside its one
//! writing connection. In WAL mode a reader sees the last commit when its
//! statement (or read transaction) starts and never waits for the writer, so
//! reads no longer queue behind a write and its sync to disk.
//!
//! The pool is r2d2's (already in the build for PostgreSQL) with a manager
//! of our own: r2d2_sqlite pins its own rusqlite, and two rusqlite versions
//! cannot link two SQLite libraries into one program.

use std::path::PathBuf;
use std::time::Duration;

use wicket_sqlite::rusqlite::{self, Connection, OpenFlags};

use super::db;
use crate::storage::Result;

/// Readers at once: a few per core is plenty, as reads are short.
const READERS: u32 = 4;

pub(super) type ReadPool = r2d2::Pool<ReadOnly>;

pub(super) struct ReadOnly {
    path: PathBuf,
}

impl r2d2::ManageConnection for ReadOnly {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> std::result::Result<Connection, rusqlite::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(super::STATEMENTS_KEPT);
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> std::result::Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _: &mut Connection) -> bool {
        false
    }
}

/// Opens the readers of the database at `path`, which the writing
/// connection has already created and migrated (in WAL mode).
pub(super) fn open(path: PathBuf) -> Result<ReadPool> {
    r2d2::Pool::builder()
        .max_size(READERS)
        .min_idle(Some(1))
        .test_on_check_out(false)
        .build(ReadOnly { path })
        .map_err(db)
}
