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
	// Later are the same unit-years (up to five), for a message in the
	// reader's language.
	Later []ConflictUnitYear
	Total int
}

// ConflictUnitYear is a unit-year a later batch changed again.
type ConflictUnitYear struct {
	Path  string
	Year  int
	Batch int64 // the batch that holds its status now
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
// when a later batch changed one of its unit-years again. reason says why
// (shown to the batch's uploader).
func (db *DB) Rollback(ctx context.Context, id int64, actor, source, reason string) (Batch, error) {
	target, err := db.BatchByID(ctx, id)
	if err != nil {
		return Batch{}, err
	}
	switch {
	case target.RolledBackBy != 0:
		return Batch{}, fmt.Errorf("batch %d was already rolled back by batch %d / 该批次已被第 %d 批回滚: %w", id, target.RolledBackBy, target.RolledBackBy, ErrConflict)
	case target.Status == StatusSubmitted || target.Status == StatusRejected:
		return Batch{}, fmt.Errorf("batch %d was never applied (%s) / 该批次未生效，无需回滚: %w", id, target.Status, ErrConflict)
	case target.Kind == KindRollback:
		return Batch{}, fmt.Errorf("batch %d is a rollback; apply the data again instead / 回滚批次不能再回滚: %w", id, ErrConflict)
	}
	in := BatchInput{Kind: KindRollback, Actor: actor, Source: source, Reverts: id, Reason: reason,
		Note: fmt.Sprintf("回滚第 %d 批 / rollback of batch %d", id, id)}
	return db.applyTx(ctx, in, func(ctx context.Context, tx *sql.Tx, w *writer) error {
		return undo(ctx, tx, w, id)
	})
}

// undo writes the rollback of batch id through w, a chunk of its change
// log at a time, so that memory stays bounded at province scale. A
// conflict found in any chunk fails the whole rollback (its transaction is
// rolled back): the chunks after it are only read, to count the conflicts.
func undo(ctx context.Context, tx *sql.Tx, w *writer, id int64) error {
	var seqs []int
	rows, err := tx.QueryContext(ctx, `SELECT seq FROM change_log WHERE batch_id = ? ORDER BY seq`, id)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	for rows.Next() {
		var seq int
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return fmt.Errorf("rollback: %w", err)
		}
		seqs = append(seqs, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rollback: %w", err)
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
	// Each change with its unit's street and the status it has now,
	// encoded (NULL if none). (Materialized, so that each entry's JSON is
	// read once.)
	read, err := tx.PrepareContext(ctx, `WITH e AS MATERIALIZED (
			SELECT c.value ->> 0 AS unit_id, c.value ->> 1 AS year, c.value ->> 2 AS old, c.value ->> 3 AS new, c.value ->> 4 AS compound
			FROM change_log l, json_each(l.changes) c WHERE l.batch_id = ? AND l.seq = ?)
		SELECT e.unit_id, coalesce(e.compound, ''), e.year, e.old, e.new, u.street_id,
			CASE WHEN e.compound IS NULL
			THEN (SELECT `+encodedStatus("s.")+` FROM statuses s WHERE s.unit_id = e.unit_id AND s.year = e.year)
			ELSE (SELECT `+encodedStatus("k.")+` FROM compounds k WHERE k.community_id = e.unit_id AND k.name = e.compound AND k.year = e.year) END
		FROM e CROSS JOIN units u ON u.id = e.unit_id`)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	defer read.Close()
	type undone struct {
		change
		street int64
	}
	type conflictAt struct {
		unit     int64
		compound string
		year     int
	}
	var conflicts []conflictAt
	total := 0
	var changes []undone
	var puts []change
	for _, seq := range seqs {
		changes = changes[:0]
		rows, err := read.QueryContext(ctx, id, seq)
		if err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		for rows.Next() {
			var c undone
			var old, set, cur sql.NullString
			if err := rows.Scan(&c.unit, &c.compound, &c.year, &old, &set, &c.street, &cur); err != nil {
				rows.Close()
				return fmt.Errorf("rollback: %w", err)
			}
			// The change is undone: the status goes from what the batch
			// set (and still has, unless a later batch changed it) back
			// to what it had before (none if old is NULL).
			c.old = cur.String
			if c.old != set.String {
				// Undoing it would silently drop that later work.
				total++
				if len(conflicts) < 5 {
					conflicts = append(conflicts, conflictAt{c.unit, c.compound, c.year})
				}
				continue
			}
			c.new = old.String
			changes = append(changes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		if total > 0 {
			continue // only counting now
		}
		puts = puts[:0]
		for _, c := range changes {
			switch {
			case c.new != "":
				if c.s, err = decodeStatus(c.new); err != nil {
					return fmt.Errorf("rollback: %w", err)
				}
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
			if err := w.restored(c.change, c.street); err != nil {
				return fmt.Errorf("rollback: %w", err)
			}
		}
	}
	if total > 0 {
		conflict := &RollbackConflict{Batch: id, Total: total}
		for _, c := range conflicts {
			var by int64
			q := `SELECT batch_id FROM statuses WHERE unit_id = ? AND year = ?`
			args := []any{c.unit, c.year}
			if c.compound != "" {
				q = `SELECT batch_id FROM compounds WHERE community_id = ? AND name = ? AND year = ?`
				args = []any{c.unit, c.compound, c.year}
			}
			if err := tx.QueryRowContext(ctx, q, args...).Scan(&by); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("rollback: %w", err)
			}
			path := describeUnitYear(ctx, tx, c.unit, c.compound)
			conflict.UnitYears = append(conflict.UnitYears, path+" "+strconv.Itoa(c.year)+" (batch "+strconv.FormatInt(by, 10)+")")
			conflict.Later = append(conflict.Later, ConflictUnitYear{Path: path, Year: c.year, Batch: by})
		}
		return conflict
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

// RollbackConflicts counts, reading only, the unit-years of batch id that a
// later batch changed again: a rollback of it would be refused while any
// remain (Rollback names them). The confirmation page asks it first.
func (db *DB) RollbackConflicts(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `WITH e AS MATERIALIZED (
			SELECT c.value ->> 0 AS unit_id, c.value ->> 1 AS year, c.value ->> 3 AS new, c.value ->> 4 AS compound
			FROM change_log l, json_each(l.changes) c WHERE l.batch_id = ?)
		SELECT count(*) FROM e WHERE coalesce(e.new, '') <> coalesce(CASE WHEN e.compound IS NULL
			THEN (SELECT `+encodedStatus("s.")+` FROM statuses s WHERE s.unit_id = e.unit_id AND s.year = e.year)
			ELSE (SELECT `+encodedStatus("k.")+` FROM compounds k WHERE k.community_id = e.unit_id AND k.name = e.compound AND k.year = e.year) END, '')`,
		id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("rollback conflicts of batch %d: %w", id, err)
	}
	return n, nil
}
