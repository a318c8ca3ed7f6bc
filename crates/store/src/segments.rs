//! How many subscribers a segment holds, read from the cache so the console
//! shows it offline: the pulled subscribers with staff's waiting tag edits
//! applied, and their activity from the cached messages.

use std::collections::HashMap;

use wicket_model::broadcast::{self, Activity, SegmentCount, SegmentFilter};
use wicket_model::conversation::Subscriber;
use wicket_model::Millis;
use wicket_sqlite::rusqlite::params;

use crate::ingest::decode_body;
use crate::overlay::{self, Scope};
use crate::{Cache, Result};

impl Cache {
    /// The subscribers of `account_id` that `filter` holds at `now`, counted
    /// per platform; empty when the account is not in the cache.
    pub fn segment_counts(&self, account_id: &str, filter: &SegmentFilter, now: Millis) -> Result<Vec<SegmentCount>> {
        let conn = self.conn();
        let overlay = overlay::build(&conn, Scope::Every, None)?;
        let Some(account) = overlay::account(&conn, account_id)? else {
            return Ok(Vec::new());
        };
        let mut activity: HashMap<String, Activity> = HashMap::new();
        if filter.needs_activity() {
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
        let with_activity = subscribers.iter().map(|s| (s, activity.get(&s.id).copied().unwrap_or_default()));
        Ok(broadcast::segment_counts(&account, filter, with_activity, now))
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::conversation::{Conversation, ConversationStatus, Direction, Message, MessageBody};
    use wicket_model::sync::{FeedEntry, PullResponse};
    use wicket_model::{Account, Change, Mutation, PlatformProfile};

    use super::*;

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
        let account = Account {
            id: "shop".into(),
            name: "Oat Milk Shop".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
            archived: false,
            created_at: 0,
            updated_at: 0,
            settings: None,
        };
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
        let count = changes.len() as i64;
        let pull = PullResponse {
            changes: changes
                .into_iter()
                .enumerate()
                .map(|(i, change)| FeedEntry { seq: i as i64 + 1, change })
                .collect(),
            cursor: count,
            more: false,
            last_mutation_id: 0,
            server_time: NOW,
            newest: None,
            scope: None,
        };
        cache.apply_pull(&pull, NOW).unwrap();
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
}
