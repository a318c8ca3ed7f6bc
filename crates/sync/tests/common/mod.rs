//! What the sync engine's integration tests share besides wicket-test-support.

use std::time::Duration;

use wicket_model::sync::SyncStatus;
use wicket_sync::SyncEngine;
#[allow(unused_imports, reason = "each test binary uses its own share")]
pub use wicket_test_support::{quiet, start_server, start_server_on};

/// Waits (60 s at most) until the engine's status passes `ok`; a timeout
/// says it was waiting for `what`.
pub async fn wait_for(engine: &SyncEngine, what: &str, ok: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    wicket_test_support::eventually(what, Duration::from_secs(60), || async {
        let status = engine.status();
        ok(&status).then_some(status)
    })
    .await
}
