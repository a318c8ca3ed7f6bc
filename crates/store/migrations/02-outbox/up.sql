-- Changes written here and not yet taken into the pulled state. The id is the
-- mutation number the server sees; AUTOINCREMENT so a number is never reused.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
  -- For a rejected change: the server's error, as JSON.
  rejection  TEXT
) STRICT;
