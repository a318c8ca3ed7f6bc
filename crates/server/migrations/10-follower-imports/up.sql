-- An account's "import followers" job: where it is in the platform's
-- follower list and its counts, as JSON, kept after each batch so a server
-- that stops resumes where it was. One row per account: a new import
-- replaces a finished one.
CREATE TABLE follower_imports (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  running    INTEGER NOT NULL CHECK (running IN (0, 1)),
  job        TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
