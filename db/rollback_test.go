package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"jindu/db"
	"jindu/metrics"
)

// tallyState reads every stored street-year tally, to compare whole
// database states.
func tallyState(t *testing.T, d *db.DB) map[string]metrics.Tally {
	t.Helper()
	tallies, err := d.StreetTallies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]metrics.Tally{}
	for id, years := range tallies {
		for y, tl := range years {
			out[fmt.Sprintf("%d/%d", id, y)] = tl
		}
	}
	return out
}

func rec(year int, street, community, compound string, stars int) metrics.Record {
	return metrics.Record{Year: year, Unit: metrics.UnitRef{Street: street, Community: community, Compound: compound},
		Status: metrics.Status{Stars: metrics.Int(stars), PartyBranch: metrics.Bool(true)}}
}

func TestRollback(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	apply := func(rs ...metrics.Record) db.Batch {
		t.Helper()
		b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs...))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := apply(rec(2023, "西大街道", "光明社区", "光明新村", 3), rec(2023, "西大街道", "光明社区", "军休所", 1))
	afterA := tallyState(t, d)
	infoA, _ := d.Info(ctx)
	b := apply(rec(2023, "西大街道", "光明社区", "光明新村", 5), rec(2024, "西大街道", "光明社区", "光明新村", 5),
		rec(2023, "东大街道", "天宝社区", "天宝小区", 2))
	if b.Diff.Up != 1 || len(b.Diff.Changes) != 1 || len(b.Diff.Changes[0].Fields) != 1 ||
		b.Diff.Changes[0].Fields[0] != (db.FieldChange{Field: "stars", Old: "3", New: "5", Rating: 1}) {
		t.Errorf("diff of B = %+v", b.Diff)
	}

	// Rolling back A while B overwrote one of its unit-years is refused;
	// RollbackConflicts counts it without writing.
	if n, err := d.RollbackConflicts(ctx, a.ID); err != nil || n != 1 {
		t.Errorf("conflicts of A: %d, %v; want 1", n, err)
	}
	if n, err := d.RollbackConflicts(ctx, b.ID); err != nil || n != 0 {
		t.Errorf("conflicts of B: %d, %v; want 0", n, err)
	}
	_, err := d.Rollback(ctx, a.ID, "admin", "test", "")
	var conflict *db.RollbackConflict
	if !errors.As(err, &conflict) || conflict.Total != 1 || !errors.Is(err, db.ErrConflict) {
		t.Fatalf("rollback of A under B: %v", err)
	}
	if conflict.UnitYears[0] != "西大街道 / 光明社区 / 光明新村 2023 (batch 2)" {
		t.Errorf("conflict names %q", conflict.UnitYears[0])
	}

	r, err := d.Rollback(ctx, b.ID, "admin", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != db.KindRollback || r.Reverts != b.ID || r.Changed != 3 {
		t.Errorf("rollback batch %+v", r)
	}
	got := tallyState(t, d)
	if len(got) != len(afterA) {
		t.Fatalf("after rolling back B: %d street-years, want %d", len(got), len(afterA))
	}
	for k, v := range afterA {
		if got[k] != v {
			t.Errorf("street-year %q: %+v, want %+v", k, got[k], v)
		}
	}
	if info, _ := d.Info(ctx); info.DataSeq <= infoA.DataSeq {
		t.Error("rollback did not change the data version")
	}
	if _, err := d.Rollback(ctx, b.ID, "admin", "test", ""); !errors.Is(err, db.ErrConflict) {
		t.Errorf("second rollback of B: %v", err)
	}
	if _, err := d.Rollback(ctx, r.ID, "admin", "test", ""); !errors.Is(err, db.ErrConflict) {
		t.Errorf("rollback of a rollback: %v", err)
	}
	// With B undone, A can be rolled back: nothing remains.
	if _, err := d.Rollback(ctx, a.ID, "admin", "test", ""); err != nil {
		t.Fatalf("rollback of A: %v", err)
	}
	if got := tallyState(t, d); len(got) != 0 {
		t.Errorf("after rolling back everything: %v", got)
	}
	// History keeps every batch.
	bs, _ := d.Batches(ctx, 0)
	if len(bs) != 4 || bs[3].RolledBackBy == 0 || bs[2].RolledBackBy != r.ID {
		t.Errorf("history %+v", bs)
	}
}

func TestDryRunAndDiff(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(
		rec(2023, "西大街道", "光明社区", "光明新村", 3))); err != nil {
		t.Fatal(err)
	}
	before, _ := d.Info(ctx)
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", DryRun: true}, records(
		rec(2023, "西大街道", "光明社区", "光明新村", 3),
		rec(2023, "西大街道", "光明社区", "光明新材", 2), // a typo of 光明新村
		rec(2023, "西大街道", "新社区", "新小区", 0)))
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != 0 || b.NewUnits != 3 || b.Diff.Unchanged != 1 {
		t.Errorf("dry run = %+v", b)
	}
	if len(b.Diff.NewUnits) != 3 || b.Diff.NewUnits[0].Suggest != "光明新村" || b.Diff.NewUnits[1].Suggest != "" {
		t.Errorf("new units %+v", b.Diff.NewUnits)
	}
	if c := b.Diff.Counts["西大街道"]; c == nil || c.Compounds != 3 {
		t.Errorf("counts %+v", b.Diff.Counts)
	}
	after, _ := d.Info(ctx)
	if after != before {
		t.Errorf("dry run changed the database: %+v → %+v", before, after)
	}
	if bs, _ := d.Batches(ctx, 0); len(bs) != 1 {
		t.Errorf("dry run left a batch: %d", len(bs))
	}
}

