//! The desktop console's application layer, with no window and no Tauri: it
//! starts the embedded server in local mode, signs staff in, opens the
//! workspace's cache, runs the sync engine, and turns what staff do into
//! changes in the outbox. The Tauri commands are one-line calls into it.

mod alipay;
mod auto_replies;
mod broadcast_drafts;
mod broadcasts;
mod canned;
mod chosen_files;
mod followers;
mod housekeeping;
mod inbox;
mod layouts;
mod lists;
mod media;
mod plain_http;
mod secrets;
mod segments;
mod subscribers;
mod team;
mod wechat;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use tokio::sync::Mutex;
use wicket_model::sync::{Connection, SyncStatus};
use wicket_model::{
    mutation, AccountDraft, AccountListItem, AccountPatch, ErrorCode, Issue, Mutation, Permission, StaffUser,
    WicketError,
};
use wicket_server::{RunningServer, ServerConfig, SystemClock};
use wicket_store::{Cache, StoreError};
use wicket_sync::{ServerClient, SyncEngine};

pub use alipay::AlipayPanel;
pub use chosen_files::{ChosenFiles, FileFilter, FileUse};
pub use plain_http::refuse_plain_http;
pub use secrets::TokenStore;
pub use wechat::WechatPanel;
pub use wicket_sync::{SyncEvent, SyncListener};

/// Whether the console works on this computer alone or with a team server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The embedded server on this computer; no set-up.
    Local,
    Team,
}

/// Who is signed in, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Session {
    pub mode: Mode,
    /// The team server, in team mode.
    pub server_url: Option<String>,
    /// None until someone signs in.
    pub user: Option<StaffUser>,
    /// What the signed-in role may do (from the model's one table), so
    /// the console shows only what the server would allow.
    pub permissions: Vec<Permission>,
}

impl Session {
    fn new(mode: Mode, server_url: Option<String>, user: Option<StaffUser>) -> Self {
        let permissions = user.as_ref().map(|u| u.role.permissions()).unwrap_or_default();
        Self { mode, server_url, user, permissions }
    }
}

/// Which workspace to reopen at start: what the settings remember.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastWorkspace {
    Local,
    Team { server_url: String, login: String },
}

/// A change the server refused, as the console lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RejectedChange {
    pub id: i64,
    /// What was attempted (`create_account`, …), for the UI to translate.
    pub action: String,
    /// What it was about: the account's name, or its id.
    pub target: String,
    pub error: WicketError,
    pub created_at: i64,
}

struct Workspace {
    key: String,
    mode: Mode,
    server_url: Option<String>,
    user: StaffUser,
    cache: Arc<Cache>,
    engine: SyncEngine,
    /// For what only the server can answer (published versions).
    client: ServerClient,
    token: String,
    /// Purges old refusals from the cache while the workspace is open.
    _housekeeping: housekeeping::Housekeeping,
    /// Says which accounts' drafts and segments lists changed.
    lists: Arc<lists::ListWatch>,
}

pub struct Console {
    data_dir: PathBuf,
    tokens: TokenStore,
    listener: SyncListener,
    local_server: Mutex<Option<RunningServer>>,
    workspace: Mutex<Option<Workspace>>,
}

impl Console {
    /// A console keeping its data under `data_dir`; `listener` hears sync
    /// status changes and cache changes (the shell forwards them to the UI).
    pub fn new(data_dir: &Path, listener: SyncListener) -> Self {
        Self::with_tokens(data_dir, TokenStore::new(&data_dir.join("sessions")), listener)
    }

