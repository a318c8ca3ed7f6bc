//! `wicket-server`: the merchant's gateway. It stores what staff and
//! subscribers share, applies the console's changes exactly once, and serves
//! the change feed. The desktop app embeds it in local mode; a team runs the
//! `wicket-server` binary.

pub mod alipay;
pub mod api;
pub mod auth;
pub mod broadcast;
pub mod clock;
pub mod error;
pub mod limits;
pub mod platform;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod purge;
pub mod sqlite;
pub mod storage;
pub mod wechat;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wicket_model::sync::SignInResponse;
use wicket_model::{Role, StaffUser};

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ApiError;
use storage::{NewStaff, Storage, StorageError};

pub use wicket_model::sync::{LiveEvent, PresenceState};

/// What every handler can reach. axum clones it for every request (its
/// `State`), so it is one shared pointer rather than a clone of each part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub storage: Arc<dyn Storage>,
    pub clock: Arc<dyn Clock>,
    pub sign_in_limiter: limits::SignInLimits,
    pub options: ServerOptions,
    pub sandbox_limits: limits::SandboxLimits,
    pub live: tokio::sync::broadcast::Sender<LiveEvent>,
    /// The platform adapters (sandbox, WeChat, Alipay) behind one boundary.
    pub platforms: platform::Platforms,
    /// Each account's automatic-reply matcher, kept until its rules change
    /// (shared with the storage's relay, which must not hold the state).
    pub auto_replies: Arc<platform::auto_reply::AutoReplies>,
    /// Set when the server stops: live sockets close, so consoles see the
    /// server go (graceful shutdown waits for requests, not for sockets).
    closing: tokio::sync::watch::Sender<bool>,
    /// This process's name among those sharing the storage: the holder of
    /// the leases it takes.
    pub instance: Arc<str>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, clock: Arc<dyn Clock>) -> Self {
        Self::with_options(storage, clock, ServerOptions::default())
    }

    pub fn with_options(storage: Arc<dyn Storage>, clock: Arc<dyn Clock>, options: ServerOptions) -> Self {
        let (live, _) = tokio::sync::broadcast::channel(1024);
        let (closing, _) = tokio::sync::watch::channel(false);
        Self(Arc::new(Shared {
            storage,
            clock,
            sign_in_limiter: limits::SignInLimits::default(),
            sandbox_limits: limits::SandboxLimits::new(&options),
            platforms: platform::Platforms::new(&options),
            options,
            live,
            auto_replies: Arc::default(),
            closing,
            instance: uuid::Uuid::new_v4().simple().to_string().into(),
        }))
    }

    /// Starts stopping: `/api/v1/ready` answers 503 from now on, live
    /// sockets close and background jobs stop at their next safe point.
    /// [`RunningServer::stop`] does it first.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Whether the server is stopping.
    pub fn is_closing(&self) -> bool {
        *self.closing.borrow()
    }

    /// Resolves when the server is stopping.
    pub async fn closing(&self) {
        let mut closing = self.closing.subscribe();
        // An error means the state is gone, which is closing too.
        let _closed = closing.wait_for(|closing| *closing).await;
    }

    /// Tells every open socket; nobody listening is fine. Events that are
    /// not feed positions (presence) also go to the other processes on the
    /// storage; feed positions reach them from the storage itself, when the
    /// write commits.
    pub fn announce(&self, event: LiveEvent) {
        if !matches!(event, LiveEvent::Changes { .. }) {
            self.storage.share_live(&event);
        }
        let _nobody_listening = self.live.send(event);
    }

    /// Creates the first owner of a server that has no staff yet.
    pub async fn create_owner(&self, login: &str, display_name: &str, password: &str) -> Result<StaffUser, ApiError> {
        let password_hash = auth::hash_password_off_thread(password.to_owned()).await?;
        self.create_staff(login, display_name, Role::Owner, password_hash).await
    }

    pub async fn create_staff(
        &self,
        login: &str,
        display_name: &str,
        role: Role,
        password_hash: String,
    ) -> Result<StaffUser, ApiError> {
        let new = NewStaff::new(login, display_name, role, password_hash)?;
        Ok(self.storage.create_staff(new, self.clock.now()).await?)
    }

    /// A session for `user`, as sign-in makes one.
    pub async fn open_session(&self, user: StaffUser) -> Result<SignInResponse, ApiError> {
        let (token, token_hash) = auth::new_token();
        let now = self.clock.now();
        let expires_at = now + auth::SESSION_DAYS * 24 * 3600 * 1000;
        self.storage.create_session(&token_hash, &user.id, now, expires_at).await?;
        Ok(SignInResponse { token, expires_at, user })
    }

    /// Local mode: the console on this computer owns the embedded server. It
    /// signs in as the owner, made on first run with `display_name`.
    pub async fn local_owner_session(&self, display_name: &str) -> Result<SignInResponse, ApiError> {
        let owners = self.storage.staff_by_role(Role::Owner).await?;
        let owner = match owners.into_iter().next() {
            Some(owner) => owner,
            None => {
                let hash = auth::unusable_password_hash()?;
                self.create_staff("owner", display_name, Role::Owner, hash).await?
            }
        };
        self.open_session(owner).await
    }
}

