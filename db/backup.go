package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrBackupBad is returned when a backup (being written or restored)
// fails its integrity or foreign-key check, or is not a Jindu database
// this binary can open.
var ErrBackupBad = errors.New("backup failed its check")

// Backup writes a consistent copy of the open database to dst while the
// database stays in use: VACUUM INTO a temporary file next to dst (a
// snapshot of one read transaction, so writers are not blocked), integrity
// and foreign-key checks on the copy, then an atomic rename. dst is
// replaced only by a checked copy.
func (db *DB) Backup(ctx context.Context, dst string) (CheckReport, error) {
	return vacuumInto(ctx, db.read, dst)
}

// BackupPath is Backup for a database file that this process has not
// opened (`jindu backup`): it reads src read-only, never migrating it, so
// it is safe while a server uses the file.
func BackupPath(ctx context.Context, src, dst string) (CheckReport, error) {
	if _, err := os.Stat(src); err != nil {
		return CheckReport{}, fmt.Errorf("backup: %w", err)
	}
	conn, err := sql.Open("sqlite", readOnlyDSN(src))
	if err != nil {
		return CheckReport{}, fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	return vacuumInto(ctx, conn, dst)
}

// vacuumInto is the backup procedure on any connection to the source.
func vacuumInto(ctx context.Context, conn *sql.DB, dst string) (CheckReport, error) {
	dir, base := filepath.Split(dst)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return CheckReport{}, fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	f.Close()
	// VACUUM INTO writes into an empty file, which keeps the mode
	// CreateTemp gave it (0600): the copy is never readable by others,
	// not even while it is written.
	ok := false
	defer func() {
		if !ok {
			removeDB(tmp)
		}
	}()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return CheckReport{}, fmt.Errorf("backup: %w", err)
	}
	if err := selfContained(ctx, tmp); err != nil {
		return CheckReport{}, fmt.Errorf("backup: %w", err)
	}
	rep, err := Check(ctx, tmp)
	if err != nil {
		return rep, fmt.Errorf("backup: %w", err)
	}
	if !rep.OK() {
		return rep, fmt.Errorf("backup: %s: %w", strings.Join(rep.Problems(), "; "), ErrBackupBad)
	}
	// A backup holds password hashes and session digests: owner only.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return rep, fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return rep, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return rep, fmt.Errorf("backup: %w", err)
	}
	ok = true
	syncDir(dir)
	rep.Path = dst
	return rep, nil
}

// selfContained switches a fresh copy to the rollback journal, so that a
// backup is one file with no -wal or -shm beside it. Open turns WAL back
// on when the file is restored and opened.
func selfContained(ctx context.Context, p string) error {
	conn, err := sql.Open("sqlite", "file:"+p)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	return conn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode)
}

// BackupFile is one backup in a backup directory.
type BackupFile struct {
	Name string
	Path string
	Size int64
	Time time.Time // when it was written

	seq int // the -N of a second backup within the same second
}

// backupPrefix and backupSuffix frame the names of automatic backups:
// jindu-20060102T150405Z.db, so that names sort by time.
const (
	backupPrefix = "jindu-"
	backupSuffix = ".db"
	backupStamp  = "20060102T150405Z"
)

// ErrBackupBusy means another BackupToDir of the database is running.
var ErrBackupBusy = errors.New("a backup is already being written")

// BackupToDir writes a new backup into dir, named after the current UTC
// time, then deletes the oldest automatic backups so that keep remain
// (keep < 1 keeps them all). Other files in dir are never touched. One
// runs at a time: while one runs, another call returns ErrBackupBusy at
// once, whoever asks (the schedule, an administrator's button).
func (db *DB) BackupToDir(ctx context.Context, dir string, keep int) (BackupFile, error) {
	if !db.backingUp.TryLock() {
		return BackupFile{}, ErrBackupBusy
	}
	defer db.backingUp.Unlock()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return BackupFile{}, fmt.Errorf("backup: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	name := backupPrefix + now.Format(backupStamp) + backupSuffix
	existing, err := ListBackups(dir)
	if err != nil {
		return BackupFile{}, err
	}
	if len(existing) > 0 && !existing[0].Time.Before(now) {
		// Another backup this second (or a clock that went back): number
		// it after the newest, so that it still lists first.
		now = existing[0].Time
		name = fmt.Sprintf("%s%s-%d%s", backupPrefix, now.Format(backupStamp), existing[0].seq+1, backupSuffix)
	}
	p := filepath.Join(dir, name)
	rep, err := db.Backup(ctx, p)
	if err != nil {
		return BackupFile{}, err
	}
	if keep > 0 {
		if err := PruneBackups(dir, keep); err != nil {
			return BackupFile{}, err
		}
	}
	return BackupFile{Name: name, Path: p, Size: rep.Size, Time: now}, nil
}

// ListBackups lists the automatic backups in dir, newest first. A missing
// directory has none.
func ListBackups(dir string) ([]BackupFile, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var bs []BackupFile
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, backupPrefix) || !strings.HasSuffix(n, backupSuffix) {
			continue
		}
		stamp := strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)
		stamp, num, _ := strings.Cut(stamp, "-")
		t, err := time.Parse(backupStamp, stamp)
		if err != nil {
			continue
		}
		seq := 1
		if num != "" {
			if seq, err = strconv.Atoi(num); err != nil {
				continue
			}
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		bs = append(bs, BackupFile{Name: n, Path: filepath.Join(dir, n), Size: info.Size(), Time: t, seq: seq})
	}
	slices.SortFunc(bs, func(a, b BackupFile) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return b.seq - a.seq
	})
	return bs, nil
}

