-- A platform connection per account: the public settings as JSON, the
-- secrets sealed (AES-256-GCM) with the server's secrets key, which is kept
-- outside the database, and what the console shows of its state.
CREATE TABLE platform_connections (
  account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  platform   TEXT COLLATE "C" NOT NULL,
  settings   TEXT COLLATE "C" NOT NULL,
  sealed     BYTEA NOT NULL,
  state      TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Staff replies a platform adapter delivers: one row per outbound message,
-- ever, so a reply is handed to a platform at most once. `sending` is
-- written before the request leaves: found after a crash, it becomes
-- `unknown` and is never resent blindly.
CREATE TABLE platform_sends (
  message_id TEXT COLLATE "C" PRIMARY KEY,
  platform   TEXT COLLATE "C" NOT NULL,
  account_id TEXT COLLATE "C" NOT NULL,
  state      TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
  attempts   BIGINT NOT NULL,
  next_at    BIGINT NOT NULL,
  error      TEXT COLLATE "C",
  updated_at BIGINT NOT NULL,
  pos        BIGSERIAL NOT NULL
);
CREATE INDEX platform_sends_due ON platform_sends (state, next_at);

-- How far the outbound dispatcher has read the change feed. It starts at the
-- feed's end: replies written before platforms existed went nowhere else.
CREATE TABLE platform_feed_cursor (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL
);
INSERT INTO platform_feed_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM changes;
