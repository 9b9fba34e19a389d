package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"jindu/db"
)

// runBackup writes an online, checked copy of the database.
func runBackup(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB); may be in use by a server")
	out := fs.String("out", "", "backup file to write, its directory created if need be; replaced only by a checked copy (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "usage: jindu backup --db PATH --out FILE")
		return errUsage
	}
	ownerOnlyFiles()
	if err := makeParentDir(*out); err != nil {
		return err
	}
	start := time.Now()
	rep, err := db.BackupPath(ctx, *dbPath, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d bytes, integrity and foreign keys ok, schema version %d (%.1fs)\n",
		*out, rep.Size, rep.SchemaVersion, time.Since(start).Seconds())
	return nil
}

// runCheck runs the integrity and foreign-key checks and reports; it exits
// 1 when anything is wrong.
func runCheck(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file or backup (env JINDU_DB)")
	if err := parse(fs, args); err != nil {
		return err
	}
	rep, err := db.Check(ctx, *dbPath)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return &exitError{1, rep.String()}
	}
	fmt.Fprintln(stdout, rep.String())
	return nil
}

// runRestore replaces the database with a backup, keeping the old file.
func runRestore(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("restore", stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file to replace (env JINDU_DB)")
	from := fs.String("from", "", "backup file to restore (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(stderr, "usage: jindu restore --db PATH --from FILE")
		return errUsage
	}
	ownerOnlyFiles()
	if err := makeParentDir(*dbPath); err != nil {
		return err
	}
	replaced, err := db.Restore(ctx, *dbPath, *from)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", *dbPath, *from)
	if replaced != "" {
		fmt.Fprintf(stdout, "the replaced database is kept as %s\n", replaced)
	}
	return nil
}

// backupLoop writes a backup into dir every interval while ctx lives, the
// first one as soon as the newest existing backup is older than every;
// note, if set, is told each attempt's outcome (the backups page shows
// the last).
func backupLoop(ctx context.Context, d *db.DB, dir string, every time.Duration, keep int, logger *slog.Logger, note func(time.Time, error)) {
	wait := time.Duration(0)
	if bs, err := db.ListBackups(dir); err == nil && len(bs) > 0 {
		wait = max(0, time.Until(bs[0].Time.Add(every)))
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		b, err := d.BackupToDir(ctx, dir, keep)
		if note != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, db.ErrBackupBusy) {
			note(start, err)
		}
		switch {
		case errors.Is(err, context.Canceled):
			return
		case errors.Is(err, db.ErrBackupBusy):
			logger.Info("backup skipped: another one was being written", "dir", dir)
		case err != nil:
			logger.Error("backup failed", "dir", dir, "err", err)
		default:
			logger.Info("backup written", "file", b.Path, "bytes", b.Size, "dur_ms", time.Since(start).Milliseconds(), "keep", keep)
		}
		t.Reset(every)
	}
}

// checkpointLoop empties the WAL every interval (see db.Checkpoint).
func checkpointLoop(ctx context.Context, d *db.DB, every time.Duration, logger *slog.Logger) {
	repeat(ctx, every, func() {
		pages, busy, err := d.Checkpoint(ctx)
		switch {
		case errors.Is(err, context.Canceled):
		case err != nil:
			logger.Warn("WAL checkpoint failed", "err", err)
		case busy:
			logger.Warn("WAL checkpoint incomplete: readers kept it busy", "wal_pages", pages)
		}
	})
}

// repeat runs f every interval while ctx lives.
func repeat(ctx context.Context, every time.Duration, f func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}
