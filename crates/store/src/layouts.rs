//! The designer's drafts in the cache: every edit is kept here first, then
//! saved to the server with the revision it started from. A save that finds
//! the server's draft changed keeps both sides for staff to choose from.

use wicket_model::layout::{Layout, LayoutConflict, LayoutDraft, PublishState};
use wicket_model::Millis;
use wicket_sqlite::rusqlite::{params, Connection, OptionalExtension};

use crate::{Cache, Result, StoreError};

/// An account's draft as kept on this computer.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDraft {
    pub account_id: String,
    pub layout: Layout,
    pub base_revision: i64,
    /// The server revision whose layout this computer last took whole (see
    /// [`Cache::save_layout_draft`]); its own saves do not move it.
    pub loaded_revision: i64,
    /// Who saved that revision on the server, and when.
    pub loaded_by: Option<String>,
    pub loaded_at: Option<Millis>,
    /// Holds edits the server has not taken yet.
    pub dirty: bool,
    pub conflict: Option<LayoutConflict>,
    pub publish: Option<PublishState>,
    pub updated_at: Millis,
}

impl StoredDraft {
    /// Whether the sync engine has something to send for it.
    pub fn needs_sync(&self) -> bool {
        self.conflict.is_none() && (self.dirty || matches!(self.publish, Some(PublishState::Queued)))
    }
}

impl Cache {
    pub fn layout_draft(&self, account_id: &str) -> Result<Option<StoredDraft>> {
        read(&self.conn(), account_id)
    }

    /// Keeps what staff made of the layout; it waits to be saved on the server.
    ///
    /// `edited_on` is the [`StoredDraft::loaded_revision`] the designer showed
    /// when the edit was made. If the cache has taken a newer layout since (a
    /// colleague's save, taken while the designer still showed the old one),
    /// the edit was made on a layout that is gone: it is kept as mine beside
    /// the newer one as a conflict, never saved over it.
    pub fn save_layout_draft(
        &self,
        account_id: &str,
        layout: &Layout,
        edited_on: i64,
        now: Millis,
    ) -> Result<StoredDraft> {
        let json = to_json(layout)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let stale = match read(&tx, account_id)? {
            // A clean draft is the server's revision as taken; a dirty one is
            // this computer's own unsent work, which no colleague owns.
            Some(stored)
                if stored.loaded_revision > edited_on
                    && !stored.dirty
                    && stored.conflict.is_none()
                    && stored.layout != *layout =>
            {
                Some(LayoutConflict {
                    theirs: stored.layout,
                    their_revision: stored.base_revision,
                    updated_by: stored.loaded_by,
                    updated_at: stored.loaded_at,
                })
            }
            _ => None,
        };
        tx.execute(
            "INSERT INTO layout_drafts (account_id, layout, base_revision, dirty, updated_at) VALUES (?1, ?2, 0, 1, ?3)
             ON CONFLICT (account_id) DO UPDATE SET
               dirty = dirty OR layout <> excluded.layout, layout = excluded.layout, updated_at = excluded.updated_at",
            params![account_id, json, now],
        )?;
        if let Some(conflict) = stale {
            tx.execute(
                "UPDATE layout_drafts SET conflict = ?2, dirty = 1 WHERE account_id = ?1",
                params![account_id, to_json(&conflict)?],
            )?;
        }
        let draft = read(&tx, account_id)?.ok_or_else(|| missing(account_id))?;
        tx.commit()?;
        Ok(draft)
    }

