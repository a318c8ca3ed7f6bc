//! What the broadcast job keeps: the broadcasts, the ledger of their
//! recipients and the send calls made. Beside `Storage`, so PostgreSQL can
//! implement it too without touching the job.

use async_trait::async_trait;
use wicket_model::broadcast::{Broadcast, BroadcastStatus, FailureCount, PlatformCounts, PlatformTotals};
use wicket_model::Millis;

use crate::storage::Result;

/// A broadcast as stored, with where its job is.
#[derive(Debug, Clone)]
pub struct StoredBroadcast {
    /// Its `counts` and `failures` are empty: they come from the ledger.
    pub broadcast: Broadcast,
    pub planned: bool,
}

/// What one planning step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    /// More subscribers remain to be decided.
    More,
    /// Every subscriber of the account has been decided.
    Done,
    /// The broadcast is no longer sending (cancelled).
    Stopped,
}

/// One send call's worth of recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub number: i64,
    pub client_msg_id: String,
    /// The platform's ids of the recipients, in subscriber order.
    pub user_ids: Vec<String>,
}

/// What came of a send call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// The platform took it; its id for the send.
    Sent { msg_id: String },
    /// The platform refused it for good: an issue key.
    Failed { reason: String },
}

/// The Alipay custom label a segment broadcast goes out through
/// (`alipay::mass`), and how far the job got with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastLabel {
    /// Alipay's id of the label.
    pub label_id: String,
    /// The last recipient (in subscriber order) whose tagging call Alipay
    /// took; `None` before the first.
    pub tagged_through: Option<String>,
    /// Alipay deleted it.
    pub deleted: bool,
    /// When it may be deleted: set once the broadcast is done with it, a
    /// delivery period after its send (`alipay::mass::LABEL_KEEP`).
    pub delete_after: Option<Millis>,
}

/// A label whose time to be deleted has come, not deleted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLabel {
    pub broadcast_id: String,
    pub account_id: String,
    pub label_id: String,
}

/// A pending recipient: the subscriber and the platform's id of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub subscriber_id: String,
    pub platform_user_id: String,
}

#[async_trait]
pub trait BroadcastStore: Send + Sync {
    /// Stores a new broadcast; false when one with its id exists.
    async fn create_broadcast(&self, broadcast: &Broadcast) -> Result<bool>;
    async fn broadcast(&self, id: &str) -> Result<Option<StoredBroadcast>>;
    /// The account's broadcasts, newest first.
    async fn broadcasts(&self, account_id: &str, limit: u32) -> Result<Vec<StoredBroadcast>>;
    /// Marks the scheduled broadcasts due at `now` as sending, and returns
    /// every broadcast that is sending (those just due and those a stopped
    /// server left sending).
    async fn start_due(&self, now: Millis) -> Result<Vec<String>>;
    /// The earliest time a scheduled broadcast is due.
    async fn next_due(&self) -> Result<Option<Millis>>;
    /// Stops a scheduled or sending broadcast: its recipients not yet in a
    /// send call are marked cancelled. The status it has after.
    async fn cancel_broadcast(&self, id: &str, now: Millis) -> Result<Option<BroadcastStatus>>;
    /// Decides the next `page` subscribers of the broadcast's account (in id
    /// order), each row of the ledger in the same transaction as the cursor.
    async fn plan_page(&self, id: &str, page: usize, now: Millis) -> Result<Planned>;
    /// The send call to make next for `platform`: one left `sending` by a
    /// stopped server (the same recipients, the same id), or a new one of at
    /// most `max` pending recipients that never leaves a single one behind
    /// (WeChat's list needs two). `None` when nobody is pending.
    async fn claim_batch(&self, id: &str, platform: &str, max: usize, now: Millis) -> Result<Option<Batch>>;
    /// A send call that names nobody (Alipay's send to every follower):
    /// every pending recipient of `platform` in one batch (its `user_ids`
    /// empty), committed before the call leaves. A batch of `platform` left
    /// `sending` by an earlier run comes back instead, with `true`: its call
    /// may have gone, and a call with no dedupe id is not made again.
    /// `None` when nobody is pending.
    async fn claim_all(&self, id: &str, platform: &str, now: Millis) -> Result<Option<(Batch, bool)>>;
    /// The label broadcast `id` goes out through on Alipay, if one was made.
    async fn label(&self, id: &str) -> Result<Option<BroadcastLabel>>;
    /// Keeps the label just made for broadcast `id` (before anyone is
    /// tagged with it), so a restart uses it instead of making another.
    async fn save_label(&self, id: &str, label_id: &str) -> Result<()>;
    /// Records that every pending recipient up to `subscriber_id` (in
    /// subscriber order) carries the broadcast's label.
    async fn label_tagged_through(&self, id: &str, subscriber_id: &str) -> Result<()>;
    /// Records that Alipay deleted the broadcast's label.
    async fn label_deleted(&self, id: &str) -> Result<()>;
    /// Records (on disk) when the broadcast's label may be deleted; a time
    /// already recorded stays (a job run again does not put it off).
    async fn label_delete_after(&self, id: &str, at: Millis) -> Result<()>;
    /// The labels not deleted yet whose time to be deleted is at or before
    /// `now`, of `account_id` or of every account (`None`), oldest first.
    async fn labels_due(&self, account_id: Option<&str>, now: Millis) -> Result<Vec<DueLabel>>;
    /// Up to `max` pending recipients of `platform` after `after` (or from
    /// the first), in subscriber order.
    async fn pending_after(&self, id: &str, platform: &str, after: Option<&str>, max: usize) -> Result<Vec<Pending>>;
    /// Records what came of a send call, for the batch and its recipients.
    async fn finish_batch(&self, id: &str, batch: i64, outcome: BatchOutcome, now: Millis) -> Result<()>;
    /// Delivers up to `max` pending sandbox recipients: each message is
    /// stored in the subscriber's conversation (and the feed) in the same
    /// transaction as its ledger row. How many, and the feed position after.
    async fn deliver_sandbox(&self, id: &str, max: usize, now: Millis) -> Result<(usize, i64)>;
    /// Marks the pending recipients among `subscriber_ids` as failed with
    /// `reason` (those a platform said it cannot reach). How many.
    async fn fail_recipients(&self, id: &str, subscriber_ids: &[String], reason: &str, now: Millis) -> Result<u64>;
    /// Marks the recipients of a platform the server cannot deliver to as failed.
    async fn fail_pending(&self, id: &str, platform: &str, reason: &str, now: Millis) -> Result<u64>;
    /// Marks a sending broadcast done once nobody is pending or sending.
    async fn finish_if_sent(&self, id: &str, now: Millis) -> Result<bool>;
    /// The ledger's counts per platform and failure reasons.
    async fn counts(&self, id: &str) -> Result<(Vec<PlatformCounts>, Vec<FailureCount>)>;
    /// The totals the platforms reported for the broadcast's sends.
    async fn platform_totals(&self, id: &str) -> Result<Vec<PlatformTotals>>;
    /// Keeps a platform's report of one of its sends (also when it comes
    /// before the call's answer); false when no send of a broadcast has
    /// that id yet.
    async fn record_totals(&self, platform: &str, totals: &PlatformTotals, now: Millis) -> Result<bool>;
    /// The forecast of a broadcast to `audience` on `account` at `now`, read
    /// in one transaction, subscriber by subscriber (in pages).
    async fn forecast(
        &self,
        account: &wicket_model::Account,
        audience: &wicket_model::broadcast::Audience,
        now: Millis,
    ) -> Result<Vec<PlatformCounts>>;
}
