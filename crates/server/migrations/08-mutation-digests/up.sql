-- What each processed mutation said, by client and number: the SHA-256 of
-- its JSON. A console whose numbering went back (its cache lost its last
-- writes to a power cut, or was restored or copied) sends new changes under
-- numbers already processed; the same number with another digest is refused
-- and the console numbers the change again, instead of the server skipping
-- it as done. Mutations processed before this table have no digest and are
-- taken as done, as before.
CREATE TABLE mutation_digests (
  client_id   TEXT NOT NULL,
  mutation_id INTEGER NOT NULL,
  digest      TEXT NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
) STRICT, WITHOUT ROWID;
