-- The server draft of each account's layout: one per account, with a
-- revision that every save must name (a stale save is a conflict).
CREATE TABLE layout_drafts (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  revision   INTEGER NOT NULL,
  layout     TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Published versions: immutable, numbered 1, 2, 3… per account.
CREATE TABLE layout_versions (
  account_id   TEXT NOT NULL REFERENCES accounts (id),
  version      INTEGER NOT NULL,
  layout       TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, version)
) STRICT;

-- Which version subscribers see (publishing and rolling back set it).
CREATE TABLE layout_live (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  version    INTEGER NOT NULL,
  changed_at INTEGER NOT NULL
) STRICT;

-- Visitors of the built-in sandbox platform: an opaque cookie per browser,
-- kept only as its SHA-256.
CREATE TABLE sandbox_visitors (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

-- Images subscribers send through the sandbox.
CREATE TABLE media (
  id         TEXT PRIMARY KEY,
  mime       TEXT NOT NULL,
  bytes      BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
