//! Segments in the console: how many subscribers a segment holds, counted
//! from the cache (offline too), and tags given to or taken from many
//! subscribers at once (a selection, or everyone a search finds). Each
//! subscriber's tag edit is its own change in the outbox, a set operation,
//! so colleagues' tags stay and the count has it at once.

use wicket_model::broadcast::{SegmentCount, SegmentFilter};
use wicket_model::inbox::SubscriberFilter;
use wicket_model::{Mutation, WicketError};

use crate::{blocking, now_ms, Console};

/// The most subscribers one bulk edit reaches.
pub const BULK_MAX: u32 = 10_000;

impl Console {
    /// How many subscribers of `account_id` `filter` holds now, per platform.
    pub async fn segment_counts(
        &self,
        account_id: String,
        filter: SegmentFilter,
    ) -> Result<Vec<SegmentCount>, WicketError> {
        let mut issues = Vec::new();
        filter.check("filter", &mut issues);
        if !issues.is_empty() {
            return Err(WicketError::invalid(issues));
        }
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.segment_counts(&account_id, &filter, now_ms())).await
    }

    /// Adds and removes tags on each of `ids`; how many changed.
    pub async fn tag_subscribers(
        &self,
        ids: Vec<String>,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> Result<usize, WicketError> {
        if add.is_empty() && remove.is_empty() {
            return Ok(0);
        }
        let mut tagged = 0;
        for id in ids.into_iter().take(BULK_MAX as usize) {
            self.write(Mutation::EditSubscriberTags { id, add: add.clone(), remove: remove.clone() }).await?;
            tagged += 1;
        }
        Ok(tagged)
    }

    /// Adds and removes tags on everyone `search` finds (at most
    /// [`BULK_MAX`]); how many.
    pub async fn tag_subscribers_found(
        &self,
        search: SubscriberFilter,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> Result<usize, WicketError> {
        let found = self.subscribers(search, BULK_MAX).await?;
        let ids = found.items.into_iter().map(|item| item.subscriber.id).collect();
        self.tag_subscribers(ids, add, remove).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wicket_model::broadcast::{SegmentCount, SegmentFilter};
    use wicket_model::inbox::SubscriberFilter;
    use wicket_model::{AccountDraft, PlatformProfile};

    use crate::tests::{quiet, until_synced};
    use crate::{Console, TokenStore};

    async fn follows_and_writes(base: &str, account: &str, text: &str) {
        let http = reqwest::Client::new();
        let url = |path: &str| format!("{base}/s/api/{account}/{path}");
        let followed = http.post(url("follow")).send().await.unwrap();
        assert!(followed.status().is_success(), "the sandbox takes the follow");
        let cookie = followed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let body = serde_json::json!({"client_msg_id": "s-1", "body": {"type": "text", "text": text}});
        let said = http.post(url("messages")).header("cookie", cookie).json(&body).send().await.unwrap();
        assert!(said.status().is_success(), "the sandbox takes the message");
    }

    #[tokio::test]
    async fn a_search_result_is_tagged_at_once_and_the_segment_count_has_it() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
        console.start_local("Owner").await.unwrap();
        let draft = AccountDraft {
            name: "街角咖啡".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
        };
        let account = console.create_account(draft).await.unwrap().account.id;
        until_synced(&console).await;
        let page = console.subscriber_page_url(&account).await.unwrap();
        let base = page.split("/s/").next().unwrap().to_owned();
        for text in ["还有燕麦拿铁吗？", "营业到几点？", "可以外卖吗？"] {
            follows_and_writes(&base, &account, text).await;
        }
        let everyone = SubscriberFilter { account_id: Some(account.clone()), ..SubscriberFilter::default() };
        tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                console.sync_now().await;
                if console.subscribers(everyone.clone(), 50).await.unwrap().items.len() == 3 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the three subscribers reached the cache");

        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..SegmentFilter::default() };
        assert!(console.segment_counts(account.clone(), vip.clone()).await.unwrap().is_empty());
        let wrote = SegmentFilter { wrote_within_reply_window: true, ..SegmentFilter::default() };
        let counts = console.segment_counts(account.clone(), wrote).await.unwrap();
        assert_eq!(counts, [SegmentCount { platform: "sandbox".into(), subscribers: 3, following: 3 }]);

        let tagged = console.tag_subscribers_found(everyone.clone(), vec!["VIP".into()], vec![]).await.unwrap();
        assert_eq!(tagged, 3, "everyone the search found");
        let counts = console.segment_counts(account.clone(), vip.clone()).await.unwrap();
        assert_eq!(counts, [SegmentCount { platform: "sandbox".into(), subscribers: 3, following: 3 }], "at once");
        let one = console.subscribers(everyone.clone(), 1).await.unwrap().items[0].subscriber.id.clone();
        console.tag_subscribers(vec![one], vec![], vec!["VIP".into()]).await.unwrap();
        let counts = console.segment_counts(account.clone(), vip.clone()).await.unwrap();
        assert_eq!(counts[0].subscribers, 2, "a selection untagged");

        until_synced(&console).await;
        let counts = console.segment_counts(account.clone(), vip).await.unwrap();
        assert_eq!(counts[0].subscribers, 2, "the server kept the tags");
        console.shutdown().await;
    }
}
