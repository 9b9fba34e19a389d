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
	rows, err := db.read.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_id IS NULL ORDER BY name`)
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
		`SELECT `+unitColumns+` FROM units WHERE parent_id IS NULL AND name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, fmt.Errorf("street %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("street %q: %w", name, err)
	}
	return u, nil
}

// StreetRecords returns the records of a street's units for year: the
// street, its communities and compounds with their status that year (or
// the latest earlier year they have one; none if never reported). It
// feeds the pre-filled template, so a clerk only edits what changed.
func (db *DB) StreetRecords(ctx context.Context, street Unit, year int) ([]metrics.Record, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.level, coalesce(c.name, ''), u.name, coalesce(u.community_type, ''),
			coalesce(s.year, 0), `+prefixed("s.", statusColumns)+`
		FROM units u
		LEFT JOIN units c ON c.id = u.parent_id AND u.level = 'compound'
		LEFT JOIN statuses s ON s.unit_id = u.id AND s.year = (
			SELECT max(year) FROM statuses WHERE unit_id = u.id AND year <= ?)
		WHERE u.street_id = ?
		ORDER BY CASE u.level WHEN 'street' THEN 0 ELSE 1 END,
			coalesce(c.name, u.name), CASE u.level WHEN 'community' THEN 0 ELSE 1 END, u.name`, year, street.ID)
	if err != nil {
		return nil, fmt.Errorf("street records: %w", err)
	}
	defer rows.Close()
	var out []metrics.Record
	for rows.Next() {
		var level metrics.Level
		var community, name string
		var ct metrics.CommunityType
		var y int
		s, err := scanStatus(rows, &level, &community, &name, &ct, &y)
		if err != nil {
			return nil, fmt.Errorf("street records: %w", err)
		}
		r := metrics.Record{Year: year, Unit: metrics.UnitRef{Street: street.Name}, Status: s}
		switch level {
		case metrics.LevelCommunity:
			r.Unit.Community, r.Unit.CommunityType = name, ct
		case metrics.LevelCompound:
			r.Unit.Community, r.Unit.Compound = community, name
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
