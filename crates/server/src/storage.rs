//! The server's storage, behind one trait so that PostgreSQL can sit beside
//! SQLite without touching a handler. Implementations store and load; the
//! meaning of a change is decided by the caller (`apply`), never here.

use async_trait::async_trait;
use wicket_model::sync::{NumberedMutation, PullResponse, PushResponse};
use wicket_model::{Change, Millis, Mutation, Role, StaffUser, WicketError, World};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    #[error("a staff member with the sign-in name {0:?} already exists")]
    LoginTaken(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Decides what one mutation changes, reading the world as it stands inside
/// the storage's transaction: the new states, or why it is refused.
pub type ApplyFn =
    dyn Fn(&dyn World, &Mutation) -> std::result::Result<Vec<Change>, WicketError> + Send + Sync;

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    async fn staff_count(&self) -> Result<u64>;
    async fn create_staff(&self, new: NewStaff, now: Millis) -> Result<StaffUser>;
    /// The staff member and their password hash.
    async fn staff_by_login(&self, login: &str) -> Result<Option<(StaffUser, String)>>;
    async fn staff_by_role(&self, role: Role) -> Result<Vec<StaffUser>>;

    async fn create_session(
        &self,
        token_hash: &str,
        staff_id: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()>;
    /// The staff member of an unexpired session.
    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<StaffUser>>;
    async fn revoke_session(&self, token_hash: &str) -> Result<()>;
    async fn revoke_all_sessions(&self, staff_id: &str) -> Result<()>;

    /// Applies the mutations this client has not had processed yet, in order,
    /// each with its effects and the client's new last number in one
    /// transaction. Mutations already processed are skipped; refusals are
    /// recorded and reported again on a retry.
    async fn push(
        &self,
        client_id: &str,
        staff_id: &str,
        mutations: Vec<NumberedMutation>,
        apply: std::sync::Arc<ApplyFn>,
        now: Millis,
    ) -> Result<PushResponse>;

    /// Up to `limit` changes after `after`, read in one snapshot with the
    /// client's last processed mutation number.
    async fn pull(
        &self,
        client_id: &str,
        after: i64,
        limit: u32,
        now: Millis,
    ) -> Result<PullResponse>;
}
