-- Security hardening.
--
-- 1. REPLACE INTO (or INSERT OR REPLACE) on a taken id deletes the old row
--    without running the DELETE triggers (recursive_triggers is off), so
--    it passed the append-only and frozen-snapshot triggers. These refuse
--    such an insert before the conflict is resolved.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be replaced'); END;
CREATE TRIGGER snapshots_no_replace BEFORE INSERT ON snapshots
WHEN EXISTS (SELECT 1 FROM snapshots WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'snapshots are frozen: they cannot be replaced'); END;

-- 2. Repeated blocked logins are one audit entry per account or address
--    and block period: repeats counts the attempts, last_at is the last.
--    The append-only trigger lets exactly that grow, on login_blocked
--    entries only; every other column of every entry stays as written.
ALTER TABLE audit_log ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1 CHECK (repeats >= 1);
ALTER TABLE audit_log ADD COLUMN last_at TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.action = 'login_blocked'
	AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor AND NEW.address IS OLD.address
	AND NEW.action IS OLD.action AND NEW.target IS OLD.target AND NEW.detail IS OLD.detail
	AND NEW.repeats >= OLD.repeats AND NEW.last_at >= OLD.last_at)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- 3. The streets a batch's rows belong to, so that a clerk may read a
--    batch (its file, its line in the history) only when the clerk's scope
--    covers all of them: names joined by char(31), sorted; NULL where it
--    was not recorded (batches before schema 11: only administrators and
--    the uploader read those).
ALTER TABLE batches ADD COLUMN streets TEXT;
