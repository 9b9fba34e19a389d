package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/db"
)

func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "j.db")
	runIn := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, e := runIn("a long enough password\n", "user", "add", "--db", dbPath, "--name", "li", "--role", "clerk",
		"--street", "西大街道", "--street", "东大街道", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %d %s", code, e)
	}
	if code, _, e := runIn("short\n", "user", "add", "--db", dbPath, "--name", "wang", "--role", "viewer", "--password-stdin"); code != 1 || !strings.Contains(e, "10") {
		t.Errorf("short password: %d %s", code, e)
	}
	if code, _, _ := runIn("", "user", "add", "--db", dbPath, "--name", "x", "--role", "viewer"); code != 2 {
		t.Errorf("without --password-stdin: %d", code)
	}
	if code, _, e := runIn("a long enough password\n", "user", "add", "--db", dbPath, "--name", "li", "--role", "viewer", "--password-stdin"); code != 1 || !strings.Contains(e, "exists") {
		t.Errorf("duplicate: %d %s", code, e)
	}
	if code, _, e := runIn("", "user", "disable", "--db", dbPath, "--name", "li"); code != 0 {
		t.Errorf("disable: %d %s", code, e)
	}
	code, out, _ := runIn("", "user", "list", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "li") || !strings.Contains(out, "东大街道,西大街道") || !strings.Contains(out, "disabled") {
		t.Errorf("list: %d\n%s", code, out)
	}
	if code, _, e := runIn("a brand new password\n", "user", "passwd", "--db", dbPath, "--name", "li", "--password-stdin"); code != 0 {
		t.Errorf("passwd: %d %s", code, e)
	}
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, hash, err := d.UserByName(ctx, "li")
	if err != nil || !u.Disabled || u.Role != auth.Clerk {
		t.Fatalf("li = %+v %v", u, err)
	}
	if ok, _ := auth.VerifyPassword(hash, "a brand new password"); !ok {
		t.Error("passwd did not set the password")
	}
	entries, _ := d.AuditEntries(ctx, db.AuditFilter{})
	if len(entries) != 3 || !strings.HasPrefix(entries[0].Actor, "cli") {
		t.Errorf("audit %+v", entries)
	}
}

// TestUserDatabaseAndFlags: add creates the database and its directory;
// the other subcommands refuse a database that is not there (creating
// nothing); list takes no --name; a subcommand's flags are its own.
func TestUserDatabaseAndFlags(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b", "j.db")
	if code, out, e := runIn(t, "a long enough password\n", "user", "add", "--db", p, "--name", "admin", "--role", "admin", "--password-stdin"); code != 0 || !strings.Contains(out, "created admin") {
		t.Fatalf("add into a new directory: %d %q %s", code, out, e)
	}
	if st, err := os.Stat(filepath.Dir(p)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v %v, want mode 0700", st, err)
	}
	missing := filepath.Join(dir, "none", "j.db")
	for _, args := range [][]string{
		{"list", "--db", missing},
		{"disable", "--db", missing, "--name", "admin"},
		{"enable", "--db", missing, "--name", "admin"},
		{"passwd", "--db", missing, "--name", "admin", "--password-stdin"},
	} {
		code, _, e := runIn(t, "a long enough password\n", append([]string{"user"}, args...)...)
		if code != 1 || !strings.Contains(e, "does not exist") {
			t.Errorf("user %v: %d %s", args, code, e)
		}
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused command created %s", filepath.Dir(missing))
	}
	for _, args := range [][]string{
		{"list", "--db", p, "--name", "admin"},
		{"disable", "--db", p, "--name", "admin", "--role", "viewer"},
		{"passwd", "--db", p, "--name", "admin", "--street", "x", "--password-stdin"},
		{"frobnicate", "--db", p},
		{"add", "--db", p, "--role", "viewer", "--password-stdin"}, // no --name
	} {
		if code, _, e := runIn(t, "a long enough password\n", append([]string{"user"}, args...)...); code != 2 {
			t.Errorf("user %v: exit %d, want 2 (usage) %s", args, code, e)
		}
	}
	// An unknown account is an error before any password is read.
	if code, _, e := runIn(t, "", "user", "passwd", "--db", p, "--name", "nobody", "--password-stdin"); code != 1 || !strings.Contains(e, "nobody") {
		t.Errorf("passwd of nobody: %d %s", code, e)
	}
	if code, _, _ := runIn(t, "", "user"); code != 2 {
		t.Errorf("user without a subcommand: %d", code)
	}
}
