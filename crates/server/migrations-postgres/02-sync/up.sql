CREATE TABLE accounts (
  id           TEXT COLLATE "C" PRIMARY KEY,
  name         TEXT COLLATE "C" NOT NULL,
  platform     TEXT COLLATE "C" NOT NULL CHECK (platform IN ('alipay', 'wechat')),
  category     TEXT COLLATE "C" NOT NULL,
  description  TEXT COLLATE "C" NOT NULL,
  avatar_color TEXT COLLATE "C" NOT NULL,
  archived     BOOLEAN NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);

-- The change feed: a global, monotonic sequence. Each row holds the whole new
-- state of one thing, so replaying from 0 rebuilds everything.
--
-- Its order is its commit order. Numbers are not taken from a sequence (two
-- writers could take 7 and 8, commit 8 first, and a reader's cursor would
-- pass 7 before it commits): each writing transaction locks the one row of
-- `feed_counter` before it decides anything and takes the next numbers from
-- it, so feed writers follow one another and a number is only handed out
-- after every lower one has committed (or rolled back with its number).
CREATE TABLE changes (
  seq        BIGINT PRIMARY KEY,
  kind       TEXT COLLATE "C" NOT NULL,
  entity_id  TEXT COLLATE "C" NOT NULL,
  body       TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE feed_counter (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL
);
INSERT INTO feed_counter (id, seq) VALUES (1, 0);

-- Per console installation: the last mutation number processed. Written in
-- the same transaction as the mutation's effects.
CREATE TABLE clients (
  client_id        TEXT COLLATE "C" PRIMARY KEY,
  staff_id         TEXT COLLATE "C" NOT NULL REFERENCES staff (id),
  last_mutation_id BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL
);

-- Mutations refused for good, so a retried push still learns why.
CREATE TABLE rejections (
  client_id   TEXT COLLATE "C" NOT NULL,
  mutation_id BIGINT NOT NULL,
  error       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
);
