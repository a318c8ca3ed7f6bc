//! Broadcast drafts in the console: what staff type in the broadcast
//! composer, saved as they type through the outbox (offline too) and listed
//! from the cache with the waiting edits on top, as saved segments are.

use wicket_model::broadcast_draft::{BroadcastDraftEdit, BroadcastDraftItem};
use wicket_model::{Mutation, WicketError};

use crate::{blocking, Console};

impl Console {
    /// An account's broadcast drafts from the cache, the last edited first.
    pub async fn broadcast_drafts(&self, account_id: String) -> Result<Vec<BroadcastDraftItem>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.broadcast_drafts(&account_id)).await
    }

    /// Saves a draft (a new one, or an update by its id) through the outbox.
    pub async fn save_broadcast_draft(&self, edit: BroadcastDraftEdit) -> Result<(), WicketError> {
        self.write(Mutation::SaveBroadcastDraft(edit)).await
    }

    /// Deletes a draft (staff's choice, or once it was sent) through the outbox.
    pub async fn delete_broadcast_draft(&self, id: String) -> Result<(), WicketError> {
        self.write(Mutation::DeleteBroadcastDraft { id }).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wicket_model::broadcast::Audience;
    use wicket_model::conversation::MessageBody;
    use wicket_model::Role;
    use wicket_test_support::start_server_on;

    use crate::test_support::{team_with_account, Team, WAIT};
    use crate::tests::{quiet, until_synced};
    use crate::{Console, TokenStore};

    use super::*;

    /// Reads `console`'s drafts of `account` until `done` holds, syncing meanwhile.
    async fn until_listed(
        console: &Console,
        account: &str,
        done: impl Fn(&[BroadcastDraftItem]) -> bool,
    ) -> Vec<BroadcastDraftItem> {
        tokio::time::timeout(WAIT, async {
            loop {
                console.sync_now().await;
                let listed = console.broadcast_drafts(account.to_owned()).await.unwrap();
                if done(&listed) {
                    return listed;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the console's cache caught up")
    }

    #[tokio::test]
    async fn a_draft_written_offline_on_one_console_reaches_a_colleagues_after_the_sync_and_so_does_its_deletion() {
        let Team { server_dir, server, addr, console_dir: _console_dir, console, account } =
            team_with_account("街角咖啡").await;
        let hash = wicket_server::auth::hash_password("colleague password").unwrap();
        server.state.create_staff("mei", "Mei", Role::Agent, hash).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let colleague = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        colleague.sign_in(&server.base_url(), "mei", "colleague password").await.unwrap();

        // Offline: the owner types a draft; it is kept on this computer, waiting.
        server.stop().await;
        let edit = |text: &str| BroadcastDraftEdit {
            id: "draft-1".into(),
            account_id: account.clone(),
            content: MessageBody::Text { text: text.into() },
            audience: Audience::All,
            send_at: None,
        };
        console.save_broadcast_draft(edit("")).await.unwrap();
        console.save_broadcast_draft(edit("周末燕麦拿铁买一送一")).await.unwrap();
        let listed = console.broadcast_drafts(account.clone()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].waiting, "offline, the draft waits in the outbox");
        assert_eq!(listed[0].draft.content, MessageBody::Text { text: "周末燕麦拿铁买一送一".into() });

        // Back online: it reaches the server, then the colleague's console.
        let server = start_server_on(server_dir.path(), addr).await;
        until_synced(&console).await;
        assert!(!console.broadcast_drafts(account.clone()).await.unwrap()[0].waiting, "synced");
        let seen = until_listed(&colleague, &account, |l| l.len() == 1).await;
        assert_eq!(seen[0].draft.content, MessageBody::Text { text: "周末燕麦拿铁买一送一".into() });
        assert!(!seen[0].waiting);

        // The colleague continues it; the owner's console hears of the edit.
        colleague.save_broadcast_draft(edit("周末燕麦拿铁第二杯半价")).await.unwrap();
        until_synced(&colleague).await;
        until_listed(&console, &account, |l| {
            l.first().is_some_and(|i| {
                i.draft.content == MessageBody::Text { text: "周末燕麦拿铁第二杯半价".into() }
            })
        })
        .await;

        // Deleted on the owner's console: gone there at once, and from the colleague's after the sync.
        console.delete_broadcast_draft("draft-1".into()).await.unwrap();
        assert!(console.broadcast_drafts(account.clone()).await.unwrap().is_empty());
        until_synced(&console).await;
        until_listed(&colleague, &account, <[BroadcastDraftItem]>::is_empty).await;
        colleague.shutdown().await;
        console.shutdown().await;
        server.stop().await;
    }
}
