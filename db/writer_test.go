package db_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden files")

// semanticDump is the database's content by unit path, independent of the
// IDs units happen to get: the same data written in another order dumps
// the same.
func semanticDump(t *testing.T, path string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	const paths = `WITH RECURSIVE p(id, path) AS (
		SELECT id, name FROM units WHERE parent_id IS NULL
		UNION ALL SELECT u.id, p.path || ' / ' || u.name FROM units u JOIN p ON u.parent_id = p.id)`
	queries := []string{
		paths + ` SELECT 'unit', u.level, p.path, coalesce(u.community_type, ''), u.created_batch,
			(SELECT name FROM units s WHERE s.id = u.street_id) FROM units u JOIN p ON p.id = u.id ORDER BY 3`,
		paths + ` SELECT 'status', p.path, s.year, coalesce(s.five_good, -1), coalesce(s.stars, -1), coalesce(s.service_center, -1),
			coalesce(s.party_branch, -1), coalesce(s.owners_committee, -1), coalesce(s.property_service, -1),
			coalesce(s.star_flags, 'NULL'), s.batch_id FROM statuses s JOIN p ON p.id = s.unit_id
			UNION ALL SELECT 'status', p.path || ' / ' || c.name, c.year, coalesce(c.five_good, -1), coalesce(c.stars, -1),
			coalesce(c.service_center, -1), coalesce(c.party_branch, -1), coalesce(c.owners_committee, -1),
			coalesce(c.property_service, -1), coalesce(c.star_flags, 'NULL'), c.batch_id FROM compounds c JOIN p ON p.id = c.community_id
			ORDER BY 3, 2`,
		paths + ` SELECT 'change', c.batch_id, p.path || coalesce(' / ' || c.compound, ''), c.year, coalesce(c.old, 'NULL'), coalesce(c.new, 'NULL')
			FROM status_changes c JOIN p ON p.id = c.unit_id ORDER BY 2, 3, 4`,
		`SELECT 'tally', u.name, t.year, t.tally FROM street_tallies t JOIN units u ON u.id = t.street_id ORDER BY 2, 3`,
		`SELECT 'batch', id, kind, rows, new_units, changed, reverts FROM batches ORDER BY id`,
		`SELECT 'meta', key, value FROM meta ORDER BY key`,
	}
	var b strings.Builder
	for _, q := range queries {
		b.WriteString(dumpRows(t, raw, q))
	}
	return b.String()
}

