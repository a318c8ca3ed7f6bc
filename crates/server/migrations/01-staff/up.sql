CREATE TABLE staff (
  id            TEXT PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'designer', 'agent')),
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

-- Bearer sessions; only a SHA-256 of the token is kept.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  staff_id   TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_staff ON sessions (staff_id);
