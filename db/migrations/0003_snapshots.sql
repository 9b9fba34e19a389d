-- Frozen snapshots (封存快照): a report's computed figures (JSON) and its
-- PDF, kept byte for byte whatever happens to the data later. Like the
-- audit log they are append-only: these triggers refuse any update or
-- delete, whoever tries.
CREATE TABLE snapshots (
	id           INTEGER PRIMARY KEY,
	created_at   TEXT    NOT NULL,
	actor        TEXT    NOT NULL,
	year         INTEGER NOT NULL,
	street       TEXT    NOT NULL DEFAULT '', -- '' for the whole district
	data_version TEXT    NOT NULL,
	note         TEXT    NOT NULL DEFAULT '',
	figures      BLOB    NOT NULL,            -- JSON, as computed then
	pdf          BLOB    NOT NULL,
	pdf_sha256   TEXT    NOT NULL
);
CREATE INDEX snapshots_year ON snapshots (year, street);
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are frozen: they cannot be changed'); END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are frozen: they cannot be deleted'); END;
