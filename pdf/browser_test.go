package pdf

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestExecPath: an explicit browser (--chromium, JINDU_CHROMIUM) is used
// as given and never replaced by another one; a missing one makes PDF
// unavailable instead of falling back to a browser the operator did not
// name. Without one, the candidates are the OS's usual places.
func TestExecPath(t *testing.T) {
	name := "browser"
	if runtime.GOOS == "windows" {
		name = "browser.exe"
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := New(Config{ExecPath: p}).ExecPath(); err != nil || got != p {
		t.Errorf("explicit browser: %q %v, want %q", got, err, p)
	}
	missing := filepath.Join(t.TempDir(), name)
	if got, err := New(Config{ExecPath: missing}).ExecPath(); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing explicit browser: %q %v, want ErrUnavailable", got, err)
	}
	if len(browserCandidates()) == 0 {
		t.Error("no browser candidates on " + runtime.GOOS)
	}
}
