-- Rate limits shared by the server processes on this database (sign-in
-- attempts per name and address, per address, in all): one row per budget
-- with its theoretical arrival time (GCRA), in milliseconds of the
-- database's clock. A row whose time has passed holds a full budget and is
-- deleted by the purge.
CREATE TABLE rate_budgets (
  key TEXT COLLATE "C" PRIMARY KEY,
  tat BIGINT NOT NULL
);
