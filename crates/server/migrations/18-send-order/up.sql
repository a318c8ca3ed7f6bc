-- The conversation a queued send answers. One conversation's sends go out
-- one at a time, in the order they were queued: a reply waits while an
-- earlier one to the same subscriber is retried, so a subscriber never reads
-- a keyword reply before the greeting recorded ahead of it.
ALTER TABLE platform_sends ADD COLUMN conversation_id TEXT NOT NULL DEFAULT '';
UPDATE platform_sends
  SET conversation_id = coalesce(
    (SELECT conversation_id FROM messages WHERE messages.id = platform_sends.message_id), '');
CREATE INDEX platform_sends_waiting ON platform_sends (conversation_id)
  WHERE state IN ('pending', 'sending');
