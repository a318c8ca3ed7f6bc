-- How many of a broadcast's recipients are in each state (and, for failures,
-- each reason), kept by the triggers below in the same transaction as the
-- ledger's rows. A broadcast's counts are then read in a handful of rows,
-- not by grouping its whole ledger: staff watch a 1,000,000-recipient
-- broadcast without slowing it. `reason` is '' when there is none.
CREATE TABLE broadcast_tallies (
  broadcast_id TEXT NOT NULL,
  platform     TEXT NOT NULL,
  state        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  recipients   INTEGER NOT NULL,
  PRIMARY KEY (broadcast_id, platform, state, reason)
) STRICT, WITHOUT ROWID;

INSERT INTO broadcast_tallies (broadcast_id, platform, state, reason, recipients)
SELECT broadcast_id, platform, state, coalesce(reason, ''), count(*)
FROM broadcast_recipients GROUP BY broadcast_id, platform, state, coalesce(reason, '');

CREATE TRIGGER broadcast_recipients_tally_insert AFTER INSERT ON broadcast_recipients
BEGIN
  INSERT INTO broadcast_tallies (broadcast_id, platform, state, reason, recipients)
  VALUES (NEW.broadcast_id, NEW.platform, NEW.state, coalesce(NEW.reason, ''), 1)
  ON CONFLICT DO UPDATE SET recipients = recipients + 1;
END;

CREATE TRIGGER broadcast_recipients_tally_update AFTER UPDATE OF platform, state, reason ON broadcast_recipients
WHEN OLD.platform IS NOT NEW.platform OR OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason
BEGIN
  UPDATE broadcast_tallies SET recipients = recipients - 1
  WHERE broadcast_id = OLD.broadcast_id AND platform = OLD.platform AND state = OLD.state
    AND reason = coalesce(OLD.reason, '');
  INSERT INTO broadcast_tallies (broadcast_id, platform, state, reason, recipients)
  VALUES (NEW.broadcast_id, NEW.platform, NEW.state, coalesce(NEW.reason, ''), 1)
  ON CONFLICT DO UPDATE SET recipients = recipients + 1;
END;

CREATE TRIGGER broadcast_recipients_tally_delete AFTER DELETE ON broadcast_recipients
BEGIN
  UPDATE broadcast_tallies SET recipients = recipients - 1
  WHERE broadcast_id = OLD.broadcast_id AND platform = OLD.platform AND state = OLD.state
    AND reason = coalesce(OLD.reason, '');
END;

-- A broadcast decides its audience a page at a time in subscriber order
-- (`account_id = ? AND id > ? ORDER BY id`). Without this index the only
-- one on account_id is (account_id, platform, platform_user_id), so every
-- page read the account's whole subscriber list and sorted it: a
-- 1,000,000-subscriber broadcast did that 500 times.
CREATE INDEX subscribers_by_account ON subscribers (account_id, id);
