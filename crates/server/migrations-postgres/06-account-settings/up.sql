-- Rules staff adjusted for an account (reply window and quotas, broadcast
-- cap) as JSON; NULL follows the account's platform.
ALTER TABLE accounts ADD COLUMN settings TEXT COLLATE "C";
