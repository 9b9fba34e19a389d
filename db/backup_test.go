package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jindu/metrics"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "jindu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// applyStreet stores one batch of n compounds of a street for a year, with
// stars k%6 shifted by v so that a different v changes every status.
func applyStreet(t testing.TB, d *DB, street string, year, n, v int) Batch {
	t.Helper()
	b, err := d.Apply(context.Background(), BatchInput{Kind: KindImport, Actor: "test"}, func(yield func(metrics.Record, error) bool) {
		for k := range n {
			r := metrics.Record{Year: year, Unit: metrics.UnitRef{Street: street, Community: fmt.Sprintf("社区%d", k/50), Compound: fmt.Sprintf("小区%d", k)},
				Status: metrics.Status{Stars: metrics.Int((k + v) % 6), PartyBranch: metrics.Bool(true)}}
			if !yield(r, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func countRows(t testing.TB, p, table string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", readOnlyDSN(p))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupWhileWriting takes backups while a writer applies batches: each
// backup is intact, self-contained (no -wal), private, and holds whole
// batches only.
func TestBackupWhileWriting(t *testing.T) {
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 300, 0)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := 1; ctx.Err() == nil; v++ {
			applyStreet(t, d, "街道01", 2023, 300, v)
		}
	})
	dir := t.TempDir()
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("b%d.db", i))
		rep, err := d.Backup(context.Background(), p)
		if err != nil || !rep.OK() {
			t.Fatalf("backup %d: %v %v", i, err, rep.Problems())
		}
		if _, err := os.Stat(p + "-wal"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("backup %d has a -wal file beside it", i)
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
			t.Errorf("backup %d mode %v, want 0600", i, st.Mode().Perm())
		}
		// Every batch in the copy is complete: 300 changes each.
		if n, b := countRows(t, p, "status_changes"), countRows(t, p, "batches"); n != 300*b {
			t.Errorf("backup %d: %d status changes for %d batches", i, n, b)
		}
	}
	cancel()
	wg.Wait()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		t.Errorf("backup dir holds %d files, want 5 (no temporary leftovers)", len(entries))
	}
}

func TestBackupPathAndCheck(t *testing.T) {
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 100, 0)
	out := filepath.Join(t.TempDir(), "copy.db")
	rep, err := BackupPath(context.Background(), d.Path, out)
	if err != nil || !rep.OK() || rep.SchemaVersion != SchemaVersion() {
		t.Fatalf("BackupPath: %v %+v", err, rep)
	}
	if got := countRows(t, out, "compounds"); got != 100 {
		t.Errorf("copy has %d statuses, want 100", got)
	}
	// A damaged file fails the check.
	bad := filepath.Join(t.TempDir(), "bad.db")
	raw, _ := os.ReadFile(out)
	for i := 4096 * 2; i < len(raw) && i < 4096*6; i++ {
		raw[i] ^= 0x5a
	}
	os.WriteFile(bad, raw, 0o600)
	if rep, err := Check(context.Background(), bad); err == nil && rep.OK() {
		t.Error("a damaged file passed the check")
	}
	if _, err := Check(context.Background(), filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("a missing file passed the check")
	}
}

func TestBackupToDirKeeps(t *testing.T) {
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 10, 0)
	dir := filepath.Join(t.TempDir(), "backups")
	os.MkdirAll(dir, 0o750)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o600)
	var last BackupFile
	for range 5 {
		b, err := d.BackupToDir(context.Background(), dir, 3)
		if err != nil {
			t.Fatal(err)
		}
		last = b
	}
	bs, err := ListBackups(dir)
	if err != nil || len(bs) != 3 {
		t.Fatalf("ListBackups: %d, %v; want 3", len(bs), err)
	}
	if bs[0].Name != last.Name {
		t.Errorf("newest listed %s, want %s", bs[0].Name, last.Name)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("pruning removed a file that is not a backup")
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 50, 0)
	bak := filepath.Join(t.TempDir(), "b.db")
	if _, err := d.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	applyStreet(t, d, "街道02", 2023, 70, 0)
	p := d.Path

	// A server holds the lock: refused, nothing touched.
	lock, err := LockExclusive(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, p, bak); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while locked: %v, want ErrInUse", err)
	}
	if _, err := LockExclusive(p); !errors.Is(err, ErrInUse) {
		t.Fatalf("second lock: %v, want ErrInUse", err)
	}
	lock.Release()
	d.Close()

	// A bad backup is refused before anything changes.
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("not a database at all, just text"), 0o600)
	if _, err := Restore(ctx, p, bad); err == nil {
		t.Fatal("restored a file that is not a database")
	}
	if n := countRows(t, p, "compounds"); n != 120 {
		t.Fatalf("after a refused restore: %d statuses, want 120", n)
	}

	replaced, err := Restore(ctx, p, bak)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, p, "compounds"); n != 50 {
		t.Errorf("restored database has %d statuses, want 50", n)
	}
	if n := countRows(t, replaced, "compounds"); n != 120 {
		t.Errorf("kept replaced file %s has %d statuses, want 120", replaced, n)
	}
	d2, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	applyStreet(t, d2, "街道03", 2023, 5, 0) // writable, in WAL again
	var mode string
	d2.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("restored database journal mode %q", mode)
	}
}

