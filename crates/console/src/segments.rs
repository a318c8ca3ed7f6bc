//! Saved segments in the console: listed from the cache with the waiting
//! edits on top and each one's subscriber count (offline too), checked as
//! staff type a name, and saved, renamed and deleted offline through the
//! outbox, as automatic-reply rules are.

use wicket_model::segment::{self, SegmentDraft, SegmentItem};
use wicket_model::{Issue, Mutation, WicketError};

use crate::{blocking, now_ms, Console};

impl Console {
    /// An account's saved segments by name, each with how many subscribers
    /// it holds now, counted from the cache.
    pub async fn saved_segments(&self, account_id: String) -> Result<Vec<SegmentItem>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.saved_segments(&account_id, now_ms())).await
    }

    /// What the rules refuse in `draft`, per field, without saving anything
    /// (the inline checks of the name field).
    pub async fn check_segment(&self, draft: SegmentDraft) -> Result<Vec<Issue>, WicketError> {
        let cache = self.cache().await?;
        let (world, _) = blocking(&cache, |c| c.segment_world()).await?;
        if !world.accounts.contains_key(&draft.account_id) {
            return Err(WicketError::not_found(format!("account {}", draft.account_id)));
        }
        let others: Vec<_> = world.segments.into_values().collect();
        Ok(segment::check(&draft, &others))
    }

    /// Saves a segment (a new one, or a rename or edit by its id) through
    /// the outbox.
    pub async fn save_segment(&self, draft: SegmentDraft) -> Result<(), WicketError> {
        self.write(Mutation::SaveSegment(draft)).await
    }

    pub async fn delete_segment(&self, id: String) -> Result<(), WicketError> {
        self.write(Mutation::DeleteSegment { id }).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wicket_model::broadcast::SegmentFilter;
    use wicket_model::{AccountDraft, ErrorCode, PlatformProfile, Role};

    use crate::test_support::{team_with_account, WAIT};
    use crate::tests::{a_subscriber_says, quiet, until_synced};
    use crate::{Console, TokenStore};

    use super::*;

    #[tokio::test]
    async fn segments_are_saved_offline_checked_inline_synced_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        console.start_local("Owner").await.unwrap();
        let account = console
            .create_account(AccountDraft {
                name: "街角咖啡".into(),
                platform: PlatformProfile::Wechat,
                category: String::new(),
                description: String::new(),
                avatar_color: "#07c160".into(),
            })
            .await
            .unwrap();
        let shop = account.account.id.clone();
        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..SegmentFilter::default() };
        let draft = SegmentDraft { id: "seg-1".into(), account_id: shop.clone(), name: "VIP".into(), filter: vip };

        console.save_segment(draft.clone()).await.unwrap();
        let listed = console.saved_segments(shop.clone()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].waiting, "the edit waits in the outbox");
        assert_eq!(listed[0].subscribers, 0, "nobody is tagged yet");

        let twin = SegmentDraft { id: "seg-2".into(), name: " vip ".into(), ..draft.clone() };
        let issues = console.check_segment(twin.clone()).await.unwrap();
        assert_eq!(issues[0].key, "segment.name.taken", "inline");
        let refused = console.save_segment(twin).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::Invalid, "and refused on save");
        assert!(console.check_segment(draft.clone()).await.unwrap().is_empty(), "its own name is no clash");

        until_synced(&console).await;
        let listed = console.saved_segments(shop.clone()).await.unwrap();
        assert_eq!((listed.len(), listed[0].waiting), (1, false), "the server took it: {listed:?}");

        console.save_segment(SegmentDraft { name: "熟客".into(), ..draft }).await.unwrap();
        assert_eq!(console.saved_segments(shop.clone()).await.unwrap()[0].segment.name, "熟客", "renamed");
        console.delete_segment("seg-1".into()).await.unwrap();
        assert!(console.saved_segments(shop.clone()).await.unwrap().is_empty());
        until_synced(&console).await;
        assert!(console.saved_segments(shop).await.unwrap().is_empty(), "deleted on the server too");
        console.shutdown().await;
    }

    /// Reads `console`'s saved segments of `account` until `done` holds, syncing meanwhile.
    async fn until_listed(console: &Console, account: &str, done: impl Fn(&[SegmentItem]) -> bool) -> Vec<SegmentItem> {
        tokio::time::timeout(WAIT, async {
            loop {
                console.sync_now().await;
                let listed = console.saved_segments(account.to_owned()).await.unwrap();
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
    async fn a_segment_saved_on_one_console_reaches_a_colleagues_counted_from_its_own_cache() {
        let team = team_with_account("街角咖啡").await;
        let hash = wicket_server::auth::hash_password("colleague password").unwrap();
        team.server.state.create_staff("mei", "Mei", Role::Agent, hash).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let colleague = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        colleague.sign_in(&team.server.base_url(), "mei", "colleague password").await.unwrap();
        a_subscriber_says(&team.server.base_url(), &team.account, "还有燕麦拿铁吗？").await;

        let wrote = SegmentFilter { wrote_within_reply_window: true, ..SegmentFilter::default() };
        let draft =
            SegmentDraft {
                id: "seg-1".into(), account_id: team.account.clone(), name: "刚来过".into(), filter: wrote
            };
        team.console.save_segment(draft.clone()).await.unwrap();
        until_synced(&team.console).await;

        // The colleague's console receives it and counts the subscriber who wrote from its own cache.
        let seen = until_listed(&colleague, &team.account, |l| l.first().is_some_and(|i| i.subscribers == 1)).await;
        assert_eq!((seen[0].segment.name.as_str(), seen[0].waiting), ("刚来过", false));

        // The colleague renames it; the owner's console hears of the rename, then of the deletion.
        colleague.save_segment(SegmentDraft { name: "两天内来过".into(), ..draft }).await.unwrap();
        until_synced(&colleague).await;
        let renamed = until_listed(&team.console, &team.account, |l| {
            l.first().is_some_and(|i| i.segment.name == "两天内来过" && !i.waiting)
        })
        .await;
        assert_eq!(renamed.len(), 1);
        colleague.delete_segment("seg-1".into()).await.unwrap();
        until_synced(&colleague).await;
        until_listed(&team.console, &team.account, <[SegmentItem]>::is_empty).await;
        colleague.shutdown().await;
        team.console.shutdown().await;
    }
}
