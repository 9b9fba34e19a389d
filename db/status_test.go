package db

import (
	"context"
	"testing"

	"jindu/metrics"
)

// TestEncodedStatus checks that the SQL encoding of stored statuses, which
// the writer compares with a record's, is encodeStatus's, field by field.
func TestEncodedStatus(t *testing.T) {
	d := openTemp(t)
	ctx := context.Background()
	yes, no := metrics.Bool(true), metrics.Bool(false)
	var recs []metrics.Record
	for i := range 12 {
		s := metrics.Status{}
		if i%3 > 0 {
			s.Stars = metrics.Int(i % 6)
			s.PartyBranch, s.OwnersCommittee = []*bool{nil, yes, no}[i%3], []*bool{yes, no, nil}[i%3]
			s.PropertyService, s.ServiceCenter = []*bool{no, nil, yes}[i%3], []*bool{nil, no, yes}[i%3]
		}
		if i%4 == 1 {
			s.StarFlags = [5]*bool{yes, no, nil, yes, no}
		}
		recs = append(recs, metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: "街", Community: "社区", Compound: string(rune('A' + i))}, Status: s})
	}
	recs = append(recs, metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: "街"}, Status: metrics.Status{FiveGood: yes, ServiceCenter: no}},
		metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: "街", Community: "社区"}, Status: metrics.Status{FiveGood: no}})
	if _, err := d.Apply(ctx, BatchInput{Kind: KindImport, Actor: "t"}, func(yield func(metrics.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, q := range []string{
		`SELECT c.name, ` + encodedStatus("c.") + ` FROM compounds c`,
		`SELECT u.level, ` + encodedStatus("s.") + ` FROM units u JOIN statuses s ON s.unit_id = u.id`,
	} {
		rows, err := d.read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k, enc string
			if err := rows.Scan(&k, &enc); err != nil {
				t.Fatal(err)
			}
			got[k] = enc
		}
		rows.Close()
	}
	for _, r := range recs {
		k := r.Unit.Compound
		if k == "" {
			k = string(r.Unit.Level())
		}
		if want := encodeStatus(r.Status); got[k] != want {
			t.Errorf("%s: SQL encodes %q, encodeStatus %q", k, got[k], want)
		}
	}
	var missing any
	if err := d.read.QueryRow(`SELECT ` + encodedStatus("s.") + ` FROM units u LEFT JOIN statuses s ON s.unit_id = u.id AND s.year = 1999 LIMIT 1`).Scan(&missing); err != nil || missing != nil {
		t.Errorf("a missing row encodes as %v, %v; want NULL", missing, err)
	}
}
