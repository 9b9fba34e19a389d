package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/metrics"
)

// ErrDataChanged means the data changed since a batch was previewed.
var ErrDataChanged = errors.New("the data changed since the preview")

// ErrTooManyNewUnits means a batch would create more units than
// BatchInput.MaxNewUnits; ErrTooManyNewStreets (which is also
// ErrTooManyNewUnits) more streets than a twentieth of it.
var (
	ErrTooManyNewUnits   = errors.New("the batch creates too many new units")
	ErrTooManyNewStreets = fmt.Errorf("%w: streets", ErrTooManyNewUnits)
)

// MaxNewStreets is the most streets a batch capped at maxNewUnits units
// may create: a twentieth of them (10,000 of 200,000; a province has
// 2,500). Each new street is a tally per year, the costliest unit.
func MaxNewStreets(maxNewUnits int) int { return max(maxNewUnits/20, 1) }

// Batch kinds.
const (
	KindDemo     = "demo"
	KindUpload   = "upload"
	KindImport   = "import"
	KindRollback = "rollback"
)

// BatchInput describes a change batch about to be applied.
type BatchInput struct {
	Kind     string
	Actor    string // user name, or "demo"
	Source   string // e.g. "web 10.0.0.7", "cli"
	FileName string
	SHA256   string
	Note     string
	// DryRun runs everything, reports what would change, then rolls the
	// transaction back: nothing is stored.
	DryRun bool
	// Reverts is, for a rollback, the batch it undoes.
	Reverts int64
	// Reason is, for a rollback, why the administrator undid the batch.
	Reason string
	// ExpectDataSeq, if not 0, is the data version the batch was
	// previewed against: a different one is ErrDataChanged, and nothing
	// is stored.
	ExpectDataSeq int64
	// MaxNewUnits, if not 0, is the most units the batch may create, of
	// them MaxNewStreets streets: one more ends it with
	// ErrTooManyNewUnits (its dry run too), and nothing is stored. The
	// writer's memory and time grow with the units it creates.
	MaxNewUnits int
	// File, if set, is called after the records are put and before the
	// commit; it returns the file's SHA-256 and its gzip-compressed bytes,
	// so a file streamed from disk is hashed and kept as it is read. An
	// error aborts the batch. Apply checks the same-file rule on the
	// SHA-256 it returns (unless SHA256 is set, checked before).
	File func() (sha256 string, gz []byte, err error)
	// Submit stores the batch as submitted (review on): the batch, its
	// file and its counts are kept, its changes are computed and then
	// undone, and the data version stays.
	Submit bool
	// Approves, if not 0, is the submitted batch this applies: its row is
	// updated to approved instead of a new batch being made, and the
	// changes are computed again against the data as they are now.
	Approves int64
	// Effect fills Batch.After: the tallies of the batch's streets after
	// it, read inside its transaction (for a dry run: what approving it
	// would make of them).
	Effect bool
}

// Batch is an applied change batch.
type Batch struct {
	ID        int64
	Kind      string
	CreatedAt time.Time
	Actor     string
	Source    string
	FileName  string
	SHA256    string
	Rows      int // records in the batch
	NewUnits  int // units created by it
	Changed   int // unit-years whose status it changed
	Note      string
	Reverts   int64  // for a rollback: the batch it undoes
	Reason    string // for a rollback: why (schema 13; "" before)
	// RolledBackBy is the rollback batch that undid this one, 0 if none;
	// Undo is that rollback's actor, time and reason.
	RolledBackBy int64
	Undo         Undo
	// Streets are the streets the batch's rows belong to (a rollback's:
	// those of the batch it undoes), sorted; StreetsKnown is false for
	// batches applied before they were recorded (schema 11).
	Streets      []string
	StreetsKnown bool
	// Diff says what the batch changes against the data before it; it is
	// filled by Apply (and dry runs), not by the history listing.
	Diff *Diff
	// DataSeq is the data version the batch was computed against (filled
	// by Apply and dry runs).
	DataSeq int64
	// Status is the batch's review state (StatusApplied …); ReviewedBy,
	// ReviewedAt and ReviewReason say who approved or rejected it, when
	// and (for a rejection) why.
	Status       string
	ReviewedBy   string
	ReviewedAt   time.Time
	ReviewReason string
	// After is, with BatchInput.Effect, the tallies of the batch's streets
	// once it is applied: street name → year → tally.
	After map[string]map[int]metrics.Tally
}

