package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// CheckReport is what Check found in a database file.
type CheckReport struct {
	Path string
	Size int64
	// Integrity lists what PRAGMA integrity_check reported; empty when the
	// file is intact.
	Integrity []string
	// ForeignKeys lists the rows PRAGMA foreign_key_check found pointing
	// at a missing parent, as "table rowid N → parent".
	ForeignKeys []string
	// SchemaVersion is the file's applied migration, 0 when it is not a
	// Jindu database.
	SchemaVersion int
	// Snapshots lists the frozen snapshots whose PDF no longer matches its
	// recorded SHA-256; Verified is how many were checked.
	Snapshots []string
	Verified  int
}

// OK reports whether the file is intact, consistent and a Jindu database
// this binary can open.
func (r CheckReport) OK() bool {
	return len(r.Integrity) == 0 && len(r.ForeignKeys) == 0 && len(r.Snapshots) == 0 &&
		r.SchemaVersion > 0 && r.SchemaVersion <= SchemaVersion()
}

// Problems lists every finding in words, empty when OK.
func (r CheckReport) Problems() []string {
	var ps []string
	for _, s := range r.Integrity {
		ps = append(ps, "integrity: "+s)
	}
	for _, s := range r.ForeignKeys {
		ps = append(ps, "foreign key: "+s)
	}
	for _, s := range r.Snapshots {
		ps = append(ps, "snapshot: "+s)
	}
	switch {
	case r.SchemaVersion == 0:
		ps = append(ps, "schema: not a Jindu database (no applied migrations)")
	case r.SchemaVersion > SchemaVersion():
		ps = append(ps, fmt.Sprintf("schema: version %d is newer than this jindu (%d)", r.SchemaVersion, SchemaVersion()))
	}
	return ps
}

// Check runs SQLite's integrity and foreign-key checks on the database
// file at path and reads its schema version. It opens the file read-only,
// so it is safe while a server uses the database.
func Check(ctx context.Context, path string) (CheckReport, error) {
	rep := CheckReport{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	rep.Size = st.Size()
	conn, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return rep, fmt.Errorf("check %s: %w", path, err)
		}
		if s != "ok" {
			rep.Integrity = append(rep.Integrity, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	rows, err = conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return rep, fmt.Errorf("check %s: %w", path, err)
		}
		rep.ForeignKeys = append(rep.ForeignKeys, fmt.Sprintf("%s rowid %d → %s", table, rowid.Int64, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	var has int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&has); err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	if has > 0 {
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&rep.SchemaVersion); err != nil {
			return rep, fmt.Errorf("check %s: %w", path, err)
		}
	}
	if rep.SchemaVersion >= 3 { // snapshots exist from schema 3
		if err := verifySnapshots(ctx, conn, &rep); err != nil {
			return rep, fmt.Errorf("check %s: %w", path, err)
		}
	}
	return rep, nil
}

// verifySnapshots checks every frozen PDF against its SHA-256, one row at
// a time.
func verifySnapshots(ctx context.Context, conn *sql.DB, rep *CheckReport) error {
	rows, err := conn.QueryContext(ctx, `SELECT id, pdf_sha256, pdf FROM snapshots ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var want string
		var pdf []byte
		if err := rows.Scan(&id, &want, &pdf); err != nil {
			return err
		}
		rep.Verified++
		if got := sha256Hex(pdf); got != want {
			rep.Snapshots = append(rep.Snapshots, fmt.Sprintf("snapshot %d: the PDF does not match its SHA-256 (recorded %s, found %s)", id, want, got))
		}
	}
	return rows.Err()
}

// String summarises the report in one line per finding.
func (r CheckReport) String() string {
	if r.OK() {
		return fmt.Sprintf("%s: ok (integrity, foreign keys, %d snapshots' SHA-256; schema version %d; %d bytes)", r.Path, r.Verified, r.SchemaVersion, r.Size)
	}
	return r.Path + ":\n  " + strings.Join(r.Problems(), "\n  ")
}

// readOnlyDSN opens a file without ever writing to it (no migrations, no
// journal-mode change).
func readOnlyDSN(p string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("mode", "ro")
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()
}
