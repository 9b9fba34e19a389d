package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFileRotates: the log never grows past its limit; the lines that
// no longer fit start a new file, and the full one is kept as .1 (only
// one: the one before is replaced).
func TestLogFileRotates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "jindu.log")
	os.WriteFile(p, []byte("line from before\n"), 0o600)
	l, err := openLogFile(p, 100)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for i := range 20 {
		line := fmt.Sprintf("request %02d\n", i) // 11 bytes
		all = append(all, line)
		if _, err := l.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cur, _ := os.ReadFile(p)
	old, _ := os.ReadFile(p + ".1")
	if len(cur) > 100 || len(old) > 100 || len(cur) == 0 || len(old) == 0 {
		t.Fatalf("sizes: current %d, previous %d, want 1..100 each", len(cur), len(old))
	}
	// The two files hold the newest lines, in order, with none lost
	// between them.
	joined := string(old) + string(cur)
	if !strings.HasSuffix(strings.Join(all, ""), joined) {
		t.Errorf("previous+current log = %q, not the tail of what was written", joined)
	}
	if _, err := l.Write([]byte("x")); err == nil {
		t.Error("a write after Close succeeded")
	}
}
