//! Saved segments and how many subscribers a segment holds, read from the
//! cache so the console shows them offline: the pulled segments with the
//! segment edits still waiting in the outbox applied on top, and the pulled
//! subscribers with staff's waiting tag edits applied, their activity from
//! the cached messages.

use std::collections::{BTreeSet, HashMap};

use wicket_model::broadcast::{self, Activity, SegmentCount, SegmentFilter};
use wicket_model::conversation::Subscriber;
use wicket_model::segment::{Segment, SegmentItem};
use wicket_model::world::MemoryWorld;
use wicket_model::{Account, Millis};
use wicket_sqlite::rusqlite::{params, Connection};

use crate::ingest::decode_body;
use crate::overlay::{self, Scope};
use crate::{Cache, Result};

/// An account's subscribers as staff see them, with their activity when a
/// filter needs it.
struct Audience {
    account: Account,
    subscribers: Vec<Subscriber>,
    activity: HashMap<String, Activity>,
}

impl Audience {
    fn counts(&self, filter: &SegmentFilter, now: Millis) -> Vec<SegmentCount> {
        let with_activity = self.subscribers.iter().map(|s| (s, self.activity.get(&s.id).copied().unwrap_or_default()));
        broadcast::segment_counts(&self.account, filter, with_activity, now)
    }
}

/// `account_id`'s audience, or none when the account is not in the cache.
fn audience(conn: &Connection, account_id: &str, with_activity: bool) -> Result<Option<Audience>> {
    let overlay = overlay::build(conn, Scope::Every, None)?;
    let Some(account) = overlay::account(conn, account_id)? else {
        return Ok(None);
    };
    let mut activity: HashMap<String, Activity> = HashMap::new();
    if with_activity {
        let mut stmt = conn.prepare_cached(
            "SELECT json_extract(c.body, '$.subscriber_id'), max(m.created_at),
                    max(CASE WHEN json_extract(m.body, '$.body.type') != 'event' THEN m.created_at END)
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.account_id = ?1 AND json_extract(m.body, '$.direction') = 'inbound'
             GROUP BY 1",
        )?;
        let rows = stmt.query_map(params![account_id], |row| {
            Ok((row.get::<_, String>(0)?, Activity { last_active_at: row.get(1)?, last_wrote_at: row.get(2)? }))
        })?;
        for row in rows {
            let (subscriber, seen) = row?;
            activity.insert(subscriber, seen);
        }
    }
    let mut stmt = conn.prepare_cached("SELECT body FROM subscribers WHERE account_id = ?1")?;
    let rows = stmt.query_map(params![account_id], |row| row.get::<_, String>(0))?;
    let mut subscribers: Vec<Subscriber> = Vec::new();
    for row in rows {
        let pulled: Subscriber = decode_body(&row?)?;
        subscribers.push(overlay.world.subscribers.get(&pulled.id).cloned().unwrap_or(pulled));
    }
    Ok(Some(Audience { account, subscribers, activity }))
}

impl Cache {
    /// The subscribers of `account_id` that `filter` holds at `now`, counted
    /// per platform; empty when the account is not in the cache.
    pub fn segment_counts(&self, account_id: &str, filter: &SegmentFilter, now: Millis) -> Result<Vec<SegmentCount>> {
        let conn = self.conn();
        Ok(audience(&conn, account_id, filter.needs_activity())?.map_or_else(Vec::new, |a| a.counts(filter, now)))
    }

    /// Every account and every saved segment, the waiting segment edits
    /// applied on top: what a segment edit is checked against, and what the
    /// picker lists. With the ids of the segments whose edit waits.
    pub fn segment_world(&self) -> Result<(MemoryWorld, BTreeSet<String>)> {
        self.synced_world::<Segment>()
    }