// dumpRows is a query's result as text: a line a row, values separated by
// spaces, as fmt prints them (text, not bytes).
func dumpRows(t *testing.T, q *sql.DB, query string) string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(' ')
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// scenario records of a district, with typos, renamed and added units,
// community type changes and rating changes in both directions.
func scenarioRecords(t *testing.T, seed int64, years []int, mutate func(i int, r *metrics.Record) bool) []metrics.Record {
	t.Helper()
	var out []metrics.Record
	i := 0
	err := demo.Generate(demo.District, seed, years, func(r metrics.Record) error {
		i++
		if mutate == nil || mutate(i, &r) {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestApplyGolden applies a sequence of batches and compares every batch's
// result (counts and the full Diff, lists in order) and the database's
// content with a golden file, so a rewrite of the writer keeps the exact
// semantics.
func TestApplyGolden(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "jindu.db")
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	var out strings.Builder
	apply := func(name string, in db.BatchInput, recs []metrics.Record) db.Batch {
		t.Helper()
		b, err := d.Apply(ctx, in, records(recs...))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		diff, _ := json.MarshalIndent(b.Diff, "", " ")
		fmt.Fprintf(&out, "== %s: id=%d rows=%d new=%d changed=%d\n%s\n", name, b.ID, b.Rows, b.NewUnits, b.Changed, diff)
		return b
	}
	// 1. A district's first year: more than 500 new units.
	apply("first", db.BatchInput{Kind: db.KindImport, Actor: "t"}, scenarioRecords(t, 1, []int{2022}, nil))
	// 2. Two years from another seed, with typos and additions.
	second := scenarioRecords(t, 2, []int{2022, 2023}, func(i int, r *metrics.Record) bool {
		u := &r.Unit
		switch {
		case i%97 == 0 && u.Compound != "":
			u.Compound += "新" // a new compound whose name contains an old one
		case i%89 == 0 && u.Compound != "":
			rs := []rune(u.Compound)
			rs[len(rs)-1] = '苑' // a likely typo
			u.Compound = string(rs)
		case i%211 == 0 && u.Compound == "" && u.Community != "":
			if u.CommunityType == metrics.CommunityUrban {
				u.CommunityType = metrics.CommunityRural
			} else {
				u.CommunityType = metrics.CommunityUrban
			}
		case i%13 == 0 && u.Compound != "":
			r.Status.Stars = nil // not reported: no rating change
		}
		return true
	})
	second = append(second,
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: second[0].Unit.Street + "x"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "全新街道", Community: "全新社区", CommunityType: metrics.CommunityRural},
			Status: metrics.Status{FiveGood: metrics.Bool(true)}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "全新街道", Community: "全新社区", Compound: "全新小区"},
			Status: metrics.Status{Stars: metrics.Int(3)}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "全新街道", Community: "全新社区", Compound: "全新小区2"},
			Status: metrics.Status{Stars: metrics.Int(3)}},
	)
	b2 := apply("second", db.BatchInput{Kind: db.KindUpload, Actor: "t"}, second)
	// 3. A dry run of a third year changes nothing.
	before := semanticDump(t, p)
	apply("dry", db.BatchInput{Kind: db.KindUpload, Actor: "t", DryRun: true}, scenarioRecords(t, 3, []int{2023, 2024}, nil))
	if after := semanticDump(t, p); after != before {
		t.Error("a dry run changed the database")
	}
	// 4. The same records again: all unchanged.
	apply("again", db.BatchInput{Kind: db.KindUpload, Actor: "t"}, second[:300])
	// 5. A third seed for 2023 only, partly.
	apply("third", db.BatchInput{Kind: db.KindUpload, Actor: "t"}, scenarioRecords(t, 3, []int{2023}, func(i int, r *metrics.Record) bool {
		return i%3 != 0
	}))
	// 7. Rolling back the second batch conflicts; a fresh batch rolls back.
	if _, err := d.Rollback(ctx, b2.ID, "admin", "test", ""); err == nil {
		t.Error("rollback of an overwritten batch succeeded")
	}
	// 6. Another year's values under 2022's names: many rating changes.
	apply("relabel", db.BatchInput{Kind: db.KindUpload, Actor: "t"}, scenarioRecords(t, 1, []int{2024}, func(i int, r *metrics.Record) bool {
		r.Year = 2022
		return true
	}))
	last := apply("fourth", db.BatchInput{Kind: db.KindUpload, Actor: "t"}, scenarioRecords(t, 4, []int{2024}, nil))
	rb, err := d.Rollback(ctx, last.ID, "admin", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "== rollback: id=%d rows=%d new=%d changed=%d\n", rb.ID, rb.Rows, rb.NewUnits, rb.Changed)
	out.WriteString(semanticDump(t, p))
	// Batches run without SQLite's foreign-key lookups: every reference
	// they wrote must still hold.
	if rep, err := db.Check(ctx, p); err != nil || len(rep.ForeignKeys) > 0 {
		t.Errorf("foreign keys after the batches: %v %v", err, rep.ForeignKeys)
	}

	golden := filepath.Join("testdata", "apply.golden")
	if *updateGolden {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != string(want) {
		os.WriteFile(filepath.Join(os.TempDir(), "apply.golden.got"), []byte(got), 0o644)
		t.Errorf("batches differ from %s (got written to %s)", golden, filepath.Join(os.TempDir(), "apply.golden.got"))
	}
}

// TestApplyDuplicateUnitYear: the same unit-year twice in one batch with
// another status is refused; with the same status it counts as unchanged.
func TestApplyDuplicateUnitYear(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	r := metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(r, r))
	if err != nil || b.Rows != 2 || b.Changed != 1 || b.Diff.Unchanged != 1 {
		t.Fatalf("same twice: %+v %v", b, err)
	}
	r.Unit.Street = "东大街道"
	r2 := r
	r2.Status = metrics.Status{FiveGood: metrics.Bool(false)}
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(r, r2)); err == nil {
		t.Fatal("a unit-year set twice to different values was accepted")
	}
}
