-- An account's automatic reply rules (greeting, keyword, menu tap, default),
-- each as JSON in `body`: the whole rule, as the change feed carries it. A
-- deleted rule stays as a tombstone (`deleted` in its body) so consoles that
-- pulled it learn that it went.
CREATE TABLE auto_reply_rules (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  body       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX auto_reply_rules_by_account ON auto_reply_rules (account_id);
