package ingest_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"jindu/db"
	"jindu/demo"
	"jindu/ingest"
	"jindu/metrics"
)

// BenchmarkImportCity imports one year of a city (about 11,000 rows) into
// an empty database: the ingest path end to end (parse, units, statuses,
// change log, tallies, commit).
func BenchmarkImportCity(b *testing.B) {
	var buf bytes.Buffer
	lw := ingest.NewLedgerWriter(&buf)
	rows := 0
	if err := demo.Generate(demo.City, 1, []int{2024}, func(r metrics.Record) error { rows++; return lw.Write(r) }); err != nil {
		b.Fatal(err)
	}
	lw.Flush()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		b.StopTimer()
		d, err := db.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := ingest.Import(context.Background(), d, ingest.ImportInput{Name: "city.csv", Kind: db.KindImport, Actor: "bench"},
			bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
