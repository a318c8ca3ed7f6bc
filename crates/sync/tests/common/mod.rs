//! What the sync engine's integration tests share.

use std::sync::Arc;
use std::time::Duration;

use wicket_model::sync::SyncStatus;
use wicket_sync::{SyncEngine, SyncEvent};

pub fn quiet() -> Arc<dyn Fn(SyncEvent) + Send + Sync> {
    Arc::new(|_| {})
}

/// Waits (60 s at most) until the engine's status passes `ok`.
pub async fn wait_for(engine: &SyncEngine, what: &str, ok: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    let mut watch = engine.watch();
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let status = watch.borrow_and_update().clone();
            if ok(&status) {
                return status;
            }
            if watch.changed().await.is_err() {
                panic!("the engine stopped while waiting for {what}");
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("timed out waiting for {what}; status {:?}", engine.status()))
}
