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
	// Compounds have no ID of their own: each gets a negative one, unique
	// within the result.
	rows, err := db.read.QueryContext(ctx, `SELECT id, level, parent_id, street_id, name, community_type, year, `+statusColumns+` FROM (
			SELECT u.id, u.level, coalesce(u.parent_id, 0) AS parent_id, u.street_id, u.name,
				coalesce(u.community_type, '') AS community_type, s.year, `+prefixed("s.", statusColumns)+`,
				CASE u.level WHEN 'street' THEN 0 ELSE 1 END AS rank
			FROM units u LEFT JOIN statuses s ON s.unit_id = u.id
			WHERE u.street_id = ?1
			UNION ALL SELECT 0, 'compound', m.id, m.street_id, c.name, '', c.year, `+prefixed("c.", statusColumns)+`, 2
			FROM units m JOIN compounds c ON c.community_id = m.id
			WHERE m.street_id = ?1 AND m.parent_id = ?1)
		ORDER BY rank, name, parent_id, id, year`, streetID)
	if err != nil {
		return nil, fmt.Errorf("street units %d: %w", streetID, err)
	}
	defer rows.Close()
	var out []UnitHistory
	nextCompound := int64(-1)
	for rows.Next() {
		var u Unit
		var year *int
		s, err := scanStatus(rows, &u.ID, &u.Level, &u.ParentID, &u.StreetID, &u.Name, &u.CommunityType, &year)
		if err != nil {
			return nil, fmt.Errorf("street units %d: %w", streetID, err)
		}
		n := len(out)
		switch {
		case u.ID != 0 && n > 0 && out[n-1].ID == u.ID:
		case u.ID == 0 && n > 0 && out[n-1].ID < 0 && out[n-1].ParentID == u.ParentID && out[n-1].Name == u.Name:
		default:
			if u.ID == 0 {
				u.ID = nextCompound
				nextCompound--
			}
			out = append(out, UnitHistory{Unit: u, Status: map[int]metrics.Status{}})
		}
		if year != nil {
			out[len(out)-1].Status[*year] = s
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
