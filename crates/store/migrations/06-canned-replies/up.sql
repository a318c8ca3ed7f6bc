-- Canned replies, kept on this computer for this workspace (not synced:
-- sharing them across a team would go through the server later).
CREATE TABLE canned_replies (
  id         TEXT PRIMARY KEY,
  shortcut   TEXT NOT NULL,
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- One reply per shortcut, whatever its case (the console also compares
-- non-ASCII letters without case before saving).
CREATE UNIQUE INDEX canned_replies_by_shortcut ON canned_replies (shortcut COLLATE NOCASE);
