//! Segments and broadcasts in the console: how many subscribers a segment
//! holds, counted from the cache (offline too); tags given to or taken from
//! many subscribers at once (a selection, or everyone a search finds), each
//! subscriber's tag edit its own change in the outbox, a set operation, so
//! colleagues' tags stay and the count has it at once; and broadcasts, which
//! the server forecasts, sends (now or at a time it keeps) and counts.

use wicket_model::broadcast::{Audience, Broadcast, Forecast, NewBroadcast, SegmentCount, SegmentFilter};
use wicket_model::conversation::MessageBody;
use wicket_model::inbox::SubscriberFilter;
use wicket_model::{Millis, Mutation, WicketError};
use wicket_sync::ClientError;

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

    /// Who a broadcast to `audience` would reach now, per platform, and who
    /// a cap or an unfollow leaves out (the server's ledger decides).
    pub async fn broadcast_forecast(&self, account_id: String, audience: Audience) -> Result<Forecast, WicketError> {
        let (client, token) = self.server().await?;
        client.broadcast_forecast(&token, &account_id, &audience).await.map_err(ClientError::into_wicket)
    }

    /// Sends a broadcast now, or at `send_at` (the server keeps the time).
    pub async fn send_broadcast(
        &self,
        account_id: String,
        content: MessageBody,
        audience: Audience,
        send_at: Option<Millis>,
    ) -> Result<Broadcast, WicketError> {
        let new = NewBroadcast { id: uuid::Uuid::new_v4().to_string(), content, audience, send_at };
        let (client, token) = self.server().await?;
        client.create_broadcast(&token, &account_id, &new).await.map_err(ClientError::into_wicket)
    }

    /// The account's broadcasts, newest first, with their counts.
    pub async fn broadcasts(&self, account_id: String) -> Result<Vec<Broadcast>, WicketError> {
        let (client, token) = self.server().await?;
        client.broadcasts(&token, &account_id).await.map_err(ClientError::into_wicket)
    }

    /// One broadcast, with its progress or results.
    pub async fn broadcast(&self, account_id: String, id: String) -> Result<Broadcast, WicketError> {
        let (client, token) = self.server().await?;
        client.broadcast(&token, &account_id, &id).await.map_err(ClientError::into_wicket)
    }

    /// Stops a broadcast; what has gone stays gone.
    pub async fn cancel_broadcast(&self, account_id: String, id: String) -> Result<Broadcast, WicketError> {
        let (client, token) = self.server().await?;
        client.cancel_broadcast(&token, &account_id, &id).await.map_err(ClientError::into_wicket)
    }

    /// Sends the content to one WeChat user as a mass-message preview.
    pub async fn preview_broadcast(
        &self,
        account_id: String,
        content: MessageBody,
        open_id: String,
    ) -> Result<(), WicketError> {
        let (client, token) = self.server().await?;
        client.preview_broadcast(&token, &account_id, &content, &open_id).await.map_err(ClientError::into_wicket)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wicket_model::broadcast::{Audience, BroadcastStatus, SegmentCount, SegmentFilter};
    use wicket_model::conversation::MessageBody;
    use wicket_model::inbox::SubscriberFilter;
    use wicket_model::{AccountDraft, PlatformProfile};

    use crate::tests::{a_subscriber_says, quiet, until_synced};
    use crate::{Console, TokenStore};

    #[tokio::test]
    async fn a_search_result_is_tagged_at_once_counted_offline_and_sent_a_broadcast() {
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
            a_subscriber_says(&base, &account, text).await;
        }
        let everyone = SubscriberFilter { account_id: Some(account.clone()), ..SubscriberFilter::default() };
        let wrote = SegmentFilter { wrote_within_reply_window: true, ..SegmentFilter::default() };
        // Each subscriber's follow and message arrive as they come: wait for all three messages.
        let counts = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                console.sync_now().await;
                let counts = console.segment_counts(account.clone(), wrote.clone()).await.unwrap();
                if counts.first().is_some_and(|c| c.subscribers == 3) {
                    return counts;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the three subscribers and their messages reached the cache");
        assert_eq!(counts, [SegmentCount { platform: "sandbox".into(), subscribers: 3, following: 3 }]);
        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..SegmentFilter::default() };
        assert!(console.segment_counts(account.clone(), vip.clone()).await.unwrap().is_empty());

        let tagged = console.tag_subscribers_found(everyone.clone(), vec!["VIP".into()], vec![]).await.unwrap();
        assert_eq!(tagged, 3, "everyone the search found");
        let counts = console.segment_counts(account.clone(), vip.clone()).await.unwrap();
        assert_eq!(counts, [SegmentCount { platform: "sandbox".into(), subscribers: 3, following: 3 }], "at once");
        let one = console.subscribers(everyone.clone(), 1).await.unwrap().items[0].subscriber.id.clone();
        console.tag_subscribers(vec![one], vec![], vec!["VIP".into()]).await.unwrap();
        let counts = console.segment_counts(account.clone(), vip.clone()).await.unwrap();
        assert_eq!(counts[0].subscribers, 2, "a selection untagged");

        until_synced(&console).await;
        let counts = console.segment_counts(account.clone(), vip.clone()).await.unwrap();
        assert_eq!(counts[0].subscribers, 2, "the server kept the tags");

        // The same segment as a broadcast's audience: the server's forecast
        // agrees with the cache, and the two VIPs get it.
        let audience = Audience::Segment { filter: vip };
        let forecast = console.broadcast_forecast(account.clone(), audience.clone()).await.unwrap();
        assert_eq!((forecast.counts[0].targeted, forecast.counts[0].pending), (2, 2), "{forecast:?}");
        let content = MessageBody::Text { text: "会员日：燕麦拿铁第二杯半价".into() };
        let sent = console.send_broadcast(account.clone(), content, audience, None).await.unwrap();
        let done = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let found = console.broadcast(account.clone(), sent.id.clone()).await.unwrap();
                if found.status == BroadcastStatus::Done {
                    return found;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the broadcast finished");
        assert_eq!((done.counts[0].sent, done.counts[0].targeted), (2, 2), "{done:?}");
        assert_eq!(console.broadcasts(account.clone()).await.unwrap().len(), 1);
        console.shutdown().await;
    }
}
