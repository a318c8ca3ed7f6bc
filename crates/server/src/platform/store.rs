//! What the platform adapters keep: their connections (secrets sealed) and
//! the replies they deliver. Beside `Storage`, so PostgreSQL can implement it
//! too without touching an adapter.

use async_trait::async_trait;
use wicket_model::Millis;

use crate::storage::Result;

/// An account's connection to a platform, as stored: public settings as JSON,
/// the secrets sealed, the state the console shows as JSON.
#[derive(Clone)]
pub struct StoredConnection {
    pub account_id: String,
    pub platform: String,
    pub settings: String,
    pub sealed: Vec<u8>,
    pub state: String,
    pub updated_at: Millis,
}

impl std::fmt::Debug for StoredConnection {
    // The sealed bytes are noise to a reader and stay out of logs all the same.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredConnection")
            .field("account_id", &self.account_id)
            .field("platform", &self.platform)
            .field("settings", &self.settings)
            .field("sealed", &format_args!("<{} bytes>", self.sealed.len()))
            .finish_non_exhaustive()
    }
}

/// Where a reply handed to a platform is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    /// Waiting for its (next) attempt.
    Pending,
    /// The request may have left: never sent again without a person.
    Sending,
    Sent,
    Failed,
    /// The request left and no answer came back.
    Unknown,
}

impl SendState {
    pub fn as_str(self) -> &'static str {
        match self {
            SendState::Pending => "pending",
            SendState::Sending => "sending",
            SendState::Sent => "sent",
            SendState::Failed => "failed",
            SendState::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => SendState::Pending,
            "sending" => SendState::Sending,
            "sent" => SendState::Sent,
            "failed" => SendState::Failed,
            "unknown" => SendState::Unknown,
            _ => return None,
        })
    }
}

/// A staff reply waiting for a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSend {
    pub message_id: String,
    pub platform: String,
    pub account_id: String,
    pub state: SendState,
    pub attempts: u32,
    pub next_at: Millis,
}

#[async_trait]
pub trait PlatformStore: Send + Sync + 'static {
    /// `Storage::record`, with the commit synced to disk before it returns:
    /// what a platform is told it delivered survives a power cut.
    async fn record_durably(
        &self,
        decide: crate::storage::DecideFn,
        now: Millis,
    ) -> Result<std::result::Result<crate::storage::Recorded, wicket_model::WicketError>>;
    async fn connection(&self, account_id: &str) -> Result<Option<StoredConnection>>;
    /// Creates or replaces the account's connection.
    async fn save_connection(&self, connection: StoredConnection) -> Result<()>;
    /// Forgets the account's connection (its sealed secrets with it); false
    /// when there was none.
    async fn delete_connection(&self, account_id: &str) -> Result<bool>;
    /// Replaces the state the console shows (last callback, last error, token).
    async fn save_connection_state(&self, account_id: &str, state: String) -> Result<()>;

    /// Queues the outbound messages recorded in the feed since the last call
    /// whose subscriber belongs to a platform other than the sandbox (which
    /// delivers by storing), each once ever; returns how many were queued.
    async fn queue_outbound(&self, now: Millis) -> Result<u64>;
    /// Queued sends whose next attempt is due by `now`, oldest first: of
    /// each conversation only the oldest waiting, and only once no earlier
    /// send of it is pending or in flight, so a conversation's sends leave
    /// in the order they were queued, one after another.
    async fn due_sends(&self, now: Millis, limit: u32) -> Result<Vec<QueuedSend>>;
    /// The earliest next attempt of a pending send.
    async fn next_send_at(&self) -> Result<Option<Millis>>;
    async fn send(&self, message_id: &str) -> Result<Option<QueuedSend>>;
    /// Moves a send to `state`; `Sending` only from `Pending` (false when it
    /// was not pending: another worker has it).
    async fn set_send_state(
        &self,
        message_id: &str,
        state: SendState,
        attempts: u32,
        next_at: Millis,
        error: Option<String>,
        now: Millis,
    ) -> Result<bool>;
    /// Sends left `sending` by a server that stopped mid-request: their
    /// outcome is unknown. Marks them so and returns their message ids.
    async fn abandon_in_flight(&self, now: Millis) -> Result<Vec<String>>;

    /// The account's follower import job (`platform::import`'s JSON), if one ever ran.
    async fn follower_import(&self, account_id: &str) -> Result<Option<String>>;
    /// Creates or replaces the account's follower import job.
    async fn save_follower_import(&self, account_id: &str, running: bool, job: String, now: Millis) -> Result<()>;
    /// Saves a new follower import job unless one is running for the
    /// account (checked in the same statement, so two starts at once make
    /// one job); false when one was running.
    async fn begin_follower_import(&self, account_id: &str, job: String, now: Millis) -> Result<bool>;
    /// The accounts whose follower import was running (when the server stopped).
    async fn running_follower_imports(&self) -> Result<Vec<String>>;
    /// `record_durably` with the import job saved in the same transaction, so
    /// the job's counts and position always match the subscribers stored.
    async fn record_import(
        &self,
        decide: crate::storage::DecideFn,
        now: Millis,
        account_id: &str,
        job: String,
    ) -> Result<std::result::Result<crate::storage::Recorded, wicket_model::WicketError>>;
}
