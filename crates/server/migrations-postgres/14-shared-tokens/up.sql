-- Platform access tokens shared by the server processes on this database:
-- one process refreshes an account's token (under the lease
-- `token:<platform>:<account>`) and the others read it here, so no process
-- invalidates a token another one uses. The token is sealed with the
-- platform secrets key (every process has the same key).
CREATE TABLE platform_tokens (
  key        TEXT COLLATE "C" PRIMARY KEY,
  sealed     BYTEA NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
