package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"jindu/metrics"
)

// StreetTallies returns the stored counts of every street and year:
// street ID → year → tally.
func (db *DB) StreetTallies(ctx context.Context) (map[int64]map[int]metrics.Tally, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT street_id, year, tally FROM street_tallies`)
	if err != nil {
		return nil, fmt.Errorf("street tallies: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[int]metrics.Tally{}
	for rows.Next() {
		var id int64
		var year int
		var raw []byte
		if err := rows.Scan(&id, &year, &raw); err != nil {
			return nil, fmt.Errorf("street tallies: %w", err)
		}
		var t metrics.Tally
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("street tallies: street %d year %d: %w", id, year, err)
		}
		if out[id] == nil {
			out[id] = map[int]metrics.Tally{}
		}
		out[id][year] = t
	}
	return out, rows.Err()
}

type streetYear struct {
	street int64
	year   int
}

// refreshTallies recounts the given street-years from statuses inside tx.
func refreshTallies(ctx context.Context, tx *sql.Tx, keys map[streetYear]struct{}) error {
	if len(keys) == 0 {
		return nil
	}
	sel, err := tx.PrepareContext(ctx, `SELECT u.level, `+prefixed("s.", statusColumns)+`
		FROM units u JOIN statuses s ON s.unit_id = u.id
		WHERE u.street_id = ?1 AND s.year = ?2
		UNION ALL SELECT 'compound', `+prefixed("c.", statusColumns)+`
		FROM units m JOIN compounds c ON c.community_id = m.id
		WHERE m.street_id = ?1 AND m.parent_id = ?1 AND c.year = ?2`)
	if err != nil {
		return fmt.Errorf("refresh tallies: %w", err)
	}
	defer sel.Close()
	tallies := make(map[streetYear]metrics.Tally, len(keys))
	for k := range keys {
		if tallies[k], err = tallyOf(ctx, sel, k); err != nil {
			return err
		}
	}
	return saveTallies(ctx, tx, tallies)
}

// saveTallies stores street-year tallies; one that counts no unit is
// removed: a derived cache row, not a record (a rollback can empty a
// street-year).
func saveTallies(ctx context.Context, tx *sql.Tx, tallies map[streetYear]metrics.Tally) error {
	put, err := tx.PrepareContext(ctx, `INSERT INTO street_tallies (street_id, year, tally) VALUES (?, ?, ?)
		ON CONFLICT (street_id, year) DO UPDATE SET tally = excluded.tally`)
	if err != nil {
		return fmt.Errorf("save tallies: %w", err)
	}
	defer put.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM street_tallies WHERE street_id = ? AND year = ?`)
	if err != nil {
		return fmt.Errorf("save tallies: %w", err)
	}
	defer del.Close()
	for k, t := range tallies {
		if t.Units() == 0 {
			if _, err := del.ExecContext(ctx, k.street, k.year); err != nil {
				return fmt.Errorf("save tallies: %w", err)
			}
			continue
		}
		raw, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("save tallies: %w", err)
		}
		if _, err := put.ExecContext(ctx, k.street, k.year, raw); err != nil {
			return fmt.Errorf("save tallies: %w", err)
		}
	}
	return nil
}

func tallyOf(ctx context.Context, sel *sql.Stmt, k streetYear) (metrics.Tally, error) {
	rows, err := sel.QueryContext(ctx, k.street, k.year)
	if err != nil {
		return metrics.Tally{}, fmt.Errorf("refresh tallies: %w", err)
	}
	defer rows.Close()
	var t metrics.Tally
	for rows.Next() {
		var level metrics.Level
		s, err := scanStatus(rows, &level)
		if err != nil {
			return metrics.Tally{}, fmt.Errorf("refresh tallies: %w", err)
		}
		t.Count(level, s)
	}
	return t, rows.Err()
}

// tallyDelta is what a batch changes in one street-year's tally: the
// statuses it writes are added, the ones they replace taken away.
type tallyDelta struct{ plus, minus metrics.Tally }

// applyTallyDeltas updates the stored tallies of the street-years a batch
// changed by what it changed, instead of recounting them from statuses.
func applyTallyDeltas(ctx context.Context, tx *sql.Tx, deltas map[streetYear]*tallyDelta) error {
	if len(deltas) == 0 {
		return nil
	}
	get, err := tx.PrepareContext(ctx, `SELECT tally FROM street_tallies WHERE street_id = ? AND year = ?`)
	if err != nil {
		return fmt.Errorf("update tallies: %w", err)
	}
	defer get.Close()
	tallies := make(map[streetYear]metrics.Tally, len(deltas))
	for k, d := range deltas {
		var t metrics.Tally
		var raw []byte
		switch err := get.QueryRowContext(ctx, k.street, k.year).Scan(&raw); {
		case err == nil:
			if err := json.Unmarshal(raw, &t); err != nil {
				return fmt.Errorf("update tallies: street %d year %d: %w", k.street, k.year, err)
			}
		case errors.Is(err, sql.ErrNoRows):
		default:
			return fmt.Errorf("update tallies: %w", err)
		}
		t.Add(d.plus)
		t.Sub(d.minus)
		tallies[k] = t
	}
	return saveTallies(ctx, tx, tallies)
}

// talliesOf reads the tallies of the named streets inside a transaction:
// street name → year → tally.
func talliesOf(ctx context.Context, tx *sql.Tx, streets []string) (map[string]map[int]metrics.Tally, error) {
	out := map[string]map[int]metrics.Tally{}
	sel, err := tx.PrepareContext(ctx, `SELECT t.year, t.tally FROM street_tallies t
		JOIN units u ON u.id = t.street_id WHERE u.level = 'street' AND u.name = ?`)
	if err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	defer sel.Close()
	for _, name := range streets {
		rows, err := sel.QueryContext(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("tallies of %s: %w", name, err)
		}
		years := map[int]metrics.Tally{}
		for rows.Next() {
			var year int
			var raw []byte
			var t metrics.Tally
			err := rows.Scan(&year, &raw)
			if err == nil {
				err = json.Unmarshal(raw, &t)
			}
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("tallies of %s: %w", name, err)
			}
			years[year] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("tallies of %s: %w", name, err)
		}
		out[name] = years
	}
	return out, nil
}
