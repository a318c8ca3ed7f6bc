-- The Alipay custom label a segment broadcast goes out through
-- (`alipay::mass`): created for the broadcast, put on its Alipay recipients
-- at most ten a call, named by one `message.label.send`, then deleted.
-- Kept so a restart uses the same label instead of making another (an
-- account has at most 100). `tagged_through` is the last recipient, in
-- subscriber order, whose tagging call Alipay took: a restart resumes after
-- it. `deleted` once Alipay deleted the label (or no longer had it).
CREATE TABLE broadcast_labels (
  broadcast_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES broadcasts (id),
  label_id       TEXT COLLATE "C" NOT NULL,
  tagged_through TEXT COLLATE "C",
  deleted        BOOLEAN NOT NULL DEFAULT false
);
