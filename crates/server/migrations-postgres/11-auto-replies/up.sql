-- An account's automatic reply rules, each as JSON in `body`: the whole
-- rule, as the change feed carries it. A deleted rule stays as a tombstone.
CREATE TABLE auto_reply_rules (
  id         TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  body       TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX auto_reply_rules_by_account ON auto_reply_rules (account_id);
