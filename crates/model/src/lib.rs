//! Wicket's domain model, shared by the console, its cache, the sync engine and
//! the server. Everything here is pure: no I/O, no clock (callers pass `now`),
//! so every rule is tested without a database or a window.

pub mod account;
pub mod alipay;
pub mod api;
pub mod auto_reply;
pub mod broadcast;
pub mod broadcast_draft;
pub mod canned;
pub mod change;
pub mod conversation;
pub mod conversation_rules;
pub mod error;
pub mod follower_import;
pub mod inbox;
pub mod issue_keys;
pub mod layout;
pub mod media;
pub mod mutation;
pub mod platform;
pub mod reply_window;
pub mod segment;
pub mod staff;
pub mod sync;
pub mod synced;
pub mod wechat;
pub mod world;

pub use account::{Account, AccountDraft, AccountId, AccountListItem, AccountPatch, NewAccount};
pub use change::{Change, ChangeKind};
pub use error::{ErrorCode, Issue, WicketError};
pub use mutation::Mutation;
pub use platform::PlatformProfile;
pub use staff::{NewStaff, Permission, Role, StaffChange, StaffUser};
pub use world::{Actor, MemoryWorld, ReadError, World};

/// Milliseconds since the Unix epoch. A plain number so that it crosses JSON
/// and TypeScript unchanged.
pub type Millis = i64;
