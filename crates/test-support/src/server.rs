//! A `wicket-server` running in the test's own process.

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use wicket_model::conversation::{Delivery, Message};
use wicket_model::Role;
use wicket_server::platform::store::SendState;
use wicket_server::storage::Storage;
use wicket_server::{auth, Clock, RunningServer, ServerConfig, ServerOptions, SystemClock};

use crate::{PostgresCluster, SandboxSubscriber, StaffClient};

/// The owner every [`TestServer`] starts with.
pub const OWNER_LOGIN: &str = "boss";
pub const OWNER_PASSWORD: &str = "correct horse battery";
/// The password of staff made with [`TestServer::staff`].
const STAFF_PASSWORD: &str = "staff password";

/// A server on a loopback port it picked, in a temporary folder of its own
/// (`data/` and beside it the secrets key), with an owner ([`OWNER_LOGIN`]). It reads
/// as its [`RunningServer`] (`server.state`, `server.base_url()`).
pub struct TestServer {
    pub server: RunningServer,
    dir: tempfile::TempDir,
    clock: Arc<dyn Clock>,
    options: ServerOptions,
}

/// A [`TestServer`] stopped with its folder kept: its data can be read or
/// changed, and it can start again. Dropping it deletes the folder.
pub struct StoppedServer {
    dir: tempfile::TempDir,
    clock: Arc<dyn Clock>,
    options: ServerOptions,
}

impl StoppedServer {
    /// The server's folder (its data is in `data/`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the server again on the same data, clock and options, on a
    /// new port; its staff and their sessions are still there.
    pub async fn start(self) -> TestServer {
        let config = ServerConfig { data_dir: self.dir.path().join("data"), listen: loopback() };
        let storage = storage_for(&config.data_dir).await;
        let server = wicket_server::start_on(storage, config, self.clock.clone(), self.options.clone())
            .await
            .unwrap_or_else(|e| panic!("expected the test server to start again: {e}"));
        TestServer { server, dir: self.dir, clock: self.clock, options: self.options }
    }
}

impl Deref for TestServer {
    type Target = RunningServer;
    fn deref(&self) -> &RunningServer {
        &self.server
    }
}

impl TestServer {
    /// The system clock and the default options.
    pub async fn start() -> TestServer {
        TestServer::start_with(Arc::new(SystemClock), ServerOptions::default()).await
    }

