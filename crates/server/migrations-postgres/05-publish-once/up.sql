-- Which draft revision each version was published from: publishing the same
-- revision again (a console retrying after a lost answer) gives the same
-- version instead of a second one.
ALTER TABLE layout_versions ADD COLUMN from_revision BIGINT;
CREATE UNIQUE INDEX layout_versions_by_revision ON layout_versions (account_id, from_revision);
