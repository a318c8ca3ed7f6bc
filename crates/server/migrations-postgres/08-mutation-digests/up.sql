-- What each processed mutation said, by client and number: the SHA-256 of
-- its JSON. A console whose numbering went back sends new changes under
-- numbers already processed; the same number with another digest is refused
-- and the console numbers the change again.
CREATE TABLE mutation_digests (
  client_id   TEXT COLLATE "C" NOT NULL,
  mutation_id BIGINT NOT NULL,
  digest      TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
);
