-- Each account's automatic-reply rules as last pulled (tombstones of
-- deleted ones too), as JSON: the rules editor reads them, with the
-- waiting changes of the outbox applied on top.
CREATE TABLE auto_reply_rules (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  body       TEXT NOT NULL
) STRICT;
CREATE INDEX auto_reply_rules_by_account ON auto_reply_rules (account_id);
