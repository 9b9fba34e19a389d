-- Accounts. A clerk's streets are in user_streets; none means the whole
-- district. Streets are named, not referenced, so a clerk can be set up
-- before the street's first upload.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'clerk', 'viewer')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL
);

CREATE TABLE user_streets (
	user_id INTEGER NOT NULL REFERENCES users (id),
	street  TEXT    NOT NULL,
	PRIMARY KEY (user_id, street)
) WITHOUT ROWID;

-- Server-side sessions; only the SHA-256 of the token is stored.
CREATE TABLE sessions (
	token_hash TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT    NOT NULL,
	last_seen  TEXT    NOT NULL,
	address    TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- The audit log is append-only: the application never updates or deletes
-- it, and these triggers refuse it if anything tries.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY,
	at      TEXT    NOT NULL,
	actor   TEXT    NOT NULL,
	address TEXT    NOT NULL DEFAULT '',
	action  TEXT    NOT NULL,
	target  TEXT    NOT NULL DEFAULT '',
	detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
