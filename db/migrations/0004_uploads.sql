-- Files a clerk uploaded through the page, kept between the preview and
-- the confirmation. Nothing else is stored before a batch is applied.
-- token names the upload in URLs, so IDs cannot be guessed.
CREATE TABLE pending_uploads (
	id         INTEGER PRIMARY KEY,
	token      TEXT    NOT NULL UNIQUE,
	user_name  TEXT    NOT NULL,
	created_at TEXT    NOT NULL,
	file_name  TEXT    NOT NULL,
	sha256     TEXT    NOT NULL,
	raw        BLOB    NOT NULL,
	batch_id   INTEGER REFERENCES batches (id) -- set once applied
);

-- A rollback names the batch it undoes; at most one rollback per batch.
CREATE UNIQUE INDEX batches_reverts ON batches (reverts) WHERE reverts IS NOT NULL;
CREATE INDEX statuses_batch ON statuses (batch_id);

-- Uploaded files are stored gzip-compressed (a ledger compresses about
-- tenfold); download decompresses them to the original bytes.
ALTER TABLE batches ADD COLUMN raw_gzip INTEGER NOT NULL DEFAULT 0 CHECK (raw_gzip IN (0, 1));
