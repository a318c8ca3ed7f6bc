//! What the cache forgets on its own: refused changes staff have had time to
//! read. A refusal is kept for [`REJECTED_RETENTION_MS`] after the cache
//! first sees it, unless the change holds text someone typed (a reply, a
//! private note): those stay until staff retry, keep or dismiss them, as
//! nothing typed is ever lost.

use wicket_model::Millis;
use wicket_sqlite::rusqlite::params;

use crate::{Cache, Result};

/// How long a refused change stays in the outbox after it was refused.
pub const REJECTED_RETENTION_MS: Millis = 30 * 24 * 3_600_000;

/// Changes that carry what staff typed; never purged.
const TYPED: &str = "('send_message', 'set_subscriber_note', 'update_subscriber')";

impl Cache {
    /// Stamps refusals not seen before with `now`, and deletes those refused
    /// more than `retention` ago that hold nothing typed. Returns how many
    /// went.
    pub fn purge_rejected(&self, now: Millis, retention: Millis) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE outbox SET rejected_at = ?1 WHERE state = 'rejected' AND rejected_at IS NULL", [now])?;
        let purged = tx.execute(
            &format!(
                "DELETE FROM outbox WHERE state = 'rejected' AND rejected_at <= ?1
                   AND json_extract(mutation, '$.name') NOT IN {TYPED}"
            ),
            params![now - retention],
        )?;
        tx.commit()?;
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use wicket_model::conversation::ConversationStatus;
    use wicket_model::sync::Rejection;
    use wicket_model::{Mutation, WicketError};

    use super::*;

    const T0: Millis = 1_767_225_600_000;
    const DAY: Millis = 24 * 3_600_000;

    #[test]
    fn old_refusals_go_after_the_retention_time_but_typed_text_stays() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
        let status = Mutation::SetConversationStatus { id: "c1".into(), status: ConversationStatus::Resolved };
        let note = Mutation::SetSubscriberNote { id: "s1".into(), note: "周五来取货".into(), base: String::new() };
        let labels = Mutation::EditConversationLabels { id: "c1".into(), add: vec!["VIP".into()], remove: vec![] };
        // Written long before, refused only now (an offline month).
        let old = cache.enqueue(&status, T0 - 60 * DAY).unwrap();
        let typed = cache.enqueue(&note, T0 - 60 * DAY).unwrap();
        let waiting = cache.enqueue(&labels, T0 - 60 * DAY).unwrap();
        let refused = |id| Rejection { id, error: WicketError::invalid(vec![]) };
        cache.record_rejections(&[refused(old), refused(typed)]).unwrap();

        assert_eq!(
            cache.purge_rejected(T0, REJECTED_RETENTION_MS).unwrap(),
            0,
            "just refused: staff have not read it yet"
        );
        let ids = |cache: &Cache| cache.rejected().unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(&cache), [old, typed]);
        assert_eq!(cache.purge_rejected(T0 + 29 * DAY, REJECTED_RETENTION_MS).unwrap(), 0, "kept within the retention");
        assert_eq!(cache.purge_rejected(T0 + 31 * DAY, REJECTED_RETENTION_MS).unwrap(), 1, "past it, the refusal goes");
        assert_eq!(ids(&cache), [typed], "a refused note keeps what was typed");
        assert_eq!(cache.outbox_counts().unwrap().0, 1, "a change still waiting is never purged: {waiting}");
    }
}