// Apply stores a batch in one transaction: every record records yields
// is put, as it is yielded; if one comes with an error, or putting one
// fails, nothing is stored and the database is exactly as before. Units
// seen for the first time are created. Unit-years whose status is
// unchanged are not rewritten. With in.DryRun the same work is done and
// reported, then rolled back.
//
// A file (in.SHA256, or in.File once the records are consumed) whose
// bytes equal those of an upload or import still in effect changes
// nothing: Apply returns a *DuplicateError naming that batch.
func (db *DB) Apply(ctx context.Context, in BatchInput, records iter.Seq2[metrics.Record, error]) (Batch, error) {
	if in.SHA256 != "" && in.Approves == 0 {
		if err := db.notDuplicate(ctx, in.SHA256); err != nil {
			return Batch{}, err
		}
	}
	return db.applyTx(ctx, in, func(_ context.Context, _ *sql.Tx, w *writer) error {
		for r, err := range records {
			if err == nil {
				err = w.put(r)
			}
			if err != nil {
				return fmt.Errorf("apply batch: %w", err)
			}
		}
		return nil
	})
}

// DuplicateError is a batch refused because its file's bytes equal those
// of a batch still in effect: applying them again would change nothing.
type DuplicateError struct{ Of Batch }

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("apply batch: the same file as batch %d, still in effect", e.Of.ID)
}

// notDuplicate is the same-file rule: a *DuplicateError when an upload or
// import with these bytes is in effect.
func (db *DB) notDuplicate(ctx context.Context, sha string) error {
	dup, err := db.InEffectBySHA256(ctx, sha)
	switch {
	case err == nil:
		return &DuplicateError{Of: dup}
	case errors.Is(err, ErrNotFound):
		return nil
	}
	return fmt.Errorf("apply batch: %w", err)
}

// applyTx runs one batch: it records the batch, lets work change statuses
// through the writer, refreshes the touched tallies, bumps the data version
// if anything changed, and commits (or rolls back a dry run).
func (db *DB) applyTx(ctx context.Context, in BatchInput, work func(context.Context, *sql.Tx, *writer) error) (Batch, error) {
	b := Batch{Kind: in.Kind, CreatedAt: db.Now().UTC().Truncate(time.Second), Actor: in.Actor, Source: in.Source,
		FileName: in.FileName, SHA256: in.SHA256, Note: in.Note, Reason: in.Reason}
	// The writer makes every reference a batch stores itself (unit IDs,
	// parents, the batch), so it runs without SQLite's foreign-key lookups,
	// five per record: they took a fifth of a province import. Tests check
	// every batch's references with PRAGMA foreign_key_check, and so does
	// `jindu check`.
	tx, done, err := db.beginUnchecked(ctx)
	if err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	defer done()
	var reverts any
	if in.Reverts != 0 {
		reverts, b.Reverts = in.Reverts, in.Reverts
	}
	b.Status = StatusApplied
	switch {
	case in.Approves != 0:
		// The submitted batch keeps its row, file and submitter; the
		// reviewer is recorded beside it.
		b.ID, b.Status, b.ReviewedBy, b.ReviewedAt = in.Approves, StatusApproved, in.Actor, b.CreatedAt
		var submitted string
		err = tx.QueryRowContext(ctx, `UPDATE batches SET status = 'approved', reviewed_by = ?, reviewed_at = ?
			WHERE id = ? AND status = 'submitted' RETURNING kind, created_at, actor, source, file_name, sha256, note`,
			in.Actor, b.CreatedAt.Format(time.RFC3339), in.Approves).Scan(&b.Kind, &submitted, &b.Actor, &b.Source, &b.FileName, &b.SHA256, &b.Note)
		if errors.Is(err, sql.ErrNoRows) {
			return Batch{}, fmt.Errorf("approve batch %d: %w", in.Approves, ErrNotSubmitted)
		}
		b.CreatedAt, _ = time.Parse(time.RFC3339, submitted)
	default:
		if in.Submit {
			b.Status = StatusSubmitted
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO batches (kind, created_at, actor, source, file_name, sha256, note, reverts, reason, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Kind, b.CreatedAt.Format(time.RFC3339), in.Actor, in.Source, in.FileName, in.SHA256, in.Note, reverts, in.Reason, b.Status).Scan(&b.ID)
	}
	if err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	// A batch can touch hundreds of megabytes of pages: a page cache larger
	// than SQLite's default 2 MiB keeps index pages from being spilled to
	// the WAL and read back again and again. 8 MiB imports a province year
	// as fast as 16 MiB did and keeps the import's peak RSS under 200 MB.
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -8192`); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	var seq string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'data_seq'`).Scan(&seq); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	b.DataSeq, _ = strconv.ParseInt(seq, 10, 64)
	if in.ExpectDataSeq != 0 && b.DataSeq != in.ExpectDataSeq {
		return Batch{}, ErrDataChanged
	}
	w := newWriter(ctx, tx, b.ID)
	w.maxNew = in.MaxNewUnits
	defer w.close()
	if w.locks, err = loadLocks(ctx, tx); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	if in.Submit {
		// What a submitted batch would change is worked out in full, then
		// undone: only the batch row (with its counts and file) is kept.
		if _, err := tx.ExecContext(ctx, `SAVEPOINT submitted`); err != nil {
			return Batch{}, fmt.Errorf("submit batch: %w", err)
		}
	}
	if err := work(ctx, tx, w); err != nil {
		return Batch{}, err
	}
	if err := w.finish(); err != nil {
		return Batch{}, err
	}
	if err := w.flushLog(); err != nil {
		return Batch{}, err
	}
	b.Rows, b.NewUnits, b.Changed, b.Diff = w.rows, w.newUnits, w.changed, &w.diff
	streets := sql.NullString{Valid: true}
	if in.Reverts != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT streets FROM batches WHERE id = ?`, in.Reverts).Scan(&streets); err != nil {
			return Batch{}, fmt.Errorf("apply batch: %w", err)
		}
	} else {
		streets.String = strings.Join(slices.Sorted(maps.Keys(w.diff.Counts)), "\x1f")
	}
	b.StreetsKnown = streets.Valid
	if streets.String != "" {
		b.Streets = strings.Split(streets.String, "\x1f")
	}
	if in.Submit {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO submitted`); err != nil {
			return Batch{}, fmt.Errorf("submit batch: %w", err)
		}
		clear(w.deltas)
		clear(w.touched)
	}
	if in.File != nil && in.Approves == 0 {
		sha, gz, err := in.File()
		if err != nil {
			return Batch{}, err
		}
		if in.SHA256 == "" {
			if err := db.notDuplicate(ctx, sha); err != nil {
				return Batch{}, err
			}
		}
		b.SHA256 = sha
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET sha256 = ? WHERE id = ?`, sha, b.ID); err != nil {
			return Batch{}, fmt.Errorf("apply batch: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO batch_files (batch_id, raw, gzip) VALUES (?, ?, 1)`, b.ID, gz); err != nil {
			return Batch{}, fmt.Errorf("apply batch: %w", err)
		}
	}
	if err := applyTallyDeltas(ctx, tx, w.deltas); err != nil {
		return Batch{}, err
	}
	if err := refreshTallies(ctx, tx, w.touched); err != nil {
		return Batch{}, err
	}
	if in.Effect {
		if b.After, err = talliesOf(ctx, tx, b.Streets); err != nil {
			return Batch{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE batches SET rows = ?, new_units = ?, changed = ?, streets = ? WHERE id = ?`,
		b.Rows, b.NewUnits, b.Changed, streets, b.ID); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	if in.Kind == KindDemo {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('demo', '1')
			ON CONFLICT (key) DO UPDATE SET value = '1'`); err != nil {
			return Batch{}, fmt.Errorf("apply batch: %w", err)
		}
	}
	if (b.Changed > 0 || b.NewUnits > 0) && !in.Submit {
		if err := bumpDataSeq(ctx, tx); err != nil {
			return Batch{}, err
		}
	}
	if in.DryRun {
		b.ID = 0
		return b, tx.Rollback()
	}
	if err := tx.Commit(); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	return b, nil
}

