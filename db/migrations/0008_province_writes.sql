-- Faster batches at province scale (a million unit-years per ledger).
-- Runs with foreign-key enforcement off (db.migrate checks every reference
-- before it commits), as SQLite's procedure for rebuilding a table asks.
--
-- 1. Indexes no query uses cost a B-tree write per row: statuses are read by
--    unit (their primary key), change logs by batch.
DROP INDEX statuses_year;
DROP INDEX statuses_batch;
DROP INDEX status_changes_unit;

-- 2. A batch's change log is stored a chunk of changes per row instead of a
--    row per unit-year: one row holds up to 512 changes as a JSON array of
--    [unit_id, year, old, new], old and new in the compact status encoding
--    of db/status.go, null where the unit-year had no status before (old)
--    or has none after a rollback (new). status_changes stays as a view
--    with the old table's columns, so every reader (rollbacks, checks)
--    sees one row per change as before. Nothing is ever deleted.
CREATE TABLE change_log (
	batch_id INTEGER NOT NULL REFERENCES batches (id),
	seq      INTEGER NOT NULL, -- chunk number within the batch, from 0
	changes  TEXT    NOT NULL, -- a JSON array, written by db/writer.go
	PRIMARY KEY (batch_id, seq)
);

INSERT INTO change_log (batch_id, seq, changes)
SELECT batch_id, n / 512, json_group_array(json_array(unit_id, year, old, new))
FROM (SELECT *, row_number() OVER (PARTITION BY batch_id ORDER BY unit_id, year) - 1 AS n FROM status_changes)
GROUP BY batch_id, n / 512;

DROP TABLE status_changes;

CREATE VIEW status_changes (batch_id, unit_id, year, old, new) AS
SELECT l.batch_id, json_extract(c.value, '$[0]'), json_extract(c.value, '$[1]'),
	json_extract(c.value, '$[2]'), json_extract(c.value, '$[3]')
FROM change_log l, json_each(l.changes) c;

-- 3. units rebuilt with one index for both of its uses instead of two:
--    units_tree finds a unit by parent and name (the writer, which knows
--    the street) and lists a street's units (pages); a name is unique
--    under its parent, so also under (street, parent). Streets, which have
--    no parent, are found by name in units_street_name. The level check
--    is spelled out with OR: SQLite compiles "IN" with three values into a
--    temporary B-tree built for every inserted row.
CREATE TABLE units_new (
	id             INTEGER PRIMARY KEY,
	level          TEXT    NOT NULL CHECK (level = 'street' OR level = 'community' OR level = 'compound'),
	parent_id      INTEGER REFERENCES units (id),
	street_id      INTEGER NOT NULL REFERENCES units (id), -- the street's own ID for a street
	name           TEXT    NOT NULL CHECK (name <> ''),
	community_type TEXT    CHECK (community_type IN ('urban', 'rural')),
	created_batch  INTEGER NOT NULL REFERENCES batches (id),
	CHECK ((level = 'street') = (parent_id IS NULL))
);
INSERT INTO units_new (id, level, parent_id, street_id, name, community_type, created_batch)
SELECT id, level, parent_id, street_id, name, community_type, created_batch FROM units ORDER BY id;
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;
CREATE UNIQUE INDEX units_tree ON units (street_id, parent_id, name);
CREATE UNIQUE INDEX units_street_name ON units (name) WHERE parent_id IS NULL;
