//! Statements prepared once on a connection and reused.
//!
//! The client prepares a statement given as text before every run: one
//! round trip to parse and describe it, one more to run it. The feed's
//! writer holds one connection for its life and runs the same dozen
//! statements for every subscriber message, all of them under the feed's
//! lock, so each round trip saved is taken off every message that waits for
//! the lock. [`Statements::kept`] prepares each text once on its connection;
//! [`Statements::each_time`] is the client's own way, for code that runs on
//! whichever pooled connection it got.
//!
//! A prepared statement belongs to the connection (the server session) it
//! was prepared on: whoever keeps statements keeps the connection with them
//! and drops both together ([`super::writer`]).

use std::cell::RefCell;
use std::collections::HashMap;

use r2d2_postgres::postgres::types::ToSql;
use r2d2_postgres::postgres::{Error, GenericClient, Row, Statement};

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// How a connection's statements are run: prepared each time, or prepared
/// once and kept.
#[derive(Default)]
pub(super) struct Statements {
    kept: Option<RefCell<HashMap<String, Statement>>>,
}

impl Statements {
    /// Each statement prepared as it runs, as the client does by itself.
    pub(super) fn each_time() -> Self {
        Self { kept: None }
    }

    /// Each statement prepared the first time it runs and kept, for one
    /// connection only.
    pub(super) fn kept() -> Self {
        Self { kept: Some(RefCell::default()) }
    }

    fn prepared(&self, conn: &mut impl GenericClient, sql: &str) -> Result<Option<Statement>, Error> {
        let Some(kept) = &self.kept else { return Ok(None) };
        if let Some(statement) = kept.borrow().get(sql) {
            return Ok(Some(statement.clone()));
        }
        let statement = conn.prepare(sql)?;
        kept.borrow_mut().insert(sql.to_owned(), statement.clone());
        Ok(Some(statement))
    }

    pub(super) fn execute(&self, conn: &mut impl GenericClient, sql: &str, params: Params<'_>) -> Result<u64, Error> {
        match self.prepared(conn, sql)? {
            Some(statement) => conn.execute(&statement, params),
            None => conn.execute(sql, params),
        }
    }

    pub(super) fn query(
        &self,
        conn: &mut impl GenericClient,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Error> {
        match self.prepared(conn, sql)? {
            Some(statement) => conn.query(&statement, params),
            None => conn.query(sql, params),
        }
    }

    pub(super) fn query_opt(
        &self,
        conn: &mut impl GenericClient,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, Error> {
        match self.prepared(conn, sql)? {
            Some(statement) => conn.query_opt(&statement, params),
            None => conn.query_opt(sql, params),
        }
    }

    pub(super) fn query_one(&self, conn: &mut impl GenericClient, sql: &str, params: Params<'_>) -> Result<Row, Error> {
        match self.prepared(conn, sql)? {
            Some(statement) => conn.query_one(&statement, params),
            None => conn.query_one(sql, params),
        }
    }
}
