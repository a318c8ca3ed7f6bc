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

-- The change feed: a global, monotonic sequence. Each row holds the whole new
-- state of one thing, so replaying from 0 rebuilds everything.
CREATE TABLE changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Per console installation: the last mutation number processed. Written in
-- the same transaction as the mutation's effects.
CREATE TABLE clients (
  client_id        TEXT PRIMARY KEY,
  staff_id         TEXT NOT NULL REFERENCES staff (id),
  last_mutation_id INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

-- Mutations refused for good, so a retried push still learns why.
CREATE TABLE rejections (
  client_id   TEXT NOT NULL,
  mutation_id INTEGER NOT NULL,
  error       TEXT NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
) STRICT;
