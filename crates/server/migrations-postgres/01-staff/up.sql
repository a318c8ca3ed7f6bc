-- PostgreSQL's copy of the server schema, one folder per SQLite migration of
-- the same number and name. Text is compared byte by byte (COLLATE "C"), as
-- SQLite compares it, so orders and keyset pages agree on both backends.
-- `pos` columns stand for SQLite's rowid where a query orders by it.
CREATE TABLE staff (
  id            TEXT COLLATE "C" PRIMARY KEY,
  login         TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name  TEXT COLLATE "C" NOT NULL,
  role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('owner', 'admin', 'designer', 'agent')),
  password_hash TEXT COLLATE "C" NOT NULL,
  created_at    BIGINT NOT NULL,
  pos           BIGSERIAL NOT NULL
);

-- Bearer sessions; only a SHA-256 of the token is kept.
CREATE TABLE sessions (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  staff_id   TEXT COLLATE "C" NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_staff ON sessions (staff_id);
