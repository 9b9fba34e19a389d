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
	ID            int64 // a compound's is negative: compounds are stored by community and name (see StreetUnits)
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
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.level, u.name, coalesce(u.community_type, ''), `+prefixed("s.", statusColumns)+`
		FROM units u
		LEFT JOIN statuses s ON s.unit_id = u.id AND s.year = (
			SELECT max(year) FROM statuses WHERE unit_id = u.id AND year <= ?)
		WHERE u.street_id = ?
		ORDER BY CASE u.level WHEN 'street' THEN 0 ELSE 1 END, u.name`, year, street.ID)
	if err != nil {
		return nil, fmt.Errorf("street records: %w", err)
	}
	defer rows.Close()
	var out []metrics.Record
	var communities []int64 // the community of each record, 0 for the street
	for rows.Next() {
		var id int64
		var level metrics.Level
		var name string
		var ct metrics.CommunityType
		s, err := scanStatus(rows, &id, &level, &name, &ct)
		if err != nil {
			return nil, fmt.Errorf("street records: %w", err)
		}
		r := metrics.Record{Year: year, Unit: metrics.UnitRef{Street: street.Name}, Status: s}
		if level == metrics.LevelCommunity {
			r.Unit.Community, r.Unit.CommunityType = name, ct
		} else {
			id = 0
		}
		out = append(out, r)
		communities = append(communities, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("street records: %w", err)
	}
	compounds, err := db.compoundRecords(ctx, street, year)
	if err != nil {
		return nil, err
	}
	// Each community is followed by its compounds.
	all := make([]metrics.Record, 0, len(out)+len(compounds))
	for i, r := range out {
		all = append(all, r)
		for _, c := range compounds[communities[i]] {
			c.Unit.Community = r.Unit.Community
			all = append(all, c)
		}
	}
	return all, nil
}

// compoundRecords returns the records of a street's compounds for year by
// community ID, in name order, each with its latest status up to year (none
// if it has only later ones).
func (db *DB) compoundRecords(ctx context.Context, street Unit, year int) (map[int64][]metrics.Record, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.community_id, c.name, c.year, `+prefixed("c.", statusColumns)+`
		FROM units m JOIN compounds c ON c.community_id = m.id
		WHERE m.street_id = ?1 AND m.parent_id = ?1
		ORDER BY c.community_id, c.name, c.year`, street.ID)
	if err != nil {
		return nil, fmt.Errorf("street records: %w", err)
	}
	defer rows.Close()
	out := map[int64][]metrics.Record{}
	var lastComm int64
	var lastName string
	for rows.Next() {
		var comm int64
		var name string
		var y int
		s, err := scanStatus(rows, &comm, &name, &y)
		if err != nil {
			return nil, fmt.Errorf("street records: %w", err)
		}
		rs := out[comm]
		if comm != lastComm || name != lastName || len(rs) == 0 {
			lastComm, lastName = comm, name
			rs = append(rs, metrics.Record{Year: year, Unit: metrics.UnitRef{Street: street.Name, Compound: name}})
			out[comm] = rs
		}
		if y <= year {
			rs[len(rs)-1].Status = s // rows come in year order: the last one up to year wins
		}
	}
	return out, rows.Err()
}
