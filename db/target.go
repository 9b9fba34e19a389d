package db

import (
	"context"
	"fmt"
)

// TargetOverride is a target an administrator set for one indicator and
// year; Target nil means "no numeric target".
type TargetOverride struct {
	Indicator string
	Year      int
	Target    *int
}

// TargetOverrides lists every override.
func (db *DB) TargetOverrides(ctx context.Context) ([]TargetOverride, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT indicator, year, target FROM target_overrides ORDER BY indicator, year`)
	if err != nil {
		return nil, fmt.Errorf("target overrides: %w", err)
	}
	defer rows.Close()
	var out []TargetOverride
	for rows.Next() {
		var o TargetOverride
		var t *int64
		if err := rows.Scan(&o.Indicator, &o.Year, &t); err != nil {
			return nil, fmt.Errorf("target overrides: %w", err)
		}
		if t != nil {
			v := int(*t)
			o.Target = &v
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetTargets stores overrides in one transaction and bumps the data version
// (targets change every met/needed figure).
func (db *DB) SetTargets(ctx context.Context, actor string, os []TargetOverride) error {
	if len(os) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set targets: %w", err)
	}
	defer tx.Rollback()
	for _, o := range os {
		var t any
		if o.Target != nil {
			t = *o.Target
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO target_overrides (indicator, year, target, updated_at, actor)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (indicator, year) DO UPDATE SET target = excluded.target,
			updated_at = excluded.updated_at, actor = excluded.actor`, o.Indicator, o.Year, t, db.nowText(), actor); err != nil {
			return fmt.Errorf("set targets: %w", err)
		}
	}
	if err := bumpDataSeq(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
