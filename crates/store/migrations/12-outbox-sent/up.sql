-- Whether a change was offered to the server under its number. Only such a
-- change leaves the outbox when a pull reports its number as processed: a
-- change numbered here and never sent may carry a number the server already
-- processed for another change (this cache lost its last writes to a power
-- cut, or was restored from a backup or copied), so it is sent first, and
-- numbered again when the server says it saw that number with other content.
ALTER TABLE outbox ADD COLUMN sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1));
