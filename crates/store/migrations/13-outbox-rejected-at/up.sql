-- When this cache first saw a change refused (by the purge that follows the
-- refusal, within the hour). Refused changes wait for staff to read them and
-- go a retention time after this; those holding text staff typed (a reply,
-- a note) stay until staff deal with them.
ALTER TABLE outbox ADD COLUMN rejected_at INTEGER;
