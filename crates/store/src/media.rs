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
}
