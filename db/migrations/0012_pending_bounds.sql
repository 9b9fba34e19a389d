-- Pending uploads are bounded: stored gzip-compressed (raw_gzip), with
-- their original size for the per-user quota, and swept once expired
-- (by created_at). Rows stored before keep raw_gzip = 0 and size 0.
ALTER TABLE pending_uploads ADD COLUMN raw_gzip INTEGER NOT NULL DEFAULT 0 CHECK (raw_gzip IN (0, 1));
ALTER TABLE pending_uploads ADD COLUMN size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0);
CREATE INDEX pending_uploads_user ON pending_uploads (user_name, batch_id);
CREATE INDEX pending_uploads_created ON pending_uploads (created_at);
