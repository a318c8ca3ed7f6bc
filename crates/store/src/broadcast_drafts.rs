//! Broadcast drafts read from the cache so the broadcast list shows them
//! offline: the pulled drafts with the draft edits still waiting in the
//! outbox applied on top.

use std::collections::BTreeSet;

use wicket_model::broadcast_draft::{BroadcastDraft, BroadcastDraftItem};
use wicket_model::world::MemoryWorld;

use crate::{Cache, Result};

impl Cache {
    /// Every account and every broadcast draft, the waiting draft edits
    /// applied on top: what a draft edit is checked against, and what the
    /// list shows. With the ids of the drafts whose edit waits.
    pub fn broadcast_draft_world(&self) -> Result<(MemoryWorld, BTreeSet<String>)> {
        self.synced_world::<BroadcastDraft>()
    }

    /// An account's broadcast drafts, deleted and sent ones left out, the
    /// last edited first.
    pub fn broadcast_drafts(&self, account_id: &str) -> Result<Vec<BroadcastDraftItem>> {
        let (world, waiting) = self.broadcast_draft_world()?;
        let mut drafts: Vec<BroadcastDraft> =
            world.broadcast_drafts.into_values().filter(|d| d.account_id == account_id && !d.deleted).collect();
        drafts.sort_by(|a, b| (b.updated_at, &a.id).cmp(&(a.updated_at, &b.id)));
        Ok(drafts.into_iter().map(|draft| BroadcastDraftItem { waiting: waiting.contains(&draft.id), draft }).collect())
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::broadcast::Audience;
    use wicket_model::broadcast_draft::BroadcastDraftEdit;
    use wicket_model::conversation::MessageBody;
    use wicket_model::{Change, Millis, Mutation};

    use super::*;
    use crate::synced::testing::{feed_page, shop, write};

    const NOW: Millis = 1_769_877_000_000;

    fn edit(id: &str, text: &str) -> BroadcastDraftEdit {
        BroadcastDraftEdit {
            id: id.into(),
            account_id: "shop".into(),
            content: MessageBody::Text { text: text.into() },
            audience: Audience::All,
            send_at: None,
        }
    }

    #[test]
    fn a_draft_round_trips_through_the_outbox_and_the_feed_and_is_listed_offline() {
        let (_dir, cache) = crate::tests::temp_cache();
        let account = shop();
        cache.apply_pull(&feed_page(vec![Change::Account(account)], 1, 0, NOW), NOW).unwrap();

        // Typed offline: listed at once, waiting; an empty start is kept too.
        let first = write(&cache, Mutation::SaveBroadcastDraft(edit("d-1", "")), NOW).unwrap();
        let second = write(&cache, Mutation::SaveBroadcastDraft(edit("d-1", "周末燕麦拿铁买一送一")), NOW + 1).unwrap();
        let listed = cache.broadcast_drafts("shop").unwrap();
        assert_eq!(listed.len(), 1, "one draft, edited twice: {listed:?}");
        assert_eq!(listed[0].draft.content, MessageBody::Text { text: "周末燕麦拿铁买一送一".into() });
        assert!(listed[0].waiting);
        // Too long for a broadcast: refused offline, as the server would.
        let long = "新".repeat(wicket_model::broadcast::TEXT_MAX_CHARS + 1);
        let refused = write(&cache, Mutation::SaveBroadcastDraft(edit("d-1", &long)), NOW + 2).unwrap_err();
        assert_eq!(refused.issues[0].key, "broadcast.text.too_long");

        // The server took both edits and the feed brings the draft back: no longer waiting.
        cache.mark_sent(first, second).unwrap();
        let stored = BroadcastDraft {
            id: "d-1".into(),
            account_id: "shop".into(),
            content: MessageBody::Text { text: "周末燕麦拿铁买一送一".into() },
            audience: Audience::All,
            send_at: None,
            updated_at: NOW + 1,
            deleted: false,
        };
        cache.apply_pull(&feed_page(vec![Change::BroadcastDraft(stored.clone())], 5, second, NOW), NOW).unwrap();
        let listed = cache.broadcast_drafts("shop").unwrap();
        assert_eq!(listed, [BroadcastDraftItem { draft: stored.clone(), waiting: false }]);
        assert!(cache.broadcast_drafts("elsewhere").unwrap().is_empty());

        // A second draft, newer, is listed first; deleted offline, the first is gone at once.
        let third = write(&cache, Mutation::SaveBroadcastDraft(edit("d-2", "会员日")), NOW + 10).unwrap();
        let ids: Vec<String> = cache.broadcast_drafts("shop").unwrap().into_iter().map(|i| i.draft.id).collect();
        assert_eq!(ids, ["d-2", "d-1"]);
        let fourth = write(&cache, Mutation::DeleteBroadcastDraft { id: "d-1".into() }, NOW + 11).unwrap();
        let ids: Vec<String> = cache.broadcast_drafts("shop").unwrap().into_iter().map(|i| i.draft.id).collect();
        assert_eq!(ids, ["d-2"]);

        // After the sync the feed brings d-1's tombstone and d-2: d-1 stays gone.
        cache.mark_sent(third, fourth).unwrap();
        let tombstone = BroadcastDraft { deleted: true, updated_at: NOW + 11, ..stored.clone() };
        let second = BroadcastDraft {
            id: "d-2".into(),
            content: MessageBody::Text { text: "会员日".into() },
            updated_at: NOW + 10,
            ..stored
        };
        let changes = vec![Change::BroadcastDraft(second.clone()), Change::BroadcastDraft(tombstone)];
        cache.apply_pull(&feed_page(changes, 6, fourth, NOW), NOW).unwrap();
        assert_eq!(cache.broadcast_drafts("shop").unwrap(), [BroadcastDraftItem { draft: second, waiting: false }]);
    }
}
