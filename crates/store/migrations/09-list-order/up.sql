-- The conversation list reads newest activity first, ties by id, and stops
-- after one page: an index in exactly that order lets SQLite walk it and
-- count unread messages for the rows it returns only, never sort them all.
DROP INDEX conversations_by_recent;
CREATE INDEX conversations_by_recent ON conversations (last_activity_at, id);
