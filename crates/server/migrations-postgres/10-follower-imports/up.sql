-- An account's "import followers" job: where it is in the platform's
-- follower list and its counts, as JSON, kept after each batch so a server
-- that stops resumes where it was. One row per account.
CREATE TABLE follower_imports (
  account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  running    BOOLEAN NOT NULL,
  job        TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);
