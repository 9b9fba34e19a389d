package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jindu/auth"
)

// Session is a logged-in session.
type Session struct {
	User      auth.User
	CreatedAt time.Time
	LastSeen  time.Time
}

// CreateSession stores a new session under the token's hash.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, userID int64, address string) error {
	now := db.nowText()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, address)
		VALUES (?, ?, ?, ?, ?)`, tokenHash, userID, now, now, address); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login = ? WHERE id = ?`, now, userID); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByHash finds a session and its (enabled or not) user.
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (Session, error) {
	var created, seen string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, s.created_at, s.last_seen
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash), &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	s := Session{User: u}
	s.CreatedAt, _ = time.Parse(time.RFC3339, created)
	s.LastSeen, _ = time.Parse(time.RFC3339, seen)
	return s, nil
}

// TouchSession records activity on a session.
func (db *DB) TouchSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, db.nowText(), tokenHash)
	return err
}

// DeleteSession ends one session (logout, expiry).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteExpiredSessions removes the sessions idle for longer than idle or
// started longer than maxAge ago (the clock is db.Now), and returns how
// many. A session is also refused and deleted when it is next used after
// its expiry; this sweep removes those never used again.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idle, maxAge time.Duration) (int64, error) {
	now := db.Now().UTC()
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < ? OR created_at < ?`,
		now.Add(-idle).Format(time.RFC3339), now.Add(-maxAge).Format(time.RFC3339))
	if err != nil {
		return 0, fmt.Errorf("sweep sessions: %w", err)
	}
	return res.RowsAffected()
}
