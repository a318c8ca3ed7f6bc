-- Settings of this cache: the client id, the pull cursor, the clock offset.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Public service accounts as last pulled from the server.
CREATE TABLE accounts (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  platform     TEXT NOT NULL CHECK (platform IN ('alipay', 'wechat')),
  category     TEXT NOT NULL,
  description  TEXT NOT NULL,
  avatar_color TEXT NOT NULL,
  archived     INTEGER NOT NULL CHECK (archived IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
