package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
)

// TestBatchChangesAndRollbackNotice: a batch's change log reads back as
// unit, field, old → new (a rollback's too); the rollback's reason and
// actor reach the undone batch and, once, its uploader's notices.
func TestBatchChangesAndRollbackNotice(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	u, err := d.AddUser(ctx, auth.User{Name: "clerk", Role: auth.Clerk}, "x")
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rec(2023, "西大街道", "光明社区", "光明新村", 3),
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区"}, Status: metrics.Status{FiveGood: metrics.Bool(false)}}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "clerk"}, records(rec(2023, "西大街道", "光明社区", "光明新村", 5),
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}))
	if err != nil {
		t.Fatal(err)
	}
	collect := func(id int64) []string {
		t.Helper()
		var out []string
		err := d.EachBatchChange(ctx, id, func(c db.BatchChange) error {
			for _, f := range c.Fields {
				out = append(out, c.Path+" "+string(c.Level)+" "+f.Field+" "+f.Old+"→"+f.New)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	if got, want := collect(b.ID), []string{
		"西大街道 / 光明社区 / 光明新村 compound stars 3→5",
		"西大街道 / 光明社区 community five_good no→yes",
	}; !slices.Equal(got, want) {
		t.Errorf("batch B changes:\n%q\nwant\n%q", got, want)
	}
	// A created the unit-years: every field it set is new.
	if got := collect(a.ID); !slices.Contains(got, "西大街道 / 光明社区 / 光明新村 compound party_branch →yes") {
		t.Errorf("batch A changes: %q", got)
	}

	if n, _ := d.RollbackNotices(ctx, u.ID); len(n) != 0 {
		t.Fatalf("notices before any rollback: %+v", n)
	}
	d.Now = func() time.Time { return time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC) }
	r, err := d.Rollback(ctx, b.ID, "admin", "web", "数字填错了")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := collect(r.ID), []string{
		"西大街道 / 光明社区 / 光明新村 compound stars 5→3",
		"西大街道 / 光明社区 community five_good yes→no",
	}; !slices.Equal(got, want) {
		t.Errorf("rollback changes:\n%q\nwant\n%q", got, want)
	}
	got, err := d.BatchByID(ctx, b.ID)
	if err != nil || got.RolledBackBy != r.ID || got.Undo.Actor != "admin" || got.Undo.Reason != "数字填错了" ||
		!got.Undo.At.Equal(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("undone batch = %+v, %v", got, err)
	}
	if rb, _ := d.BatchByID(ctx, r.ID); rb.Reason != "数字填错了" || rb.Reverts != b.ID {
		t.Errorf("rollback batch = %+v", rb)
	}
	n, err := d.RollbackNotices(ctx, u.ID)
	if err != nil || len(n) != 1 || n[0].ID != b.ID || n[0].Undo.Reason != "数字填错了" {
		t.Fatalf("notices = %+v, %v", n, err)
	}
	if err := d.SeenRollbacks(ctx, u.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.RollbackNotices(ctx, u.ID); len(n) != 0 {
		t.Errorf("notices after seen: %+v", n)
	}

	// Logging in records the time.
	if err := d.CreateSession(ctx, "h", u.ID, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if ll, err := d.LastLogins(ctx); err != nil || !ll["clerk"].Equal(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("last logins = %v, %v", ll, err)
	}
}
