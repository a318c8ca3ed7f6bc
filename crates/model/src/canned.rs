//! Canned replies: texts staff insert into a reply with `/shortcut`.
//!
//! They are kept in each workspace's cache on this computer, not synced:
//! sharing them across a team would go through the server later. The texts
//! may hold `{{subscriber.name}}`, `{{account.name}}` and placeholders of
//! the agent's own (`{{order}}`), which the composer fills in.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::conversation;
use crate::error::Issue;
use crate::Millis;

pub mod limits {
    pub const SHORTCUT_MAX_CHARS: usize = 32;
    pub const TITLE_MAX_CHARS: usize = 40;
    /// A canned reply is sent as one text message, so it keeps its limit.
    pub const BODY_MAX_BYTES: usize = super::conversation::limits::TEXT_MAX_BYTES;
}

/// A canned reply as kept in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CannedReply {
    pub id: String,
    /// Typed after `/` in the composer; unique, case-insensitively.
    pub shortcut: String,
    pub title: String,
    pub body: String,
    pub updated_at: Millis,
}

/// What staff fill in: `id` is None for a new canned reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CannedReplyDraft {
    pub id: Option<String>,
    pub shortcut: String,
    pub title: String,
    pub body: String,
}

impl CannedReplyDraft {
    /// The draft tidied (surrounding spaces, a typed leading `/` dropped),
    /// or every rule it breaks.
    pub fn normalized(mut self) -> Result<Self, Vec<Issue>> {
        self.shortcut = self.shortcut.trim().trim_start_matches('/').to_owned();
        self.title = self.title.trim().to_owned();
        self.body = self.body.trim().to_owned();
        let mut issues = Vec::new();
        check_shortcut(&self.shortcut, &mut issues);
        let title_chars = self.title.chars().count();
        if title_chars == 0 {
            issues.push(Issue::new("title", "canned.title.required"));
        } else if title_chars > limits::TITLE_MAX_CHARS {
            issues.push(
                Issue::new("title", "canned.title.too_long")
                    .with("max", limits::TITLE_MAX_CHARS)
                    .with("actual", title_chars),
            );
        }
        if self.body.is_empty() {
            issues.push(Issue::new("body", "canned.body.required"));
        } else if self.body.len() > limits::BODY_MAX_BYTES {
            issues.push(
                Issue::new("body", "canned.body.too_long")
                    .with("max", limits::BODY_MAX_BYTES)
                    .with("actual", self.body.len()),
            );
        }
        if issues.is_empty() {
            Ok(self)
        } else {
            Err(issues)
        }
    }
}

/// Letters (any script, so `/问候` works) and digits, `-` and `_`: what
/// can follow a `/` without ending the shortcut.
fn check_shortcut(shortcut: &str, issues: &mut Vec<Issue>) {
    let chars = shortcut.chars().count();
    if chars == 0 {
        issues.push(Issue::new("shortcut", "canned.shortcut.required"));
    } else if chars > limits::SHORTCUT_MAX_CHARS {
        issues.push(
            Issue::new("shortcut", "canned.shortcut.too_long")
                .with("max", limits::SHORTCUT_MAX_CHARS)
                .with("actual", chars),
        );
    } else if !shortcut.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        issues.push(Issue::new("shortcut", "canned.shortcut.invalid_chars"));
    }
}

/// Two shortcuts are the same when they differ only in case.
pub fn same_shortcut(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// The issue for a shortcut another canned reply already has.
pub fn shortcut_taken(shortcut: &str) -> Issue {
    Issue::new("shortcut", "canned.shortcut.taken").with("shortcut", shortcut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(shortcut: &str, title: &str, body: &str) -> CannedReplyDraft {
        CannedReplyDraft { id: None, shortcut: shortcut.into(), title: title.into(), body: body.into() }
    }

    fn keys(result: Result<CannedReplyDraft, Vec<Issue>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|issue| issue.key).collect::<Vec<_>>()
    }

    #[test]
    fn a_tidy_draft_passes_and_a_typed_slash_is_dropped() {
        let clean = draft(" /refund-2 ", " Refund ", " We refund in 3 days. \n").normalized().unwrap();
        assert_eq!((clean.shortcut.as_str(), clean.title.as_str()), ("refund-2", "Refund"), "trimmed");
        assert_eq!(clean.body, "We refund in 3 days.", "the body is trimmed at both ends");
        assert!(draft("问候_1", "问候", "您好").normalized().is_ok(), "Chinese letters make a shortcut");
    }

    #[test]
    fn each_field_says_what_is_wrong() {
        assert_eq!(
            keys(draft("", "", "  ").normalized()),
            ["canned.shortcut.required", "canned.title.required", "canned.body.required"],
            "empty fields are each reported"
        );
        assert_eq!(keys(draft("a b", "t", "b").normalized()), ["canned.shortcut.invalid_chars"], "no spaces");
        assert_eq!(keys(draft("a.b", "t", "b").normalized()), ["canned.shortcut.invalid_chars"], "no dots");
        let long_shortcut = "s".repeat(limits::SHORTCUT_MAX_CHARS + 1);
        assert_eq!(keys(draft(&long_shortcut, "t", "b").normalized()), ["canned.shortcut.too_long"]);
        assert!(draft(&"s".repeat(limits::SHORTCUT_MAX_CHARS), "t", "b").normalized().is_ok(), "32 is allowed");
        let long_title = "标".repeat(limits::TITLE_MAX_CHARS + 1);
        assert_eq!(keys(draft("s", &long_title, "b").normalized()), ["canned.title.too_long"], "counted in chars");
        let long_body = "字".repeat(limits::BODY_MAX_BYTES / 3 + 1);
        let issues = draft("s", "t", &long_body).normalized().unwrap_err();
        assert_eq!(issues[0].key, "canned.body.too_long", "the body is measured in bytes, as messages are");
        assert_eq!(issues[0].param("max"), Some("2048"));
    }

    #[test]
    fn shortcuts_compare_without_case() {
        assert!(same_shortcut("Refund", "refund"));
        assert!(!same_shortcut("refund", "refunds"));
    }
}
