-- Several server processes on one database.
--
-- The live feed: every change the feed records is announced on the channel
-- `wicket_feed` by the transaction that records it, so the other processes
-- hear of it when (and only if) it commits, in commit order. The payload is
-- the writing process's id (the session setting `wicket.origin`, set on
-- each pooled connection; a process ignores its own) and the conversation
-- the change touches, empty for other kinds. PostgreSQL folds identical
-- payloads of one transaction into one notification.
CREATE FUNCTION wicket_notify_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wicket_feed',
    coalesce(current_setting('wicket.origin', true), '') || ' ' ||
    CASE NEW.kind
      WHEN 'conversation' THEN NEW.entity_id
      WHEN 'message' THEN coalesce((NEW.body::json) -> 'data' ->> 'conversation_id', '')
      ELSE ''
    END);
  RETURN NULL;
END
$$;

CREATE TRIGGER changes_notify AFTER INSERT ON changes
  FOR EACH ROW EXECUTE FUNCTION wicket_notify_feed();

-- Leases: a job (a broadcast, the reply dispatcher, an account's token
-- refresh) is run by the process holding its row until `expires_at`
-- (milliseconds, the database's clock). The holder renews it while it
-- works; once it lapses (the holder died) another process takes it.
CREATE TABLE leases (
  name       TEXT COLLATE "C" PRIMARY KEY,
  holder     TEXT COLLATE "C" NOT NULL,
  expires_at BIGINT NOT NULL
);
