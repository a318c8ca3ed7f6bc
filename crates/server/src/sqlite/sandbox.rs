//! The built-in sandbox platform's visitors, and media sent through it.

use wicket_model::Millis;
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::sql;
use crate::storage::Result;

pub(super) fn visitor(conn: &Connection, token_hash: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT user_id FROM sandbox_visitors WHERE token_hash = ?1")
        .and_then(|mut stmt| stmt.query_row([token_hash], |r| r.get(0)))
        .optional()
        .map_err(sql)
}

pub(super) fn create_visitor(conn: &Connection, token_hash: &str, user_id: &str, now: Millis) -> Result<()> {
    conn.execute(
        "INSERT INTO sandbox_visitors (token_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user_id, now],
    )
    .map_err(sql)?;
    Ok(())
}

pub(super) fn save_media(conn: &Connection, id: &str, mime: &str, bytes: &[u8], now: Millis) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO media (id, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, mime, bytes, now],
    )
    .map_err(sql)?;
    Ok(())
}

pub(super) fn media(conn: &Connection, id: &str) -> Result<Option<(String, Vec<u8>)>> {
    conn.query_row("SELECT mime, bytes FROM media WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(sql)
}
