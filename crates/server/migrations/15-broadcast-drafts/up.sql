-- Broadcast drafts (what staff typed in the composer, kept as they type),
-- each as JSON in `body`: the whole draft, as the change feed carries it.
-- A deleted or sent draft stays as a tombstone (`deleted` in its body) so
-- consoles that pulled it learn that it went.
CREATE TABLE broadcast_drafts (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  body       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX broadcast_drafts_by_account ON broadcast_drafts (account_id);
