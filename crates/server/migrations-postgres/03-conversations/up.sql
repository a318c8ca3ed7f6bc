CREATE TABLE subscribers (
  id               TEXT COLLATE "C" PRIMARY KEY,
  account_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  platform         TEXT COLLATE "C" NOT NULL,
  platform_user_id TEXT COLLATE "C" NOT NULL,
  body             TEXT COLLATE "C" NOT NULL,
  UNIQUE (account_id, platform, platform_user_id)
);

CREATE TABLE conversations (
  id               TEXT COLLATE "C" PRIMARY KEY,
  account_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  subscriber_id    TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES subscribers (id),
  last_activity_at BIGINT NOT NULL,
  body             TEXT COLLATE "C" NOT NULL
);
CREATE INDEX conversations_by_activity ON conversations (account_id, last_activity_at);

-- Messages keep their JSON in `body`; the columns are what queries need.
-- The unique ids make retried sends and retried platform callbacks no-ops.
-- `pos` is the storage order (SQLite's rowid): messages are written only by
-- feed writers, one after another, so it is also their commit order.
CREATE TABLE messages (
  id              TEXT COLLATE "C" PRIMARY KEY,
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
  direction       TEXT COLLATE "C" NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
  platform_msg_id TEXT COLLATE "C",
  created_at      BIGINT NOT NULL,
  body            TEXT COLLATE "C" NOT NULL,
  pos             BIGSERIAL NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_by_position ON messages (conversation_id, pos);
CREATE UNIQUE INDEX messages_by_platform_id ON messages (conversation_id, platform_msg_id)
  WHERE platform_msg_id IS NOT NULL;
