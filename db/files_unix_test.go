//go:build unix

package db_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"jindu/db"
)

// TestFilesOwnerOnly: the database, its WAL and shared-memory files and
// a backup are created 0600 whatever the umask.
func TestFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	d := MustOpen(t)
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "li"}, records(rec(2024, "西大街道", "", "", 0))); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if _, err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.Path, d.Path + "-wal", d.Path + "-shm", out} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
}