    pub fn with_tokens(data_dir: &Path, tokens: TokenStore, listener: SyncListener) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            tokens,
            listener,
            local_server: Mutex::new(None),
            workspace: Mutex::new(None),
        }
    }

    /// Reopens the last workspace if its session is still kept. Works
    /// offline: nothing here needs the server.
    pub async fn restore(&self, last: &LastWorkspace) -> Result<Session, WicketError> {
        let (mode, server_url, key) = match last {
            LastWorkspace::Local => (Mode::Local, None, local_key()),
            LastWorkspace::Team { server_url, login } => {
                let url = wicket_sync::normalize_url(server_url)?;
                let key = team_key(&url, login);
                (Mode::Team, Some(url), key)
            }
        };
        let Some(token) = self.tokens.load(&key) else {
            return Ok(Session::new(mode, server_url, None));
        };
        let cache = self.open_cache(&key).await?;
        let user = blocking(&cache, |c| c.signed_in_user()).await?;
        let Some(user) = user else {
            return Ok(Session::new(mode, server_url, None));
        };
        let base_url = match &server_url {
            Some(url) => url.clone(),
            None => self.local_server_url().await?,
        };
        self.open_workspace(key, mode, server_url, base_url, user, token, cache).await
    }

    /// The server client and token of the signed-in workspace, for what
    /// lives on the server only (versions, the team).
    pub(crate) async fn server(&self) -> Result<(ServerClient, String), WicketError> {
        match &*self.workspace.lock().await {
            Some(ws) => Ok((ws.client.clone(), ws.token.clone())),
            None => Err(WicketError::new(ErrorCode::Unauthorized, "sign in to continue")),
        }
    }

    pub async fn session(&self) -> Session {
        match &*self.workspace.lock().await {
            Some(ws) => Session::new(ws.mode, ws.server_url.clone(), Some(ws.user.clone())),
            None => Session::new(Mode::Local, None, None),
        }
    }

    /// Local mode: starts the embedded server (if needed) and signs in as its
    /// owner, made on first run with `display_name`.
    pub async fn start_local(&self, display_name: &str) -> Result<Session, WicketError> {
        let display_name = display_name.trim();
        if display_name.chars().count() > 40 {
            return Err(WicketError::invalid(vec![
                Issue::new("display_name", "sign_in.display_name.too_long").with("max", 40)
            ]));
        }
        self.close_workspace().await;
        let base_url = self.local_server_url().await?;
        let signed_in = {
            let server = self.local_server.lock().await;
            let server = server.as_ref().ok_or_else(|| internal("the local server stopped"))?;
            let name = if display_name.is_empty() { "Owner" } else { display_name };
            server.state.local_owner_session(name).await.map_err(|e| e.0)?
        };
        let key = local_key();
        self.tokens.save(&key, &signed_in.token).map_err(|e| storage(format!("cannot keep the session: {e}")))?;
        let cache = self.open_cache(&key).await?;
        let user = signed_in.user.clone();
        blocking(&cache, move |c| c.remember_user(&user)).await?;
        self.open_workspace(key, Mode::Local, None, base_url, signed_in.user, signed_in.token, cache).await
    }

    /// Team mode: signs in to the server at `server_url`.
    pub async fn sign_in(&self, server_url: &str, login: &str, password: &str) -> Result<Session, WicketError> {
        let client = ServerClient::new(server_url)?;
        let signed_in = client.sign_in(login, password).await.map_err(|e| e.into_wicket())?;
        self.close_workspace().await;
        let url = client.base_url().to_owned();
        let key = team_key(&url, &signed_in.user.login);
        self.tokens.save(&key, &signed_in.token).map_err(|e| storage(format!("cannot keep the session: {e}")))?;
        let cache = self.open_cache(&key).await?;
        let user = signed_in.user.clone();
        blocking(&cache, move |c| c.remember_user(&user)).await?;
        self.open_workspace(key, Mode::Team, Some(url.clone()), url, signed_in.user, signed_in.token, cache).await
    }

    /// Signs out here. The workspace's cache, outbox included, stays: what
    /// was written offline is sent after the next sign-in.
    pub async fn sign_out(&self) -> Result<(), WicketError> {
        let Some(ws) = self.workspace.lock().await.take() else {
            return Ok(());
        };
        ws.engine.stop();
        let url = match &ws.server_url {
            Some(url) => Some(url.clone()),
            // Local mode ends its session on the embedded server too.
            None => self.local_server.lock().await.as_ref().map(RunningServer::base_url),
        };
        if let (Some(url), Some(token)) = (url, self.tokens.load(&ws.key)) {
            if let Ok(client) = ServerClient::new(&url) {
                // Offline, the server's session simply expires.
                if let Err(e) = client.sign_out(&token).await {
                    tracing::info!(error = %e, "could not end the session on the server");
                }
            }
        }
        self.tokens.delete(&ws.key).map_err(|e| storage(format!("cannot forget the session: {e}")))?;
        (self.listener)(SyncEvent::Status(signed_out_status()));
        Ok(())
    }

    /// Every account of the workspace, archived ones included, as staff see
    /// them: the server's state with their own waiting changes on top.
    pub async fn accounts(&self) -> Result<Vec<AccountListItem>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, |c| c.accounts()).await
    }

    /// The rules' verdict on a draft, without writing anything.
    pub fn check_account(draft: AccountDraft) -> Vec<Issue> {
        match draft.with_id("draft".into()).normalized() {
            Ok(_) => Vec::new(),
            Err(issues) => issues,
        }
    }

    pub async fn create_account(&self, draft: AccountDraft) -> Result<AccountListItem, WicketError> {
        let id = uuid::Uuid::new_v4().to_string();
        let new = draft.with_id(id.clone()).normalized().map_err(WicketError::invalid)?;
        self.write(Mutation::CreateAccount(new)).await?;
        self.accounts()
            .await?
            .into_iter()
            .find(|item| item.account.id == id)
            .ok_or_else(|| internal("the new account did not appear in the cache"))
    }

    pub async fn update_account(&self, id: String, patch: AccountPatch) -> Result<(), WicketError> {
        if patch.is_empty() {
            return Ok(());
        }
        self.write(Mutation::UpdateAccount { id, patch }).await
    }

    pub async fn set_archived(&self, id: String, archived: bool) -> Result<(), WicketError> {
        let change = if archived { Mutation::ArchiveAccount { id } } else { Mutation::RestoreAccount { id } };
        self.write(change).await
    }

    /// Where subscribers see an account: the sandbox web app of the server
    /// this workspace syncs with (the embedded one in local mode).
    pub async fn subscriber_page_url(&self, account_id: &str) -> Result<String, WicketError> {
        let team_url = match &*self.workspace.lock().await {
            Some(ws) => ws.server_url.clone(),
            None => return Err(WicketError::new(ErrorCode::Unauthorized, "sign in to continue")),
        };
        let known = self.accounts().await?.into_iter().find(|item| item.account.id == account_id);
        match known {
            None => return Err(WicketError::not_found(format!("account {account_id}"))),
            Some(item) if item.waiting => {
                return Err(WicketError::new(ErrorCode::Offline, "the account is not on the server yet"))
            }
            Some(_) => {}
        }
        let base = match team_url {
            Some(url) => url,
            None => self.local_server_url().await?,
        };
        Ok(format!("{base}/s/{account_id}"))
    }

    pub async fn sync_status(&self) -> SyncStatus {
        match &*self.workspace.lock().await {
            Some(ws) => ws.engine.status(),
            None => signed_out_status(),
        }
    }

    pub async fn sync_now(&self) {
        if let Some(ws) = &*self.workspace.lock().await {
            ws.engine.nudge();
        }
    }

    pub async fn rejected_changes(&self) -> Result<Vec<RejectedChange>, WicketError> {
        let cache = self.cache().await?;
        let rejected = blocking(&cache, |c| c.rejected()).await?;
        let accounts = blocking(&cache, |c| c.accounts()).await?;
        Ok(rejected
            .into_iter()
            .map(|r| {
                let target = match &r.mutation {
                    Mutation::CreateAccount(new) => new.name.clone(),
                    // Refused offline work on a segment is told by its name.
                    Mutation::SaveSegment(draft) => draft.name.trim().to_owned(),
                    // A refused broadcast draft is told by its account's name.
                    Mutation::SaveBroadcastDraft(edit) => accounts
                        .iter()
                        .find(|a| a.account.id == edit.account_id)
                        .map_or_else(|| edit.account_id.clone(), |a| a.account.name.clone()),
                    other => accounts
                        .iter()
                        .find(|a| a.account.id == other.target_id())
                        .map_or_else(|| other.target_id().to_owned(), |a| a.account.name.clone()),
                };
                RejectedChange {
                    id: r.id,
                    action: r.mutation.name().to_owned(),
                    target,
                    error: r.error,
                    created_at: r.created_at,
                }
            })
            .collect())
    }

    pub async fn dismiss_rejected(&self, id: i64) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.dismiss_rejected(id)).await?;
        self.refresh().await
    }

    /// Stops syncing and the embedded server (the app is closing).
    pub async fn shutdown(&self) {
        if let Some(ws) = self.workspace.lock().await.take() {
            ws.engine.stop();
        }
        if let Some(server) = self.local_server.lock().await.take() {
            server.stop().await;
        }
    }

    /// Checks a change against the current view, keeps it in the outbox and
    /// asks the engine to send it.
    async fn write(&self, change: Mutation) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        let probe = change.clone();
        let world = blocking(&cache, move |c| c.world_for(&probe, now_ms())).await?;
        let now = now_ms();
        let staff_id = self.staff_id().await;
        let changes = mutation::apply(&world, &change, &mutation::Actor { staff_id, now })?;
        // A change that changes nothing (the same reply sent twice, a status
        // set to what it is) is not queued: the server would store nothing.
        if !changes.is_empty() {
            blocking(&cache, move |c| c.enqueue(&change, now)).await?;
        }
        self.refresh().await
    }

    /// The signed-in staff member's id; empty when nobody is.
    async fn staff_id(&self) -> String {
        self.workspace.lock().await.as_ref().map(|ws| ws.user.id.clone()).unwrap_or_default()
    }

    /// Tells the UI the cache changed and the engine there is work.
    async fn refresh(&self) -> Result<(), WicketError> {
        let lists = match &*self.workspace.lock().await {
            Some(ws) => {
                ws.engine.nudge();
                Some(ws.lists.clone())
            }
            None => None,
        };
        (self.listener)(SyncEvent::DataChanged);
        if let Some(lists) = lists {
            lists.check_now().await;
        }
        Ok(())
    }

    async fn cache(&self) -> Result<Arc<Cache>, WicketError> {
        match &*self.workspace.lock().await {
            Some(ws) => Ok(ws.cache.clone()),
            None => Err(WicketError::new(ErrorCode::Unauthorized, "sign in to continue")),
        }
    }

    async fn open_cache(&self, key: &str) -> Result<Arc<Cache>, WicketError> {
        let path = self.data_dir.join("workspaces").join(key).join("cache.sqlite");
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| storage(format!("cannot create {}: {e}", parent.display())))?;
            }
            Cache::open(&path).map(Arc::new).map_err(store_error)
        })
        .await
        .map_err(|e| internal(format!("cache task failed: {e}")))?
    }

    #[allow(clippy::too_many_arguments)]
    async fn open_workspace(
        &self,
        key: String,
        mode: Mode,
        server_url: Option<String>,
        base_url: String,
        user: StaffUser,
        token: String,
        cache: Arc<Cache>,
    ) -> Result<Session, WicketError> {
        let client = ServerClient::new(&base_url)?;
        let lists = Arc::new(lists::ListWatch::new(cache.clone(), self.listener.clone()));
        // What a sync round took may change the drafts' or segments' lists.
        let engine_listener: SyncListener = {
            let (listener, lists) = (self.listener.clone(), lists.clone());
            Arc::new(move |event: SyncEvent| {
                let data = event == SyncEvent::DataChanged;
                listener(event);
                if data {
                    lists.check_soon();
                }
            })
        };
        let engine = SyncEngine::start(cache.clone(), client.clone(), token.clone(), engine_listener);
        let session = Session::new(mode, server_url.clone(), Some(user.clone()));
        let _housekeeping = housekeeping::start(cache.clone());
        let workspace = Workspace {
            key,
            mode,
            server_url,
            user,
            cache,
            engine,
            client,
            token,
            _housekeeping,
            lists: lists.clone(),
        };
        let previous = self.workspace.lock().await.replace(workspace);
        if let Some(previous) = previous {
            previous.engine.stop();
        }
        (self.listener)(SyncEvent::DataChanged);
        lists.check_now().await;
        Ok(session)
    }

    async fn close_workspace(&self) {
        if let Some(ws) = self.workspace.lock().await.take() {
            ws.engine.stop();
        }
    }

    /// The embedded server's address, starting it on a free loopback port.
    async fn local_server_url(&self) -> Result<String, WicketError> {
        let mut slot = self.local_server.lock().await;
        if let Some(server) = &*slot {
            return Ok(server.base_url());
        }
        let config = ServerConfig {
            data_dir: self.data_dir.join("local-server"),
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let server = wicket_server::start(config, Arc::new(SystemClock))
            .await
            .map_err(|e| storage(format!("cannot start the local server: {e}")))?;
        let url = server.base_url();
        *slot = Some(server);
        Ok(url)
    }
}

