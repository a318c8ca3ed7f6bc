//! Keeps a console's cache in step with a Wicket server, on Replicache's
//! contract: the outbox is pushed in order with this installation's client id
//! and each change's number (the server applies each exactly once), and the
//! change feed is pulled from the cache's cursor, so a reconnect after any gap
//! catches up completely.

pub mod client;
mod engine;
mod layouts;
mod live;
mod media;

pub use client::{normalize_url, ClientError, DraftWrite, PulledPage, ServerClient, UploadedMedia};
pub use engine::{SyncEngine, SyncEvent, SyncListener, SyncOptions};