    /// Takes the server's draft when nothing of this computer's waits on it
    /// (the first open, or a colleague's newer save); otherwise a newer
    /// server draft is a conflict for staff to resolve. Returns the draft.
    pub fn take_server_draft(&self, account_id: &str, server: &LayoutDraft, now: Millis) -> Result<StoredDraft> {
        let server = conflict_from(server);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let json = to_json(&server.theirs)?;
        match read(&tx, account_id)? {
            None => {
                tx.execute(
                    "INSERT INTO layout_drafts
                       (account_id, layout, base_revision, loaded_revision, loaded_by, loaded_at, dirty, updated_at)
                     VALUES (?1, ?2, ?3, ?3, ?4, ?5, 0, ?6)",
                    params![account_id, json, server.their_revision, server.updated_by, server.updated_at, now],
                )?;
            }
            Some(local) if server.their_revision > local.base_revision => {
                if local.dirty && local.layout != server.theirs {
                    tx.execute(
                        "UPDATE layout_drafts SET conflict = ?2 WHERE account_id = ?1",
                        params![account_id, to_json(&server)?],
                    )?;
                } else if local.layout == server.theirs {
                    // The same layout under a newer revision: what the designer
                    // shows is still right, so edits on it are not stale.
                    tx.execute(
                        "UPDATE layout_drafts SET base_revision = ?2, dirty = 0, conflict = NULL WHERE account_id = ?1",
                        params![account_id, server.their_revision],
                    )?;
                } else {
                    tx.execute(
                        "UPDATE layout_drafts SET layout = ?2, base_revision = ?3, loaded_revision = ?3,
                           loaded_by = ?4, loaded_at = ?5, dirty = 0, conflict = NULL
                         WHERE account_id = ?1",
                        params![account_id, json, server.their_revision, server.updated_by, server.updated_at],
                    )?;
                }
            }
            Some(_) => {}
        }
        let draft = read(&tx, account_id)?.ok_or_else(|| missing(account_id))?;
        tx.commit()?;
        Ok(draft)
    }

    /// The server took `sent` as `revision`. The draft is clean unless staff
    /// edited it again meanwhile.
    pub fn layout_saved(&self, account_id: &str, sent: &Layout, revision: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE layout_drafts SET base_revision = ?3, dirty = (layout <> ?2) WHERE account_id = ?1",
            params![account_id, to_json(sent)?, revision],
        )?;
        Ok(())
    }

    /// A save found the server's draft changed by someone else.
    pub fn layout_conflict(&self, account_id: &str, conflict: &LayoutConflict) -> Result<()> {
        self.conn().execute(
            "UPDATE layout_drafts SET conflict = ?2 WHERE account_id = ?1",
            params![account_id, to_json(conflict)?],
        )?;
        Ok(())
    }

    /// Staff chose what the draft is (theirs, mine, or a mix): it now builds
    /// on the server's revision and waits to be saved, unless it is theirs.
    pub fn resolve_layout_conflict(&self, account_id: &str, chosen: &Layout, now: Millis) -> Result<StoredDraft> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let local = read(&tx, account_id)?.ok_or_else(|| missing(account_id))?;
        let conflict = local.conflict.ok_or_else(|| StoreError::Corrupt(format!("no conflict on {account_id}")))?;
        let dirty = *chosen != conflict.theirs;
        tx.execute(
            "UPDATE layout_drafts SET layout = ?2, base_revision = ?3, loaded_revision = ?3, loaded_by = ?4,
               loaded_at = ?5, dirty = ?6, conflict = NULL, updated_at = ?7
             WHERE account_id = ?1",
            params![
                account_id,
                to_json(chosen)?,
                conflict.their_revision,
                conflict.updated_by,
                conflict.updated_at,
                dirty,
                now
            ],
        )?;
        let draft = read(&tx, account_id)?.ok_or_else(|| missing(account_id))?;
        tx.commit()?;
        Ok(draft)
    }

    pub fn set_publish_state(&self, account_id: &str, state: Option<&PublishState>) -> Result<()> {
        let json = state.map(to_json).transpose()?;
        self.conn()
            .execute("UPDATE layout_drafts SET publish = ?2 WHERE account_id = ?1", params![account_id, json])?;
        Ok(())
    }

    /// Drafts with something to send: edits, or a publish asked for.
    pub fn layouts_to_sync(&self) -> Result<Vec<StoredDraft>> {
        let conn = self.conn();
        let ids: Vec<String> = conn
            .prepare_cached(
                "SELECT account_id FROM layout_drafts
                 WHERE conflict IS NULL AND (dirty = 1 OR json_extract(publish, '$.state') = 'queued')",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter().filter_map(|id| read(&conn, id).transpose()).collect()
    }

    /// The designer's undo and redo steps for an account (opaque to Wicket).
    pub fn designer_history(&self, account_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT history FROM layout_drafts WHERE account_id = ?1", [account_id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    pub fn save_designer_history(&self, account_id: &str, history: &str) -> Result<()> {
        self.conn()
            .execute("UPDATE layout_drafts SET history = ?2 WHERE account_id = ?1", params![account_id, history])?;
        Ok(())
    }
}

