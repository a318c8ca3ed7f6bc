-- Each account's saved segments as last pulled (tombstones of deleted ones
-- too), as JSON: the audience picker reads them, with the waiting changes
-- of the outbox applied on top.
CREATE TABLE segments (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  body       TEXT NOT NULL
) STRICT;
CREATE INDEX segments_by_account ON segments (account_id);
