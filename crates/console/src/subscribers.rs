//! Staff's own facts about a subscriber: tags and the private note. They are
//! changes like any other, so they go through the outbox and show at once.

use wicket_model::inbox::{SubscriberFilter, SubscriberPage};
use wicket_model::{Mutation, WicketError};

use crate::{blocking, now_ms, Console};

/// The longest page of the subscriber list.
const LIST_MAX: u32 = 10_000;

impl Console {
    /// The subscribers `filter` finds, from the cache (works offline).
    pub async fn subscribers(&self, filter: SubscriberFilter, limit: u32) -> Result<SubscriberPage, WicketError> {
        let cache = self.cache().await?;
        let limit = limit.clamp(1, LIST_MAX) as usize;
        blocking(&cache, move |c| c.subscriber_page(&filter, limit)).await
    }

    /// Adds and removes tags: set operations on whatever tags the subscriber
    /// has when the change reaches the server, so colleagues' tags stay.
    pub async fn edit_subscriber_tags(
        &self,
        id: String,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> Result<(), WicketError> {
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        self.write(Mutation::EditSubscriberTags { id, add, remove }).await
    }

    /// Replaces the private note `base` (as it read when the edit began)
    /// with `note`. If a colleague changed it meanwhile the server refuses it
    /// as a conflict and the thread shows both texts.
    pub async fn set_subscriber_note(&self, id: String, note: String, base: String) -> Result<(), WicketError> {
        self.write(Mutation::SetSubscriberNote { id, note, base }).await
    }

    /// Resolves a note conflict with the note typed here: it replaces the
    /// note as it now reads, and the refused change goes.
    pub async fn keep_my_note(&self, conflict: i64) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        let Some((subscriber, mine)) = blocking(&cache, move |c| c.note_conflict(conflict)).await? else {
            return Err(WicketError::not_found(format!("note conflict {conflict}")));
        };
        let probe = Mutation::SetSubscriberNote { id: subscriber.clone(), note: String::new(), base: String::new() };
        let world = blocking(&cache, move |c| c.world_for(&probe, now_ms())).await?;
        let base = world.subscribers.get(&subscriber).map(|s| s.note.clone()).unwrap_or_default();
        self.write(Mutation::SetSubscriberNote { id: subscriber, note: mine.mine, base }).await?;
        self.dismiss_rejected(conflict).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wicket_model::inbox::{InboxFilter, InboxScope, SubscriberFilter};
    use wicket_model::{AccountDraft, ErrorCode, PlatformProfile};

    use crate::tests::{a_subscriber_says, quiet, until_synced};
    use crate::{Console, TokenStore};

    /// A subscriber following `account` on the sandbox platform and writing once.
    #[tokio::test]
    async fn tags_and_the_private_note_show_at_once_and_reach_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        console.start_local("Owner").await.unwrap();
        let account = AccountDraft {
            name: "街角咖啡".into(),
            platform: PlatformProfile::Alipay,
            category: String::new(),
            description: String::new(),
            avatar_color: "#1677ff".into(),
        };
        let account = console.create_account(account).await.unwrap().account.id;
        until_synced(&console).await;
        let page = console.subscriber_page_url(&account).await.unwrap();
        let base = page.split("/s/").next().unwrap().to_owned();
        a_subscriber_says(&base, &account, "还有燕麦拿铁吗？").await;
        let all =
            InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false };
        let conversation = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                console.sync_now().await;
                if let Some(item) = console.conversations(all.clone()).await.unwrap().into_iter().next() {
                    return item.conversation;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the subscriber's message reached the inbox");

        let subscriber = conversation.subscriber_id.clone();
        let tags = vec!["VIP".into(), " 燕麦 ".into(), "VIP".into()];
        console.edit_subscriber_tags(subscriber.clone(), tags, vec![]).await.unwrap();
        console.set_subscriber_note(subscriber.clone(), "只喝燕麦奶".into(), String::new()).await.unwrap();
        let shown = console.thread_info(conversation.id.clone()).await.unwrap().subscriber;
        assert_eq!(shown.tags, ["VIP", "燕麦"], "shown at once, tidied as the server will");
        assert_eq!(shown.note, "只喝燕麦奶", "the note shows at once, the tags kept");
        let by_tag = SubscriberFilter { text: "燕麦".into(), ..SubscriberFilter::default() };
        let found = console.subscribers(by_tag, 50).await.unwrap();
        assert_eq!(found.items.len(), 1, "the subscribers screen finds them by the new tag at once");
        assert_eq!(found.items[0].conversation_id.as_deref(), Some(conversation.id.as_str()));

        let too_long =
            console.set_subscriber_note(subscriber.clone(), "字".repeat(2001), "只喝燕麦奶".into()).await.unwrap_err();
        assert_eq!(too_long.issues[0].key, "subscriber.note.too_long", "refused on its field before it is queued");
        let unknown = console.set_subscriber_note("nobody".into(), "x".into(), String::new()).await.unwrap_err();
        assert_eq!(unknown.code, ErrorCode::NotFound);

        until_synced(&console).await;
        let after_sync = console.thread_info(conversation.id).await.unwrap().subscriber;
        assert_eq!((after_sync.tags, after_sync.note), (shown.tags, shown.note), "the server kept both edits");
        console.shutdown().await;
    }
}
