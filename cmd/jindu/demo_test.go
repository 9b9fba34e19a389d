package main

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
)

// serveOnce runs `jindu serve` in this process until it says it is
// running, stops it, and returns what it printed on standard output.
func serveOnce(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), nil, &out, &logs)
	}()
	serving(t, &out, &logs, done)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve %v exited %d:\n%s\n%s", args, code, out.String(), logs.String())
		}
	case <-time.After(waitLimit):
		t.Fatalf("serve did not stop within %v", waitLimit)
	}
	return out.String()
}

var demoLine = regexp.MustCompile(`(?m)^  (admin|clerk|viewer)\s+(\S+)\s`)

// demoPasswords are the demo accounts' passwords a start printed.
func demoPasswords(t *testing.T, out string) map[string]string {
	t.Helper()
	pw := map[string]string{}
	for _, m := range demoLine.FindAllStringSubmatch(out, -1) {
		pw[m[1]] = m[2]
	}
	return pw
}

// hashes are the stored password hashes of a database's accounts.
func hashes(t *testing.T, p string) map[string]string {
	t.Helper()
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	users, err := d.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, u := range users {
		_, hash, err := d.UserByName(context.Background(), u.Name)
		if err != nil {
			t.Fatal(err)
		}
		h[u.Name] = hash
	}
	return h
}

// TestDemoPasswordsAtEveryStart: `serve --demo` prints each demo account's
// name and password at every start while the database holds only demo
// data; each start's passwords are new and work, the last ones stop
// working. Once the database holds anything else (an account added by
// someone, an imported batch, data before the demo), no password is
// changed and the start says why.
func TestDemoPasswordsAtEveryStart(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new", "demo.db") // its directory does not exist yet
	first := demoPasswords(t, serveOnce(t, "--demo", "--db", p))
	if len(first) != 3 {
		t.Fatalf("first start printed %v, want admin, clerk and viewer", first)
	}
	out := serveOnce(t, "--demo", "--db", p)
	second := demoPasswords(t, out)
	if len(second) != 3 || !strings.Contains(out, "new passwords at every start") {
		t.Fatalf("second start printed:\n%s", out)
	}
	h := hashes(t, p)
	for name, pw := range second {
		if pw == first[name] {
			t.Errorf("%s kept its password %q", name, pw)
		}
		if ok, _ := auth.VerifyPassword(h[name], pw); !ok {
			t.Errorf("%s: the printed password does not log in", name)
		}
		if ok, _ := auth.VerifyPassword(h[name], first[name]); ok {
			t.Errorf("%s: the first start's password still logs in", name)
		}
	}
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if u, _, err := d.UserByName(context.Background(), "clerk"); err != nil || u.Role != auth.Clerk || len(u.Streets) != 1 {
		t.Errorf("clerk = %+v %v, want a clerk of the first street", u, err)
	}
	d.Close()

	// Someone adds an account: the demo's are left alone from then on.
	if code, _, e := runIn(t, "a long enough password\n", "user", "add", "--db", p, "--name", "li", "--role", "viewer", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", e)
	}
	notReset(t, p, "account li is not a demo account")

	// An imported batch on top of the demo.
	p2 := filepath.Join(dir, "demo2.db")
	serveOnce(t, "--demo", "--db", p2)
	ledger := filepath.Join(dir, "a.csv")
	os.WriteFile(ledger, []byte("年份,街道,五好\n2025,西大街道,是\n"), 0o600)
	if code, _, e := runIn(t, "", "import", "--db", p2, ledger); code != 0 {
		t.Fatalf("import: %s", e)
	}
	notReset(t, p2, "batch 2 (import, a.csv) is not the demo's")

	// An administrator named admin made before the demo was loaded is a
	// real account: never reset, and no demo account is added.
	p3 := filepath.Join(dir, "demo3.db")
	if code, _, e := runIn(t, "a long enough password\n", "user", "add", "--db", p3, "--name", "admin", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", e)
	}
	notReset(t, p3, "account admin was added by cli")

	// Real data before the demo: --demo loads nothing and resets nothing.
	p4 := filepath.Join(dir, "real.db")
	if code, _, e := runIn(t, "", "import", "--db", p4, ledger); code != 0 {
		t.Fatalf("import: %s", e)
	}
	notReset(t, p4, "it held other data before the demo")
	if n := len(hashes(t, p4)); n != 0 {
		t.Errorf("%d accounts on real data after --demo", n)
	}
}

// notReset starts `serve --demo` on a database that holds more than the
// demo: it must print no password, say why (want), and change no account.
func notReset(t *testing.T, p, want string) {
	t.Helper()
	before := hashes(t, p)
	out := serveOnce(t, "--demo", "--db", p)
	if len(demoPasswords(t, out)) != 0 || !strings.Contains(out, "Demo accounts not reset") || !strings.Contains(out, want) {
		t.Errorf("start on %s printed, want %q:\n%s", filepath.Base(p), want, out)
	}
	if !maps.Equal(before, hashes(t, p)) {
		t.Errorf("%s: an account was changed or added on a database holding more than the demo", filepath.Base(p))
	}
}

// runIn runs a command line in this process with stdin.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}
