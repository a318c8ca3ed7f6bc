-- The conversation view as last pulled: JSON bodies, with the columns the
-- inbox queries need.
CREATE TABLE subscribers (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  body       TEXT NOT NULL
) STRICT;

CREATE TABLE conversations (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  last_activity_at INTEGER NOT NULL,
  body             TEXT NOT NULL
) STRICT;
CREATE INDEX conversations_by_activity ON conversations (account_id, last_activity_at);

CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  body            TEXT NOT NULL
) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
