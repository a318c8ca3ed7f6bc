-- A change to an automatic-reply rule is announced as `*rules` (no
-- conversation id starts with `*`), so the other processes build their
-- cached reply matchers again.
CREATE OR REPLACE FUNCTION wicket_notify_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wicket_feed',
    coalesce(current_setting('wicket.origin', true), '') || ' ' ||
    CASE NEW.kind
      WHEN 'conversation' THEN NEW.entity_id
      WHEN 'message' THEN coalesce((NEW.body::json) -> 'data' ->> 'conversation_id', '')
      WHEN 'auto_reply_rule' THEN '*rules'
      ELSE ''
    END);
  RETURN NULL;
END
$$;
