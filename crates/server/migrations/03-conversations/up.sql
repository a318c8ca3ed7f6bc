CREATE TABLE subscribers (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  platform         TEXT NOT NULL,
  platform_user_id TEXT NOT NULL,
  body             TEXT NOT NULL,
  UNIQUE (account_id, platform, platform_user_id)
) STRICT;

CREATE TABLE conversations (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  subscriber_id    TEXT NOT NULL UNIQUE REFERENCES subscribers (id),
  last_activity_at INTEGER NOT NULL,
  body             TEXT NOT NULL
) STRICT;
CREATE INDEX conversations_by_activity ON conversations (account_id, last_activity_at);

-- Messages keep their JSON in `body`; the columns are what queries need.
-- The unique ids make retried sends and retried platform callbacks no-ops.
CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  direction       TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
  platform_msg_id TEXT,
  created_at      INTEGER NOT NULL,
  body            TEXT NOT NULL
) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE UNIQUE INDEX messages_by_platform_id ON messages (conversation_id, platform_msg_id)
  WHERE platform_msg_id IS NOT NULL;
