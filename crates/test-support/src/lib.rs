//! What Wicket's tests share, written once: a server in this process on a
//! loopback port it picks ([`TestServer`]), a staff member's typed HTTP
//! client ([`StaffClient`]), a subscriber's browser on the sandbox platform
//! ([`SandboxSubscriber`]), waiting that says what it waited for
//! ([`eventually`]), a sync listener that hears nothing ([`quiet`]), the
//! logs of a test binary ([`captured_logs`]) and a child process stopped by
//! its own pid when dropped ([`ChildProcess`]), a throwaway PostgreSQL
//! cluster ([`PostgresCluster`]), and several `wicket-server` processes on
//! one database behind a round-robin balancer ([`ServerProcesses`]).
//!
//! A test helper may panic: a failed step fails the test, and every panic
//! here says, in words, what was expected.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test support: a failed step fails the test")]

pub mod broadcast_tallies;
mod followers;
mod logs;
mod postgres;
mod process;
mod processes;
mod sandbox;
mod server;
mod staff;
mod wait;

pub use followers::{follower, record_followers};
pub use logs::captured_logs;
pub use postgres::PostgresCluster;
pub use process::{free_port, wait_for_port, ChildProcess};
pub use processes::{round_robin, ServerProcesses};
pub use sandbox::SandboxSubscriber;
pub use server::{start_server, start_server_on, storage_for, StoppedServer, TestServer, OWNER_LOGIN, OWNER_PASSWORD};
pub use staff::StaffClient;
pub use wait::{eventually, eventually_blocking, Found};

/// An account to create in a test: `id`, `name` on `platform`, with no
/// category or description.
pub fn new_account(id: &str, name: &str, platform: wicket_model::PlatformProfile) -> wicket_model::NewAccount {
    wicket_model::NewAccount {
        id: id.into(),
        name: name.into(),
        platform,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    }
}

/// A sync listener that hears every event and does nothing with it.
pub fn quiet() -> wicket_sync::SyncListener {
    std::sync::Arc::new(|_| {})
}
