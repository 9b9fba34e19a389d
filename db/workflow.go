package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Batch review states (schema 16).
const (
	// StatusApplied: applied when it was made (review off, or before schema 16).
	StatusApplied = "applied"
	// StatusSubmitted: stored and previewed, not counted, waiting for review.
	StatusSubmitted = "submitted"
	// StatusApproved: applied by a reviewer.
	StatusApproved = "approved"
	// StatusRejected: refused by a reviewer, with a reason; never applied.
	StatusRejected = "rejected"
)

// ErrLocked means a batch would change a locked street-year; the error is a
// *LockedError naming the lock.
var ErrLocked = errors.New("year_locked")

// ErrNotSubmitted means a batch to approve or reject is not waiting for review.
var ErrNotSubmitted = errors.New("the batch is not waiting for review")

// YearLock is one locked (封账) year, of one street or, with Street "", of the
// whole district.
type YearLock struct {
	Year   int
	Street string
	By     string
	At     time.Time
}

// LockedError is a change refused because its street-year is locked.
type LockedError struct {
	Lock   YearLock
	Street string // the street the refused change belongs to
	Year   int
}

func (e *LockedError) Error() string {
	scope := e.Lock.Street
	if scope == "" {
		scope = "the whole district / 全区"
	}
	return fmt.Sprintf("year_locked: %d %s is locked (%s, by %s at %s) / %d 年 %s 已封账", e.Year, e.Street, scope,
		e.Lock.By, e.Lock.At.Format(time.RFC3339), e.Year, e.Street)
}

// Unwrap makes a LockedError ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Review reports whether uploads need a reviewer's approval (上报需审核).
func (db *DB) Review(ctx context.Context) (bool, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'review'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("review setting: %w", err)
	}
	return v == "1", nil
}

// SetReview switches review on or off. Batches already submitted stay
// submitted either way: a reviewer still approves or rejects them.
func (db *DB) SetReview(ctx context.Context, on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('review', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v)
	if err != nil {
		return fmt.Errorf("set review: %w", err)
	}
	return nil
}

