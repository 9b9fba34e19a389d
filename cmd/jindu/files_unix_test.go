//go:build unix

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"jindu/db"
)

// TestFilesCreatedOwnerOnly: on main the database, its WAL and backups
// were created 0644. Whatever the umask it starts with, jindu creates them
// 0600.
func TestFilesCreatedOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	p := filepath.Join(dir, "j.db")
	ledger := filepath.Join(dir, "ledger.csv")
	os.WriteFile(ledger, []byte("年份,街道,五好\n2023,西大街道,是\n"), 0o644)
	if code, _, e := runCmd(t, context.Background(), "import", "--db", p, ledger); code != 0 {
		t.Fatalf("import: %s", e)
	}
	syscall.Umask(0o022)
	backups := filepath.Join(dir, "backups")
	addr := "127.0.0.1:0" // the port is never dialled
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", p, "--backup-dir", backups}, nil, io.Discard, &logs)
	}()
	waitFor(t, func() bool { bs, _ := db.ListBackups(backups); return len(bs) == 1 }, "the first backup", &logs)
	files := []string{p, p + "-wal", p + "-shm", p + ".lock"}
	if bs, _ := db.ListBackups(backups); len(bs) == 1 {
		files = append(files, bs[0].Path)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(f), m)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatal("serve did not stop")
	}
	syscall.Umask(0o022)
	out := filepath.Join(dir, "manual.db")
	if code, _, e := runCmd(t, context.Background(), "backup", "--db", p, "--out", out); code != 0 {
		t.Fatalf("backup: %s", e)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("jindu backup: %v %v", st.Mode(), err)
	}
}
