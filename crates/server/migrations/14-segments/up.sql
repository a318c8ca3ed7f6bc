-- An account's saved segments (a named subscriber filter staff pick for a
-- broadcast), each as JSON in `body`: the whole segment, as the change feed
-- carries it. A deleted segment stays as a tombstone (`deleted` in its
-- body) so consoles that pulled it learn that it went.
CREATE TABLE segments (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  body       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX segments_by_account ON segments (account_id);