/// The server's draft, as the side of a conflict that is not ours.
pub fn conflict_from(server: &LayoutDraft) -> LayoutConflict {
    LayoutConflict {
        theirs: server.layout.clone(),
        their_revision: server.revision,
        updated_by: server.updated_by.clone(),
        updated_at: server.updated_at,
    }
}

fn read(conn: &Connection, account_id: &str) -> Result<Option<StoredDraft>> {
    let row = conn
        .prepare_cached(
            "SELECT layout, base_revision, dirty, conflict, publish, updated_at, loaded_revision, loaded_by, loaded_at
             FROM layout_drafts WHERE account_id = ?1",
        )?
        .query_row([account_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                (r.get::<_, i64>(6)?, r.get::<_, Option<String>>(7)?, r.get::<_, Option<i64>>(8)?),
            ))
        })
        .optional()?;
    let Some((layout, base_revision, dirty, conflict, publish, updated_at, loaded)) = row else {
        return Ok(None);
    };
    let (loaded_revision, loaded_by, loaded_at) = loaded;
    Ok(Some(StoredDraft {
        account_id: account_id.to_owned(),
        layout: from_json(&layout)?,
        base_revision,
        loaded_revision,
        loaded_by,
        loaded_at,
        dirty,
        conflict: conflict.as_deref().map(from_json).transpose()?,
        publish: publish.as_deref().map(from_json).transpose()?,
        updated_at,
    }))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("layout draft: {e}")))
}

fn missing(account_id: &str) -> StoreError {
    StoreError::Corrupt(format!("the draft of {account_id} vanished"))
}

#[cfg(test)]
mod tests {
    use wicket_model::layout::{Module, NoticeProps};

    use super::*;

