//! The server's housekeeping, on a timer: expired sessions and the sync
//! records of long-idle consoles are deleted, so neither table grows without
//! end.
//!
//! Forgetting a console's last mutation number is safe once it has been
//! idle far longer than a session lasts ([`CLIENT_IDLE_DAYS`] against
//! [`crate::auth::SESSION_DAYS`]): such a console must sign in again, and its
//! outbox holds only changes the server never processed — unless a push was
//! applied and its answer lost, and the console then stayed away all that
//! time without one pull. Those few it sends again, and the model's changes
//! are built to be replayed: a message id is stored once, an account created
//! twice is one account, statuses, labels and tags are set operations, and
//! a note that already reads the same is no change.

use std::time::Duration;

use crate::storage::Purged;
use crate::{ApiError, AppState};

/// A console that has pushed nothing for this long is forgotten.
pub const CLIENT_IDLE_DAYS: i64 = 180;
/// How often the server purges.
pub const EVERY: Duration = Duration::from_secs(3600);

const DAY_MS: i64 = 24 * 3600 * 1000;

impl AppState {
    /// Deletes expired sessions and long-idle consoles' sync records, as of
    /// the server's clock.
    pub async fn purge(&self) -> Result<Purged, ApiError> {
        let now = self.clock.now();
        Ok(self.storage.purge(now, now - CLIENT_IDLE_DAYS * DAY_MS).await?)
    }
}

/// Purges now and then every [`EVERY`] until the server stops.
pub(crate) fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = state.closing() => return,
            }
            match state.purge().await {
                Ok(purged) if purged != Purged::default() => tracing::info!(?purged, "purged"),
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error.0.message, "purge failed"),
            }
        }
    })
}
