//! The storage conformance suite (`wicket_server::storage::conformance`) on
//! SQLite: each case on a fresh database in a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use wicket_server::storage::Storage;

async fn fresh_sqlite() -> (Arc<dyn Storage>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let storage = wicket_server::open_storage(dir.path()).expect("SQLite opens in a fresh folder");
    (Arc::new(storage), dir)
}

wicket_server::storage_conformance_tests!(fresh_sqlite);
