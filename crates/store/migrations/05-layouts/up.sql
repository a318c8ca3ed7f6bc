-- The designer's drafts, one per account: kept on this computer first (so
-- nothing typed is lost offline or in a crash), then saved to the server
-- with the revision they started from.
CREATE TABLE layout_drafts (
  account_id    TEXT PRIMARY KEY,
  -- The layout document as staff last left it (JSON).
  layout        TEXT NOT NULL,
  -- The server revision this draft is based on; 0 before the first save.
  base_revision INTEGER NOT NULL,
  -- 1 while it holds edits the server has not taken yet.
  dirty         INTEGER NOT NULL DEFAULT 0,
  -- The server's draft, when a save found someone else had saved meanwhile
  -- (a LayoutConflict as JSON); staff resolve it, nothing is overwritten.
  conflict      TEXT,
  -- A publish asked for, and how it went (a PublishState as JSON).
  publish       TEXT,
  -- The designer's undo and redo steps, kept across restarts (opaque JSON).
  history       TEXT,
  updated_at    INTEGER NOT NULL
) STRICT;
