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
	rows, err := tx.QueryContext(ctx, `SELECT c.unit_id, c.year, c.old, c.new, u.street_id,
			coalesce(s.batch_id, 0), `+statusColumns+`
		FROM status_changes c JOIN units u ON u.id = c.unit_id
		LEFT JOIN statuses s ON s.unit_id = c.unit_id AND s.year = c.year
		WHERE c.batch_id = ?`, id)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	type change struct {
		unit, street int64
		year         int
		old          sql.NullString
		current      string // encoded current status, "" if none
	}
	var changes []change
	conflict := &RollbackConflict{Batch: id}
	for rows.Next() {
		var c change
		var set sql.NullString
		var by int64
		cur, err := scanStatus(rows, &c.unit, &c.year, &c.old, &set, &c.street, &by)
		if err != nil {
			rows.Close()
			return fmt.Errorf("rollback: %w", err)
		}
		if by != 0 {
			c.current = encodeStatus(cur)
		}
		// A later batch that left a different value means undoing this one
		// would silently drop that later work.
		if c.current != set.String {
			conflict.Total++
			if len(conflict.UnitYears) < 5 {
				conflict.UnitYears = append(conflict.UnitYears, fmt.Sprintf("unit %d %d (batch %d)", c.unit, c.year, by))
			}
			continue
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	if conflict.Total > 0 {
		for i, s := range conflict.UnitYears {
			conflict.UnitYears[i] = describeUnitYear(ctx, tx, s)
		}
		return conflict
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM statuses WHERE unit_id = ? AND year = ?`)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	defer del.Close()
	for _, c := range changes {
		newEnc := "" // the status is removed
		if c.old.Valid {
			old, err := decodeStatus(c.old.String)
			if err != nil {
				return fmt.Errorf("rollback: %w", err)
			}
			if _, err := w.putStatus.ExecContext(ctx, c.unit, c.year, nullBool(old.FiveGood), nullInt(old.Stars),
				nullBool(old.ServiceCenter), nullBool(old.PartyBranch), nullBool(old.OwnersCommittee),
				nullBool(old.PropertyService), starFlags(old), w.batch); err != nil {
				return fmt.Errorf("rollback: %w", err)
			}
			newEnc = c.old.String
		} else if _, err := del.ExecContext(ctx, c.unit, c.year); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		if err := w.logChange(c.unit, c.year, c.current, newEnc); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		w.rows++
		w.changed++
		w.touched[streetYear{c.street, c.year}] = struct{}{}
	}
	return nil
}

// describeUnitYear turns "unit ID YEAR (batch N)" into a readable path.
func describeUnitYear(ctx context.Context, tx *sql.Tx, s string) string {
	var id int64
	var year int
	var batch int64
	if _, err := fmt.Sscanf(s, "unit %d %d (batch %d)", &id, &year, &batch); err != nil {
		return s
	}
	var name string
	err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(id, parent_id, name, depth) AS (
			SELECT id, parent_id, name, 0 FROM units WHERE id = ?
			UNION ALL SELECT u.id, u.parent_id, u.name, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id)
		SELECT group_concat(name, ' / ') FROM (SELECT name FROM up ORDER BY depth DESC)`, id).Scan(&name)
	if err != nil {
		return s
	}
	return name + " " + strconv.Itoa(year) + " (batch " + strconv.FormatInt(batch, 10) + ")"
}
