-- The inbox: what its list filters and counts by, read out of the JSON bodies.
-- Virtual columns cost no rewrite of existing rows and can never disagree
-- with the body they come from.
ALTER TABLE conversations ADD COLUMN subscriber_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.subscriber_id')) VIRTUAL;
ALTER TABLE conversations ADD COLUMN status TEXT GENERATED ALWAYS AS (json_extract(body, '$.status')) VIRTUAL;
ALTER TABLE conversations ADD COLUMN assignee TEXT GENERATED ALWAYS AS (json_extract(body, '$.assignee')) VIRTUAL;
CREATE INDEX conversations_by_recent ON conversations (last_activity_at);
CREATE INDEX conversations_by_status ON conversations (status, last_activity_at);
CREATE INDEX conversations_by_assignee ON conversations (assignee, last_activity_at);
CREATE INDEX conversations_by_subscriber ON conversations (subscriber_id, last_activity_at);

ALTER TABLE messages ADD COLUMN direction TEXT GENERATED ALWAYS AS (json_extract(body, '$.direction')) VIRTUAL;
-- Keyset paging orders by (created_at, id): the id makes equal times a total
-- order, and having it in the index spares a sort.
DROP INDEX messages_by_conversation;
CREATE INDEX messages_by_thread ON messages (conversation_id, created_at, id);
-- Unread counts look at what subscribers wrote: inbound messages, not their
-- follow / menu-tap events.
ALTER TABLE messages ADD COLUMN is_event INTEGER GENERATED ALWAYS AS (json_extract(body, '$.body.type') = 'event') VIRTUAL;
CREATE INDEX messages_unread ON messages (conversation_id, created_at) WHERE direction = 'inbound' AND is_event = 0;

-- Until when this staff member has read a conversation (one cache per user).
CREATE TABLE read_marks (
  conversation_id TEXT PRIMARY KEY,
  read_at         INTEGER NOT NULL
) STRICT;

-- Replies being written, kept across restarts and offline.
CREATE TABLE drafts (
  conversation_id TEXT PRIMARY KEY,
  text            TEXT NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

-- Full text, tokenized in Rust (see src/search.rs): CJK as single characters
-- in `unigrams` and overlapping pairs in `bigrams`, other words lower-cased in
-- `unigrams`. The rowid is the row's rowid in messages / subscribers. No
-- content is kept: snippets are made from the bodies.
CREATE VIRTUAL TABLE message_search USING fts5(
  unigrams, bigrams, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
);
CREATE VIRTUAL TABLE subscriber_search USING fts5(
  unigrams, bigrams, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
);

-- Rows cached before this version are indexed by the program on next open
-- (tokenizing needs Rust); it removes this mark when done.
INSERT INTO meta (key, value) VALUES ('search_backfill', '1');
