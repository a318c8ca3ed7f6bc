//! The one error shape that crosses every boundary: server responses, the
//! console's IPC and the UI. `code` is what callers branch on; `message` is a
//! readable English fallback; `issues` carry field-level problems whose `key`
//! the UI translates.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What went wrong, as far as a caller needs to act on it. A code exists only
/// where some caller branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input broke a rule; `issues` says which.
    Invalid,
    /// No valid session: sign in again.
    Unauthorized,
    /// Signed in, but the role does not allow this.
    Forbidden,
    NotFound,
    /// A stale write: someone changed the thing meanwhile.
    Conflict,
    /// The request or the file is larger than allowed.
    TooLarge,
    /// Too many attempts; try again later.
    RateLimited,
    /// The server could not be reached.
    Offline,
    /// The local cache could not be read or written.
    Storage,
    /// A bug or an unexpected state; the message has details for a report.
    Internal,
}

/// One problem with one field, found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Issue {
    /// Where the problem is, as a dotted path (`name`, `menu.0.label`).
    pub path: String,
    /// The i18n key of the message, e.g. `account.name.too_long`.
    pub key: String,
    /// Values the message needs (`max`, `actual`, …), as text.
    pub params: Vec<(String, String)>,
}

impl Issue {
    pub fn new(path: impl Into<String>, key: impl Into<String>) -> Self {
        Self { path: path.into(), key: key.into(), params: Vec::new() }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_owned(), value.to_string()));
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// An error as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct WicketError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
}

impl WicketError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), issues: Vec::new() }
    }

    pub fn invalid(issues: Vec<Issue>) -> Self {
        let message = issues.iter().map(|i| format!("{}: {}", i.path, i.key)).collect::<Vec<_>>().join("; ");
        Self { code: ErrorCode::Invalid, message, issues }
    }

    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} was not found"))
    }
}
