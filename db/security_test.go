package db_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
)

// rawConn opens the database file as any program could, past the
// application.
func rawConn(t *testing.T, d *db.DB) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", d.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestReplaceIntoRefused: REPLACE INTO deletes the row it conflicts with
// without running DELETE triggers; the BEFORE INSERT triggers refuse it on
// the append-only audit log and on frozen snapshots.
func TestReplaceIntoRefused(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	if err := d.Audit(ctx, db.AuditEntry{Actor: "admin", Action: db.AuditLogin, Target: "admin"}); err != nil {
		t.Fatal(err)
	}
	snap, err := d.AddSnapshot(ctx, db.Snapshot{Actor: "admin", Year: 2024, DataVersion: "1-x", Figures: []byte(`{}`), PDF: []byte("%PDF frozen")}, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	raw := rawConn(t, d)
	for _, q := range []string{
		`REPLACE INTO audit_log (id, at, actor, action) VALUES (1, '2020-01-01T00:00:00Z', 'mallory', 'login')`,
		`INSERT OR REPLACE INTO audit_log (id, at, actor, action) VALUES (1, '2020-01-01T00:00:00Z', 'mallory', 'login')`,
		`REPLACE INTO snapshots (id, created_at, actor, year, data_version, figures, pdf, pdf_sha256)
			SELECT id, created_at, 'mallory', year, data_version, figures, x'00', pdf_sha256 FROM snapshots`,
		`INSERT INTO audit_log (id, at, actor, action) VALUES (1, 'x', 'y', 'z') ON CONFLICT (id) DO UPDATE SET actor = 'mallory'`,
		`UPDATE audit_log SET repeats = 5`, // not an aggregated entry
		`UPDATE audit_log SET detail = 'x'`,
		`DELETE FROM audit_log`,
	} {
		if _, err := raw.ExecContext(ctx, q); err == nil {
			t.Errorf("allowed: %s", q)
		}
	}
	entries, _ := d.AuditEntries(ctx, db.AuditFilter{})
	if len(entries) != 2 || entries[1].Actor != "admin" || entries[1].Repeats != 1 {
		t.Errorf("the audit log changed: %+v", entries)
	}
	if pdf, err := d.SnapshotPDF(ctx, snap.ID); err != nil || string(pdf) != "%PDF frozen" {
		t.Errorf("the snapshot changed: %q %v", pdf, err)
	}
	// New entries still go in.
	if err := d.Audit(ctx, db.AuditEntry{Actor: "admin", Action: db.AuditLogout}); err != nil {
		t.Error(err)
	}
}

// TestAuditAggregatesAndBounds: an entry stores at most 64 characters of
// a name, escapes control characters, and a blocked login's count may
// grow (and nothing else about it change).
func TestAuditAggregatesAndBounds(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	huge := strings.Repeat("A", 64<<10)
	id, err := d.AppendAudit(ctx, db.AuditEntry{Actor: huge, Address: "10.0.0.1", Action: db.AuditLoginBlocked,
		Target: "evil\x1b[2J\r\nname\u202e", Detail: huge})
	if err != nil {
		t.Fatal(err)
	}
	at := d.Now().Add(time.Minute)
	if err := d.AddAuditRepeats(ctx, id, 211, at); err != nil {
		t.Fatal(err)
	}
	entries, _ := d.AuditEntries(ctx, db.AuditFilter{})
	e := entries[0]
	if e.Repeats != 212 || !e.LastAt.Equal(at) {
		t.Errorf("repeats %d last %v, want 212 at %v", e.Repeats, e.LastAt, at)
	}
	if n := len([]rune(e.Actor)); n != 65 || !strings.HasSuffix(e.Actor, "…") {
		t.Errorf("actor of %d characters stored", n)
	}
	if n := len([]rune(e.Detail)); n != 1001 {
		t.Errorf("detail of %d characters stored", n)
	}
	if e.Target != `evil\x1b[2J\x0d\x0aname\u202e` {
		t.Errorf("target %q: control characters must be escaped", e.Target)
	}
	raw := rawConn(t, d)
	if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET repeats = 1 WHERE id = ?`, id); err == nil {
		t.Error("a count went down")
	}
	if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET repeats = repeats + 1, address = 'x' WHERE id = ?`, id); err == nil {
		t.Error("an aggregated entry's address changed")
	}
}

func TestBatchStreets(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "li"}, records(
		rec(2024, "西大街道", "", "", 0), rec(2024, "东大街道", "南湖社区", "一号院", 3), rec(2024, "西大街道", "北关社区", "", 0)))
	if err != nil {
		t.Fatal(err)
	}
	if !b.StreetsKnown || !slices.Equal(b.Streets, []string{"东大街道", "西大街道"}) {
		t.Errorf("applied: %v %v", b.StreetsKnown, b.Streets)
	}
	got, _ := d.BatchByID(ctx, b.ID)
	if !got.StreetsKnown || !slices.Equal(got.Streets, b.Streets) {
		t.Errorf("read back: %v %v", got.StreetsKnown, got.Streets)
	}
	rb, err := d.Rollback(ctx, b.ID, "admin", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.BatchByID(ctx, rb.ID); !slices.Equal(got.Streets, b.Streets) {
		t.Errorf("a rollback's streets %v, want those of the batch it undoes", got.Streets)
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	u, err := d.AddUser(ctx, auth.User{Name: "v", Role: auth.Viewer}, "x")
	if err != nil {
		t.Fatal(err)
	}
	now := d.Now()
	for i, age := range []time.Duration{0, 20 * time.Minute, 31 * time.Minute, 9 * time.Hour} {
		d.Now = func() time.Time { return now.Add(-age) }
		if err := d.CreateSession(ctx, strings.Repeat(string(rune('a'+i)), 64), u.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	d.Now = func() time.Time { return now }
	n, err := d.DeleteExpiredSessions(ctx, 30*time.Minute, 8*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("swept %d, %v; want the 31-minute-idle and the 9-hour-old", n, err)
	}
	for i, alive := range []bool{true, true, false, false} {
		_, err := d.SessionByHash(ctx, strings.Repeat(string(rune('a'+i)), 64))
		if (err == nil) != alive {
			t.Errorf("session %d: %v, want alive=%v", i, err, alive)
		}
	}
}

// TestSnapshotDamageFound: a PDF changed behind the triggers' back (disk
// damage, or someone with the file) is never served and `check` names it.
func TestSnapshotDamageFound(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	snap, err := d.AddSnapshot(ctx, db.Snapshot{Actor: "admin", Year: 2024, DataVersion: "1-x", Figures: []byte(`{}`), PDF: []byte("%PDF frozen")}, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := db.Check(ctx, d.Path); err != nil || !rep.OK() || rep.Verified != 1 {
		t.Fatalf("intact: %+v %v", rep, err)
	}
	raw := rawConn(t, d)
	for _, q := range []string{`DROP TRIGGER snapshots_no_update`, `UPDATE snapshots SET pdf = CAST('%PDF forged' AS BLOB)`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.SnapshotPDF(ctx, snap.ID); !errors.Is(err, db.ErrDamaged) {
		t.Errorf("a damaged PDF read: %v", err)
	}
	rep, err := db.Check(ctx, d.Path)
	if err != nil || rep.OK() || len(rep.Snapshots) != 1 || !strings.Contains(rep.String(), "snapshot 1") {
		t.Errorf("check of a damaged snapshot: %s %v", rep.String(), err)
	}
}
