//! Per-account synced entities (saved segments, broadcast drafts,
//! automatic-reply rules) as the console shows them offline: the pulled
//! ones, each a JSON body in a table of its own, with their edits still
//! waiting in the outbox applied on top. The pull stores and forgets them
//! like any other kind (lib.rs, ingest.rs); only reading them back is
//! shared here, so the three lists cannot drift apart.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use wicket_model::auto_reply::AutoReplyRule;
use wicket_model::broadcast_draft::BroadcastDraft;
use wicket_model::segment::Segment;
use wicket_model::synced::SyncedEntity;
use wicket_model::world::{Actor, MemoryWorld};
use wicket_model::{mutation, Millis};

use crate::{decode, Cache, Result, StoreError};

/// A synced entity the cache keeps in a table of its own.
pub(crate) trait CachedEntity: SyncedEntity + DeserializeOwned {
    /// Reads every pulled body of the table.
    const SELECT_BODIES: &'static str;
    /// How a body that cannot be read is named in the error.
    const WHAT: &'static str;
}

impl CachedEntity for Segment {
    const SELECT_BODIES: &'static str = "SELECT body FROM segments";
    const WHAT: &'static str = "segment";
}

impl CachedEntity for BroadcastDraft {
    const SELECT_BODIES: &'static str = "SELECT body FROM broadcast_drafts";
    const WHAT: &'static str = "broadcast draft";
}

impl CachedEntity for AutoReplyRule {
    const SELECT_BODIES: &'static str = "SELECT body FROM auto_reply_rules";
    const WHAT: &'static str = "automatic-reply rule";
}

impl Cache {
    /// Every account and every `E`, the waiting edits of `E` applied on top:
    /// what an edit of one is checked against, and what its list shows.
    /// With the ids of those whose edit waits.
    pub(crate) fn synced_world<E: CachedEntity>(&self) -> Result<(MemoryWorld, BTreeSet<String>)> {
        let mut world = MemoryWorld {
            accounts: self.accounts()?.into_iter().map(|item| (item.account.id.clone(), item.account)).collect(),
            ..Default::default()
        };
        let conn = self.conn();
        {
            let mut stmt = conn.prepare_cached(E::SELECT_BODIES)?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            for body in rows {
                let pulled: E =
                    serde_json::from_str(&body?).map_err(|e| StoreError::Corrupt(format!("{}: {e}", E::WHAT)))?;
                world.absorb([pulled.into_change()]);
            }
        }
        let mut waiting = BTreeSet::new();
        let mut stmt =
            conn.prepare_cached("SELECT mutation, created_at FROM outbox WHERE state = 'pending' ORDER BY id")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Millis>(1)?)))?;
        for row in rows {
            let (json, created_at) = row?;
            let change = decode(&json)?;
            if !E::is_edited_by(&change) {
                continue;
            }
            // One that no longer applies is left for the server to refuse.
            let actor = Actor { staff_id: String::new(), now: created_at };
            if let Ok(changed) = mutation::apply(&world, &change, &actor) {
                waiting.extend(changed.iter().map(|c| c.key().1.to_owned()));
                world.absorb(changed);
            }
        }
        Ok((world, waiting))
    }
}

/// What the tests of the synced entities' lists share: an account, a feed
/// page, and an edit written as the console writes it.
#[cfg(test)]
pub(crate) mod testing {
    use wicket_model::sync::{FeedEntry, PullResponse};
    use wicket_model::{Account, Change, Mutation, PlatformProfile, WicketError};

    use super::*;

    /// The WeChat account "shop" as the feed brings it.
    pub(crate) fn shop() -> Account {
        Account {
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
        }
    }

    /// `changes` as the last page of the feed, numbered from `first_seq`.
    pub(crate) fn feed_page(changes: Vec<Change>, first_seq: i64, last_mutation_id: i64, now: Millis) -> PullResponse {
        let count = changes.len() as i64;
        PullResponse {
            changes: changes
                .into_iter()
                .enumerate()
                .map(|(i, change)| FeedEntry { seq: first_seq + i as i64, change })
                .collect(),
            cursor: first_seq + count - 1,
            more: false,
            last_mutation_id,
            server_time: now,
            newest: None,
            scope: None,
        }
    }

    /// Checked against the cache and queued, as the console writes: its
    /// number in the outbox.
    pub(crate) fn write(cache: &Cache, change: Mutation, now: Millis) -> std::result::Result<i64, WicketError> {
        let world = cache.world_for(&change, now).unwrap();
        let actor = Actor { staff_id: "staff-1".into(), now };
        let changes = mutation::apply(&world, &change, &actor)?;
        assert!(!changes.is_empty(), "{change:?} changes something");
        Ok(cache.enqueue(&change, now).unwrap())
    }
}
