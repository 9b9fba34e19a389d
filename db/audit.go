package db

import (
	"context"
	"fmt"
	"time"
)

// Audit actions.
const (
	AuditLogin        = "login"
	AuditLoginFailed  = "login_failed"
	AuditLoginBlocked = "login_blocked"
	AuditLogout       = "logout"
	AuditUserAdd      = "user_add"
	AuditUserPassword = "user_password"
	AuditUserDisable  = "user_disable"
	AuditUserEnable   = "user_enable"
	AuditUserRole     = "user_role"
	AuditUpload       = "upload"
	AuditRollback     = "rollback"
	AuditProgram      = "program_change"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Actor   string // user name, or "cli:<os user>" / "anonymous"
	Address string // client address
	Action  string
	Target  string // what was acted on: a user, a batch, a file
	Detail  string
}

// Audit appends an entry; At is set from the clock when zero.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO audit_log (at, actor, address, action, target, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, e.At.UTC().Format(time.RFC3339), e.Actor, e.Address, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Action, Actor string
	From, To      time.Time // To is exclusive
	Limit         int       // 0 means all
}

// AuditEntries lists entries, newest first.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, address, action, target, detail FROM audit_log WHERE 1 = 1`
	var args []any
	if f.Action != "" {
		q += ` AND action = ?`
		args = append(args, f.Action)
	}
	if f.Actor != "" {
		q += ` AND actor = ?`
		args = append(args, f.Actor)
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, f.To.UTC().Format(time.RFC3339))
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Address, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		e.At, _ = time.Parse(time.RFC3339, at)
		out = append(out, e)
	}
	return out, rows.Err()
}