    /// An account's saved segments, deleted ones left out, by name, each
    /// with how many subscribers it holds at `now` (counted offline).
    pub fn saved_segments(&self, account_id: &str, now: Millis) -> Result<Vec<SegmentItem>> {
        let (world, waiting) = self.segment_world()?;
        let mut segments: Vec<Segment> =
            world.segments.into_values().filter(|s| s.account_id == account_id && !s.deleted).collect();
        segments.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
        let conn = self.conn();
        let with_activity = segments.iter().any(|s| s.filter.needs_activity());
        let audience = audience(&conn, account_id, with_activity)?;
        Ok(segments
            .into_iter()
            .map(|segment| {
                let counts = audience.as_ref().map_or_else(Vec::new, |a| a.counts(&segment.filter, now));
                SegmentItem {
                    waiting: waiting.contains(&segment.id),
                    subscribers: counts.iter().map(|c| c.subscribers).sum(),
                    following: counts.iter().map(|c| c.following).sum(),
                    segment,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::conversation::{Conversation, ConversationStatus, Direction, Message, MessageBody};
    use wicket_model::{Change, Mutation};

    use super::*;
    use crate::synced::testing::{feed_page, shop, write};

    const NOW: Millis = 1_769_877_000_000;

    fn subscriber(id: &str, platform: &str, tags: &[&str], following: bool) -> Subscriber {
        Subscriber {
            id: id.into(),
            account_id: "shop".into(),
            platform: platform.into(),
            platform_user_id: format!("o{id}"),
            display_name: id.into(),
            following,
            followed_at: Some(0),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            note: String::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_segment_is_counted_offline_with_waiting_tag_edits_and_cached_activity() {
        let (_dir, cache) = crate::tests::temp_cache();
        let account = shop();
        let conversation = Conversation {
            id: "conv-a".into(),
            account_id: "shop".into(),
            subscriber_id: "a".into(),
            status: ConversationStatus::Open,
            assignee: None,
            labels: vec![],
            last_activity_at: NOW - 3_600_000,
            preview: String::new(),
            created_at: 0,
            updated_at: 0,
        };
        let wrote = Message {
            id: "m1".into(),
            conversation_id: "conv-a".into(),
            direction: Direction::Inbound,
            author: None,
            body: MessageBody::Text { text: "有燕麦奶吗？".into() },
            client_msg_id: None,
            platform_msg_id: Some("p1".into()),
            delivery: None,
            created_at: NOW - 3_600_000,
            auto_reply: None,
        };
        let changes = vec![
            Change::Account(account),
            Change::Subscriber(subscriber("a", "wechat", &["VIP"], true)),
            Change::Subscriber(subscriber("b", "wechat", &["VIP"], false)),
            Change::Subscriber(subscriber("c", "sandbox", &[], true)),
            Change::Conversation(conversation),
            Change::Message(wrote),
        ];
        cache.apply_pull(&feed_page(changes, 1, 0, NOW), NOW).unwrap();
        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..Default::default() };
        let counts = cache.segment_counts("shop", &vip, NOW).unwrap();
        assert_eq!(counts, [SegmentCount { platform: "wechat".into(), subscribers: 2, following: 1 }]);
        // Tagged offline: the change waits in the outbox, and the count has it at once.
        let tag = Mutation::EditSubscriberTags { id: "c".into(), add: vec!["VIP".into()], remove: vec![] };
        cache.enqueue(&tag, NOW).unwrap();
        let counts = cache.segment_counts("shop", &vip, NOW).unwrap();
        assert_eq!(counts.iter().map(|c| c.subscribers).sum::<u64>(), 3, "{counts:?}");
        let wrote = SegmentFilter { wrote_within_reply_window: true, ..Default::default() };
        let counts = cache.segment_counts("shop", &wrote, NOW).unwrap();
        assert_eq!(counts, [SegmentCount { platform: "wechat".into(), subscribers: 1, following: 1 }]);
        assert!(cache.segment_counts("nowhere", &vip, NOW).unwrap().is_empty());
    }

    #[test]
    fn a_saved_segment_round_trips_through_the_outbox_and_the_feed_and_is_counted_offline() {
        use wicket_model::segment::{Segment, SegmentDraft};
        let (_dir, cache) = crate::tests::temp_cache();
        let account = shop();
        let pulled = vec![
            Change::Account(account),
            Change::Subscriber(subscriber("a", "wechat", &["VIP"], true)),
            Change::Subscriber(subscriber("b", "wechat", &["VIP"], false)),
            Change::Subscriber(subscriber("c", "sandbox", &[], true)),
        ];
        cache.apply_pull(&feed_page(pulled, 1, 0, NOW), NOW).unwrap();
        let vip = SegmentFilter { tags_any: vec!["VIP".into()], ..Default::default() };
        let draft = SegmentDraft { id: "seg-1".into(), account_id: "shop".into(), name: " VIP ".into(), filter: vip };

        // Saved offline: listed at once, waiting, with its count from the cache.
        write(&cache, Mutation::SaveSegment(draft.clone()), NOW).unwrap();
        let listed = cache.saved_segments("shop", NOW).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].segment.name.as_str(), listed[0].waiting), ("VIP", true));
        assert_eq!((listed[0].subscribers, listed[0].following), (2, 1));
        // A second one by the same name is refused offline, as the server would.
        let twin = SegmentDraft { id: "seg-2".into(), name: "vip".into(), ..draft.clone() };
        let refused = write(&cache, Mutation::SaveSegment(twin), NOW).unwrap_err();
        assert_eq!(refused.issues[0].key, "segment.name.taken");

        // The server took it and the feed brings it back: the same segment, no longer waiting.
        cache.mark_sent(1, 1).unwrap();
        let stored = Segment {
            id: "seg-1".into(),
            account_id: "shop".into(),
            name: "VIP".into(),
            filter: draft.filter.clone(),
            deleted: false,
            created_at: NOW,
            updated_at: NOW,
        };
        cache.apply_pull(&feed_page(vec![Change::Segment(stored.clone())], 5, 1, NOW), NOW).unwrap();
        let listed = cache.saved_segments("shop", NOW).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].segment, stored);
        assert!(!listed[0].waiting, "the outbox is empty");
        // Tagged offline: the saved segment's count has it at once.
        let tag = Mutation::EditSubscriberTags { id: "c".into(), add: vec!["VIP".into()], remove: vec![] };
        cache.enqueue(&tag, NOW).unwrap();
        assert_eq!(cache.saved_segments("shop", NOW).unwrap()[0].subscribers, 3);
        assert!(cache.saved_segments("elsewhere", NOW).unwrap().is_empty());

        // Deleted offline: gone from the list before the server hears of it.
        write(&cache, Mutation::DeleteSegment { id: "seg-1".into() }, NOW).unwrap();
        assert!(cache.saved_segments("shop", NOW).unwrap().is_empty());
    }
}
