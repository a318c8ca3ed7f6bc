//! Canned replies for the composer's `/` picker. They are kept in this
//! workspace's cache on this computer and are not synced: sharing them with
//! the team would go through the server later.

use wicket_model::canned::{shortcut_taken, CannedReply, CannedReplyDraft};
use wicket_model::WicketError;
use wicket_store::CannedSave;

use crate::{blocking, now_ms, Console};

impl Console {
    pub async fn canned_replies(&self) -> Result<Vec<CannedReply>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, |c| c.canned_replies()).await
    }

    /// Creates a canned reply (`draft.id` None) or changes one; the rules'
    /// issues come back per field.
    pub async fn save_canned_reply(&self, draft: CannedReplyDraft) -> Result<CannedReply, WicketError> {
        let draft = draft.normalized().map_err(WicketError::invalid)?;
        let cache = self.cache().await?;
        let id = match draft.id {
            Some(id) => {
                let known = blocking(&cache, |c| c.canned_replies()).await?;
                if !known.iter().any(|reply| reply.id == id) {
                    return Err(WicketError::not_found(format!("canned reply {id}")));
                }
                id
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        let reply =
            CannedReply { id, shortcut: draft.shortcut, title: draft.title, body: draft.body, updated_at: now_ms() };
        let saved = reply.clone();
        match blocking(&cache, move |c| c.save_canned_reply(&saved)).await? {
            CannedSave::Saved => Ok(reply),
            CannedSave::ShortcutTaken => Err(WicketError::invalid(vec![shortcut_taken(&reply.shortcut)])),
        }
    }

    pub async fn delete_canned_reply(&self, id: String) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        let what = format!("canned reply {id}");
        if blocking(&cache, move |c| c.delete_canned_reply(&id)).await? {
            Ok(())
        } else {
            Err(WicketError::not_found(what))
        }
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::ErrorCode;

    use crate::tests::quiet;
    use crate::{Console, TokenStore};

    use super::*;

    fn draft(id: Option<&str>, shortcut: &str, title: &str, body: &str) -> CannedReplyDraft {
        CannedReplyDraft { id: id.map(Into::into), shortcut: shortcut.into(), title: title.into(), body: body.into() }
    }

    #[tokio::test]
    async fn canned_replies_are_kept_per_workspace_with_their_rules() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        assert_eq!(
            console.canned_replies().await.unwrap_err().code,
            ErrorCode::Unauthorized,
            "they belong to a workspace: none before signing in"
        );
        console.start_local("Owner").await.unwrap();
        assert!(console.canned_replies().await.unwrap().is_empty(), "a new workspace has none");

        let hours = console
            .save_canned_reply(draft(None, "/hours", "Opening hours", "{{account.name}} opens at 9."))
            .await
            .unwrap();
        assert_eq!(hours.shortcut, "hours", "the typed slash is not part of the shortcut");
        let taken = console.save_canned_reply(draft(None, "HOURS", "Again", "Dup")).await.unwrap_err();
        assert_eq!(taken.code, ErrorCode::Invalid);
        assert_eq!(
            (taken.issues[0].path.as_str(), taken.issues[0].key.as_str()),
            ("shortcut", "canned.shortcut.taken"),
            "a shortcut taken in another case is refused on its field"
        );
        let invalid = console.save_canned_reply(draft(None, "a b", "", "x")).await.unwrap_err();
        let keys: Vec<_> = invalid.issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["canned.shortcut.invalid_chars", "canned.title.required"], "every field's issue at once");

        let edited =
            console.save_canned_reply(draft(Some(&hours.id), "Hours", "Hours", "We open at 9.")).await.unwrap();
        assert_eq!(edited.id, hours.id, "an edit keeps the id");
        assert_eq!(console.canned_replies().await.unwrap(), [edited], "edited in place");

        console.delete_canned_reply(hours.id.clone()).await.unwrap();
        assert!(console.canned_replies().await.unwrap().is_empty());
        let gone = console.save_canned_reply(draft(Some(&hours.id), "hours", "Hours", "Back")).await.unwrap_err();
        assert_eq!(gone.code, ErrorCode::NotFound, "an edit of a deleted reply does not bring it back");
        assert_eq!(console.delete_canned_reply(hours.id).await.unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(console.sync_status().await.pending, 0, "canned replies never enter the outbox");
        console.shutdown().await;
    }
}