// PruneBackups deletes all but the newest keep automatic backups in dir.
func PruneBackups(dir string, keep int) error {
	bs, err := ListBackups(dir)
	if err != nil {
		return err
	}
	for _, b := range bs[min(keep, len(bs)):] {
		if err := os.Remove(b.Path); err != nil {
			return fmt.Errorf("prune backups: %w", err)
		}
	}
	return nil
}

// backupBeforeMigrate copies a database that already has a schema to
// <path>.pre-v<N>.bak before migrations to version N change it, so an
// upgrade can always be undone with `jindu restore`. A new database, or
// one already at N, is not copied. It returns the backup's path or "".
func (db *DB) backupBeforeMigrate(ctx context.Context) (string, error) {
	var has int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&has); err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	if has == 0 {
		return "", nil
	}
	var cur int
	if err := db.write.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	latest := SchemaVersion()
	if cur == 0 || cur >= latest {
		return "", nil
	}
	p := fmt.Sprintf("%s.pre-v%d.bak", db.Path, latest)
	if _, err := vacuumInto(ctx, db.write, p); err != nil {
		return "", fmt.Errorf("migrate: backup before upgrading schema %d to %d: %w", cur, latest, err)
	}
	return p, nil
}

// Checkpoint copies the write-ahead log into the database file and
// truncates it. SQLite checkpoints on its own after commits, but it can
// never reset the log while readers keep it in use, so under constant reads
// the log would grow; a TRUNCATE checkpoint waits (busy timeout) for the
// readers of old frames and then empties it. It returns the log's size in
// pages before, and busy when readers kept it from finishing.
func (db *DB) Checkpoint(ctx context.Context) (walPages int, busy bool, err error) {
	var b, logPages, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&b, &logPages, &done); err != nil {
		return 0, false, fmt.Errorf("checkpoint: %w", err)
	}
	return logPages, b != 0, nil
}

// Restore replaces the database file at dbPath with the backup at from.
// It refuses while a server holds the database (ErrInUse) and when the
// backup fails its check (ErrBackupBad). The replaced file is kept as
// <dbPath>.replaced-<UTC time>, whose path it returns ("" when there was
// no database). The restored file is migrated, with its own pre-upgrade
// backup, when next opened.
func Restore(ctx context.Context, dbPath, from string) (replaced string, err error) {
	lock, err := LockExclusive(dbPath)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer lock.Release()
	rep, err := Check(ctx, from)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if !rep.OK() {
		return "", fmt.Errorf("restore: %s: %s: %w", from, strings.Join(rep.Problems(), "; "), ErrBackupBad)
	}
	dir := filepath.Dir(dbPath)
	tmp, err := copyToTemp(from, dir, "."+filepath.Base(dbPath)+".restore-*")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp) // gone after the rename
	if _, err := os.Stat(dbPath); err == nil {
		// Fold the old file's log into it, so it is complete on its own and
		// no stale -wal is left to be replayed onto the restored file.
		if err := checkpointClosed(ctx, dbPath); err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
		replaced = dbPath + ".replaced-" + time.Now().UTC().Format(backupStamp)
		if err := os.Rename(dbPath, replaced); err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Rename(replaced, dbPath)
				return "", fmt.Errorf("restore: %w", err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		if replaced != "" {
			os.Rename(replaced, dbPath)
		}
		return "", fmt.Errorf("restore: %w", err)
	}
	syncDir(dir)
	return replaced, nil
}

// checkpointClosed folds a closed database's WAL into its main file.
func checkpointClosed(ctx context.Context, p string) error {
	conn, err := sql.Open("sqlite", "file:"+p+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, logPages, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint %s: %w", p, err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint %s: another process is using the database: %w", p, ErrInUse)
	}
	return nil
}

// copyToTemp copies src to a new temporary file in dir and syncs it.
func copyToTemp(src, dir, pattern string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	if err := errors.Join(out.Sync(), out.Close()); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

func syncFile(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir makes a rename durable; it is best effort (not every system can
// sync a directory).
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// removeDB removes a database file with its journal files.
func removeDB(p string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(p + suffix)
	}
}
