//! Images attached here and not yet uploaded: kept in the cache, so a reply
//! with an image written offline survives a restart and goes once the
//! server is back.

use wicket_model::Millis;
use wicket_sqlite::rusqlite::params;

use crate::{Cache, Result};

/// An image waiting to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMedia {
    /// The hex SHA-256 of `bytes`.
    pub id: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl Cache {
    /// Keeps an image until it is uploaded. The same image twice is kept
    /// once; returns whether it was not waiting already.
    pub fn keep_media(&self, media: &PendingMedia, now: Millis) -> Result<bool> {
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO pending_media (id, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![media.id, media.mime, media.bytes, now],
        )?;
        Ok(inserted > 0)
    }

    /// The ids of the images waiting, oldest first. The bytes are read one
    /// image at a time with [`Cache::pending_media`].
    pub fn pending_media_ids(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT id FROM pending_media ORDER BY created_at, id")?;
        let ids = stmt.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// One waiting image, if it is still waiting.
    pub fn pending_media(&self, id: &str) -> Result<Option<PendingMedia>> {
        use wicket_sqlite::rusqlite::OptionalExtension;
        let conn = self.conn();
        let found = conn
            .query_row("SELECT id, mime, bytes FROM pending_media WHERE id = ?1", [id], |row| {
                Ok(PendingMedia { id: row.get(0)?, mime: row.get(1)?, bytes: row.get(2)? })
            })
            .optional()?;
        Ok(found)
    }

    /// Forgets an image once the server has it.
    pub fn drop_media(&self, id: &str) -> Result<()> {
        self.conn().execute("DELETE FROM pending_media WHERE id = ?1", [id])?;
        Ok(())
    }

    /// An image to show: one still waiting to be uploaded, or one kept from
    /// the server earlier (marked as shown `now`, so it is kept longest).
    pub fn shown_media(&self, id: &str, now: Millis) -> Result<Option<PendingMedia>> {
        use wicket_sqlite::rusqlite::OptionalExtension;
        if let Some(waiting) = self.pending_media(id)? {
            return Ok(Some(waiting));
        }
        let conn = self.conn();
        let kept = conn
            .query_row("SELECT id, mime, bytes FROM media_cache WHERE id = ?1", [id], |row| {
                Ok(PendingMedia { id: row.get(0)?, mime: row.get(1)?, bytes: row.get(2)? })
            })
            .optional()?;
        if kept.is_some() {
            conn.execute("UPDATE media_cache SET used_at = ?2 WHERE id = ?1", params![id, now])?;
        }
        Ok(kept)
    }

    /// Keeps an image fetched from the server; past `cap_bytes` in all, the
    /// least recently shown ones go (the newest always stays).
    pub fn cache_media(&self, media: &PendingMedia, now: Millis, cap_bytes: u64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO media_cache (id, mime, bytes, used_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET used_at = excluded.used_at",
            params![media.id, media.mime, media.bytes, now],
        )?;
        let mut total: i64 =
            tx.query_row("SELECT coalesce(sum(length(bytes)), 0) FROM media_cache", [], |r| r.get(0))?;
        let cap = i64::try_from(cap_bytes).unwrap_or(i64::MAX);
        while total > cap {
            let oldest: Option<(String, i64)> = {
                use wicket_sqlite::rusqlite::OptionalExtension;
                tx.query_row(
                    "SELECT id, length(bytes) FROM media_cache WHERE id <> ?1 ORDER BY used_at, id LIMIT 1",
                    [&media.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
            };
            let Some((id, size)) = oldest else { break };
            tx.execute("DELETE FROM media_cache WHERE id = ?1", [&id])?;
            total -= size;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str) -> PendingMedia {
        PendingMedia { id: id.into(), mime: "image/png".into(), bytes: format!("bytes of {id}").into_bytes() }
    }

    #[test]
    fn waiting_images_survive_reopening_and_leave_once_uploaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        {
            let cache = Cache::open(&path).unwrap();
            assert!(cache.keep_media(&image("b"), 2).unwrap(), "a new image is kept");
            assert!(cache.keep_media(&image("a"), 1).unwrap());
            assert!(!cache.keep_media(&image("a"), 3).unwrap(), "the same image again was waiting already");
        }
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.pending_media_ids().unwrap(), ["a", "b"], "kept across reopening, once each, oldest first");
        assert_eq!(cache.pending_media("a").unwrap(), Some(image("a")), "with its type and bytes");
        cache.drop_media("a").unwrap();
        assert_eq!(cache.pending_media_ids().unwrap(), ["b"], "an uploaded image is no longer waiting");
        assert_eq!(cache.pending_media("a").unwrap(), None);
    }

    #[test]
    fn images_from_the_server_are_kept_within_a_cap_the_least_recently_shown_going_first() {
        let (_dir, cache) = crate::tests::temp_cache();
        let size = image("a").bytes.len() as u64;
        cache.cache_media(&image("a"), 1, 2 * size).unwrap();
        cache.cache_media(&image("b"), 2, 2 * size).unwrap();
        assert_eq!(cache.shown_media("a", 3).unwrap(), Some(image("a")), "kept, and now shown last");
        cache.cache_media(&image("c"), 4, 2 * size).unwrap();
        assert_eq!(cache.shown_media("b", 5).unwrap(), None, "past the cap, the least recently shown went");
        assert!(cache.shown_media("a", 6).unwrap().is_some() && cache.shown_media("c", 7).unwrap().is_some());
        // A waiting image is shown from the outbox's copy.
        cache.keep_media(&image("w"), 8).unwrap();
        assert_eq!(cache.shown_media("w", 9).unwrap(), Some(image("w")));
        // A single image larger than the cap is still kept: it is the one on screen.
        cache.cache_media(&image("big"), 10, 1).unwrap();
        assert!(cache.shown_media("big", 11).unwrap().is_some());
        assert_eq!(cache.shown_media("a", 12).unwrap(), None);
    }
}
