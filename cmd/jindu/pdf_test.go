package main

import (
	"bytes"
	"context"
	"io"
	"jindu/internal/testdata/testutil"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
)

// TestPDFCommand: jindu pdf writes the report without a running server.
func TestPDFCommand(t *testing.T) {
	testutil.Chromium(t)
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "jindu.db")
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, d, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	d.Close()
	out := filepath.Join(dir, "report.pdf")
	code, stdout, stderr := runCmd(t, ctx, "pdf", "--db", dbPath, "--year", "2024", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("%s: %v", out, err)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	// Errors are errors: no such year, no such database, no --out.
	if code, _, stderr := runCmd(t, ctx, "pdf", "--db", dbPath, "--year", "2019", "--out", out); code != 1 || !strings.Contains(stderr, "no data for 2019") {
		t.Errorf("missing year: %d %s", code, stderr)
	}
	if code, _, _ := runCmd(t, ctx, "pdf", "--db", filepath.Join(dir, "none.db"), "--out", out); code != 1 {
		t.Errorf("missing database: %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("a missing database was created")
	}
	if code, _, _ := runCmd(t, ctx, "pdf", "--db", dbPath); code != 2 {
		t.Errorf("no --out: %d", code)
	}
}
