package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// AuditSnapshot is the audit action of freezing a snapshot.
const AuditSnapshot = "snapshot"

// Snapshot is a frozen report: its figures and PDF as they were when an
// administrator froze them. Snapshots are never changed or deleted.
type Snapshot struct {
	ID          int64
	CreatedAt   time.Time
	Actor       string
	Year        int
	Street      string // "" for the whole district
	DataVersion string
	Note        string
	Figures     []byte // JSON; empty in listings
	PDF         []byte // empty in listings and in Snapshot
	PDFSHA256   string
	PDFSize     int
}

const snapshotColumns = `id, created_at, actor, year, street, data_version, note, pdf_sha256, length(pdf)`

func scanSnapshot(sc interface{ Scan(...any) error }, extra ...any) (Snapshot, error) {
	var s Snapshot
	var at string
	err := sc.Scan(append([]any{&s.ID, &at, &s.Actor, &s.Year, &s.Street, &s.DataVersion, &s.Note, &s.PDFSHA256, &s.PDFSize}, extra...)...)
	if err != nil {
		return Snapshot{}, err
	}
	s.CreatedAt, _ = time.Parse(time.RFC3339, at)
	return s, nil
}

// AddSnapshot stores a snapshot and its audit entry in one transaction;
// CreatedAt is set from the clock when zero. It returns the stored
// snapshot (without its blobs).
func (db *DB) AddSnapshot(ctx context.Context, s Snapshot, address string) (Snapshot, error) {
	if len(s.PDF) == 0 || len(s.Figures) == 0 {
		return Snapshot{}, errors.New("add snapshot: no PDF or no figures")
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.Now()
	}
	s.PDFSHA256, s.PDFSize = sha256Hex(s.PDF), len(s.PDF)
	at := s.CreatedAt.UTC().Format(time.RFC3339)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return Snapshot{}, fmt.Errorf("add snapshot: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO snapshots (created_at, actor, year, street, data_version, note, figures, pdf, pdf_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, s.Actor, s.Year, s.Street, s.DataVersion, s.Note, s.Figures, s.PDF, s.PDFSHA256)
	if err != nil {
		return Snapshot{}, fmt.Errorf("add snapshot: %w", err)
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return Snapshot{}, fmt.Errorf("add snapshot: %w", err)
	}
	scope := s.Street
	if scope == "" {
		scope = "district"
	}
	detail := fmt.Sprintf("year=%d scope=%s data_version=%s pdf_sha256=%s note=%q", s.Year, scope, s.DataVersion, s.PDFSHA256, s.Note)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		at, s.Actor, address, AuditSnapshot, "snapshot "+strconv.FormatInt(s.ID, 10), detail); err != nil {
		return Snapshot{}, fmt.Errorf("add snapshot: audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Snapshot{}, fmt.Errorf("add snapshot: %w", err)
	}
	s.PDF, s.Figures = nil, nil
	return s, nil
}

// Snapshots lists every snapshot, newest first, without figures or PDF.
func (db *DB) Snapshots(ctx context.Context) ([]Snapshot, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+snapshotColumns+` FROM snapshots ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("snapshots: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Snapshot reads one snapshot with its figures (not its PDF).
func (db *DB) Snapshot(ctx context.Context, id int64) (Snapshot, error) {
	var figures []byte
	s, err := scanSnapshot(db.read.QueryRowContext(ctx, `SELECT `+snapshotColumns+`, figures FROM snapshots WHERE id = ?`, id), &figures)
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, fmt.Errorf("snapshot %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %d: %w", id, err)
	}
	s.Figures = figures
	return s, nil
}

// ErrDamaged means stored bytes no longer match the SHA-256 recorded when
// they were stored.
var ErrDamaged = errors.New("damaged: the bytes do not match their SHA-256")

// SnapshotPDF reads a snapshot's PDF, byte for byte as frozen: it is
// checked against the SHA-256 recorded when it was frozen, and never
// returned if it differs (ErrDamaged).
func (db *DB) SnapshotPDF(ctx context.Context, id int64) ([]byte, error) {
	var pdf []byte
	var want string
	err := db.read.QueryRowContext(ctx, `SELECT pdf, pdf_sha256 FROM snapshots WHERE id = ?`, id).Scan(&pdf, &want)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("snapshot %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", id, err)
	}
	if got := sha256Hex(pdf); got != want {
		return nil, fmt.Errorf("snapshot %d: PDF %w (stored %s, read %s)", id, ErrDamaged, want, got)
	}
	return pdf, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
