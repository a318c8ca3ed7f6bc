-- Images staff attached here and the server does not have yet. Each is
-- uploaded before the outbox is pushed, so a reply naming it never arrives
-- first; id is the SHA-256 of the bytes.
CREATE TABLE pending_media (
    id TEXT PRIMARY KEY NOT NULL,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