// The preview's diff lists every field that changes, and a year with no
// stored data is compared with the year before.
func TestDiffEveryFieldAndPreviousYear(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	t0, f0 := metrics.Bool(true), metrics.Bool(false)
	base := []metrics.Record{
		{Year: 2023, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: f0, ServiceCenter: t0}},
		{Year: 2023, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", CommunityType: metrics.CommunityUrban}, Status: metrics.Status{FiveGood: t0}},
		{Year: 2023, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", Compound: "光明新村"},
			Status: metrics.Status{Stars: metrics.Int(3), PartyBranch: f0, OwnersCommittee: t0, StarFlags: [5]*bool{t0, t0, t0, f0, f0}}},
	}
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(base...)); err != nil {
		t.Fatal(err)
	}
	// The same units for 2024, with changes: nothing is stored for 2024.
	next := []metrics.Record{
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: t0, ServiceCenter: t0}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", CommunityType: metrics.CommunityRural}, Status: metrics.Status{FiveGood: t0}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "光明社区", Compound: "光明新村"},
			Status: metrics.Status{Stars: metrics.Int(4), PartyBranch: t0, OwnersCommittee: t0, StarFlags: [5]*bool{t0, t0, t0, t0, f0}}},
	}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", DryRun: true}, records(next...))
	if err != nil {
		t.Fatal(err)
	}
	df := b.Diff
	if df.Up != 2 || df.Down != 0 || df.AgainstPrevious != 3 {
		t.Errorf("up %d down %d against previous %d", df.Up, df.Down, df.AgainstPrevious)
	}
	got := map[string][]db.FieldChange{}
	for _, c := range df.Changes {
		got[c.Path] = append(got[c.Path], c.Fields...)
		if c.Street != "西大街道" {
			t.Errorf("change %+v", c)
		}
	}
	want := map[string][]db.FieldChange{
		"西大街道":               {{Field: "five_good", Old: "no", New: "yes", Rating: 1}},
		"西大街道 / 光明社区":        {{Field: "community_type", Old: "urban", New: "rural"}},
		"西大街道 / 光明社区 / 光明新村": {{Field: "stars", Old: "3", New: "4", Rating: 1}, {Field: metrics.StarNames[3], Old: "no", New: "yes"}, {Field: "party_branch", Old: "no", New: "yes"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("changes\n got %v\nwant %v", got, want)
	}
}

// TestRollbackConflictInLaterChunk rolls back a batch whose change log
// spans several chunks, the conflict being in the last one: the chunks
// before it were already undone inside the transaction, and must not stay.
func TestRollbackConflictInLaterChunk(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	var rs []metrics.Record
	for i := range 1200 {
		rs = append(rs, rec(2023, "西大街道", fmt.Sprintf("社区%02d", i/40), fmt.Sprintf("小区%04d", i), i%6))
	}
	a, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rec(2023, "西大街道", "社区29", "小区1199", 0))); err != nil {
		t.Fatal(err)
	}
	before, err := d.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dump := semanticDump(t, d.Path)
	_, err = d.Rollback(ctx, a.ID, "admin", "test", "")
	var conflict *db.RollbackConflict
	if !errors.As(err, &conflict) || conflict.Total != 1 || conflict.UnitYears[0] != "西大街道 / 社区29 / 小区1199 2023 (batch 2)" {
		t.Fatalf("rollback: %v", err)
	}
	after, err := d.Info(ctx)
	if err != nil || after.DataSeq != before.DataSeq {
		t.Errorf("data_seq %d → %d (%v)", before.DataSeq, after.DataSeq, err)
	}
	if got := semanticDump(t, d.Path); got != dump {
		t.Error("a refused rollback changed the database")
	}
}

// TestCompoundNamesInChangeLog applies and rolls back compounds whose
// names need escaping in the change log's JSON.
func TestCompoundNamesInChangeLog(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	names := []string{`引号"小区`, `反斜杠\小区`, "制表\t小区", "普通小区", "<&>小区"}
	var rs []metrics.Record
	for i, n := range names {
		rs = append(rs, rec(2024, "西大街道", "南湖社区", n, i))
	}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs...))
	if err != nil {
		t.Fatal(err)
	}
	if b.NewUnits != len(names)+2 {
		t.Errorf("new units = %d, want %d", b.NewUnits, len(names)+2)
	}
	st, err := d.StreetByName(ctx, "西大街道")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := d.StreetRecords(ctx, st, 2024)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range recs {
		if r.Unit.Compound != "" {
			got[r.Unit.Compound] = *r.Status.Stars
		}
	}
	for i, n := range names {
		if s, ok := got[n]; !ok || s != i {
			t.Errorf("%q: stars %d, %v; want %d", n, s, ok, i)
		}
	}
	if _, err := d.Rollback(ctx, b.ID, "admin", "test", ""); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if recs, err := d.StreetRecords(ctx, st, 2024); err != nil || len(recs) != 2 {
		t.Errorf("after the rollback: %d records (%v), want the street and the community only", len(recs), err)
	}
}
