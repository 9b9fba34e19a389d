package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jindu/metrics"
)

// Unit is a stored street, community or compound.
type Unit struct {
	ID            int64
	Level         metrics.Level
	ParentID      int64 // 0 for a street
	StreetID      int64
	Name          string
	CommunityType metrics.CommunityType
}

const unitColumns = `id, level, coalesce(parent_id, 0), street_id, name, coalesce(community_type, '')`

func scanUnit(r rowScanner) (Unit, error) {
	var u Unit
	err := r.Scan(&u.ID, &u.Level, &u.ParentID, &u.StreetID, &u.Name, &u.CommunityType)
	return u, err
}

// Streets lists the streets by name.
func (db *DB) Streets(ctx context.Context) ([]Unit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE level = 'street' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("streets: %w", err)
	}
	defer rows.Close()
	var us []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("streets: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// StreetByName finds a street; ErrNotFound if there is none.
func (db *DB) StreetByName(ctx context.Context, name string) (Unit, error) {
	u, err := scanUnit(db.read.QueryRowContext(ctx,
		`SELECT `+unitColumns+` FROM units WHERE level = 'street' AND coalesce(parent_id, 0) = 0 AND name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, fmt.Errorf("street %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("street %q: %w", name, err)
	}
	return u, nil
}
