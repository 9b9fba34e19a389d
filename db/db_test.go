package db_test

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"jindu/internal/testdata/testutil"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jindu/db"
	"jindu/metrics"

	_ "modernc.org/sqlite"
)

// MustOpen opens a fresh database file in a temporary directory.
func MustOpen(t testing.TB) *db.DB {
	t.Helper()
	d, _ := testutil.OpenDB(t, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
	return d
}

func records(rs ...metrics.Record) iter.Seq2[metrics.Record, error] { return testutil.Records(rs...) }

func TestOpenMigratesAndReopens(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j.db")
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.CurrentSchemaVersion(context.Background())
	if err != nil || v != db.SchemaVersion() || v < 1 {
		t.Fatalf("schema version = %d, %v; want %d", v, err, db.SchemaVersion())
	}
	d.Close()
	d, err = db.Open(context.Background(), p)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d.Close()
	var mode string
	raw, _ := sql.Open("sqlite", p)
	defer raw.Close()
	raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j.db")
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	raw, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = db.Open(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "newer jindu") || !strings.Contains(err.Error(), "999") {
		t.Fatalf("open newer schema: err = %v, want a refusal naming version 999", err)
	}
}

func TestApplyStoresTalliesAndDataSeq(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	yes, no := metrics.Bool(true), metrics.Bool(false)
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "tester"}, records(
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: yes, ServiceCenter: yes}},
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", CommunityType: metrics.CommunityUrban},
			Status: metrics.Status{FiveGood: no}},
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", Compound: "光明新村"},
			Status: metrics.Status{Stars: metrics.Int(5), PartyBranch: yes}},
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "东大街道"}, Status: metrics.Status{FiveGood: no}},
	))
	if err != nil {
		t.Fatal(err)
	}
	if b.Rows != 4 || b.NewUnits != 4 || b.Changed != 4 {
		t.Fatalf("batch = %+v", b)
	}
	info, err := d.Info(ctx)
	if err != nil || info.DataSeq != 1 || info.Units != 3 || info.Demo {
		t.Fatalf("info = %+v, %v", info, err)
	}
	tallies, err := d.StreetTallies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	xida, err := d.StreetByName(ctx, "西大街道")
	if err != nil {
		t.Fatal(err)
	}
	got := tallies[xida.ID][2022]
	if got.Streets != 1 || got.StreetsFiveGood != 1 || got.Communities != 1 || got.CommunitiesFiveGood != 0 ||
		got.Compounds != 1 || got.CompoundsFiveStar != 1 || got.CompoundsBranch != 1 || got.UnknownCommittee != 1 {
		t.Errorf("tally = %+v", got)
	}

	// Re-applying the same records changes nothing and keeps the data version.
	b, err = d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "tester"}, records(
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "东大街道"}, Status: metrics.Status{FiveGood: no}}))
	if err != nil || b.Changed != 0 || b.NewUnits != 0 {
		t.Fatalf("re-apply = %+v, %v", b, err)
	}
	if info, _ := d.Info(ctx); info.DataSeq != 1 {
		t.Errorf("data seq after no-op = %d, want 1", info.DataSeq)
	}
}

func TestApplyFailureChangesNothing(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	boom := errors.New("boom")
	_, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, func(yield func(metrics.Record, error) bool) {
		if yield(metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道"}}, nil) {
			yield(metrics.Record{}, boom)
		}
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	info, _ := d.Info(ctx)
	if info.Units != 0 || info.DataSeq != 0 || !info.LastBatch.IsZero() {
		t.Errorf("after failed apply: %+v", info)
	}
	if _, err := d.StreetByName(ctx, "西大街道"); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("street after failed apply: %v", err)
	}
}

// TestApplyRefusesTheSameFile: db owns the same-file rule. A batch whose
// file's bytes equal those of a batch in effect stores nothing and names
// that batch; once it is rolled back the same bytes apply again.
func TestApplyRefusesTheSameFile(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	file := func() (string, []byte, error) { return "abc123", []byte("gz"), nil }
	rec := metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}
	first, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", File: file}, records(rec))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := d.Info(ctx)
	_, err = d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", File: file}, records(rec))
	var dup *db.DuplicateError
	if !errors.As(err, &dup) || dup.Of.ID != first.ID {
		t.Fatalf("second apply: %v, want a DuplicateError naming batch %d", err, first.ID)
	}
	_, err = d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", SHA256: "abc123", File: file}, records(rec))
	if !errors.As(err, &dup) {
		t.Fatalf("apply with a known SHA-256: %v, want a DuplicateError", err)
	}
	if after, _ := d.Info(ctx); after != before {
		t.Errorf("a refused duplicate changed the database: %+v → %+v", before, after)
	}
	if _, err := d.Rollback(ctx, first.ID, "t", "t", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", File: file}, records(rec)); err != nil {
		t.Errorf("the same bytes after a rollback: %v", err)
	}
}
