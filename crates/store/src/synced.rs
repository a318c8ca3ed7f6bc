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
