//! What a new change is checked against before it joins the outbox: the
//! part of the cache it touches, with the changes already waiting on top, so
//! the console refuses offline exactly what the server would refuse.

use wicket_model::world::MemoryWorld;
use wicket_model::{Millis, Mutation};

use crate::overlay::{self, Scope};
use crate::{get_meta, Cache, Result};

impl Cache {
    /// The world `change` reads, as staff see it now. `now` is this
    /// machine's clock; reply windows are judged in the server's time.
    pub fn world_for(&self, change: &Mutation, now: Millis) -> Result<MemoryWorld> {
        if matches!(
            change,
            Mutation::CreateAccount(_)
                | Mutation::UpdateAccount { .. }
                | Mutation::ArchiveAccount { .. }
                | Mutation::RestoreAccount { .. }
        ) {
            let accounts = self.accounts()?;
            return Ok(MemoryWorld {
                accounts: accounts.into_iter().map(|item| (item.account.id.clone(), item.account)).collect(),
                ..Default::default()
            });
        }
        if matches!(change, Mutation::SaveAutoReplyRule(_) | Mutation::DeleteAutoReplyRule { .. }) {
            return Ok(self.auto_reply_world()?.0);
        }
        if matches!(change, Mutation::SaveSegment(_) | Mutation::DeleteSegment { .. }) {
            return Ok(self.segment_world()?.0);
        }
        if matches!(change, Mutation::SaveBroadcastDraft(_) | Mutation::DeleteBroadcastDraft { .. }) {
            return Ok(self.broadcast_draft_world()?.0);
        }
        let conn = self.conn();
        let conversation = match change.subscriber_id() {
            Some(id) => conversation_of(&conn, id)?,
            None => overlay::conversation(&conn, change.target_id())?,
        };
        let Some(conversation) = conversation else {
            // Nothing of it is cached: the change is refused as "not found",
            // unless it is about a subscriber with no conversation yet.
            let mut world = MemoryWorld::default();
            if let Some(id) = change.subscriber_id() {
                if let Some(subscriber) = overlay::subscriber(&conn, id)? {
                    world.subscribers.insert(id.to_owned(), subscriber);
                }
            }
            return Ok(world);
        };
        let clock_offset: Millis = get_meta(&conn, "clock_offset")?.and_then(|c| c.parse().ok()).unwrap_or(0);
        let scope = Scope::Conversation { id: &conversation.id, subscriber_id: &conversation.subscriber_id };
        Ok(overlay::build(&conn, scope, Some(now + clock_offset))?.world)
    }
}

fn conversation_of(
    conn: &wicket_sqlite::rusqlite::Connection,
    subscriber_id: &str,
) -> Result<Option<wicket_model::conversation::Conversation>> {
    use wicket_sqlite::rusqlite::OptionalExtension;
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM conversations WHERE subscriber_id = ?1 ORDER BY last_activity_at DESC LIMIT 1")?
        .query_row([subscriber_id], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => overlay::conversation(conn, &id),
        None => Ok(None),
    }
}
