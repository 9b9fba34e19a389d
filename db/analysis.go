package db

import (
	"context"
	"fmt"

	"jindu/metrics"
)

// UnitHistory is a unit with its status in every year it has one.
type UnitHistory struct {
	Unit
	Status map[int]metrics.Status // year → status
}

// StreetUnits returns a street and every community and compound in it, each
// with its statuses of all years, ordered by level (street, communities,
// compounds), then name. It reads one street's units only (units_tree
// index), never the whole district.
func (db *DB) StreetUnits(ctx context.Context, streetID int64) ([]UnitHistory, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.level, coalesce(u.parent_id, 0), u.street_id, u.name,
			coalesce(u.community_type, ''), s.year, `+prefixed("s.", statusColumns)+`
		FROM units u LEFT JOIN statuses s ON s.unit_id = u.id
		WHERE u.street_id = ?
		ORDER BY CASE u.level WHEN 'street' THEN 0 WHEN 'community' THEN 1 ELSE 2 END, u.name, u.id, s.year`, streetID)
	if err != nil {
		return nil, fmt.Errorf("street units %d: %w", streetID, err)
	}
	defer rows.Close()
	var out []UnitHistory
	index := map[int64]int{}
	for rows.Next() {
		var u Unit
		var year *int
		s, err := scanStatus(rows, &u.ID, &u.Level, &u.ParentID, &u.StreetID, &u.Name, &u.CommunityType, &year)
		if err != nil {
			return nil, fmt.Errorf("street units %d: %w", streetID, err)
		}
		i, ok := index[u.ID]
		if !ok {
			i = len(out)
			index[u.ID] = i
			out = append(out, UnitHistory{Unit: u, Status: map[int]metrics.Status{}})
		}
		if year != nil {
			out[i].Status[*year] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("street units %d: %w", streetID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("street units %d: %w", streetID, ErrNotFound)
	}
	return out, nil
}