/// The whole HTTP API; tests call it directly or over a socket.
pub fn router(state: AppState) -> Router {
    api::routes(state)
}

/// Where a server keeps its data and how it listens.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
}

pub fn open_storage(data_dir: &std::path::Path) -> Result<sqlite::SqliteStorage, StorageError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| StorageError::Database(format!("cannot create {}: {e}", data_dir.display())))?;
    sqlite::SqliteStorage::open(&data_dir.join("wicket.sqlite"))
}

/// Opens the storage a server runs on: the PostgreSQL database at
/// `database` (`postgres://…`) when one is named, else SQLite in
/// `data_dir`. PostgreSQL needs a server built with the `postgres` feature.
pub async fn open_storage_for(
    data_dir: &std::path::Path,
    database: Option<&str>,
) -> Result<Arc<dyn Storage>, StorageError> {
    match database {
        None => Ok(Arc::new(open_storage(data_dir)?)),
        #[cfg(feature = "postgres")]
        Some(url) => Ok(Arc::new(postgres::PgStorage::connect(url).await?)),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err(without_postgres()),
    }
}

/// Brings the storage `open_storage_for` would open to this program's schema
/// version (`wicket-server migrate`), and says which versions it applied.
pub async fn migrate_storage(data_dir: &std::path::Path, database: Option<&str>) -> Result<Vec<i64>, StorageError> {
    let data_dir = data_dir.to_owned();
    let database = database.map(str::to_owned);
    blocking(move || match database {
        None => {
            std::fs::create_dir_all(&data_dir)
                .map_err(|e| StorageError::Database(format!("cannot create {}: {e}", data_dir.display())))?;
            sqlite::SqliteStorage::migrate(&data_dir.join("wicket.sqlite"))
        }
        #[cfg(feature = "postgres")]
        Some(url) => postgres::PgStorage::migrate(&url),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err(without_postgres()),
    })
    .await
}

/// The schema version of the storage `open_storage_for` would open (0 when
/// it has none yet) and the version this program wants; changes nothing
/// (`wicket-server migrate --check`).
pub async fn schema_versions(data_dir: &std::path::Path, database: Option<&str>) -> Result<(i64, i64), StorageError> {
    let data_dir = data_dir.to_owned();
    let database = database.map(str::to_owned);
    blocking(move || match database {
        None => sqlite::SqliteStorage::schema_versions(&data_dir.join("wicket.sqlite")),
        #[cfg(feature = "postgres")]
        Some(url) => postgres::PgStorage::schema_versions(&url),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err(without_postgres()),
    })
    .await
}

#[cfg(not(feature = "postgres"))]
fn without_postgres() -> StorageError {
    StorageError::Database("this wicket-server was built without PostgreSQL (cargo feature `postgres`)".into())
}

async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, StorageError> {
    tokio::task::spawn_blocking(job).await.map_err(|e| StorageError::Database(format!("storage task failed: {e}")))?
}

/// A server running in this process (local mode and tests).
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    /// The background loops (purge, outbound dispatcher, broadcast runner),
    /// which end at a safe point once the server is closing.
    jobs: Vec<JoinHandle<()>>,
}

impl RunningServer {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits for them
    /// and for the background loops to reach a safe point (the outbound
    /// dispatcher records the sends under way; broadcast jobs and follower
    /// imports stay at their last commit and resume at the next start).
    pub async fn stop(mut self) {
        self.state.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "server ended with an error"),
            Err(e) => tracing::warn!(error = %e, "server task failed"),
        }
        for job in self.jobs.drain(..) {
            if let Err(e) = job.await {
                tracing::warn!(error = %e, "a background job failed");
            }
        }
    }
}

