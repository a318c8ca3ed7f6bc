-- The server revision whose layout this computer last took whole: the first
-- open, a colleague's newer save taken while nothing waited, or a resolved
-- conflict. The designer names it with every edit; an edit made on an older
-- one was made on a layout that is no longer there, and becomes a conflict
-- instead of a save over a colleague's work. This computer's own saves do
-- not move it.
ALTER TABLE layout_drafts ADD COLUMN loaded_revision INTEGER NOT NULL DEFAULT 0;
UPDATE layout_drafts SET loaded_revision = base_revision;
-- Who saved that revision and when, for the conflict a stale edit shows.
ALTER TABLE layout_drafts ADD COLUMN loaded_by TEXT;
ALTER TABLE layout_drafts ADD COLUMN loaded_at INTEGER;