    /// With `clock` and `options` (the secrets key, unless `options` name
    /// another file, is `data.secrets-key` in the server's folder).
    pub async fn start_with(clock: Arc<dyn Clock>, options: ServerOptions) -> TestServer {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("expected a temporary folder for the server: {e}"));
        let config = ServerConfig { data_dir: dir.path().join("data"), listen: loopback() };
        let storage = storage_for(&config.data_dir).await;
        let server = wicket_server::start_on(storage, config, clock.clone(), options.clone())
            .await
            .unwrap_or_else(|e| panic!("expected the test server to start: {e}"));
        server
            .state
            .create_owner(OWNER_LOGIN, "Boss", OWNER_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("expected the owner to be created: {e:?}"));
        TestServer { server, dir, clock, options }
    }

    /// Stops the server, letting requests in flight finish. The folder is
    /// kept while the answer lives, to read the data or start again.
    pub async fn stop(self) -> StoppedServer {
        self.server.stop().await;
        StoppedServer { dir: self.dir, clock: self.clock, options: self.options }
    }

    /// The server's folder (its data is in `data/`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Every byte the server's database keeps, as a reader of its disk
    /// would find them: SQLite's file and its write-ahead log, or a dump of
    /// the test's PostgreSQL database.
    pub fn stored_bytes(&self) -> Vec<u8> {
        let data = self.data_dir();
        match postgres_url(&data) {
            Some(url) => PostgresCluster::shared().dump(&url),
            None => {
                let mut bytes = std::fs::read(data.join("wicket.sqlite"))
                    .unwrap_or_else(|e| panic!("expected to read the server's SQLite file: {e}"));
                bytes.extend(std::fs::read(data.join("wicket.sqlite-wal")).unwrap_or_default());
                bytes
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The owner, signed in over HTTP.
    pub async fn owner(&self) -> StaffClient {
        StaffClient::sign_in(&self.base_url(), OWNER_LOGIN, OWNER_PASSWORD).await
    }

    /// A new staff member `login` with `role`, signed in over HTTP.
    pub async fn staff(&self, login: &str, role: Role) -> StaffClient {
        let hash = auth::hash_password(STAFF_PASSWORD).unwrap_or_else(|e| panic!("expected a password hash: {e:?}"));
        self.state
            .create_staff(login, login, role, hash)
            .await
            .unwrap_or_else(|e| panic!("expected staff member {login} to be created: {e:?}"));
        StaffClient::sign_in(&self.base_url(), login, STAFF_PASSWORD).await
    }

    /// A subscriber's browser on `account`'s sandbox page, with no cookie yet.
    pub fn subscriber(&self, account: &str) -> SandboxSubscriber {
        SandboxSubscriber::new(&self.base_url(), account)
    }

    /// The stored message `id`.
    pub async fn message(&self, id: &str) -> Message {
        let found = self.state.storage.message(id).await;
        let found = found.unwrap_or_else(|e| panic!("expected to read message {id}: {e:?}"));
        found.unwrap_or_else(|| panic!("expected message {id} to be stored"))
    }

    /// Waits (10 s at most) until the platform send of reply `message_id`
    /// is neither pending nor in flight, and the feed shows its outcome.
    pub async fn settled(&self, message_id: &str) -> SendState {
        let what = format!("the reply {message_id} is sent, failed or unknown, and the feed shows it");
        crate::eventually(&what, Duration::from_secs(10), || async {
            let send = self.state.storage.platforms().send(message_id).await;
            let send = send.unwrap_or_else(|e| panic!("expected to read the send of {message_id}: {e:?}"))?;
            if matches!(send.state, SendState::Pending | SendState::Sending) {
                return None;
            }
            // The queue settles first, then the feed shows a failure on the message: wait for both.
            let shown = send.state == SendState::Sent
                || matches!(self.message(message_id).await.delivery, Some(Delivery::Failed { .. }));
            shown.then_some(send.state)
        })
        .await
    }
}

/// Set to `postgres` to run the servers tests start on PostgreSQL (a
/// database of their own on one throwaway cluster per test binary) instead
/// of SQLite: `make test-postgres` runs the HTTP and sync tests both ways.
pub const STORAGE_ENV: &str = "WICKET_TEST_STORAGE";

/// Where the address of a server's PostgreSQL database is kept in its data
/// folder, so a server started again on that folder finds the same data.
const DATABASE_FILE: &str = "test-database-url";

/// The storage a test server on `data` runs on: SQLite in `data`, or with
/// [`STORAGE_ENV`]`=postgres` the PostgreSQL database of that folder (made
/// on first start). A server built without the `postgres` feature refuses
/// the latter, and the test says so.
pub async fn storage_for(data: &Path) -> Arc<dyn Storage> {
    let url = match std::env::var(STORAGE_ENV).as_deref() {
        Ok("postgres") => Some(postgres_url(data).unwrap_or_else(|| {
            let url = PostgresCluster::shared().fresh_database();
            std::fs::create_dir_all(data).unwrap_or_else(|e| panic!("expected the data folder: {e}"));
            std::fs::write(data.join(DATABASE_FILE), &url).unwrap_or_else(|e| panic!("expected to keep the url: {e}"));
            url
        })),
        Ok("sqlite") | Err(_) => None,
        Ok(other) => panic!("{STORAGE_ENV}={other:?}: expected sqlite or postgres"),
    };
    wicket_server::open_storage_for(data, url.as_deref()).await.unwrap_or_else(|e| {
        panic!("expected the test server's storage ({}) to open: {e}", url.as_deref().unwrap_or("SQLite"))
    })
}

/// The PostgreSQL database a test server on `data` runs on, if it does.
fn postgres_url(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join(DATABASE_FILE)).ok()
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A server on the system clock with its data in `data`, on a loopback port
/// it picks, without anyone in it (for tests that restart a server on the
/// same data or make their own owner).
pub async fn start_server(data: &Path) -> RunningServer {
    start_server_on(data, loopback()).await
}

/// [`start_server`] on `listen` (to come back on the same port).
pub async fn start_server_on(data: &Path, listen: SocketAddr) -> RunningServer {
    let config = ServerConfig { data_dir: data.to_owned(), listen };
    let storage = storage_for(data).await;
    wicket_server::start_on(storage, config, Arc::new(SystemClock), ServerOptions::default())
        .await
        .unwrap_or_else(|e| panic!("expected the server to start on {listen} with data in {}: {e}", data.display()))
}