/// How a server faces the network; the defaults suit local mode and a
/// server that browsers reach directly.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// A reverse proxy sits in front: the caller's address is the last
    /// `X-Forwarded-For` entry and `X-Forwarded-Proto: https` means https.
    pub trust_proxy: bool,
    /// Browsers reach the server over https (a proxy terminates TLS): the
    /// sandbox's cookie is `Secure` whatever the request says.
    pub https: bool,
    /// Serve the built-in sandbox platform (the subscriber web app and its
    /// API under `/s/…`); off, its routes answer 404.
    pub sandbox_platform: bool,
    /// Requests one address may make to `/s/api/…` a minute (and at once).
    pub sandbox_requests_per_minute: u32,
    /// Request bodies one address may send to `/s/api/…`, in KiB a minute.
    pub sandbox_kib_per_minute: u32,
    /// Image bytes one sandbox visitor may send an hour.
    pub sandbox_visitor_image_bytes_per_hour: u32,
    /// Subscribers' images stop being accepted once the server stores this
    /// many bytes of images.
    pub media_total_bytes: u64,
    /// WeChat's API (`https://api.weixin.qq.com`); tests point it at the double.
    pub wechat_api_base: String,
    /// Alipay's OpenAPI gateway (`https://openapi.alipay.com/gateway.do`);
    /// tests point it at the double.
    pub alipay_api_base: String,
    /// The file holding the key that seals platform secrets; by default
    /// beside the data folder (`<data>.secrets-key`), made when the first
    /// platform connection is saved.
    pub secrets_key_file: Option<PathBuf>,
    /// How long a call to a platform's API may take; a send that runs out of
    /// it after its request left has an unknown outcome.
    pub platform_timeout: std::time::Duration,
    /// How long an Alipay segment broadcast's label is kept after its send
    /// before it is deleted (`alipay::mass::LABEL_KEEP`); tests shorten it.
    pub alipay_label_keep: std::time::Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            trust_proxy: false,
            https: false,
            sandbox_platform: true,
            sandbox_requests_per_minute: 120,
            sandbox_kib_per_minute: 16 * 1024,
            sandbox_visitor_image_bytes_per_hour: 20 * 1024 * 1024,
            media_total_bytes: 1024 * 1024 * 1024,
            wechat_api_base: wechat::DEFAULT_API_BASE.into(),
            alipay_api_base: alipay::DEFAULT_API_BASE.into(),
            secrets_key_file: None,
            platform_timeout: std::time::Duration::from_secs(15),
            alipay_label_keep: alipay::mass::LABEL_KEEP,
        }
    }
}

/// Starts a server on `config.listen` (port 0 picks a free one).
pub async fn start(config: ServerConfig, clock: Arc<dyn Clock>) -> Result<RunningServer, StartError> {
    start_with(config, clock, ServerOptions::default()).await
}

/// `start`, with how the server faces the network.
pub async fn start_with(
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    options: ServerOptions,
) -> Result<RunningServer, StartError> {
    let storage = open_storage(&config.data_dir)?;
    start_on(Arc::new(storage), config, clock, options).await
}

/// Starts a server on the storage given (`start` opens SQLite in
/// `config.data_dir`, which also holds the secrets key unless `options`
/// name another file).
pub async fn start_on(
    storage: Arc<dyn Storage>,
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    options: ServerOptions,
) -> Result<RunningServer, StartError> {
    let key_file =
        options.secrets_key_file.clone().unwrap_or_else(|| platform::secrets::default_key_path(&config.data_dir));
    let state = AppState::with_options(storage, clock, options);
    state.platforms.vault.set_key_file(key_file)?;
    state.platforms.wechat.api.share_tokens(wechat::api::SharedTokens {
        storage: state.storage.clone(),
        vault: state.platforms.vault.clone(),
        holder: state.instance.clone(),
    });
    let listener =
        TcpListener::bind(config.listen).await.map_err(|source| StartError::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.listen, source })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let mut jobs =
        vec![purge::spawn(state.clone()), platform::outbound::spawn(state.clone()), broadcast::spawn(state.clone())];
    // Other processes on the same database: their writes and presence
    // reach this one's sockets.
    // The matchers alone: the relay lives in the storage, which the state
    // holds, so holding the state there would keep both alive for ever.
    let replies = state.auto_replies.clone();
    let rules_changed = Arc::new(move || replies.forget());
    jobs.extend(state.storage.relay_live(state.live.clone(), state.closing.subscribe(), rules_changed));
    {
        let state = state.clone();
        tokio::spawn(async move { platform::import::resume(&state).await });
    }
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    // The instance names this process in the leases it holds.
    tracing::info!(%addr, data = %config.data_dir.display(), instance = %state.instance, "wicket-server listening");
    Ok(RunningServer { addr, state, stop: Some(stop), task, jobs })
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Secrets(#[from] platform::secrets::SecretsError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}
