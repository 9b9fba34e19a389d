-- A batch's uploaded file moves out of its batches row into batch_files.
-- The file (raw, gzip-compressed: megabytes for a large ledger) sat in
-- the middle of the row, so every read of a later column — rows, changed,
-- reverts, streets, status, reviewed_at — walked the file's overflow
-- pages: the data version read on every request, the history, the review
-- queue and the notices on every clerk's page cost milliseconds per batch.
-- Files are read only to download a batch's file or to approve it.
CREATE TABLE batch_files (
	batch_id INTEGER PRIMARY KEY REFERENCES batches (id),
	raw      BLOB    NOT NULL,
	gzip     INTEGER NOT NULL CHECK (gzip IN (0, 1))
);
INSERT INTO batch_files (batch_id, raw, gzip)
	SELECT id, raw, raw_gzip FROM batches WHERE raw IS NOT NULL;
ALTER TABLE batches DROP COLUMN raw;
ALTER TABLE batches DROP COLUMN raw_gzip;

-- When the data last changed (Info, on every request) is the latest
-- applied or approved batch: read from this index alone.
CREATE INDEX batches_data_times ON batches (status, created_at, reviewed_at);
