package db

import (
	"context"
	"database/sql"
	"fmt"

	"jindu/metrics"
)

// BatchChange is one unit-year a batch changed, with every field that
// changed (old "" where the unit-year had no status before, new "" where a
// rollback removed it).
type BatchChange struct {
	Street string
	Path   string // 街道 / 社区 / 小区
	Year   int
	Level  metrics.Level
	Fields []FieldChange
}

// EachBatchChange calls fn with every change a batch made, in the order it
// made them, reading its change log a chunk at a time (memory stays
// bounded whatever the batch's size). An error from fn stops the walk and
// is returned.
func (db *DB) EachBatchChange(ctx context.Context, id int64, fn func(BatchChange) error) error {
	rows, err := db.read.QueryContext(ctx, `WITH e AS MATERIALIZED (
			SELECT l.seq, c.key AS k, c.value ->> 0 AS unit_id, c.value ->> 1 AS year, c.value ->> 2 AS old,
				c.value ->> 3 AS new, c.value ->> 4 AS compound
			FROM change_log l, json_each(l.changes) c WHERE l.batch_id = ?)
		SELECT e.year, e.old, e.new, coalesce(e.compound, ''), u.level, u.name, s.name
		FROM e JOIN units u ON u.id = e.unit_id JOIN units s ON s.id = u.street_id
		ORDER BY e.seq, e.k`, id)
	if err != nil {
		return fmt.Errorf("batch %d changes: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c BatchChange
		var old, new sql.NullString
		var compound, level, name string
		if err := rows.Scan(&c.Year, &old, &new, &compound, &level, &name, &c.Street); err != nil {
			return fmt.Errorf("batch %d changes: %w", id, err)
		}
		var o, n metrics.Status
		if old.Valid {
			if o, err = decodeStatus(old.String); err != nil {
				return fmt.Errorf("batch %d changes: %w", id, err)
			}
		}
		if new.Valid {
			if n, err = decodeStatus(new.String); err != nil {
				return fmt.Errorf("batch %d changes: %w", id, err)
			}
		}
		c.Level = metrics.Level(level)
		c.Path = c.Street
		if c.Level == metrics.LevelCommunity {
			c.Path += " / " + name
		}
		if compound != "" {
			c.Level = metrics.LevelCompound
			c.Path += " / " + compound
		}
		c.Fields = fieldChanges(c.Level, &o, &n)
		if len(c.Fields) == 0 {
			continue
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("batch %d changes: %w", id, err)
	}
	return nil
}
