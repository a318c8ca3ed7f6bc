-- Images seen in threads, kept so that a thread shows them offline too.
-- Content-addressed (id is the SHA-256 of the bytes), so a kept image is
-- never stale; the least recently shown go first once the total passes a cap.
CREATE TABLE media_cache (
    id TEXT PRIMARY KEY NOT NULL,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL,
    used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX media_cache_by_use ON media_cache (used_at);
