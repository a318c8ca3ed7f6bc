//! Platform secrets at rest (WeChat's AppSecret and keys, Alipay's
//! application private key): sealed with AES-256-GCM under the server's
//! secrets key, with the account id as associated data so a sealed value
//! copied onto another account does not open. Every adapter seals through
//! the one [`Vault`] of the server.
//!
//! The key lives in a file outside the database (`--secrets-key-file`; by
//! default beside the data folder, not inside it): a copy of the database or
//! of the data folder (a backup, a support bundle) then holds only ciphertext.
//! The file is made with mode 0600, readable by the server's user alone,
//! when the first connection is saved: a server that never connects a
//! platform (the desktop's local mode, tests) leaves no key file behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;

const NONCE_LEN: usize = 12;
/// The first byte of a sealed value: how it was sealed.
const VERSION: u8 = 1;

/// The server's key for platform secrets.
#[derive(Clone)]
pub struct SecretsKey(Aes256Gcm);

impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(<hidden>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the secrets key file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot create the secrets key file {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
    #[error("the secrets key file {0} does not hold a key (32 bytes in base64)")]
    Malformed(PathBuf),
    #[error("a stored secret cannot be opened with this server's secrets key (was the key file replaced?)")]
    Open,
}

impl SecretsKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(bytes.into()))
    }

    /// The key in `path`; `None` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<Self>, SecretsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|_| SecretsError::Malformed(path.to_owned()))?;
                let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretsError::Malformed(path.to_owned()))?;
                Ok(Some(Self::from_bytes(&bytes)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SecretsError::Read { path: path.to_owned(), source }),
        }
    }

    /// The key in `path`, made there first when the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, SecretsError> {
        match Self::load(path)? {
            Some(key) => Ok(key),
            None => {
                let mut bytes = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut bytes);
                let create = |source| SecretsError::Create { path: path.to_owned(), source };
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(create)?;
                }
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(create)?;
                let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                file.write_all(format!("{text}\n").as_bytes()).and_then(|()| file.sync_all()).map_err(create)?;
                tracing::info!(path = %path.display(), "made a new secrets key for platform connections");
                Ok(Self::from_bytes(&bytes))
            }
        }
    }

    /// `plaintext` sealed for `context` (the account id).
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: context.as_bytes() })
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SecretsError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(SecretsError::Open);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        self.0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: context.as_bytes() })
            .map_err(|_| SecretsError::Open)
    }
}

/// The server's secrets key and where it is kept, shared by the adapters.
#[derive(Debug, Default)]
pub struct Vault {
    source: Mutex<KeySource>,
}

#[derive(Debug, Default)]
struct KeySource {
    file: Option<PathBuf>,
    key: Option<SecretsKey>,
}

impl Vault {
    /// Uses this secrets key.
    pub fn set_key(&self, key: SecretsKey) {
        self.source.lock().unwrap_or_else(|p| p.into_inner()).key = Some(key);
    }

    /// Keeps the secrets key in `path`: read now when the file exists (a
    /// malformed one stops the server at start), made when the first
    /// connection is saved otherwise.
    pub fn set_key_file(&self, path: PathBuf) -> Result<(), SecretsError> {
        let key = SecretsKey::load(&path)?;
        let mut source = self.source.lock().unwrap_or_else(|p| p.into_inner());
        source.key = key.or(source.key.take());
        source.file = Some(path);
        Ok(())
    }

    /// The key to open secrets with; `None` when the server has none.
    pub fn key(&self) -> Option<SecretsKey> {
        self.source.lock().unwrap_or_else(|p| p.into_inner()).key.clone()
    }

    /// The key to seal secrets with, made in its file first if needed;
    /// `Ok(None)` when the server has neither a key nor a file for one.
    pub fn sealing_key(&self) -> Result<Option<SecretsKey>, SecretsError> {
        let mut source = self.source.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(key) = &source.key {
            return Ok(Some(key.clone()));
        }
        let Some(file) = source.file.clone() else { return Ok(None) };
        let key = SecretsKey::load_or_create(&file)?;
        source.key = Some(key.clone());
        Ok(Some(key))
    }
}

/// Where the key file goes when none is named: beside the data folder
/// (`wicket-data` → `wicket-data.secrets-key`), so copying the folder
/// does not copy the key.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    let mut name = data_dir.as_os_str().to_owned();
    if name.is_empty() {
        name.push(".");
    }
    name.push(".secrets-key");
    PathBuf::from(name)
}

/// Shows the last four characters of a secret, as the console does.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    if count <= 8 {
        return "•".repeat(count.max(4));
    }
    let tail: String = secret.chars().skip(count - 4).collect();
    format!("{}{tail}", "•".repeat(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_for_its_account_only() {
        let key = SecretsKey::from_bytes(&[7; 32]);
        let sealed = key.seal("acc-1", b"app secret");
        assert!(!sealed.windows(10).any(|w| w == b"app secret"), "the secret is not stored in the clear");
        assert_eq!(key.open("acc-1", &sealed).unwrap(), b"app secret");
        assert!(key.open("acc-2", &sealed).is_err(), "copied onto another account it does not open");
        assert!(SecretsKey::from_bytes(&[8; 32]).open("acc-1", &sealed).is_err(), "another key cannot open it");
    }

    #[test]
    fn the_key_file_is_made_once_readable_by_the_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = default_key_path(&dir.path().join("data"));
        assert_eq!(path.file_name().unwrap(), "data.secrets-key", "beside the data folder, not in it");
        assert!(SecretsKey::load(&path).unwrap().is_none(), "no file before it is needed");
        let first = SecretsKey::load_or_create(&path).unwrap();
        let sealed = first.seal("a", b"s");
        let again = SecretsKey::load_or_create(&path).unwrap();
        assert_eq!(again.open("a", &sealed).unwrap(), b"s", "the same key is read back");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn masks_show_only_the_tail() {
        assert_eq!(mask("0123456789abcdef"), "••••••••cdef");
        assert_eq!(mask("short"), "•••••");
    }
}
