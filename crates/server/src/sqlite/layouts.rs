//! Layout drafts (with revisions), published versions, and which one is live.

use wicket_model::layout::Layout;
use wicket_model::{Millis, WicketError};
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::world::decode;
use super::{db, sql};
use crate::storage::{DraftWrite, LayoutCheck, LayoutDraft, LayoutVersion, Result};

pub(super) fn draft(conn: &Connection, account_id: &str) -> Result<LayoutDraft> {
    let found = conn
        .query_row(
            // People are shown by name; an id only if they were removed.
            "SELECT d.revision, d.layout, coalesce(s.display_name, d.updated_by), d.updated_at
             FROM layout_drafts d LEFT JOIN staff s ON s.id = d.updated_by WHERE d.account_id = ?1",
            [account_id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)),
        )
        .optional()
        .map_err(sql)?;
    Ok(match found {
        Some((revision, layout, by, at)) => {
            LayoutDraft { revision, layout: decode(&layout)?, updated_by: Some(by), updated_at: Some(at) }
        }
        None => LayoutDraft { revision: 0, layout: Layout::default(), updated_by: None, updated_at: None },
    })
}

pub(super) fn save_draft(
    conn: &mut Connection,
    account_id: &str,
    expected: i64,
    layout: &Layout,
    staff_id: &str,
    now: Millis,
) -> Result<DraftWrite<LayoutDraft>> {
    let tx = conn.transaction().map_err(sql)?;
    let current = draft(&tx, account_id)?;
    if current.revision != expected {
        return Ok(DraftWrite::Stale(current));
    }
    let json = serde_json::to_string(layout).map_err(db)?;
    let revision = expected + 1;
    tx.execute(
        "INSERT INTO layout_drafts (account_id, revision, layout, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_id) DO UPDATE SET revision = excluded.revision, layout = excluded.layout,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        params![account_id, revision, json, staff_id, now],
    )
    .map_err(sql)?;
    // Read back as every answer shows it (the saver by name).
    let saved = draft(&tx, account_id)?;
    tx.commit().map_err(sql)?;
    Ok(DraftWrite::Done(saved))
}

pub(super) fn publish(
    conn: &mut Connection,
    account_id: &str,
    expected: i64,
    staff_id: &str,
    now: Millis,
    check: LayoutCheck,
) -> Result<std::result::Result<DraftWrite<i64>, WicketError>> {
    let tx = conn.transaction().map_err(sql)?;
    let current = draft(&tx, account_id)?;
    if current.revision != expected || current.revision == 0 {
        return Ok(Ok(DraftWrite::Stale(current)));
    }
    let already: Option<i64> = tx
        .query_row(
            "SELECT version FROM layout_versions WHERE account_id = ?1 AND from_revision = ?2",
            params![account_id, expected],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)?;
    if let Some(version) = already {
        return Ok(Ok(DraftWrite::Done(version)));
    }
    if let Err(refused) = check(&current.layout) {
        return Ok(Err(refused));
    }
    let version: i64 = tx
        .query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM layout_versions WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )
        .map_err(sql)?;
    let json = serde_json::to_string(&current.layout).map_err(db)?;
    tx.execute(
        "INSERT INTO layout_versions (account_id, version, layout, published_by, published_at, from_revision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![account_id, version, json, staff_id, now, expected],
    )
    .map_err(sql)?;
    set_live(&tx, account_id, version, now)?;
    tx.commit().map_err(sql)?;
    Ok(Ok(DraftWrite::Done(version)))
}

fn set_live(conn: &Connection, account_id: &str, version: i64, now: Millis) -> Result<()> {
    conn.execute(
        "INSERT INTO layout_live (account_id, version, changed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at",
        params![account_id, version, now],
    )
    .map_err(sql)?;
    Ok(())
}

pub(super) fn versions(conn: &Connection, account_id: &str) -> Result<Vec<LayoutVersion>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.version, coalesce(s.display_name, v.published_by), v.published_at, coalesce(l.version = v.version, 0)
             FROM layout_versions v LEFT JOIN layout_live l ON l.account_id = v.account_id
               LEFT JOIN staff s ON s.id = v.published_by
             WHERE v.account_id = ?1 ORDER BY v.version DESC",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([account_id], |r| {
            Ok(LayoutVersion { version: r.get(0)?, published_by: r.get(1)?, published_at: r.get(2)?, live: r.get(3)? })
        })
        .map_err(sql)?;
    rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql)
}

pub(super) fn version(conn: &Connection, account_id: &str, version: i64) -> Result<Option<Layout>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT layout FROM layout_versions WHERE account_id = ?1 AND version = ?2",
            params![account_id, version],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)?;
    json.map(|j| decode(&j)).transpose()
}

pub(super) fn roll_back(conn: &mut Connection, account_id: &str, to: i64, now: Millis) -> Result<bool> {
    let tx = conn.transaction().map_err(sql)?;
    if version(&tx, account_id, to)?.is_none() {
        return Ok(false);
    }
    set_live(&tx, account_id, to, now)?;
    tx.commit().map_err(sql)?;
    Ok(true)
}

pub(super) fn live(conn: &Connection, account_id: &str) -> Result<Option<(i64, Layout)>> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT v.version, v.layout FROM layout_live l
             JOIN layout_versions v ON v.account_id = l.account_id AND v.version = l.version
             WHERE l.account_id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    found.map(|(v, json)| Ok((v, decode(&json)?))).transpose()
}