// TestMigrationTakesBackupFirst opens a database one schema version behind:
// Open copies it to <db>.pre-v<N>.bak before migrating.
func TestMigrationTakesBackupFirst(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil || len(ms) < 2 {
		t.Fatalf("migrations: %v", err)
	}
	p := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+p+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	for _, m := range ms[:len(ms)-1] {
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, '2024-01-01T00:00:00Z')`, m.version, m.name)
	}
	raw.Close()
	prev := ms[len(ms)-2].version

	d, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := fmt.Sprintf("%s.pre-v%d.bak", p, SchemaVersion())
	if d.MigrationBackup != want {
		t.Fatalf("MigrationBackup = %q, want %q", d.MigrationBackup, want)
	}
	rep, err := Check(ctx, want)
	if err != nil || len(rep.Integrity) > 0 || rep.SchemaVersion != prev {
		t.Fatalf("pre-upgrade backup: %v %+v, want schema %d", err, rep, prev)
	}
	if v, _ := d.CurrentSchemaVersion(ctx); v != SchemaVersion() {
		t.Errorf("migrated to %d, want %d", v, SchemaVersion())
	}
	d.Close()
	// Opening an up-to-date database copies nothing.
	d, err = Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if d.MigrationBackup != "" {
		t.Errorf("up-to-date open wrote %s", d.MigrationBackup)
	}
}

// TestWALBoundedUnderReads keeps eight readers busy (always one reading) while a
// writer applies batches, checkpointing as `jindu serve` does (faster):
// the WAL stays bounded and ends empty. It runs for 3 s and at least 5
// batches and 5 checkpoints, however slow the machine.
func TestWALBoundedUnderReads(t *testing.T) {
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 500, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var reads, batches atomic.Int64
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				var n int
				if err := d.read.QueryRow(`SELECT count(*) FROM compounds WHERE stars >= 3`).Scan(&n); err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
				time.Sleep(time.Millisecond) // leave the writer some CPU under -race
			}
		})
	}
	wg.Go(func() {
		for v := 1; ctx.Err() == nil; v++ {
			applyStreet(t, d, "街道01", 2023, 200, v)
			batches.Add(1)
		}
	})
	var maxWAL int64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for checkpoints := 0; time.Since(start) < 3*time.Second || batches.Load() < 5 || checkpoints < 5; checkpoints++ {
		<-tick.C
		if st, err := os.Stat(d.Path + "-wal"); err == nil {
			maxWAL = max(maxWAL, st.Size())
		}
		if _, _, err := d.Checkpoint(context.Background()); err != nil {
			t.Error(err)
		}
	}
	cancel()
	wg.Wait()
	if _, busy, err := d.Checkpoint(context.Background()); err != nil || busy {
		t.Fatalf("final checkpoint: busy %v, %v", busy, err)
	}
	st, err := os.Stat(d.Path + "-wal")
	if err != nil || st.Size() != 0 {
		t.Errorf("WAL after checkpoint: %v, %v; want 0 bytes", st.Size(), err)
	}
	t.Logf("%d batches, %d reads in %v; largest WAL %d KiB", batches.Load(), reads.Load(), time.Since(start).Round(time.Millisecond), maxWAL>>10)
	if maxWAL > 32<<20 {
		t.Errorf("WAL reached %d MiB", maxWAL>>20)
	}
}

// TestApplyRestoresForeignKeys: a batch switches foreign-key checks off
// on the writer's connection while it runs; they are on again afterwards,
// whether the batch committed or failed.
func TestApplyRestoresForeignKeys(t *testing.T) {
	d := openTemp(t)
	fkOn := func() {
		t.Helper()
		var on int
		if err := d.write.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
			t.Fatalf("foreign_keys = %d, %v; want 1", on, err)
		}
		if _, err := d.write.Exec(`INSERT INTO statuses (unit_id, year, batch_id) VALUES (999999, 2023, 999999)`); err == nil {
			t.Fatal("a status of a missing unit was stored")
		}
	}
	applyStreet(t, d, "西大街道", 2023, 10, 0)
	fkOn()
	_, err := d.Apply(context.Background(), BatchInput{Kind: KindUpload, Actor: "t"}, func(yield func(metrics.Record, error) bool) {
		yield(metrics.Record{}, errors.New("bad file"))
	})
	if err == nil {
		t.Fatal("a failing batch succeeded")
	}
	fkOn()
}

// TestBackupToDirOneAtATime: while a backup is being written (its lock
// held), another call writes nothing and says so; after it, one works.
func TestBackupToDirOneAtATime(t *testing.T) {
	d := openTemp(t)
	applyStreet(t, d, "街道01", 2023, 10, 0)
	dir := filepath.Join(t.TempDir(), "backups")
	d.backingUp.Lock() // as a running BackupToDir holds it
	_, err := d.BackupToDir(context.Background(), dir, 3)
	d.backingUp.Unlock()
	if !errors.Is(err, ErrBackupBusy) {
		t.Fatalf("a second backup while one runs: %v, want ErrBackupBusy", err)
	}
	if bs, _ := ListBackups(dir); len(bs) != 0 {
		t.Fatalf("the refused backup wrote %d files", len(bs))
	}
	if _, err := d.BackupToDir(context.Background(), dir, 3); err != nil {
		t.Fatal(err)
	}
}
