//! Canned replies, kept in this workspace's cache on this computer only: they
//! never enter the outbox (team-wide sharing would go through the server
//! later).

use wicket_model::canned::{same_shortcut, CannedReply};
use wicket_sqlite::rusqlite::params;

use crate::{Cache, Result};

/// How a save went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannedSave {
    Saved,
    /// Another canned reply has this shortcut (compared without case).
    ShortcutTaken,
}

impl Cache {
    /// Every canned reply, by shortcut.
    pub fn canned_replies(&self) -> Result<Vec<CannedReply>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, shortcut, title, body, updated_at FROM canned_replies ORDER BY shortcut COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(CannedReply {
                id: row.get(0)?,
                shortcut: row.get(1)?,
                title: row.get(2)?,
                body: row.get(3)?,
                updated_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates the canned reply, or replaces the one with its id. The
    /// shortcut check and the write are one transaction.
    pub fn save_canned_reply(&self, reply: &CannedReply) -> Result<CannedSave> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let taken = {
            let mut stmt = tx.prepare_cached("SELECT shortcut FROM canned_replies WHERE id <> ?1")?;
            let others = stmt.query_map([&reply.id], |row| row.get::<_, String>(0))?;
            let mut taken = false;
            for other in others {
                taken |= same_shortcut(&other?, &reply.shortcut);
            }
            taken
        };
        if taken {
            return Ok(CannedSave::ShortcutTaken);
        }
        tx.execute(
            "INSERT INTO canned_replies (id, shortcut, title, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, title = excluded.title,
               body = excluded.body, updated_at = excluded.updated_at",
            params![reply.id, reply.shortcut, reply.title, reply.body, reply.updated_at],
        )?;
        tx.commit()?;
        Ok(CannedSave::Saved)
    }

    /// Deletes a canned reply; false when there was none with this id.
    pub fn delete_canned_reply(&self, id: &str) -> Result<bool> {
        Ok(self.conn().execute("DELETE FROM canned_replies WHERE id = ?1", [id])? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: &str, shortcut: &str, at: i64) -> CannedReply {
        CannedReply {
            id: id.into(),
            shortcut: shortcut.into(),
            title: format!("Title {shortcut}"),
            body: format!("Body of {shortcut}, {{{{subscriber.name}}}}"),
            updated_at: at,
        }
    }

    #[test]
    fn canned_replies_are_created_updated_listed_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let cache = Cache::open(&path).unwrap();
        assert!(cache.canned_replies().unwrap().is_empty(), "a new cache has none");
        assert_eq!(cache.save_canned_reply(&reply("b", "thanks", 1)).unwrap(), CannedSave::Saved);
        assert_eq!(cache.save_canned_reply(&reply("a", "Refund", 2)).unwrap(), CannedSave::Saved);
        let shortcuts: Vec<_> = cache.canned_replies().unwrap().into_iter().map(|r| r.shortcut).collect();
        assert_eq!(shortcuts, ["Refund", "thanks"], "listed by shortcut, whatever the case");

        let edited = CannedReply { title: "Refunds".into(), shortcut: "refund".into(), ..reply("a", "refund", 3) };
        assert_eq!(cache.save_canned_reply(&edited).unwrap(), CannedSave::Saved, "a reply may change its own case");
        drop(cache);
        let cache = Cache::open(&path).unwrap();
        let kept = cache.canned_replies().unwrap();
        assert_eq!(kept.len(), 2, "an update replaces, it does not add");
        assert_eq!(kept[0], edited, "kept across a restart");

        assert!(cache.delete_canned_reply("a").unwrap());
        assert!(!cache.delete_canned_reply("a").unwrap(), "deleting twice finds nothing the second time");
        assert_eq!(cache.canned_replies().unwrap().len(), 1);
    }

    #[test]
    fn a_shortcut_is_unique_without_case() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
        cache.save_canned_reply(&reply("a", "Hours", 1)).unwrap();
        assert_eq!(cache.save_canned_reply(&reply("b", "HOURS", 2)).unwrap(), CannedSave::ShortcutTaken);
        cache.save_canned_reply(&reply("c", "Ärger", 1)).unwrap();
        assert_eq!(
            cache.save_canned_reply(&reply("d", "ärger", 2)).unwrap(),
            CannedSave::ShortcutTaken,
            "letters beyond ASCII compare without case too"
        );
        assert_eq!(cache.canned_replies().unwrap().len(), 2, "nothing taken was written");
    }
}