fn local_key() -> String {
    "local".into()
}

/// One workspace per server and staff member.
fn team_key(server_url: &str, login: &str) -> String {
    let digest = Sha256::digest(format!("{server_url}\n{}", login.trim().to_lowercase()).as_bytes());
    format!("team-{}", &hex::encode(digest)[..16])
}

fn signed_out_status() -> SyncStatus {
    SyncStatus { connection: Connection::SignedOut, pending: 0, rejected: 0, last_synced_at: None, last_error: None }
}

async fn blocking<T, F>(cache: &Arc<Cache>, job: F) -> Result<T, WicketError>
where
    T: Send + 'static,
    F: FnOnce(&Cache) -> Result<T, StoreError> + Send + 'static,
{
    let cache = cache.clone();
    tokio::task::spawn_blocking(move || job(&cache))
        .await
        .map_err(|e| internal(format!("cache task failed: {e}")))?
        .map_err(store_error)
}

fn store_error(error: StoreError) -> WicketError {
    tracing::error!(%error, "cache failure");
    storage(error.to_string())
}

fn storage(message: impl Into<String>) -> WicketError {
    WicketError::new(ErrorCode::Storage, message)
}

fn internal(message: impl Into<String>) -> WicketError {
    WicketError::new(ErrorCode::Internal, message)
}

fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod alipay_tests;
#[cfg(test)]
mod deltas_tests;
#[cfg(test)]
mod followers_tests;
#[cfg(test)]
mod inbox_tests;
#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod media_tests;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wechat_tests;
