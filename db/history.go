package db

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

const batchColumns = `b.id, b.kind, b.created_at, b.actor, b.source, b.file_name, b.sha256, b.rows, b.new_units,
	b.changed, b.note, coalesce(b.reverts, 0), b.streets, b.reason,
	coalesce(r.id, 0), coalesce(r.actor, ''), coalesce(r.created_at, ''), coalesce(r.reason, ''),
	b.status, b.reviewed_by, b.reviewed_at, b.review_reason`

// batchFrom is the FROM clause batchColumns read: each batch with the
// rollback that undid it, if any (at most one: batches_reverts is unique).
const batchFrom = ` FROM batches b LEFT JOIN batches r ON r.reverts = b.id`

// Undo is who rolled a batch back, when and why.
type Undo struct {
	Actor  string
	At     time.Time
	Reason string
}

func scanBatch(r rowScanner) (Batch, error) {
	var b Batch
	var at string
	var streets sql.NullString
	var undoAt, reviewedAt string
	err := r.Scan(&b.ID, &b.Kind, &at, &b.Actor, &b.Source, &b.FileName, &b.SHA256, &b.Rows, &b.NewUnits,
		&b.Changed, &b.Note, &b.Reverts, &streets, &b.Reason, &b.RolledBackBy, &b.Undo.Actor, &undoAt, &b.Undo.Reason,
		&b.Status, &b.ReviewedBy, &reviewedAt, &b.ReviewReason)
	if err != nil {
		return Batch{}, err
	}
	b.ReviewedAt, _ = time.Parse(time.RFC3339, reviewedAt)
	b.CreatedAt, _ = time.Parse(time.RFC3339, at)
	b.Undo.At, _ = time.Parse(time.RFC3339, undoAt)
	b.StreetsKnown = streets.Valid
	if streets.String != "" {
		b.Streets = strings.Split(streets.String, "\x1f")
	}
	return b, nil
}

// Batches lists batches, newest first (limit 0: all).
func (db *DB) Batches(ctx context.Context, limit int) ([]Batch, error) {
	return db.queryBatches(ctx, ` ORDER BY b.id DESC`, limit)
}

// queryBatches reads the batches a clause selects (limit 0: all).
func (db *DB) queryBatches(ctx context.Context, clause string, limit int, args ...any) ([]Batch, error) {
	q := `SELECT ` + batchColumns + batchFrom + clause
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("batches: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("batches: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BatchByID finds one batch.
func (db *DB) BatchByID(ctx context.Context, id int64) (Batch, error) {
	b, err := scanBatch(db.read.QueryRowContext(ctx, `SELECT `+batchColumns+batchFrom+` WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, fmt.Errorf("batch %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Batch{}, fmt.Errorf("batch %d: %w", id, err)
	}
	return b, nil
}

// BatchFile returns the file a batch was applied from, byte-identical to
// what was uploaded.
func (db *DB) BatchFile(ctx context.Context, id int64) (name string, raw []byte, err error) {
	var gz bool
	err = db.read.QueryRowContext(ctx, `SELECT b.file_name, f.raw, f.gzip FROM batches b JOIN batch_files f ON f.batch_id = b.id WHERE b.id = ?`, id).Scan(&name, &raw, &gz)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("batch %d file: %w", id, ErrNotFound)
	}
	if err != nil || !gz {
		return name, raw, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return "", nil, fmt.Errorf("batch %d file: %w", id, err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		return "", nil, fmt.Errorf("batch %d file: %w", id, err)
	}
	return name, raw, nil
}

// InEffectBySHA256 finds an upload or import batch with these bytes that
// has not been rolled back: applying the same bytes again changes nothing.
func (db *DB) InEffectBySHA256(ctx context.Context, sha string) (Batch, error) {
	b, err := scanBatch(db.read.QueryRowContext(ctx, `SELECT `+batchColumns+batchFrom+`
		WHERE b.sha256 = ? AND b.kind IN ('upload', 'import') AND b.status <> 'rejected' AND r.id IS NULL
		ORDER BY b.id DESC LIMIT 1`, sha))
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, ErrNotFound
	}
	return b, err
}

// BatchesByStatus lists the batches in a review state, oldest first (limit
// 0: all).
func (db *DB) BatchesByStatus(ctx context.Context, status string, limit int) ([]Batch, error) {
	return db.queryBatches(ctx, ` WHERE b.status = ? ORDER BY b.id`, limit, status)
}
