//! The server's storage, behind one trait so that PostgreSQL can sit beside
//! SQLite without touching a handler. Implementations store and load; the
//! meaning of a change is decided by the caller (`apply`), never here.

#[cfg(feature = "conformance")]
pub mod conformance;
pub(crate) mod group_writer;

use async_trait::async_trait;
use serde::Deserialize;
use wicket_model::conversation::{Conversation, ConversationStatus, Message, Subscriber};
use wicket_model::layout::Layout;
pub use wicket_model::layout::{LayoutDraft, LayoutVersion};
use wicket_model::sync::{LiveEvent, PullResponse, PushResponse};
use wicket_model::{Account, Change, ChangeKind, Millis, Mutation, Role, StaffUser, WicketError, World};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    #[error("a staff member with the sign-in name {0:?} already exists")]
    LoginTaken(String),
    /// A client id is its first user's: the first staff member whose
    /// changes the server recorded under it. Nobody else pushes or pulls
    /// with it, so nobody can skip or read another console's numbering.
    #[error("the client id {0:?} belongs to another staff member's console")]
    ClientTaken(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// A staff member to store, as [`NewStaff::new`] makes it: the sign-in name
/// and display name trimmed; a backend stores them as they are.
pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

impl NewStaff {
    /// A staff member to add: the sign-in name trimmed, 1 to
    /// [`LOGIN_MAX_CHARS`](wicket_model::staff::LOGIN_MAX_CHARS) characters;
    /// the display name trimmed, the sign-in name when empty.
    pub fn new(login: &str, display_name: &str, role: Role, password_hash: String) -> Result<Self, WicketError> {
        let login = login.trim();
        if login.is_empty() || login.chars().count() > wicket_model::staff::LOGIN_MAX_CHARS {
            let issue = wicket_model::Issue::new("login", "staff.login.length")
                .with("max", wicket_model::staff::LOGIN_MAX_CHARS as i64);
            let mut error = WicketError::invalid(vec![issue]);
            error.message = "a sign-in name has 1 to 64 characters".into();
            return Err(error);
        }
        let display_name = match display_name.trim() {
            "" => login,
            name => name,
        };
        Ok(Self { login: login.to_owned(), display_name: display_name.to_owned(), role, password_hash })
    }
}

/// What an administrator changes about a staff member; `None` keeps it.
#[derive(Debug, Clone, Default)]
pub struct StaffUpdate {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StaffUpdated {
    Done(StaffUser),
    NotFound,
    /// The change would leave no owner.
    LastOwner,
}

impl StaffUpdate {
    /// What this update makes of `current` on a server with `owners`
    /// owners: the new name (trimmed) and role, or `LastOwner` when it
    /// would leave the server without an owner. The password hash is the
    /// storage's to save.
    pub fn decide(&self, current: &StaffUser, owners: u64) -> StaffUpdated {
        let mut user = current.clone();
        if let Some(role) = self.role {
            if user.role == Role::Owner && role != Role::Owner && owners <= 1 {
                return StaffUpdated::LastOwner;
            }
            user.role = role;
        }
        if let Some(name) = &self.display_name {
            user.display_name = name.trim().to_owned();
        }
        StaffUpdated::Done(user)
    }
}

/// Decides a staff member's new name and role from what they are now and
/// how many owners the server has, both read in the storage's transaction
/// (see [`StaffUpdate::decide`]).
pub type StaffDecideFn = Box<dyn FnOnce(&StaffUser, u64) -> StaffUpdated + Send>;

/// One numbered mutation of a push, read on its own: the mutation, or why
/// the server cannot read it (refused alone, the rest go on).
#[derive(Debug, Clone)]
pub struct PushedMutation {
    pub id: i64,
    /// [`mutation_digest`] of what the console sent under this number.
    pub digest: String,
    pub mutation: std::result::Result<Mutation, WicketError>,
}

/// The SHA-256 (hex) of a mutation's JSON with its keys in order: the same
/// change sent again has the same digest, another change under the same
/// number a different one.
pub fn mutation_digest(json: &serde_json::Value) -> String {
    use sha2::Digest;
    let text = serde_json::to_string(json).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Decides what one mutation changes, reading the world as it stands inside
/// the storage's transaction: the new states, or why it is refused.
pub type ApplyFn = dyn Fn(&dyn World, &Mutation) -> std::result::Result<Vec<Change>, WicketError> + Send + Sync;

/// Decides what an event from outside (a subscriber's message, say) changes,
/// reading the world inside the storage's transaction.
pub type DecideFn = Box<dyn FnOnce(&dyn World) -> std::result::Result<Vec<Change>, WicketError> + Send>;

/// A last look at a draft before it is published; it may refuse.
pub type LayoutCheck = Box<dyn FnOnce(&Layout) -> std::result::Result<(), WicketError> + Send + 'static>;

/// What a recorded decision changed, and the feed position after it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub changes: Vec<Change>,
    pub last_seq: i64,
}

/// A save or publish that named a revision that is no longer current.
pub use wicket_model::api::DraftWrite;

/// Which conversations to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConversationFilter {
    pub account_id: Option<String>,
    pub status: Option<ConversationStatus>,
    /// A staff id, or `none` for unassigned.
    pub assignee: Option<String>,
    pub label: Option<String>,
    /// Keyset: conversations whose last activity is before this.
    pub before: Option<Millis>,
    pub limit: u32,
}

/// A page of a conversation's messages, newest first (`before`) or oldest
/// first (`after`), by (created_at, id).
#[derive(Debug, Clone, Default)]
pub struct MessagePage {
    pub before: Option<(Millis, String)>,
    pub after: Option<(Millis, String)>,
    pub limit: u32,
    pub include_notes: bool,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    async fn staff_count(&self) -> Result<u64>;
    /// Stores a new staff member as given (see [`NewStaff::new`]) under a
    /// new id; `LoginTaken` when the [`login_key`](crate::auth::login_key)
    /// of the sign-in name is already someone's, so that names differing
    /// only in case (over all of Unicode) are one name.
    async fn create_staff(&self, new: NewStaff, now: Millis) -> Result<StaffUser>;
    /// The staff member whose sign-in name has the same
    /// [`login_key`](crate::auth::login_key) as `login`, and their password hash.
    async fn staff_by_login(&self, login: &str) -> Result<Option<(StaffUser, String)>>;
    async fn staff_by_role(&self, role: Role) -> Result<Vec<StaffUser>>;
    /// Every staff member, oldest first.
    async fn list_staff(&self) -> Result<Vec<StaffUser>>;
    async fn staff_by_id(&self, id: &str) -> Result<Option<StaffUser>>;
    /// Changes a staff member in one transaction: reads them and the number
    /// of owners, lets `decide` make their new name and role, and saves that
    /// and `password_hash` if there is one (a new password signs them out
    /// everywhere). `NotFound` when nobody has this id; an answer of
    /// `decide` other than `Done` saves nothing and is returned. Two
    /// changes at once must not both count the same owners (SQLite has one
    /// writer; a backend with concurrent writers locks the owners' rows).
    async fn change_staff(
        &self,
        id: &str,
        decide: StaffDecideFn,
        password_hash: Option<String>,
    ) -> Result<StaffUpdated>;

    /// Changes a staff member's name, role or password hash in one
    /// transaction. Refuses to leave the server without an owner, whatever
    /// the backend ([`StaffUpdate::decide`]); a new password signs them out
    /// everywhere.
    async fn update_staff(&self, id: &str, update: StaffUpdate) -> Result<StaffUpdated> {
        let password_hash = update.password_hash.clone();
        let decide = Box::new(move |current: &StaffUser, owners: u64| update.decide(current, owners));
        self.change_staff(id, decide, password_hash).await
    }

    async fn create_session(&self, token_hash: &str, staff_id: &str, now: Millis, expires_at: Millis) -> Result<()>;
    /// The staff member of an unexpired session.
    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<StaffUser>>;
    async fn revoke_session(&self, token_hash: &str) -> Result<()>;
    async fn revoke_all_sessions(&self, staff_id: &str) -> Result<()>;

    /// Applies the mutations this client has not had processed yet, in order,
    /// each with its effects, its digest and the client's new last number in
    /// one transaction; a mutation that could not be read is refused alone.
    /// Mutations already processed are skipped; refusals are recorded and
    /// reported again on a retry. A number processed before whose recorded
    /// digest differs is refused with `sync.mutation.number_reused`, not
    /// recorded, and ends the push there (the console numbers it and the
    /// rest again). The answer is acknowledged only once it is on disk: the
    /// push's last commit is synced (`synchronous=FULL`), which makes every
    /// earlier commit of the write-ahead log durable with it. The first
    /// staff member whose changes are recorded under `client_id` owns it;
    /// anyone else gets `ClientTaken` and nothing is applied.
    async fn push(
        &self,
        client_id: &str,
        staff_id: &str,
        mutations: Vec<PushedMutation>,
        apply: std::sync::Arc<ApplyFn>,
        now: Millis,
    ) -> Result<PushResponse>;

    /// Up to `limit` changes of the kinds in `scope` after `after`, and no
    /// more of them than fit in `sync::PULL_MAX_BYTES` of JSON (but at
    /// least one), read in one snapshot with the client's last processed
    /// mutation number. Changes of other kinds are passed over: the cursor
    /// of a page that ends the feed is its newest position. `ClientTaken`
    /// when another staff member owns `client_id`.
    ///
    /// The feed's order is its commit order: of two changes, the one whose
    /// transaction commits first has the lower number, so a reader that has
    /// seen position `n` has seen, for good, every change numbered `n` or
    /// less. A cursor never passes a change that commits
    /// later with a lower number (which numbers taken from a sequence at
    /// insert time allow: two writers take 7 and 8, 8 commits first, a
    /// pull returns 8, then 7 commits behind the cursor and no console
    /// ever reads it). SQLite has one writer at a time, which gives this;
    /// a backend with concurrent writers must serialise the numbering (one
    /// feed counter row updated in the committing transaction, say).
    async fn pull(
        &self,
        client_id: &str,
        staff_id: &str,
        scope: &[ChangeKind],
        after: i64,
        limit: u32,
        now: Millis,
    ) -> Result<PullResponse>;

    /// Runs `decide` on the world inside one transaction and records what it
    /// returns in the feed; a refusal changes nothing.
    async fn record(&self, decide: DecideFn, now: Millis) -> Result<std::result::Result<Recorded, WicketError>>;

    async fn account(&self, id: &str) -> Result<Option<Account>>;
    /// The feed's newest position.
    async fn last_seq(&self) -> Result<i64>;

    async fn conversations(&self, filter: ConversationFilter) -> Result<Vec<Conversation>>;
    /// For each conversation, the subscriber's messages newer than what
    /// `staff_id` has read there.
    async fn unread_counts(&self, staff_id: &str, conversation_ids: Vec<String>) -> Result<Vec<u32>>;
    /// `staff_id` has read `conversation_id` up to `at`; a mark never moves back.
    async fn mark_read(&self, staff_id: &str, conversation_id: &str, at: Millis) -> Result<()>;
    async fn conversation(&self, id: &str) -> Result<Option<Conversation>>;
    /// A subscriber's one conversation.
    async fn conversation_of(&self, subscriber_id: &str) -> Result<Option<Conversation>>;
    async fn message(&self, id: &str) -> Result<Option<Message>>;
    /// An account's automatic-reply rules, deleted ones too.
    async fn auto_reply_rules(&self, account_id: &str) -> Result<Vec<wicket_model::auto_reply::AutoReplyRule>>;
    async fn messages(&self, conversation_id: &str, page: MessagePage) -> Result<Vec<Message>>;
    /// A conversation's messages in the order they were stored, after the
    /// position `after` (0 for all), without notes; and the new position.
    async fn messages_after(&self, conversation_id: &str, after: i64, limit: u32) -> Result<(Vec<Message>, i64)>;
    /// Subscribers of an account whose name, tags or note contain `search`.
    async fn subscribers(&self, account_id: &str, search: Option<String>, limit: u32) -> Result<Vec<Subscriber>>;
    async fn subscriber(&self, id: &str) -> Result<Option<Subscriber>>;
    async fn subscriber_by_platform_id(
        &self,
        account_id: &str,
        platform: &str,
        user_id: &str,
    ) -> Result<Option<Subscriber>>;

    async fn layout_draft(&self, account_id: &str) -> Result<LayoutDraft>;
    async fn save_layout_draft(
        &self,
        account_id: &str,
        expected_revision: i64,
        layout: Layout,
        staff_id: &str,
        now: Millis,
    ) -> Result<DraftWrite<LayoutDraft>>;
    /// Publishes the draft at `expected_revision` as the next version and
    /// makes it live. `check` sees the draft's layout first and may refuse.
    async fn publish_layout(
        &self,
        account_id: &str,
        expected_revision: i64,
        staff_id: &str,
        now: Millis,
        check: LayoutCheck,
    ) -> Result<std::result::Result<DraftWrite<i64>, WicketError>>;
    async fn layout_versions(&self, account_id: &str) -> Result<Vec<LayoutVersion>>;
    async fn layout_version(&self, account_id: &str, version: i64) -> Result<Option<Layout>>;
    /// Makes an earlier version live again.
    async fn set_live_layout(&self, account_id: &str, version: i64, now: Millis) -> Result<bool>;
    /// What subscribers see: the live version and its layout.
    async fn live_layout(&self, account_id: &str) -> Result<Option<(i64, Layout)>>;

    /// The sandbox platform's user id behind a visitor cookie.
    async fn sandbox_visitor(&self, token_hash: &str) -> Result<Option<String>>;
    async fn create_sandbox_visitor(&self, token_hash: &str, user_id: &str, now: Millis) -> Result<()>;
    async fn save_media(&self, id: &str, mime: &str, bytes: Vec<u8>, now: Millis) -> Result<()>;
    async fn media(&self, id: &str) -> Result<Option<(String, Vec<u8>)>>;
    /// The bytes of every stored image together.
    async fn media_bytes(&self) -> Result<u64>;

    /// Deletes sessions expired by `now`, and the sync records (last
    /// mutation number, refusals) of clients that pushed nothing since
    /// `clients_idle_before`.
    async fn purge(&self, now: Millis, clients_idle_before: Millis) -> Result<Purged>;

    /// Where the platform adapters keep connections and sends.
    fn platforms(&self) -> &dyn crate::platform::store::PlatformStore;
    /// What the broadcast job keeps.
    fn broadcasts(&self) -> &dyn crate::broadcast::store::BroadcastStore;

    /// Relays into `live` what the other server processes on this storage
    /// announce (feed positions as their writes commit, and presence) until
    /// `closing` turns true, and calls `rules_changed` when another process
    /// changed automatic-reply rules. `None` when no other process can
    /// share the storage (SQLite: one process owns its file).
    fn relay_live(
        &self,
        _live: tokio::sync::broadcast::Sender<LiveEvent>,
        _closing: tokio::sync::watch::Receiver<bool>,
        _rules_changed: std::sync::Arc<dyn Fn() + Send + Sync>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        None
    }

    /// Tells the other processes on this storage of an event that is not a
    /// feed position (presence), in the order given. Nothing on SQLite.
    fn share_live(&self, _event: &LiveEvent) {}

    /// Takes or renews, for `holder`, the leases named that nobody else
    /// holds (or whose holder let them lapse), for `ttl` from now by the
    /// storage's clock; the names it got. A job runs only under its lease,
    /// so two processes never run the same one. SQLite has one process,
    /// which holds every lease.
    async fn claim_leases(&self, names: Vec<String>, _holder: &str, _ttl: std::time::Duration) -> Result<Vec<String>> {
        Ok(names)
    }

    /// Gives up `holder`'s lease on `name` (a finished job), so another
    /// process may take it at once.
    async fn release_lease(&self, _name: &str, _holder: &str) -> Result<()> {
        Ok(())
    }

    /// Takes one from the rate budget `key` the processes on this storage
    /// share: a burst of `burst`, then one every `every`. How long until one
    /// is free when it is spent; `None` when the storage shares no budgets
    /// (SQLite: its one process counts in memory).
    async fn take_shared_budget(
        &self,
        _key: &str,
        _burst: u32,
        _every: std::time::Duration,
    ) -> Result<Option<std::result::Result<(), std::time::Duration>>> {
        Ok(None)
    }

    /// The platform access token the processes on this storage share under
    /// `key` (a platform and an account), sealed, and until when it works.
    /// `None` on SQLite, whose one process keeps its tokens in memory.
    async fn shared_token(&self, _key: &str) -> Result<Option<(Vec<u8>, Millis)>> {
        Ok(None)
    }

    /// Keeps the token for the other processes (the one refreshing it holds
    /// the lease `token:<key>`). Nothing on SQLite.
    async fn save_shared_token(&self, _key: &str, _sealed: Vec<u8>, _expires_at: Millis, _now: Millis) -> Result<()> {
        Ok(())
    }
}

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub clients: u64,
    pub rejections: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> StaffUser {
        StaffUser { id: "s1".into(), login: "olga".into(), display_name: "Olga".into(), role }
    }

    fn to(role: Role) -> StaffUpdate {
        StaffUpdate { role: Some(role), ..StaffUpdate::default() }
    }

    #[test]
    fn the_last_owner_cannot_become_anything_else() {
        let owner = member(Role::Owner);
        assert_eq!(to(Role::Admin).decide(&owner, 1), StaffUpdated::LastOwner, "the only owner stays owner");
        assert_eq!(to(Role::Owner).decide(&owner, 1), StaffUpdated::Done(owner.clone()), "staying owner is no change");
        assert_eq!(
            to(Role::Agent).decide(&owner, 2),
            StaffUpdated::Done(member(Role::Agent)),
            "an owner steps down while another remains"
        );
        assert_eq!(
            to(Role::Designer).decide(&member(Role::Agent), 1),
            StaffUpdated::Done(member(Role::Designer)),
            "others' roles do not depend on the owners"
        );
    }

    #[test]
    fn a_new_display_name_is_trimmed() {
        let update = StaffUpdate { display_name: Some("  Olga K. ".into()), ..StaffUpdate::default() };
        let StaffUpdated::Done(user) = update.decide(&member(Role::Owner), 1) else { panic!("a rename is allowed") };
        assert_eq!(user.display_name, "Olga K.", "display names are stored without surrounding spaces");
    }

    #[test]
    fn a_new_staff_member_is_trimmed_and_named() {
        let new = NewStaff::new("  wang ", "   ", Role::Agent, "h".into()).unwrap();
        assert_eq!((new.login.as_str(), new.display_name.as_str()), ("wang", "wang"), "an empty name is the login");
        let new = NewStaff::new("wang", " 王芳 ", Role::Agent, "h".into()).unwrap();
        assert_eq!(new.display_name, "王芳", "a display name is trimmed");
        for login in ["   ", &"x".repeat(wicket_model::staff::LOGIN_MAX_CHARS + 1)] {
            let refused = NewStaff::new(login, "", Role::Agent, "h".into()).err().expect("a login out of bounds");
            assert_eq!(refused.issues[0].key, "staff.login.length", "a sign-in name has 1 to 64 characters");
        }
    }
}
