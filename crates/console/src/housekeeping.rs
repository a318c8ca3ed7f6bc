//! The workspace's housekeeping while it is open: refused changes staff have
//! had time to read leave the cache (see `wicket_store::REJECTED_RETENTION_MS`).

use std::sync::Arc;
use std::time::Duration;

use wicket_store::Cache;

use crate::{blocking, now_ms};

/// How often the open workspace purges.
const EVERY: Duration = Duration::from_secs(3600);

/// The purge timer of an open workspace; it stops when the workspace closes.
pub(crate) struct Housekeeping(tokio::task::JoinHandle<()>);

impl Drop for Housekeeping {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Purges now and then every [`EVERY`].
pub(crate) fn start(cache: Arc<Cache>) -> Housekeeping {
    Housekeeping(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            let now = now_ms();
            match blocking(&cache, move |c| c.purge_rejected(now, wicket_store::REJECTED_RETENTION_MS)).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "old refused changes purged"),
                Err(error) => tracing::warn!(error = %error.message, "cannot purge old refused changes"),
            }
        }
    }))
}
