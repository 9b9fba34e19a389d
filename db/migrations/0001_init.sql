-- Units of the three measured levels. street_id is the street a unit belongs
-- to (itself for a street), so per-street queries need no recursion.
CREATE TABLE units (
	id             INTEGER PRIMARY KEY,
	level          TEXT    NOT NULL CHECK (level IN ('street', 'community', 'compound')),
	parent_id      INTEGER REFERENCES units (id),
	street_id      INTEGER REFERENCES units (id),
	name           TEXT    NOT NULL CHECK (name <> ''),
	community_type TEXT    CHECK (community_type IN ('urban', 'rural')),
	created_batch  INTEGER NOT NULL REFERENCES batches (id),
	CHECK ((level = 'street') = (parent_id IS NULL))
);
CREATE UNIQUE INDEX units_path ON units (level, coalesce(parent_id, 0), name);
CREATE INDEX units_street ON units (street_id, level);

-- Every change to data is a batch: an upload, the demo data, a rollback.
CREATE TABLE batches (
	id          INTEGER PRIMARY KEY,
	kind        TEXT    NOT NULL CHECK (kind IN ('demo', 'upload', 'import', 'rollback')),
	created_at  TEXT    NOT NULL, -- RFC 3339, UTC
	actor       TEXT    NOT NULL,
	source      TEXT    NOT NULL DEFAULT '', -- web / cli / demo, and the client address
	file_name   TEXT    NOT NULL DEFAULT '',
	sha256      TEXT    NOT NULL DEFAULT '',
	raw         BLOB,
	rows        INTEGER NOT NULL DEFAULT 0,
	new_units   INTEGER NOT NULL DEFAULT 0,
	changed     INTEGER NOT NULL DEFAULT 0,
	note        TEXT    NOT NULL DEFAULT '',
	reverts     INTEGER REFERENCES batches (id) -- for a rollback: the batch it undoes
);
CREATE INDEX batches_sha ON batches (sha256);

-- A unit's status in one year. NULL means "not reported". Booleans are 0/1.
CREATE TABLE statuses (
	unit_id          INTEGER NOT NULL REFERENCES units (id),
	year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	five_good        INTEGER CHECK (five_good IN (0, 1)),
	stars            INTEGER CHECK (stars BETWEEN 0 AND 5),
	service_center   INTEGER CHECK (service_center IN (0, 1)),
	party_branch     INTEGER CHECK (party_branch IN (0, 1)),
	owners_committee INTEGER CHECK (owners_committee IN (0, 1)),
	property_service INTEGER CHECK (property_service IN (0, 1)),
	star_flags       TEXT, -- five characters 0/1/- in metrics.StarNames order, NULL if not listed
	batch_id         INTEGER NOT NULL REFERENCES batches (id),
	PRIMARY KEY (unit_id, year)
) WITHOUT ROWID;
CREATE INDEX statuses_year ON statuses (year);

-- What each batch changed, old and new, in the compact status encoding
-- (see db/status.go); old is NULL where the unit-year had no status before.
-- Rollbacks are computed from this table; nothing is ever deleted.
CREATE TABLE status_changes (
	batch_id INTEGER NOT NULL REFERENCES batches (id),
	unit_id  INTEGER NOT NULL REFERENCES units (id),
	year     INTEGER NOT NULL,
	old      TEXT,
	new      TEXT,
	PRIMARY KEY (batch_id, unit_id, year)
) WITHOUT ROWID;
CREATE INDEX status_changes_unit ON status_changes (unit_id, year);

-- Per-street, per-year counts (metrics.Tally as JSON), kept up to date in the
-- transaction that applies a batch, so pages never scan units.
CREATE TABLE street_tallies (
	street_id INTEGER NOT NULL REFERENCES units (id),
	year      INTEGER NOT NULL,
	tally     TEXT    NOT NULL,
	PRIMARY KEY (street_id, year)
) WITHOUT ROWID;

-- Small key/value settings: data_seq (bumped on every data change), demo.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('data_seq', '0');
