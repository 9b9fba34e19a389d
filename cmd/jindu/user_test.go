package main

import (
	"bytes"
	"context"
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
