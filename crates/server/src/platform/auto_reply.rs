//! Automatic replies, run by the server: each account's rules indexed once
//! into a [`Matcher`] and kept until a rule changes. [`super::receive`]
//! asks for the account's matcher before it stores a subscriber's message
//! and answers inside the same decision, so a platform's retried callback
//! is answered once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use wicket_model::auto_reply::Matcher;

use crate::storage::StorageError;
use crate::AppState;

/// Each account's matcher, built from its stored rules on first use.
#[derive(Default)]
pub struct AutoReplies {
    matchers: Mutex<HashMap<String, Arc<Matcher>>>,
    /// Raised whenever rules change, so a matcher built from rules read
    /// before the change is not kept.
    generation: AtomicU64,
}

impl AutoReplies {
    /// The account's matcher: the cached one, or one built from its rules.
    pub async fn matcher(&self, state: &AppState, account_id: &str) -> Result<Arc<Matcher>, StorageError> {
        if let Some(matcher) = self.lock().get(account_id) {
            return Ok(matcher.clone());
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let rules = state.storage.auto_reply_rules(account_id).await?;
        let matcher = Arc::new(Matcher::build(&rules));
        let mut matchers = self.lock();
        if self.generation.load(Ordering::SeqCst) == generation {
            matchers.insert(account_id.to_owned(), matcher.clone());
        }
        Ok(matcher)
    }

    /// Rules changed: every matcher is built again on its next use.
    pub fn forget(&self) {
        let mut matchers = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        matchers.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Matcher>>> {
        self.matchers.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
