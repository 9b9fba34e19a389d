package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"jindu/auth"
)

// ErrExists is returned when creating something that already exists.
var ErrExists = errors.New("already exists")

func (db *DB) nowText() string { return db.Now().UTC().Format(time.RFC3339) }

// AddUser creates an account with an already-hashed password.
func (db *DB) AddUser(ctx context.Context, u auth.User, hash string) (auth.User, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return auth.User{}, fmt.Errorf("add user: %w", err)
	}
	defer tx.Rollback()
	now := db.nowText()
	err = tx.QueryRowContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`, u.Name, u.Role, hash, now, now).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, fmt.Errorf("add user %q: %w", u.Name, ErrExists)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("add user: %w", err)
	}
	if err := setStreets(ctx, tx, u.ID, u.Streets); err != nil {
		return auth.User{}, err
	}
	return u, tx.Commit()
}

func setStreets(ctx context.Context, tx *sql.Tx, id int64, streets []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_streets WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("set streets: %w", err)
	}
	for _, s := range streets {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO user_streets (user_id, street) VALUES (?, ?)`, id, s); err != nil {
			return fmt.Errorf("set streets: %w", err)
		}
	}
	return nil
}

const userColumns = `u.id, u.name, u.role, u.disabled, coalesce((SELECT group_concat(street, char(31)) FROM
	(SELECT street FROM user_streets WHERE user_id = u.id ORDER BY street)), '')`

func scanUser(r rowScanner, extra ...any) (auth.User, error) {
	var u auth.User
	var streets string
	if err := r.Scan(append([]any{&u.ID, &u.Name, &u.Role, &u.Disabled, &streets}, extra...)...); err != nil {
		return auth.User{}, err
	}
	if streets != "" {
		u.Streets = strings.Split(streets, "\x1f")
	}
	return u, nil
}

// UserByName finds an account and its password hash.
func (db *DB) UserByName(ctx context.Context, name string) (auth.User, string, error) {
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.name = ?`, name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, "", fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return auth.User{}, "", fmt.Errorf("user %q: %w", name, err)
	}
	return u, hash, nil
}

// Users lists every account by name.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var us []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// CountUsers returns the number of accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// updateUser runs an update on one account and revokes its sessions when
// revoke is set (disable, password or role change), in one transaction.
func (db *DB) updateUser(ctx context.Context, name string, revoke bool, f func(tx *sql.Tx, id int64) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `UPDATE users SET updated_at = ? WHERE name = ? RETURNING id`, db.nowText(), name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if err := f(tx, id); err != nil {
		return err
	}
	if revoke {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SetPassword replaces a password hash and ends the user's sessions.
func (db *DB) SetPassword(ctx context.Context, name, hash string) error {
	return db.updateUser(ctx, name, true, func(tx *sql.Tx, id int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		return err
	})
}

// SetDisabled disables (ending its sessions) or enables an account.
func (db *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return db.updateUser(ctx, name, disabled, func(tx *sql.Tx, id int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
		return err
	})
}

// SetRole changes an account's role and streets and ends its sessions.
func (db *DB) SetRole(ctx context.Context, name string, role auth.Role, streets []string) error {
	return db.updateUser(ctx, name, true, func(tx *sql.Tx, id int64) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, id); err != nil {
			return err
		}
		return setStreets(ctx, tx, id, streets)
	})
}

// LastLogins returns when each account last logged in (accounts that have
// not since schema 13 are absent).
func (db *DB) LastLogins(ctx context.Context) (map[string]time.Time, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, last_login FROM users WHERE last_login <> ''`)
	if err != nil {
		return nil, fmt.Errorf("last logins: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			return nil, fmt.Errorf("last logins: %w", err)
		}
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			out[name] = t
		}
	}
	return out, rows.Err()
}

// RollbackNotices lists the rollbacks of the account's batches it has not
// been shown yet (see SeenRollbacks), oldest first: the undone batches,
// each with its Undo filled.
func (db *DB) RollbackNotices(ctx context.Context, userID int64) ([]Batch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+batchColumns+batchFrom+`
		JOIN users u ON u.id = ? AND u.name = b.actor
		WHERE r.id > u.seen_rollback ORDER BY r.id LIMIT 20`, userID)
	if err != nil {
		return nil, fmt.Errorf("rollback notices: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("rollback notices: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SeenRollbacks records that the account was shown every rollback of its
// batches up to the rollback batch upTo.
func (db *DB) SeenRollbacks(ctx context.Context, userID, upTo int64) error {
	_, err := db.write.ExecContext(ctx, `UPDATE users SET seen_rollback = max(seen_rollback, ?) WHERE id = ?`, upTo, userID)
	if err != nil {
		return fmt.Errorf("seen rollbacks: %w", err)
	}
	return nil
}

// RejectionNotices lists the account's rejected batches it has not been
// shown yet, oldest first (at most 20).
func (db *DB) RejectionNotices(ctx context.Context, name string) ([]Batch, error) {
	return db.queryBatches(ctx, ` WHERE b.actor = ? AND b.status = 'rejected' AND b.review_seen = 0 ORDER BY b.reviewed_at, b.id`, 20, name)
}

// SeenRejections records that the account was shown the rejections of
// these batches.
func (db *DB) SeenRejections(ctx context.Context, name string, ids []int64) error {
	for _, id := range ids {
		if _, err := db.write.ExecContext(ctx, `UPDATE batches SET review_seen = 1 WHERE id = ? AND actor = ?`, id, name); err != nil {
			return fmt.Errorf("seen rejections: %w", err)
		}
	}
	return nil
}
