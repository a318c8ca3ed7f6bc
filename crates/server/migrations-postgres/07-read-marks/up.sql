-- Until when each staff member has read each conversation: the inbox's
-- unread counts are per staff member.
CREATE TABLE read_marks (
  staff_id        TEXT COLLATE "C" NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
  read_at         BIGINT NOT NULL,
  PRIMARY KEY (staff_id, conversation_id)
);
-- Unread counts look at what subscribers wrote, not their events.
CREATE INDEX messages_unread ON messages (conversation_id, created_at)
  WHERE direction = 'inbound' AND (body::jsonb -> 'body' ->> 'type') <> 'event';
