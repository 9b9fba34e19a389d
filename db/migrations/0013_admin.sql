-- Safer administration (issue 19).
--
-- 1. A rollback records why: the reason the administrator gave, shown to
--    the clerk whose batch it undid ('' for rollbacks before schema 13).
ALTER TABLE batches ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- 2. When each account last logged in ('' if never since schema 13), for
--    the accounts page.
ALTER TABLE users ADD COLUMN last_login TEXT NOT NULL DEFAULT '';

-- 3. The newest rollback of one of the account's batches the account has
--    been shown: rollbacks after it are announced on every page until the
--    account opens the history.
ALTER TABLE users ADD COLUMN seen_rollback INTEGER NOT NULL DEFAULT 0;
