-- Broadcast drafts, each as JSON in `body`: the whole draft, as the change
-- feed carries it. A deleted or sent draft stays as a tombstone.
CREATE TABLE broadcast_drafts (
  id         TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  body       TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX broadcast_drafts_by_account ON broadcast_drafts (account_id);
