//! Where session tokens live: the OS keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) when one answers,
//! otherwise a file that only the user can read. Never the settings file.

use std::path::{Path, PathBuf};

const SERVICE: &str = "wicket-console";

pub struct TokenStore {
    /// Folder for the fallback files.
    dir: PathBuf,
    use_keyring: bool,
}

impl TokenStore {
    pub fn new(dir: &Path) -> Self {
        // WICKET_TOKEN_STORE=file skips the keyring (headless test machines).
        let use_keyring = std::env::var("WICKET_TOKEN_STORE").map(|v| v != "file").unwrap_or(true);
        Self { dir: dir.to_owned(), use_keyring }
    }

    pub fn file_only(dir: &Path) -> Self {
        Self { dir: dir.to_owned(), use_keyring: false }
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.token"))
    }

    pub fn save(&self, key: &str, token: &str) -> std::io::Result<()> {
        if self.use_keyring {
            match keyring::Entry::new(SERVICE, key).and_then(|entry| entry.set_password(token)) {
                Ok(()) => {
                    // A token from an earlier fallback must not outlive this one.
                    remove_if_present(&self.file(key))?;
                    return Ok(());
                }
                Err(e) => {
                    tracing::info!(error = %e, "no OS keyring; keeping the session token in a private file")
                }
            }
        }
        write_private(&self.file(key), token)
    }

    pub fn load(&self, key: &str) -> Option<String> {
        if self.use_keyring {
            if let Ok(token) = keyring::Entry::new(SERVICE, key).and_then(|entry| entry.get_password()) {
                return Some(token);
            }
        }
        std::fs::read_to_string(self.file(key)).ok().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
    }

    pub fn delete(&self, key: &str) -> std::io::Result<()> {
        if self.use_keyring {
            if let Ok(entry) = keyring::Entry::new(SERVICE, key) {
                // Missing entries and absent keyrings are both fine here.
                let _ignored = entry.delete_credential();
            }
        }
        remove_if_present(&self.file(key))
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn write_private(path: &Path, token: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options.open(path)?;
    file.write_all(token.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_token_is_private_and_removable() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::file_only(dir.path());
        store.save("w1", "secret").unwrap();
        assert_eq!(store.load("w1").as_deref(), Some("secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("w1.token")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the user can read the token");
        }
        store.delete("w1").unwrap();
        assert_eq!(store.load("w1"), None);
        store.delete("w1").unwrap();
    }
}
