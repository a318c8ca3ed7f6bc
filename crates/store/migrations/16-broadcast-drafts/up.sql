-- Each account's broadcast drafts as last pulled (tombstones of deleted or
-- sent ones too), as JSON: the broadcast list reads them, with the waiting
-- changes of the outbox applied on top.
CREATE TABLE broadcast_drafts (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  body       TEXT NOT NULL
) STRICT;
CREATE INDEX broadcast_drafts_by_account ON broadcast_drafts (account_id);
