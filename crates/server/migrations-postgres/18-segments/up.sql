-- An account's saved segments, each as JSON in `body`: the whole segment,
-- as the change feed carries it. A deleted segment stays as a tombstone.
CREATE TABLE segments (
  id         TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  body       TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX segments_by_account ON segments (account_id);
