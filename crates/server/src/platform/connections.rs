//! An account's connection to a real platform, kept the same way for every
//! adapter: its settings in plain JSON, its secrets sealed with the server's
//! key (bound to the account), the state the console shows, and the last
//! refused inbound request held in memory only (a forged request writes
//! nothing, yet staff see it).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::Serialize;
use wicket_model::Millis;

use crate::platform::secrets::{SecretsError, Vault};
use crate::platform::store::StoredConnection;
use crate::storage::StorageError;
use crate::AppState;

/// Why a stored connection could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error("this server has no secrets key, so it cannot keep platform secrets")]
    NoKey,
    #[error("the stored connection cannot be read: {0}")]
    Corrupt(String),
    #[error("the stored keys are unusable: {0}")]
    Unusable(String),
}

/// The part of a connection's state that records its last error.
pub trait LastError {
    fn last_error_at(&self) -> Option<Millis>;
    fn set_last_error(&mut self, at: Millis, error: String);
}

impl LastError for wicket_model::wechat::WechatConnectionState {
    fn last_error_at(&self) -> Option<Millis> {
        self.last_error_at
    }
    fn set_last_error(&mut self, at: Millis, error: String) {
        self.last_error = Some(error);
        self.last_error_at = Some(at);
    }
}

impl LastError for wicket_model::alipay::AlipayConnectionState {
    fn last_error_at(&self) -> Option<Millis> {
        self.last_error_at
    }
    fn set_last_error(&mut self, at: Millis, error: String) {
        self.last_error = Some(error);
        self.last_error_at = Some(at);
    }
}

/// A connection as stored, opened: what the adapter builds its own
/// connection type from.
pub struct Loaded<Settings, Secrets, State> {
    pub settings: Settings,
    pub secrets: Secrets,
    pub state: State,
}

/// One platform's connections: `platform` names the rows it owns.
pub struct Connections<Settings, Secrets, State> {
    platform: &'static str,
    vault: Arc<Vault>,
    /// The last refused inbound request per account, in memory only.
    refusals: Mutex<HashMap<String, (Millis, String)>>,
    kinds: PhantomData<Loaded<Settings, Secrets, State>>,
}

impl<Settings, Secrets, State> Connections<Settings, Secrets, State>
where
    Settings: Serialize + DeserializeOwned,
    Secrets: Serialize + DeserializeOwned,
    State: Serialize + DeserializeOwned + Default + LastError,
{
    pub fn new(platform: &'static str, vault: Arc<Vault>) -> Self {
        Self { platform, vault, refusals: Mutex::new(HashMap::new()), kinds: PhantomData }
    }

    /// The account's connection to this platform, opened, with a refusal
    /// newer than the stored last error shown as the last error.
    pub async fn load(
        &self,
        state: &AppState,
        account_id: &str,
    ) -> Result<Option<Loaded<Settings, Secrets, State>>, ConnectionError> {
        let Some(stored) = state.storage.platforms().connection(account_id).await? else { return Ok(None) };
        if stored.platform != self.platform {
            return Ok(None);
        }
        let settings: Settings = serde_json::from_str(&stored.settings).map_err(corrupt)?;
        let key = self.vault.key().ok_or(ConnectionError::NoKey)?;
        let secrets: Secrets = serde_json::from_slice(&key.open(account_id, &stored.sealed)?).map_err(corrupt)?;
        let mut connection_state: State = serde_json::from_str(&stored.state).unwrap_or_default();
        if let Some((at, error)) = self.refusals.lock().unwrap_or_else(|p| p.into_inner()).get(account_id) {
            if connection_state.last_error_at().is_none_or(|known| *at > known) {
                connection_state.set_last_error(*at, error.clone());
            }
        }
        Ok(Some(Loaded { settings, secrets, state: connection_state }))
    }

    /// Keeps the account's connection, its secrets sealed (the key is made
    /// in its file first if needed).
    pub async fn save(
        &self,
        state: &AppState,
        account_id: &str,
        settings: &Settings,
        secrets: &Secrets,
        connection_state: &State,
    ) -> Result<(), ConnectionError> {
        let settings = serde_json::to_string(settings).map_err(corrupt)?;
        let secrets = serde_json::to_vec(secrets).map_err(corrupt)?;
        let key = self.vault.sealing_key()?.ok_or(ConnectionError::NoKey)?;
        let stored = StoredConnection {
            account_id: account_id.to_owned(),
            platform: self.platform.into(),
            settings,
            sealed: key.seal(account_id, &secrets),
            state: serde_json::to_string(connection_state).map_err(corrupt)?,
            updated_at: state.clock.now(),
        };
        state.storage.platforms().save_connection(stored).await?;
        Ok(())
    }

    /// Changes the state the console shows; failures are logged only.
    pub async fn update_state(&self, state: &AppState, account_id: &str, change: impl FnOnce(&mut State)) {
        let result = async {
            let Some(stored) = state.storage.platforms().connection(account_id).await? else { return Ok(()) };
            if stored.platform != self.platform {
                return Ok(());
            }
            let mut current: State = serde_json::from_str(&stored.state).unwrap_or_default();
            change(&mut current);
            let json = serde_json::to_string(&current).unwrap_or_else(|_| "{}".into());
            state.storage.platforms().save_connection_state(account_id, json).await
        };
        if let Err(e) = result.await {
            tracing::warn!(account = %account_id, platform = self.platform, error = %e, "cannot keep the connection's state");
        }
    }

    /// Remembers a refused inbound request (in memory only).
    pub fn note_refusal(&self, account_id: &str, at: Millis, error: String) {
        self.refusals.lock().unwrap_or_else(|p| p.into_inner()).insert(account_id.to_owned(), (at, error));
    }
}

fn corrupt(e: serde_json::Error) -> ConnectionError {
    ConnectionError::Corrupt(e.to_string())
}
