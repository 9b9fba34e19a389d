// Package db is Jindu's SQLite adapter: it opens the database with its
// pragmas, applies the embedded migrations, and stores units, their yearly
// statuses and the batches that changed them. It speaks metrics' types.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// MinSQLiteVersion is the oldest SQLite Jindu runs on (for RETURNING,
// UPSERT and strict WAL behaviour).
const MinSQLiteVersion = "3.35.0"

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// DB is an open Jindu database: one writer connection (transactions begin
// IMMEDIATE, so writers queue on the lock instead of failing) and a pool of
// read-only connections, which WAL lets run beside the writer.
type DB struct {
	Path string
	// Now returns the current time; tests set it for deterministic batches.
	Now func() time.Time
	// MigrationBackup is the copy Open wrote before migrating an existing
	// database to a newer schema (<path>.pre-v<N>.bak), "" if none.
	MigrationBackup string

	write *sql.DB
	read  *sql.DB
	// backingUp lets one BackupToDir run at a time (ErrBackupBusy).
	backingUp sync.Mutex
}

func dsn(p string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to
// the schema this binary knows. It refuses a database from a newer schema.
func Open(ctx context.Context, p string) (*DB, error) {
	// A new database is created owner-only: it holds password hashes.
	// SQLite gives the -wal and -shm files the database file's mode.
	if f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	w, err := sql.Open("sqlite", dsn(p, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{Path: p, Now: time.Now, write: w}
	if err := db.checkVersion(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if db.MigrationBackup, err = db.backupBeforeMigrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(p, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s read-only: %w", p, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.read = r
	if err := r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s read-only: %w", p, err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Ping checks that the database answers reads.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

func (db *DB) checkVersion(ctx context.Context) error {
	var v string
	if err := db.write.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
		return fmt.Errorf("open %s: %w", db.Path, err)
	}
	if versionLess(v, MinSQLiteVersion) {
		return fmt.Errorf("open %s: SQLite %s is older than the required %s", db.Path, v, MinSQLiteVersion)
	}
	return nil
}

func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, base, string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies pending migrations in one transaction and records them.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Migrations that rebuild a table need foreign-key enforcement off;
	// every reference is checked before the commit instead.
	tx, done, err := db.beginUnchecked(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer done()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	latest := SchemaVersion()
	if cur > latest {
		return fmt.Errorf("open %s: the database has schema version %d but this jindu knows only up to %d: "+
			"it was written by a newer jindu; upgrade jindu (or restore a backup) instead of opening it with this one", db.Path, cur, latest)
	}
	if cur == latest {
		return tx.Commit()
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, db.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	var broken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if broken > 0 {
		return fmt.Errorf("migrate: %d rows point at missing rows after the migration; nothing was changed (run jindu check)", broken)
	}
	return tx.Commit()
}

// beginUnchecked starts a write transaction with SQLite's foreign-key
// enforcement off on the writer's connection; done rolls back what was not
// committed and switches enforcement on again. (The pragma is a no-op
// inside a transaction, so it is set around it.)
func (db *DB) beginUnchecked(ctx context.Context) (tx *sql.Tx, done func(), err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		conn.Close()
		return nil, nil, err
	}
	restore := func() {
		if _, err := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`); err != nil {
			// Never hand the connection on without its checks: drop it.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}
	if tx, err = conn.BeginTx(ctx, nil); err != nil {
		restore()
		return nil, nil, err
	}
	return tx, func() { tx.Rollback(); restore() }, nil
}

// CurrentSchemaVersion reads the applied schema version of the open database.
func (db *DB) CurrentSchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
