package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jindu/metrics"
)

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
	diff    Diff
	created map[int64]bool // units created by this batch (they have no old siblings to suggest)

	siblingsOf  int64 // parent whose children's names are cached
	siblingsLvl metrics.Level
	siblings    []string

	findUnit, addUnit, getStatus, putStatus, addChange, listSiblings *sql.Stmt

	rows, newUnits, changed int
	newUnit                 *NewUnit // set by unit() when it creates one
}

func newWriter(ctx context.Context, tx *sql.Tx, batch int64) (*writer, error) {
	w := &writer{ctx: ctx, tx: tx, batch: batch, cache: map[string]int64{}, streets: map[int64]int64{},
		touched: map[streetYear]struct{}{}, created: map[int64]bool{}}
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
		{&w.listSiblings, `SELECT name FROM units WHERE level = ? AND coalesce(parent_id, 0) = ? LIMIT 5001`},
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
	for _, s := range []*sql.Stmt{w.findUnit, w.addUnit, w.getStatus, w.putStatus, w.addChange, w.listSiblings} {
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
	suggest, err := w.suggest(level, parent, name)
	if err != nil {
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
	w.created[id] = true
	w.newUnit = &NewUnit{Level: level, Suggest: suggest}
	return id, street, nil
}

// suggest finds an existing sibling with a close name. Records arrive
// grouped by parent, so the sibling list is cached for the last parent.
func (w *writer) suggest(level metrics.Level, parent int64, name string) (string, error) {
	if w.created[parent] {
		return "", nil // a new parent has no old children
	}
	if parent != w.siblingsOf || level != w.siblingsLvl || w.siblings == nil {
		rows, err := w.listSiblings.QueryContext(w.ctx, level, parent)
		if err != nil {
			return "", err
		}
		names := []string{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return "", err
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		w.siblingsOf, w.siblingsLvl, w.siblings = parent, level, names
	}
	if len(w.siblings) > 5000 {
		return "", nil
	}
	s := closest(name, w.siblings)
	w.siblings = append(w.siblings, name)
	return s, nil
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
	w.noteNew(metrics.UnitRef{Street: u.Street})
	id := street
	if u.Community != "" {
		id, _, err = w.cached(u.Street+"\x00"+u.Community, func() (int64, int64, error) {
			return w.unit(metrics.LevelCommunity, street, street, u.Community, u.CommunityType)
		})
		if err != nil {
			return fmt.Errorf("community %q: %w", u.Community, err)
		}
		w.noteNew(metrics.UnitRef{Street: u.Street, Community: u.Community})
	}
	if u.Compound != "" {
		if u.Community == "" {
			return fmt.Errorf("compound %q: community name is empty", u.Compound)
		}
		id, _, err = w.unit(metrics.LevelCompound, id, street, u.Compound, "")
		if err != nil {
			return fmt.Errorf("compound %q: %w", u.Compound, err)
		}
		w.noteNew(u)
	}
	w.rows++
	w.diff.count(u)
	return w.setStatus(u, id, street, r.Year, r.Status)
}

// noteNew lists the unit just resolved if unit() created it.
func (w *writer) noteNew(u metrics.UnitRef) {
	if w.newUnit == nil {
		return
	}
	if len(w.diff.NewUnits) < maxListed {
		w.newUnit.Path = unitPath(u)
		w.diff.NewUnits = append(w.diff.NewUnits, *w.newUnit)
	}
	w.newUnit = nil
}

func (w *writer) setStatus(u metrics.UnitRef, unit, street int64, year int, s metrics.Status) error {
	var old any
	var had *metrics.Status
	prev, err := scanStatus(w.getStatus.QueryRowContext(w.ctx, unit, year))
	switch {
	case err == nil:
		if prev.Equal(s) {
			w.diff.Unchanged++
			return nil
		}
		old, had = encodeStatus(prev), &prev
	case errors.Is(err, sql.ErrNoRows):
	default:
		return fmt.Errorf("status: %w", err)
	}
	w.diff.rating(u, year, had, s)
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
