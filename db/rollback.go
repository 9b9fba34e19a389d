package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrConflict is returned when a rollback would undo later batches' work.
var ErrConflict = errors.New("conflict")

// RollbackConflict lists the unit-years a later batch overwrote.
type RollbackConflict struct {
	Batch     int64
	UnitYears []string // "街道 / 社区 / 小区 2023 (batch 14)"
	Total     int
}

func (e *RollbackConflict) Error() string {
	return fmt.Sprintf("rollback of batch %d: %d unit-years were changed again by later batches (e.g. %s): roll those back first / 回滚失败：有 %d 个单位年度已被之后的批次修改，请先回滚那些批次",
		e.Batch, e.Total, strings.Join(e.UnitYears, "; "), e.Total)
}

func (e *RollbackConflict) Unwrap() error { return ErrConflict }

// Rollback undoes a batch: every unit-year it set returns to its value
// before it (a status it created is removed). The rollback is itself a
// batch; the undone batch and its changes stay in the history. It is
// refused when the batch was already rolled back, is itself a rollback, or
// when a later batch changed one of its unit-years again.
func (db *DB) Rollback(ctx context.Context, id int64, actor, source string) (Batch, error) {
	target, err := db.BatchByID(ctx, id)
	if err != nil {
		return Batch{}, err
	}
	switch {
	case target.RolledBackBy != 0:
		return Batch{}, fmt.Errorf("batch %d was already rolled back by batch %d / 该批次已被第 %d 批回滚: %w", id, target.RolledBackBy, target.RolledBackBy, ErrConflict)
	case target.Kind == KindRollback:
		return Batch{}, fmt.Errorf("batch %d is a rollback; apply the data again instead / 回滚批次不能再回滚: %w", id, ErrConflict)
	}
	in := BatchInput{Kind: KindRollback, Actor: actor, Source: source, Reverts: id,
		Note: fmt.Sprintf("回滚第 %d 批 / rollback of batch %d", id, id)}
	return db.applyTx(ctx, in, func(ctx context.Context, tx *sql.Tx, w *writer) error {
		return undo(ctx, tx, w, id)
	})
}

func undo(ctx context.Context, tx *sql.Tx, w *writer, id int64) error {
	current := make([]string, 0, 7)
	for _, col := range strings.Split(statusColumns, ", ") {
		current = append(current, "coalesce(s."+col+", k."+col+")")
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.unit_id, coalesce(c.compound, ''), c.year, c.old, c.new, u.street_id,
			coalesce(s.batch_id, k.batch_id, 0), `+strings.Join(current, ", ")+`
		FROM status_changes c JOIN units u ON u.id = c.unit_id
		LEFT JOIN statuses s ON c.compound IS NULL AND s.unit_id = c.unit_id AND s.year = c.year
		LEFT JOIN compounds k ON k.community_id = c.unit_id AND k.name = c.compound AND k.year = c.year
		WHERE c.batch_id = ?`, id)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	type undone struct {
		change
		street int64
	}
	var changes []undone
	type conflictAt struct {
		unit     int64
		compound string
		year     int
		by       int64
	}
	var conflicts []conflictAt
	total := 0
	for rows.Next() {
		var c undone
		var old, set sql.NullString
		var by int64
		cur, err := scanStatus(rows, &c.unit, &c.compound, &c.year, &old, &set, &c.street, &by)
		if err != nil {
			rows.Close()
			return fmt.Errorf("rollback: %w", err)
		}
		// The change is undone: the status goes from what the batch set
		// back to what it had before (none if old is NULL).
		if by != 0 {
			c.old = encodeStatus(cur)
		}
		// A later batch that left a different value means undoing this one
		// would silently drop that later work.
		if c.old != set.String {
			total++
			if len(conflicts) < 5 {
				conflicts = append(conflicts, conflictAt{c.unit, c.compound, c.year, by})
			}
			continue
		}
		if old.Valid {
			c.new = old.String
			if c.s, err = decodeStatus(old.String); err != nil {
				rows.Close()
				return fmt.Errorf("rollback: %w", err)
			}
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	if total > 0 {
		conflict := &RollbackConflict{Batch: id, Total: total}
		for _, c := range conflicts {
			conflict.UnitYears = append(conflict.UnitYears, describeUnitYear(ctx, tx, c.unit, c.compound)+
				" "+strconv.Itoa(c.year)+" (batch "+strconv.FormatInt(c.by, 10)+")")
		}
		return conflict
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM statuses WHERE unit_id = ? AND year = ?`)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	defer del.Close()
	delC, err := tx.PrepareContext(ctx, `DELETE FROM compounds WHERE community_id = ? AND name = ? AND year = ?`)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	defer delC.Close()
	var puts []change
	for _, c := range changes {
		switch {
		case c.new != "":
			puts = append(puts, c.change)
		case c.compound != "":
			_, err = delC.ExecContext(ctx, c.unit, c.compound, c.year)
		default:
			_, err = del.ExecContext(ctx, c.unit, c.year)
		}
		if err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
	}
	if err := w.writeChanges(puts); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	for _, c := range changes {
		if err := w.logChange(c.unit, c.compound, c.year, c.old, c.new); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		w.rows++
		w.changed++
		w.touched[streetYear{c.street, c.year}] = struct{}{}
	}
	return nil
}

// describeUnitYear names a unit, or a compound of a community, by its path.
func describeUnitYear(ctx context.Context, tx *sql.Tx, id int64, compound string) string {
	var name string
	err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(id, parent_id, name, depth) AS (
			SELECT id, parent_id, name, 0 FROM units WHERE id = ?
			UNION ALL SELECT u.id, u.parent_id, u.name, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id)
		SELECT group_concat(name, ' / ') FROM (SELECT name FROM up ORDER BY depth DESC)`, id).Scan(&name)
	if err != nil {
		name = "unit " + strconv.FormatInt(id, 10)
	}
	if compound != "" {
		name += " / " + compound
	}
	return name
}
