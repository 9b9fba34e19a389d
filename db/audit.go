package db

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
	// A pending upload kept for its preview, swept once expired, or
	// discarded by its uploader.
	AuditPendingStored    = "pending_stored"
	AuditPendingExpired   = "pending_expired"
	AuditPendingDiscarded = "pending_discarded"
	AuditRollback         = "rollback"
	AuditProgram          = "program_change"
	// Review and locks (schema 16).
	AuditReviewSetting = "review_setting"
	AuditSubmit        = "batch_submit"
	AuditApprove       = "batch_approve"
	AuditReject        = "batch_reject"
	AuditLock          = "year_lock"
	AuditUnlock        = "year_unlock"
	AuditDeadline      = "deadline_set"
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
	// Repeats is how many times it happened (blocked logins are counted
	// in one entry per block period); LastAt is the last time, zero when
	// it happened once.
	Repeats int
	LastAt  time.Time
}

// Bounds on what an entry stores, in characters: whatever a caller
// passes (an attacker's 64 KiB "user name"), an entry stays small.
const (
	maxAuditName   = 64
	maxAuditDetail = 1000
)

// Audit appends an entry; At is set from the clock when zero.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	_, err := db.AppendAudit(ctx, e)
	return err
}

// AppendAudit appends an entry and returns its ID. Text fields are
// trimmed (names to 64 characters, the detail to 1,000) and control
// characters are stored escaped (\x1b), so an entry can neither flood the
// log nor carry terminal escapes into a CSV or a shell.
func (db *DB) AppendAudit(ctx context.Context, e AuditEntry) (int64, error) {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	repeats := max(e.Repeats, 1)
	var id int64
	err := db.write.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor, address, action, target, detail, repeats, last_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.At.UTC().Format(time.RFC3339), auditText(e.Actor, maxAuditName),
		auditText(e.Address, maxAuditName), auditText(e.Action, maxAuditName), auditText(e.Target, maxAuditName),
		auditText(e.Detail, maxAuditDetail), repeats, auditTime(e.LastAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	return id, nil
}

// AddAuditRepeats records that an aggregated entry (a blocked login)
// happened n more times, the last at last. The database refuses it for
// any other kind of entry.
func (db *DB) AddAuditRepeats(ctx context.Context, id int64, n int, last time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE audit_log SET repeats = repeats + ?, last_at = max(last_at, ?) WHERE id = ?`,
		n, auditTime(last), id)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func auditTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// auditText bounds s to n characters (marking a cut with …) and escapes
// it as Printable does.
func auditText(s string, n int) string {
	if i := runeOffset(s, n); i < len(s) {
		s = s[:i] + "…"
	}
	return Printable(s)
}

// runeOffset is the byte offset of the n-th character of s (len(s) when
// it has fewer); an invalid byte counts as a character.
func runeOffset(s string, n int) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// Printable escapes what a terminal, a spreadsheet or a log reader would
// act on in stored text (a ledger's cell, a file or account name):
// control characters, bidirectional controls, line separators and invalid
// UTF-8 become \xNN or \uNNNN. The audit log stores text this way, and
// the CLI prints text from files and the database through it.
func Printable(s string) string {
	var b strings.Builder
	for s != "" {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[0])
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Action, Actor string
	From, To      time.Time // To is exclusive
	Limit         int       // 0 means all
}

// AuditEntries lists entries, newest first.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, address, action, target, detail, repeats, last_at FROM audit_log WHERE 1 = 1`
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
		var at, last string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Address, &e.Action, &e.Target, &e.Detail, &e.Repeats, &last); err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		e.At, _ = time.Parse(time.RFC3339, at)
		if last != "" {
			e.LastAt, _ = time.Parse(time.RFC3339, last)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
