-- Broadcasts: one message to many subscribers, sent by the server as a
-- durable job. `body` holds the broadcast's JSON (content, audience,
-- creator); the columns are what the job and its queries need.
CREATE TABLE broadcasts (
  id          TEXT COLLATE "C" PRIMARY KEY,
  account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  status      TEXT COLLATE "C" NOT NULL CHECK (status IN ('scheduled', 'sending', 'done', 'cancelled')),
  send_at     BIGINT NOT NULL,
  -- The last subscriber id decided (subscribers are walked in id order);
  -- NULL before the first page.
  plan_cursor TEXT COLLATE "C",
  planned     BOOLEAN NOT NULL DEFAULT false,
  -- Send calls made so far: each batch's number, so its clientmsgid is
  -- the same when a batch is sent again after a restart.
  batches     BIGINT NOT NULL DEFAULT 0,
  body        TEXT COLLATE "C" NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX broadcasts_by_status ON broadcasts (status, send_at);
CREATE INDEX broadcasts_by_account ON broadcasts (account_id, created_at);

-- The ledger: one row per subscriber of a broadcast's audience, written in
-- the same transaction as the decision about them, so a restart neither
-- decides nor sends anyone twice. A row in `sending` belongs to a batch whose
-- call may have left; it is sent again under the same clientmsgid.
CREATE TABLE broadcast_recipients (
  broadcast_id     TEXT COLLATE "C" NOT NULL REFERENCES broadcasts (id),
  subscriber_id    TEXT COLLATE "C" NOT NULL,
  account_id       TEXT COLLATE "C" NOT NULL,
  platform         TEXT COLLATE "C" NOT NULL,
  platform_user_id TEXT COLLATE "C" NOT NULL,
  state            TEXT COLLATE "C" NOT NULL CHECK (state IN
                     ('pending', 'sending', 'sent', 'failed', 'skipped_subscriber_cap',
                      'skipped_account_cap', 'unfollowed', 'cancelled')),
  reason           TEXT COLLATE "C",
  batch            BIGINT,
  decided_at       BIGINT NOT NULL,
  PRIMARY KEY (broadcast_id, subscriber_id)
);
CREATE INDEX broadcast_recipients_by_state ON broadcast_recipients (broadcast_id, state, platform, subscriber_id);
CREATE INDEX broadcast_recipients_by_batch ON broadcast_recipients (broadcast_id, batch);
-- What counts against a subscriber's cap: broadcasts decided for them and
-- not skipped, failed or cancelled.
CREATE INDEX broadcast_recipients_counted ON broadcast_recipients (subscriber_id, decided_at)
  WHERE state IN ('pending', 'sending', 'sent');

-- One row per send call of a broadcast: its batch number and dedupe id, and
-- what the platform answered and later reported.
CREATE TABLE broadcast_batches (
  broadcast_id  TEXT COLLATE "C" NOT NULL REFERENCES broadcasts (id),
  batch         BIGINT NOT NULL,
  platform      TEXT COLLATE "C" NOT NULL,
  client_msg_id TEXT COLLATE "C" NOT NULL,
  state         TEXT COLLATE "C" NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  msg_id        TEXT COLLATE "C",
  PRIMARY KEY (broadcast_id, batch)
);
CREATE INDEX broadcast_batches_by_msg_id ON broadcast_batches (msg_id);

-- The platforms' own totals of their sends (WeChat's MASSSENDJOBFINISH), as
-- JSON, by the platform's id of the send. Kept even when the report comes
-- before the answer to the call that made the send.
CREATE TABLE broadcast_reports (
  platform    TEXT COLLATE "C" NOT NULL,
  msg_id      TEXT COLLATE "C" NOT NULL,
  totals      TEXT COLLATE "C" NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (platform, msg_id)
);
