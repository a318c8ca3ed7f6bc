-- The server draft of each account's layout: one per account, with a
-- revision that every save must name (a stale save is a conflict).
CREATE TABLE layout_drafts (
  account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  revision   BIGINT NOT NULL,
  layout     TEXT COLLATE "C" NOT NULL,
  updated_by TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Published versions: immutable, numbered 1, 2, 3… per account.
CREATE TABLE layout_versions (
  account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  version      BIGINT NOT NULL,
  layout       TEXT COLLATE "C" NOT NULL,
  published_by TEXT COLLATE "C" NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, version)
);

-- Which version subscribers see (publishing and rolling back set it).
CREATE TABLE layout_live (
  account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  version    BIGINT NOT NULL,
  changed_at BIGINT NOT NULL
);

-- Visitors of the built-in sandbox platform: an opaque cookie per browser,
-- kept only as its SHA-256.
CREATE TABLE sandbox_visitors (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  user_id    TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

-- Images subscribers send through the sandbox.
CREATE TABLE media (
  id         TEXT COLLATE "C" PRIMARY KEY,
  mime       TEXT COLLATE "C" NOT NULL,
  bytes      BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