func bumpDataSeq(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_seq'`)
	if err != nil {
		return fmt.Errorf("bump data version: %w", err)
	}
	return nil
}

// Info summarises the database for page headers and the data version.
type Info struct {
	DataSeq   int64     // bumped by every change of data
	LastBatch time.Time // zero when there is none
	Demo      bool      // the demo data are loaded
	Units     int       // streets and communities ever created (never deleted, so the largest ID: O(1)); compounds are not units rows
}

// infoQuery is Info's one query. It runs on every request, so it reads
// indexes only: batches' times come from batches_data_times (schema 17).
const infoQuery = `SELECT
	(SELECT value FROM meta WHERE key = 'data_seq'),
	coalesce((SELECT max(CASE status WHEN 'applied' THEN created_at WHEN 'approved' THEN reviewed_at END) FROM batches), ''),
	coalesce((SELECT value FROM meta WHERE key = 'demo'), ''),
	(SELECT coalesce(max(id), 0) FROM units)`

// Info reads the summary.
func (db *DB) Info(ctx context.Context) (Info, error) {
	var in Info
	var seq, last, demo string
	err := db.read.QueryRowContext(ctx, infoQuery).Scan(&seq, &last, &demo, &in.Units)
	if err != nil {
		return Info{}, fmt.Errorf("info: %w", err)
	}
	in.DataSeq, _ = strconv.ParseInt(seq, 10, 64)
	if last != "" {
		in.LastBatch, _ = time.Parse(time.RFC3339, last)
	}
	in.Demo = demo == "1"
	return in, nil
}
