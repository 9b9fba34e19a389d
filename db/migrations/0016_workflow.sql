-- Review, locked years and deadlines (issue 20).
--
-- 1. A new role, reviewer (审核员): the users table is rebuilt, since its
--    CHECK names the roles. Its rows, IDs and columns are kept as they are.
CREATE TABLE users_new (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'clerk', 'viewer', 'reviewer')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL,
	last_login    TEXT    NOT NULL DEFAULT '',
	seen_rollback INTEGER NOT NULL DEFAULT 0
);
INSERT INTO users_new (id, name, role, password_hash, disabled, created_at, updated_at, last_login, seen_rollback)
	SELECT id, name, role, password_hash, disabled, created_at, updated_at, last_login, seen_rollback FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- 2. A batch's review state. 'applied': applied when it was made, as
--    every batch before schema 16 and every batch while review is off;
--    'submitted': stored and previewed but not counted, waiting for a
--    reviewer; 'approved': applied by a reviewer; 'rejected': refused by a
--    reviewer, with a reason, and never applied. Who reviewed it, when and
--    why are kept beside it.
ALTER TABLE batches ADD COLUMN status TEXT NOT NULL DEFAULT 'applied'
	CHECK (status IN ('applied', 'submitted', 'approved', 'rejected'));
ALTER TABLE batches ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN reviewed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
-- The uploader has been shown the rejection (1); until then it is
-- announced on every page.
ALTER TABLE batches ADD COLUMN review_seen INTEGER NOT NULL DEFAULT 0 CHECK (review_seen IN (0, 1));
CREATE INDEX batches_status ON batches (status) WHERE status = 'submitted';

-- 3. Locked (封账) street-years: street '' locks the whole district's year.
--    Streets are named, like a clerk's, so a lock can name a street by the
--    name officials use.
CREATE TABLE locks (
	year      INTEGER NOT NULL,
	street    TEXT    NOT NULL DEFAULT '',
	locked_by TEXT    NOT NULL,
	locked_at TEXT    NOT NULL,
	PRIMARY KEY (year, street)
) WITHOUT ROWID;

-- 4. Reporting deadlines (填报截止日期), one per year, as a date (YYYY-MM-DD).
CREATE TABLE deadlines (
	year   INTEGER PRIMARY KEY,
	due    TEXT    NOT NULL,
	set_by TEXT    NOT NULL,
	set_at TEXT    NOT NULL
);
