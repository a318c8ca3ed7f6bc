-- How many of a broadcast's recipients are in each state (and, for failures,
-- each reason), kept by the triggers below in the same transaction as the
-- ledger's rows. A broadcast's counts are then read in a handful of rows,
-- not by grouping its whole ledger: staff watch a 1,000,000-recipient
-- broadcast without slowing it. `reason` is '' when there is none.
CREATE TABLE broadcast_tallies (
  broadcast_id TEXT COLLATE "C" NOT NULL,
  platform     TEXT COLLATE "C" NOT NULL,
  state        TEXT COLLATE "C" NOT NULL,
  reason       TEXT COLLATE "C" NOT NULL,
  recipients   BIGINT NOT NULL,
  PRIMARY KEY (broadcast_id, platform, state, reason)
);

INSERT INTO broadcast_tallies (broadcast_id, platform, state, reason, recipients)
SELECT broadcast_id, platform, state, coalesce(reason, ''), count(*)
FROM broadcast_recipients GROUP BY broadcast_id, platform, state, coalesce(reason, '');

-- Statement-level: one statement moving 10,000 recipients from `pending`
-- to `sending` changes two tally rows once each. The changes are applied
-- in key order, so two statements on one broadcast (a cancel and a batch,
-- from two processes) lock the tally rows in the same order and cannot
-- deadlock.
CREATE FUNCTION broadcast_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO broadcast_tallies AS t (broadcast_id, platform, state, reason, recipients)
    SELECT broadcast_id, platform, state, coalesce(reason, ''), count(*)
    FROM added GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (broadcast_id, platform, state, reason)
      DO UPDATE SET recipients = t.recipients + EXCLUDED.recipients;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE broadcast_tallies AS t SET recipients = t.recipients - gone.recipients
    FROM (SELECT broadcast_id, platform, state, coalesce(reason, '') AS reason, count(*) AS recipients
          FROM removed GROUP BY 1, 2, 3, 4) AS gone
    WHERE t.broadcast_id = gone.broadcast_id AND t.platform = gone.platform AND t.state = gone.state
      AND t.reason = gone.reason;
  ELSE
    INSERT INTO broadcast_tallies AS t (broadcast_id, platform, state, reason, recipients)
    SELECT broadcast_id, platform, state, reason, sum(change)
    FROM (SELECT broadcast_id, platform, state, coalesce(reason, '') AS reason, 1 AS change FROM added
          UNION ALL
          SELECT broadcast_id, platform, state, coalesce(reason, ''), -1 FROM removed) AS changes
    GROUP BY 1, 2, 3, 4 HAVING sum(change) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (broadcast_id, platform, state, reason)
      DO UPDATE SET recipients = t.recipients + EXCLUDED.recipients;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER broadcast_recipients_tally_insert AFTER INSERT ON broadcast_recipients
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION broadcast_tally_change();
CREATE TRIGGER broadcast_recipients_tally_update AFTER UPDATE ON broadcast_recipients
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION broadcast_tally_change();
CREATE TRIGGER broadcast_recipients_tally_delete AFTER DELETE ON broadcast_recipients
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION broadcast_tally_change();

-- A broadcast decides its audience a page at a time in subscriber order
-- (`account_id = ? AND id > ? ORDER BY id`). Without this index the only
-- one on account_id is (account_id, platform, platform_user_id), so every
-- page read the account's whole subscriber list and sorted it: a
-- 1,000,000-subscriber broadcast did that 500 times.
CREATE INDEX subscribers_by_account ON subscribers (account_id, id);
