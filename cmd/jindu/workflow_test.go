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

// jindu workflow sets and shows the review setting, audits a change, and
// refuses a value other than on or off; jindu user add makes reviewers,
// scoped to streets like clerks.
func TestWorkflowCommand(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "j.db")
	runIn := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, e := runIn("", "workflow", "--db", dbPath, "--review", "on"); code != 1 || !strings.Contains(e, "j.db") {
		t.Errorf("workflow on a missing database: %d %s", code, e)
	}
	if code, _, e := runIn("a long enough password\n", "user", "add", "--db", dbPath, "--name", "zhao", "--role", "reviewer",
		"--street", "西大街道", "--password-stdin"); code != 0 {
		t.Fatalf("user add reviewer: %d %s", code, e)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "review off"},
		{[]string{"--review", "on"}, "review on"},
		{[]string{"--review", "on"}, "review on"},
		{nil, "review on"},
		{[]string{"--review", "off"}, "review off"},
	} {
		code, out, e := runIn("", append([]string{"workflow", "--db", dbPath}, c.args...)...)
		if code != 0 || !strings.HasPrefix(out, c.want) {
			t.Errorf("workflow %v: %d %q %s; want %q", c.args, code, out, e, c.want)
		}
	}
	if code, _, e := runIn("", "workflow", "--db", dbPath, "--review", "yes"); code != 2 || !strings.Contains(e, "on or off") {
		t.Errorf("--review yes: %d %s", code, e)
	}
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, _, err := d.UserByName(ctx, "zhao")
	if err != nil || u.Role != auth.Reviewer || len(u.Streets) != 1 || u.Streets[0] != "西大街道" {
		t.Errorf("reviewer = %+v, %v", u, err)
	}
	entries, _ := d.AuditEntries(ctx, db.AuditFilter{})
	var changes []string
	for _, e := range entries {
		if e.Action == db.AuditReviewSetting {
			changes = append(changes, e.Detail)
		}
	}
	// Newest first; the second "on" changed nothing and is not logged.
	if strings.Join(changes, " ") != "review=off review=on" {
		t.Errorf("audited review changes = %q; want off, on", changes)
	}
}
