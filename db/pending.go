package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// AddPendingUpload keeps an uploaded file until the clerk confirms it.
func (db *DB) AddPendingUpload(ctx context.Context, p PendingUpload) (PendingUpload, error) {
	p.CreatedAt = db.Now().UTC().Truncate(time.Second)
	err := db.write.QueryRowContext(ctx, `INSERT INTO pending_uploads (token, user_name, created_at, file_name, sha256, raw, result, records, data_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Token, p.User, p.CreatedAt.Format(time.RFC3339), p.FileName, p.SHA256, p.Raw,
		p.Result, p.Records, p.DataSeq).Scan(&p.ID)
	if err != nil {
		return PendingUpload{}, fmt.Errorf("add pending upload: %w", err)
	}
	return p, nil
}

// PendingUploadByToken finds a pending upload.
func (db *DB) PendingUploadByToken(ctx context.Context, token string) (PendingUpload, error) {
	var p PendingUpload
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT id, token, user_name, created_at, file_name, sha256, raw, coalesce(batch_id, 0),
		result, records, coalesce(data_seq, 0)
		FROM pending_uploads WHERE token = ?`, token).Scan(&p.ID, &p.Token, &p.User, &at, &p.FileName, &p.SHA256, &p.Raw, &p.BatchID,
		&p.Result, &p.Records, &p.DataSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return PendingUpload{}, fmt.Errorf("pending upload: %w", ErrNotFound)
	}
	if err != nil {
		return PendingUpload{}, fmt.Errorf("pending upload: %w", err)
	}
	p.CreatedAt, _ = time.Parse(time.RFC3339, at)
	return p, nil
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
