package db_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"jindu/db"
	"jindu/metrics"
)

// TestMaxNewUnits: a batch (and its dry run) that would create more units
// than the cap ends with ErrTooManyNewUnits and leaves the database as it
// was; streets are capped at a twentieth of the units.
func TestMaxNewUnits(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rec(2023, "西大街道", "光明社区", "光明新村", 3))); err != nil {
		t.Fatal(err)
	}
	tallies, info := tallyState(t, d), must(d.Info(ctx))
	compounds := func(n int) []metrics.Record {
		var rs []metrics.Record
		for i := range n {
			rs = append(rs, rec(2024, "西大街道", "光明社区", fmt.Sprintf("小区%d", i), 2))
		}
		return rs
	}
	streets := func(n int) []metrics.Record {
		var rs []metrics.Record
		for i := range n {
			rs = append(rs, metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: fmt.Sprintf("街道%d", i)}, Status: metrics.Status{FiveGood: metrics.Bool(true)}})
		}
		return rs
	}
	for _, c := range []struct {
		name string
		rs   []metrics.Record
		want error
	}{
		{"compounds", compounds(3000), db.ErrTooManyNewUnits},
		{"streets", streets(1500), db.ErrTooManyNewStreets},
	} {
		for _, dry := range []bool{false, true} {
			_, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", DryRun: dry, MaxNewUnits: 2000}, records(c.rs...))
			if !errors.Is(err, c.want) {
				t.Errorf("%s (dry run %v): %v, want %v", c.name, dry, err, c.want)
			}
		}
	}
	if !reflect.DeepEqual(tallyState(t, d), tallies) || !reflect.DeepEqual(must(d.Info(ctx)), info) {
		t.Error("a refused batch changed the database")
	}
	// Within the caps the same batch goes through.
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "t", MaxNewUnits: 2000}, records(compounds(1999)...))
	if err != nil || b.NewUnits != 1999 {
		t.Fatalf("within the cap: %v, %d new units", err, b.NewUnits)
	}
}

// TestTallyDeltasAppliedOnTheWay: a batch of more street-years than the
// writer holds deltas for (it applies them on the way) stores the same
// tallies as the same records in small batches.
func TestTallyDeltasAppliedOnTheWay(t *testing.T) {
	ctx := context.Background()
	const n = 6000 // streets; two years each and a change: 18,000 street-years, more than 8,192
	year := func(y, stars int) []metrics.Record {
		var rs []metrics.Record
		for i := range n {
			rs = append(rs, rec(y, fmt.Sprintf("街道%d", i), "社区", "小区", (i+stars)%6))
		}
		return rs
	}
	first := year(2023, 0)
	second := append(year(2023, 1), year(2024, 2)...)
	big, small := MustOpen(t), MustOpen(t)
	for _, rs := range [][]metrics.Record{first, second} {
		if _, err := big.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs...)); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(rs); i += 1024 { // whole chunks of 512: the same unit IDs
			if _, err := small.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs[i:min(i+1024, len(rs))]...)); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, b := tallyState(t, big), tallyState(t, small)
	if len(a) != 2*n || !reflect.DeepEqual(a, b) {
		t.Errorf("tallies of one batch (%d street-years) differ from those of small batches (%d)", len(a), len(b))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
