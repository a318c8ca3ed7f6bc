//! The files the console may read or write for staff: only those the native
//! file dialog returned in this run. The window asks Rust to open the dialog
//! and gets the path back; a path that did not come from it (typed into a
//! devtools console, sent by a compromised page) is refused, so the commands
//! that import, export or attach a file cannot be pointed at `~/.ssh` or the
//! cache itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use specta::Type;
use wicket_model::{ErrorCode, Issue, WicketError};

/// A kind of file the dialog offers: its name in the staff's language and
/// its extensions without the dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FileFilter {
    pub name: String,
    pub extensions: Vec<String>,
}

/// What a chosen file is for: a file picked to open is never written, one
/// picked to save to is never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileUse {
    Read,
    Write,
}

/// The paths the native dialog returned in this run, by use.
#[derive(Debug, Default)]
pub struct ChosenFiles {
    chosen: Mutex<HashSet<(FileUse, PathBuf)>>,
}

impl ChosenFiles {
    /// Records a path the native dialog returned.
    pub fn chosen(&self, path: &Path, use_: FileUse) {
        self.lock().insert((use_, path.to_owned()));
    }

    /// `path` if the dialog returned it for `use_` in this run; otherwise a
    /// refusal that says so.
    pub fn check(&self, path: &str, use_: FileUse) -> Result<PathBuf, WicketError> {
        let path = PathBuf::from(path);
        if self.lock().contains(&(use_, path.clone())) {
            return Ok(path);
        }
        let mut error = WicketError::new(
            ErrorCode::Forbidden,
            format!("{} was not chosen in the file dialog; choose the file again", path.display()),
        );
        error.issues.push(Issue::new("path", "file.not_chosen"));
        Err(error)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<(FileUse, PathBuf)>> {
        // A set of paths cannot be left half-changed by a panic.
        self.chosen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_the_dialog_returned_is_used_and_only_as_chosen() {
        let files = ChosenFiles::default();
        let refused = files.check("/home/me/.ssh/id_ed25519", FileUse::Read).unwrap_err();
        assert_eq!((refused.code, refused.issues[0].key.as_str()), (ErrorCode::Forbidden, "file.not_chosen"));
        files.chosen(Path::new("/home/me/menu.json"), FileUse::Read);
        files.chosen(Path::new("/home/me/out.json"), FileUse::Write);
        assert_eq!(files.check("/home/me/menu.json", FileUse::Read).unwrap(), Path::new("/home/me/menu.json"));
        assert!(files.check("/home/me/menu.json", FileUse::Write).is_err(), "a file opened is not written");
        assert!(files.check("/home/me/out.json", FileUse::Read).is_err(), "a file saved to is not read");
        assert!(files.check("/home/me/out.json", FileUse::Write).is_ok());
        assert!(files.check("/home/me/../me/menu.json", FileUse::Read).is_err(), "another spelling is another path");
    }
}