// LockYear locks a year of one street (street "": the whole district).
// Locking what is already locked is ErrExists. A lock changes what pages
// show beside the figures, so it is a new data version.
func (db *DB) LockYear(ctx context.Context, l YearLock) error {
	at := l.At
	if at.IsZero() {
		at = db.Now()
	}
	return db.lockTx(ctx, fmt.Sprintf("lock %d %q", l.Year, l.Street), ErrExists, `INSERT INTO locks (year, street, locked_by, locked_at)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, l.Year, l.Street, l.By, at.UTC().Format(time.RFC3339))
}

// UnlockYear removes a lock; one that is not there is ErrNotFound.
func (db *DB) UnlockYear(ctx context.Context, year int, street string) error {
	return db.lockTx(ctx, fmt.Sprintf("unlock %d %q", year, street), ErrNotFound, `DELETE FROM locks WHERE year = ? AND street = ?`, year, street)
}

// lockTx runs a statement on the locks and bumps the data version in one
// transaction; a statement that changes no row is none, and nothing is
// changed.
func (db *DB) lockTx(ctx context.Context, op string, none error, query string, args ...any) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", op, none)
	}
	if err := bumpDataSeq(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return tx.Commit()
}

// Locks lists the locks, by year, the district's first.
func (db *DB) Locks(ctx context.Context) ([]YearLock, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, street, locked_by, locked_at FROM locks ORDER BY year, street`)
	if err != nil {
		return nil, fmt.Errorf("locks: %w", err)
	}
	defer rows.Close()
	var out []YearLock
	for rows.Next() {
		var l YearLock
		var at string
		if err := rows.Scan(&l.Year, &l.Street, &l.By, &at); err != nil {
			return nil, fmt.Errorf("locks: %w", err)
		}
		l.At, _ = time.Parse(time.RFC3339, at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// lockSet is the locks a batch checks its changes against, with streets
// resolved to their unit IDs.
type lockSet struct {
	district map[int]YearLock        // year → the district-wide lock
	streets  map[streetYear]YearLock // street ID and year → the street's lock
	names    map[int64]string        // street ID → name, for the error
}

// loadLocks reads the locks inside a batch's transaction: nil if there are
// none, so that an unlocked database pays nothing per change.
func loadLocks(ctx context.Context, tx *sql.Tx) (*lockSet, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.year, l.street, l.locked_by, l.locked_at, coalesce(u.id, 0)
		FROM locks l LEFT JOIN units u ON l.street <> '' AND u.level = 'street' AND u.name = l.street`)
	if err != nil {
		return nil, fmt.Errorf("locks: %w", err)
	}
	defer rows.Close()
	var s *lockSet
	for rows.Next() {
		var l YearLock
		var at string
		var id int64
		if err := rows.Scan(&l.Year, &l.Street, &l.By, &at, &id); err != nil {
			return nil, fmt.Errorf("locks: %w", err)
		}
		l.At, _ = time.Parse(time.RFC3339, at)
		if s == nil {
			s = &lockSet{district: map[int]YearLock{}, streets: map[streetYear]YearLock{}, names: map[int64]string{}}
		}
		switch {
		case l.Street == "":
			s.district[l.Year] = l
		case id != 0:
			s.streets[streetYear{id, l.Year}] = l
			s.names[id] = l.Street
		}
	}
	return s, rows.Err()
}

// check returns a *LockedError if a change of the street-year is locked.
// A street the batch creates has no lock of its own, only the district's.
func (s *lockSet) check(street int64, streetName string, year int) error {
	if s == nil {
		return nil
	}
	l, ok := s.district[year]
	if !ok {
		l, ok = s.streets[streetYear{street, year}]
	}
	if !ok {
		return nil
	}
	if streetName == "" {
		streetName = s.names[street]
	}
	return &LockedError{Lock: l, Street: streetName, Year: year}
}

// Reject refuses a submitted batch with a reason: nothing is applied, and
// the clerk who submitted it sees the reason in the history.
func (db *DB) Reject(ctx context.Context, id int64, actor, reason string) (Batch, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Batch{}, errors.New("reject: a reason is required / 退回须填写原因")
	}
	res, err := db.write.ExecContext(ctx, `UPDATE batches SET status = 'rejected', reviewed_by = ?, reviewed_at = ?, review_reason = ?
		WHERE id = ? AND status = 'submitted'`, actor, db.Now().UTC().Format(time.RFC3339), reason, id)
	if err != nil {
		return Batch{}, fmt.Errorf("reject batch %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.BatchByID(ctx, id); err != nil {
			return Batch{}, err
		}
		return Batch{}, fmt.Errorf("reject batch %d: %w", id, ErrNotSubmitted)
	}
	return db.BatchByID(ctx, id)
}

// Deadline is a year's reporting deadline (填报截止日期).
type Deadline struct {
	Year  int
	Due   time.Time // a date, at midnight UTC
	SetBy string
	SetAt time.Time
}

// SetDeadline sets (or moves) a year's deadline.
func (db *DB) SetDeadline(ctx context.Context, d Deadline) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO deadlines (year, due, set_by, set_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET due = excluded.due, set_by = excluded.set_by, set_at = excluded.set_at`,
		d.Year, d.Due.Format(time.DateOnly), d.SetBy, db.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("set deadline %d: %w", d.Year, err)
	}
	return nil
}

// Deadlines lists the deadlines by year.
func (db *DB) Deadlines(ctx context.Context) ([]Deadline, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, due, set_by, set_at FROM deadlines ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		var d Deadline
		var due, at string
		if err := rows.Scan(&d.Year, &due, &d.SetBy, &at); err != nil {
			return nil, fmt.Errorf("deadlines: %w", err)
		}
		d.Due, _ = time.Parse(time.DateOnly, due)
		d.SetAt, _ = time.Parse(time.RFC3339, at)
		out = append(out, d)
	}
	return out, rows.Err()
}
