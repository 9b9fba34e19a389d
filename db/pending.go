package db

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// PendingUpload is a file uploaded through the page, awaiting confirmation.
type PendingUpload struct {
	ID        int64
	Token     string
	User      string
	CreatedAt time.Time
	FileName  string
	SHA256    string
	Raw       []byte
	BatchID   int64 // 0 until applied
	// What the upload's parse and dry run found (see SetPendingResult):
	// the result and records as the web layer encoded them, nil until
	// stored, and the data version they were computed against.
	Result, Records []byte
	DataSeq         int64
}

// AddPendingUpload keeps an uploaded file until the clerk confirms it,
// gzip-compressed (Raw is given and read back as the original bytes).
func (db *DB) AddPendingUpload(ctx context.Context, p PendingUpload) (PendingUpload, error) {
	p.CreatedAt = db.Now().UTC().Truncate(time.Second)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(p.Raw)
	if err := zw.Close(); err != nil {
		return PendingUpload{}, fmt.Errorf("add pending upload: %w", err)
	}
	err := db.write.QueryRowContext(ctx, `INSERT INTO pending_uploads (token, user_name, created_at, file_name, sha256, raw, raw_gzip, size, result, records, data_seq)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id`, p.Token, p.User, p.CreatedAt.Format(time.RFC3339), p.FileName, p.SHA256, gz.Bytes(),
		len(p.Raw), p.Result, p.Records, p.DataSeq).Scan(&p.ID)
	if err != nil {
		return PendingUpload{}, fmt.Errorf("add pending upload: %w", err)
	}
	return p, nil
}

// PendingUploadByToken finds a pending upload.
func (db *DB) PendingUploadByToken(ctx context.Context, token string) (PendingUpload, error) {
	var p PendingUpload
	var at string
	var gzipped bool
	err := db.read.QueryRowContext(ctx, `SELECT id, token, user_name, created_at, file_name, sha256, raw, raw_gzip, coalesce(batch_id, 0),
		result, records, coalesce(data_seq, 0)
		FROM pending_uploads WHERE token = ?`, token).Scan(&p.ID, &p.Token, &p.User, &at, &p.FileName, &p.SHA256, &p.Raw, &gzipped, &p.BatchID,
		&p.Result, &p.Records, &p.DataSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return PendingUpload{}, fmt.Errorf("pending upload: %w", ErrNotFound)
	}
	if err != nil {
		return PendingUpload{}, fmt.Errorf("pending upload: %w", err)
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339, at)
	if gzipped {
		zr, err := gzip.NewReader(bytes.NewReader(p.Raw))
		if err != nil {
			return PendingUpload{}, fmt.Errorf("pending upload: %w", err)
		}
		if p.Raw, err = io.ReadAll(zr); err != nil {
			return PendingUpload{}, fmt.Errorf("pending upload: %w", err)
		}
	}
	return p, nil
}

// PendingUsage is what a user's pending uploads not yet applied hold:
// how many, and their original bytes.
func (db *DB) PendingUsage(ctx context.Context, user string) (count int, size int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN raw_gzip = 1 THEN size ELSE length(raw) END), 0)
		FROM pending_uploads WHERE user_name = ? AND batch_id IS NULL`, user).Scan(&count, &size)
	if err != nil {
		return 0, 0, fmt.Errorf("pending usage: %w", err)
	}
	return count, size, nil
}

// PendingInfo names a pending upload that was deleted.
type PendingInfo struct {
	ID       int64
	User     string
	FileName string
	SHA256   string
	Size     int64
	Applied  bool
}

// DeleteExpiredPending deletes the pending uploads created before
// before, applied or not (an applied one's file is kept with its batch),
// and returns what it deleted.
func (db *DB) DeleteExpiredPending(ctx context.Context, before time.Time) ([]PendingInfo, error) {
	rows, err := db.write.QueryContext(ctx, `DELETE FROM pending_uploads WHERE created_at < ?
		RETURNING id, user_name, file_name, sha256, CASE WHEN raw_gzip = 1 THEN size ELSE length(raw) END, batch_id IS NOT NULL`,
		before.UTC().Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("delete expired pending uploads: %w", err)
	}
	defer rows.Close()
	var out []PendingInfo
	for rows.Next() {
		var p PendingInfo
		if err := rows.Scan(&p.ID, &p.User, &p.FileName, &p.SHA256, &p.Size, &p.Applied); err != nil {
			return nil, fmt.Errorf("delete expired pending uploads: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("delete expired pending uploads: %w", err)
	}
	return out, nil
}

// DeletePending deletes one pending upload (the clerk discarded it).
func (db *DB) DeletePending(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM pending_uploads WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete pending upload: %w", err)
	}
	return nil
}

// MarkPendingApplied records which batch a pending upload became.
func (db *DB) MarkPendingApplied(ctx context.Context, id, batch int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE pending_uploads SET batch_id = ? WHERE id = ? AND batch_id IS NULL`, batch, id)
	return err
}

// SetPendingResult stores a new parse or dry-run result of a pending
// upload (after the data changed under it).
func (db *DB) SetPendingResult(ctx context.Context, id int64, result, records []byte, dataSeq int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE pending_uploads SET result = ?, records = ?, data_seq = ? WHERE id = ?`, result, records, dataSeq, id)
	if err != nil {
		return fmt.Errorf("set pending result: %w", err)
	}
	return nil
}
