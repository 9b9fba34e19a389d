-- A pending upload keeps what its one parse and dry run found, so the
-- preview, problems.csv and the confirmation reuse it instead of parsing
-- the file again: the report and preview (JSON, gzip), the valid records
-- (ingest's record log, gzip) and the data version the dry run was
-- computed against (the confirmation re-runs it if the data changed).
ALTER TABLE pending_uploads ADD COLUMN result BLOB;
ALTER TABLE pending_uploads ADD COLUMN records BLOB;
ALTER TABLE pending_uploads ADD COLUMN data_seq INTEGER;
