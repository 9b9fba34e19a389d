package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"jindu/metrics"
)

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
	Raw      []byte // the uploaded file, kept so it can be downloaded again
	Note     string
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
}

// Apply stores a batch in one transaction: produce is called with a put
// function and must put every record; if produce or any put fails, nothing
// is stored and the database is exactly as before. Units seen for the first
// time are created. Unit-years whose status is unchanged are not rewritten.
func (db *DB) Apply(ctx context.Context, in BatchInput, produce func(put func(metrics.Record) error) error) (Batch, error) {
	b := Batch{Kind: in.Kind, CreatedAt: db.Now().UTC().Truncate(time.Second), Actor: in.Actor, Source: in.Source,
		FileName: in.FileName, SHA256: in.SHA256, Note: in.Note}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO batches (kind, created_at, actor, source, file_name, sha256, raw, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Kind, b.CreatedAt.Format(time.RFC3339), in.Actor, in.Source, in.FileName, in.SHA256, in.Raw, in.Note).Scan(&b.ID)
	if err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	w, err := newWriter(ctx, tx, b.ID)
	if err != nil {
		return Batch{}, err
	}
	defer w.close()
	if err := produce(w.put); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	b.Rows, b.NewUnits, b.Changed = w.rows, w.newUnits, w.changed
	if err := refreshTallies(ctx, tx, w.touched); err != nil {
		return Batch{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE batches SET rows = ?, new_units = ?, changed = ? WHERE id = ?`,
		b.Rows, b.NewUnits, b.Changed, b.ID); err != nil {
		return Batch{}, fmt.Errorf("apply batch: %w", err)
	}
	if in.Kind == KindDemo {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('demo', '1')
			ON CONFLICT (key) DO UPDATE SET value = '1'`); err != nil {
			return Batch{}, fmt.Errorf("apply batch: %w", err)
		}
	}
	if b.Changed > 0 || b.NewUnits > 0 {
		if err := bumpDataSeq(ctx, tx); err != nil {
			return Batch{}, err
		}
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

// writer holds the prepared statements of one batch and the units it has
// resolved. Streets and communities are cached; compounds, which can number
// a million, are looked up by index.
type writer struct {
	ctx     context.Context
	tx      *sql.Tx
	batch   int64
	cache   map[string]int64 // street or street\x00community → unit ID
	streets map[int64]int64  // unit ID → street ID, for cached units
	touched map[streetYear]struct{}

	findUnit, addUnit, getStatus, putStatus, addChange *sql.Stmt

	rows, newUnits, changed int
}

func newWriter(ctx context.Context, tx *sql.Tx, batch int64) (*writer, error) {
	w := &writer{ctx: ctx, tx: tx, batch: batch, cache: map[string]int64{}, streets: map[int64]int64{},
		touched: map[streetYear]struct{}{}}
	stmts := []struct {
		dst   **sql.Stmt
		query string
	}{
		{&w.findUnit, `SELECT id, street_id FROM units WHERE level = ? AND coalesce(parent_id, 0) = ? AND name = ?`},
		{&w.addUnit, `INSERT INTO units (level, parent_id, street_id, name, community_type, created_batch)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`},
		{&w.getStatus, `SELECT ` + statusColumns + ` FROM statuses WHERE unit_id = ? AND year = ?`},
		{&w.putStatus, `INSERT INTO statuses (unit_id, year, ` + statusColumns + `, batch_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (unit_id, year) DO UPDATE SET five_good = excluded.five_good, stars = excluded.stars,
			service_center = excluded.service_center, party_branch = excluded.party_branch,
			owners_committee = excluded.owners_committee, property_service = excluded.property_service,
			star_flags = excluded.star_flags, batch_id = excluded.batch_id`},
		{&w.addChange, `INSERT INTO status_changes (batch_id, unit_id, year, old, new) VALUES (?, ?, ?, ?, ?)`},
	}
	for _, s := range stmts {
		st, err := tx.PrepareContext(ctx, s.query)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("apply batch: prepare: %w", err)
		}
		*s.dst = st
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.findUnit, w.addUnit, w.getStatus, w.putStatus, w.addChange} {
		if s != nil {
			s.Close()
		}
	}
}

// unit resolves (creating if needed) one unit below parent.
func (w *writer) unit(level metrics.Level, parent, street int64, name string, ct metrics.CommunityType) (id, streetID int64, err error) {
	err = w.findUnit.QueryRowContext(w.ctx, level, parent, name).Scan(&id, &streetID)
	if err == nil {
		if ct != "" && level == metrics.LevelCommunity {
			// The latest ledger's community type wins; it rarely changes.
			if _, err := w.tx.ExecContext(w.ctx, `UPDATE units SET community_type = ? WHERE id = ? AND coalesce(community_type, '') <> ?`, ct, id, ct); err != nil {
				return 0, 0, err
			}
		}
		return id, streetID, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, err
	}
	var parentArg, ctArg any
	if parent != 0 {
		parentArg = parent
	}
	if ct != "" {
		ctArg = string(ct)
	}
	var streetArg any = street
	if level == metrics.LevelStreet {
		streetArg = nil // set to its own ID below
	}
	if err := w.addUnit.QueryRowContext(w.ctx, level, parentArg, streetArg, name, ctArg, w.batch).Scan(&id); err != nil {
		return 0, 0, err
	}
	if level == metrics.LevelStreet {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE units SET street_id = id WHERE id = ?`, id); err != nil {
			return 0, 0, err
		}
		street = id
	}
	w.newUnits++
	return id, street, nil
}

func (w *writer) cached(key string, resolve func() (int64, int64, error)) (int64, int64, error) {
	if id, ok := w.cache[key]; ok {
		return id, w.streets[id], nil
	}
	id, street, err := resolve()
	if err != nil {
		return 0, 0, err
	}
	w.cache[key] = id
	w.streets[id] = street
	return id, street, nil
}

// put stores one record.
func (w *writer) put(r metrics.Record) error {
	u := r.Unit
	if u.Street == "" {
		return fmt.Errorf("record for %d: street name is empty", r.Year)
	}
	street, _, err := w.cached(u.Street, func() (int64, int64, error) {
		return w.unit(metrics.LevelStreet, 0, 0, u.Street, "")
	})
	if err != nil {
		return fmt.Errorf("street %q: %w", u.Street, err)
	}
	id := street
	if u.Community != "" {
		id, _, err = w.cached(u.Street+"\x00"+u.Community, func() (int64, int64, error) {
			return w.unit(metrics.LevelCommunity, street, street, u.Community, u.CommunityType)
		})
		if err != nil {
			return fmt.Errorf("community %q: %w", u.Community, err)
		}
	}
	if u.Compound != "" {
		if u.Community == "" {
			return fmt.Errorf("compound %q: community name is empty", u.Compound)
		}
		id, _, err = w.unit(metrics.LevelCompound, id, street, u.Compound, "")
		if err != nil {
			return fmt.Errorf("compound %q: %w", u.Compound, err)
		}
	}
	w.rows++
	return w.setStatus(id, street, r.Year, r.Status)
}

func (w *writer) setStatus(unit, street int64, year int, s metrics.Status) error {
	var old any
	prev, err := scanStatus(w.getStatus.QueryRowContext(w.ctx, unit, year))
	switch {
	case err == nil:
		if prev.Equal(s) {
			return nil
		}
		old = encodeStatus(prev)
	case errors.Is(err, sql.ErrNoRows):
	default:
		return fmt.Errorf("status: %w", err)
	}
	if _, err := w.putStatus.ExecContext(w.ctx, unit, year, nullBool(s.FiveGood), nullInt(s.Stars),
		nullBool(s.ServiceCenter), nullBool(s.PartyBranch), nullBool(s.OwnersCommittee), nullBool(s.PropertyService),
		starFlags(s), w.batch); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if _, err := w.addChange.ExecContext(w.ctx, w.batch, unit, year, old, encodeStatus(s)); err != nil {
		return fmt.Errorf("status change: %w", err)
	}
	w.changed++
	w.touched[streetYear{street, year}] = struct{}{}
	return nil
}

// Info summarises the database for page headers and the data version.
type Info struct {
	DataSeq   int64     // bumped by every change of data
	LastBatch time.Time // zero when there is none
	Demo      bool      // the demo data are loaded
	Units     int
}

// Info reads the summary.
func (db *DB) Info(ctx context.Context) (Info, error) {
	var in Info
	var seq, last, demo string
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT value FROM meta WHERE key = 'data_seq'),
		coalesce((SELECT max(created_at) FROM batches), ''),
		coalesce((SELECT value FROM meta WHERE key = 'demo'), ''),
		(SELECT count(*) FROM units)`).Scan(&seq, &last, &demo, &in.Units)
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

// SetMeta stores a setting (no data-version change).
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
