package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
)

// TestDemoNeverOpensRealData: on main, --demo on a database with real data
// still made it public. Now it is public (and gets demo accounts) only
// while it holds nothing but the demo data.
func TestDemoNeverOpensRealData(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "real.db")
	ledger := filepath.Join(dir, "ledger.csv")
	os.WriteFile(ledger, []byte("年份,街道,五好\n2023,西大街道,是\n"), 0o644)
	if code, _, e := runCmd(t, context.Background(), "import", "--db", p, ledger); code != 0 {
		t.Fatalf("import: %s", e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs, out syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", p, "--demo"}, nil, &out, &logs)
	}()
	base := serving(t, &out, &logs, done)
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "ready", &logs)
	resp, err := http.Get(base + "/api/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	<-done
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous /api/metrics on a real database served with --demo: %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "not made public") || strings.Contains(out.String(), "Demo accounts (new passwords") {
		t.Errorf("log:\n%s\nstdout:\n%s", logs.String(), out.String())
	}
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n, _ := d.CountUsers(context.Background()); n != 0 {
		t.Errorf("--demo created %d accounts on a real database", n)
	}
}

// TestImportEscapesTerminalControls: on main `jindu import` printed a
// cell's escape sequences to the terminal as they were.
func TestImportEscapesTerminalControls(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad\x1b[31m.csv")
	os.WriteFile(bad, []byte("年份,街道,社区,小区,星级\n2023,西大街道,光明社区,光明新村,\x1b]0;pwned\x07\x1b[2J9\n"), 0o644)
	code, _, errOut := runCmd(t, context.Background(), "import", "--db", filepath.Join(dir, "j.db"), bad)
	if code != 1 || !strings.Contains(errOut, "星级") {
		t.Fatalf("import: %d\n%s", code, errOut)
	}
	if strings.ContainsAny(errOut, "\x1b\x07") {
		t.Errorf("terminal controls printed raw: %q", errOut)
	}
	if !strings.Contains(errOut, `bad\x1b[31m.csv`) {
		t.Errorf("the file name is not shown escaped: %q", errOut)
	}
	t.Logf("printed: %s", errOut)
}

func TestPasswordPolicyInCLI(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j.db")
	for pw, want := range map[string]string{
		"1234567890":         "most common",
		"wang's own secret!": "user name",
		"jindu-admin-secret": "jindu",
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"user", "add", "--db", p, "--name", "wang", "--role", "admin", "--password-stdin"},
			strings.NewReader(pw+"\n"), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), "密码") {
			t.Errorf("password %q: %d %s", pw, code, errb.String())
		}
	}
}

func TestTrustedProxyFlag(t *testing.T) {
	code, _, errOut := runCmd(t, context.Background(), "serve", "--db", filepath.Join(t.TempDir(), "j.db"), "--trusted-proxy", "10.0.0.0/8,nginx")
	if code != 2 || !strings.Contains(errOut, "nginx") {
		t.Errorf("a bad --trusted-proxy: %d %s", code, errOut)
	}
}

// TestUploadBoundFlags: the bounds of the work per upload are flags (and
// environment variables for the durations); nonsense is refused before
// anything starts.
func TestUploadBoundFlags(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j.db")
	for _, args := range [][]string{
		{"--parse-timeout", "0s"}, {"--max-new-units", "0"}, {"--parses-per-user", "0"}, {"--parses", "0"},
		{"--pending-ttl", "-1h"}, {"--pending-max-files", "0"}, {"--pending-max-mib", "0"},
	} {
		code, _, errOut := runCmd(t, context.Background(), append([]string{"serve", "--db", p, "--addr", "127.0.0.1:0"}, args...)...)
		if code != 2 || !strings.Contains(errOut, args[0]) {
			t.Errorf("%v: %d %s", args, code, errOut)
		}
	}
	for _, env := range []string{"JINDU_PARSE_TIMEOUT", "JINDU_PENDING_TTL"} {
		t.Setenv(env, "soon")
		code, _, errOut := runCmd(t, context.Background(), "serve", "--db", p, "--addr", "127.0.0.1:0")
		if code != 2 || !strings.Contains(errOut, env) {
			t.Errorf("%s=soon: %d %s", env, code, errOut)
		}
		t.Setenv(env, "")
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("a refused serve created the database")
	}
}