    fn temp_cache() -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
        (dir, cache)
    }

    fn layout_with(ids: &[&str]) -> Layout {
        Layout { modules: ids.iter().map(|id| Module::new(*id, NoticeProps::default())).collect(), ..Layout::default() }
    }

    fn server(ids: &[&str], revision: i64) -> LayoutDraft {
        LayoutDraft { layout: layout_with(ids), revision, updated_by: None, updated_at: None }
    }

    #[test]
    fn an_edit_is_kept_and_waits_until_the_server_takes_it() {
        let (_dir, cache) = temp_cache();
        let draft = cache.save_layout_draft("acc", &layout_with(&["a"]), 0, 1).unwrap();
        assert!(draft.dirty && draft.needs_sync(), "a new draft waits to be saved on the server");
        cache.layout_saved("acc", &layout_with(&["a"]), 1).unwrap();
        let draft = cache.layout_draft("acc").unwrap().unwrap();
        assert_eq!((draft.dirty, draft.base_revision), (false, 1), "saved as revision 1");

        cache.save_layout_draft("acc", &layout_with(&["a", "b"]), 0, 2).unwrap();
        cache.layout_saved("acc", &layout_with(&["a"]), 1).unwrap();
        assert!(cache.layout_draft("acc").unwrap().unwrap().dirty, "an edit made during the save still waits");
        let same = cache.save_layout_draft("acc", &layout_with(&["a", "b"]), 0, 3).unwrap();
        assert!(same.dirty, "saving the same layout again keeps it waiting, not clean");
    }

    #[test]
    fn a_colleagues_newer_draft_is_taken_or_kept_as_a_conflict() {
        let (_dir, cache) = temp_cache();
        let first = cache.take_server_draft("acc", &server(&["x"], 3), 1).unwrap();
        assert_eq!((first.base_revision, first.dirty), (3, false), "the first open takes the server's draft");
        let newer = cache.take_server_draft("acc", &server(&["x", "y"], 4), 2).unwrap();
        assert_eq!(newer.layout, layout_with(&["x", "y"]), "a clean draft follows the server");

        cache.save_layout_draft("acc", &layout_with(&["mine"]), 4, 3).unwrap();
        let clash = cache.take_server_draft("acc", &server(&["theirs"], 5), 4).unwrap();
        assert_eq!(clash.layout, layout_with(&["mine"]), "local edits are never overwritten");
        assert_eq!(clash.conflict.as_ref().map(|c| c.their_revision), Some(5), "the colleague's draft is kept beside");
        assert!(!clash.needs_sync(), "nothing is sent while staff choose");

        let resolved = cache.resolve_layout_conflict("acc", &layout_with(&["mine", "theirs"]), 5).unwrap();
        assert_eq!((resolved.base_revision, resolved.dirty), (5, true), "the choice builds on their revision");
        assert!(resolved.conflict.is_none());
    }

    #[test]
    fn an_edit_made_on_a_layout_the_cache_has_since_replaced_becomes_a_conflict() {
        let (_dir, cache) = temp_cache();
        let opened = cache.take_server_draft("acc", &server(&["a"], 1), 1).unwrap();
        assert_eq!(opened.loaded_revision, 1, "the designer is shown revision 1");
        // My own saves do not move what the designer was shown.
        cache.save_layout_draft("acc", &layout_with(&["a", "b"]), 1, 2).unwrap();
        cache.layout_saved("acc", &layout_with(&["a", "b"]), 2).unwrap();
        let mine = cache.save_layout_draft("acc", &layout_with(&["a", "b", "c"]), 1, 3).unwrap();
        assert!(mine.conflict.is_none() && mine.dirty, "an edit on my own saved revision is simply kept");
        cache.layout_saved("acc", &layout_with(&["a", "b", "c"]), 3).unwrap();

        // A colleague's revision 4 is taken while the designer still shows revision 1's descendants.
        let colleague =
            LayoutDraft { updated_by: Some("王芳".into()), updated_at: Some(99), ..server(&["theirs"], 4) };
        let taken = cache.take_server_draft("acc", &colleague, 4).unwrap();
        assert_eq!((taken.loaded_revision, taken.layout.clone()), (4, layout_with(&["theirs"])), "the cache takes it");
        let stale = cache.save_layout_draft("acc", &layout_with(&["a", "b", "c", "d"]), 1, 5).unwrap();
        assert_eq!(stale.layout, layout_with(&["a", "b", "c", "d"]), "my edit is kept");
        let conflict = stale.conflict.clone().expect("an edit on a replaced layout is a conflict, not a save over it");
        assert_eq!(
            (conflict.theirs, conflict.their_revision, conflict.updated_by.as_deref(), conflict.updated_at),
            (layout_with(&["theirs"]), 4, Some("王芳"), Some(99)),
            "the colleague's revision is kept beside it, with who saved it"
        );
        assert!(!stale.needs_sync(), "nothing is sent while staff choose");
        let resolved = cache.resolve_layout_conflict("acc", &layout_with(&["theirs", "d"]), 6).unwrap();
        assert_eq!((resolved.base_revision, resolved.loaded_revision, resolved.dirty), (4, 4, true));

        // An edit on what the designer was last shown is not stale.
        let next = cache.save_layout_draft("acc", &layout_with(&["theirs", "d", "e"]), 4, 7).unwrap();
        assert!(next.conflict.is_none(), "an edit on the layout shown is kept and waits");
    }

    #[test]
    fn the_same_layout_under_a_newer_revision_leaves_edits_on_it_valid() {
        let (_dir, cache) = temp_cache();
        cache.take_server_draft("acc", &server(&["a"], 1), 1).unwrap();
        let same = cache.take_server_draft("acc", &server(&["a"], 2), 2).unwrap();
        assert_eq!((same.base_revision, same.loaded_revision), (2, 1), "nothing new to show");
        let edit = cache.save_layout_draft("acc", &layout_with(&["a", "b"]), 1, 3).unwrap();
        assert!(edit.conflict.is_none(), "the designer showed that very layout");
    }

    #[test]
    fn a_publish_waits_in_the_cache_and_history_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        {
            let cache = Cache::open(&path).unwrap();
            cache.take_server_draft("acc", &server(&["a"], 1), 1).unwrap();
            assert!(cache.layouts_to_sync().unwrap().is_empty(), "a clean draft has nothing to send");
            cache.set_publish_state("acc", Some(&PublishState::Queued)).unwrap();
            cache.save_designer_history("acc", r#"{"undo":[1,2]}"#).unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        let waiting = cache.layouts_to_sync().unwrap();
        assert_eq!(waiting.len(), 1, "the publish asked for before the restart still waits");
        assert_eq!(waiting[0].publish, Some(PublishState::Queued));
        assert_eq!(cache.designer_history("acc").unwrap().as_deref(), Some(r#"{"undo":[1,2]}"#));
    }
}
