package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
	"jindu/demo"
	"jindu/ingest"
	"jindu/load"
)

// benchLedger is the ledger the import benchmarks load: the UTF-8 CSV file
// named by JINDU_BENCH_CSV (scripts/bench.sh sets it to the scale it
// measures), or else one generated year of a city (about 11,000 rows).
func benchLedger(b *testing.B) (name string, data []byte) {
	if p := os.Getenv("JINDU_BENCH_CSV"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return filepath.Base(p), data
	}
	var buf bytes.Buffer
	lw := ingest.NewLedgerWriter(&buf)
	if err := demo.Generate(demo.City, 1, []int{2024}, lw.Write); err != nil {
		b.Fatal(err)
	}
	if err := lw.Flush(); err != nil {
		b.Fatal(err)
	}
	return "city.csv", buf.Bytes()
}

// BenchmarkImport imports the ledger into an empty database: the ingest
// path end to end (parse, units, statuses, change log, tallies, commit).
func BenchmarkImport(b *testing.B) {
	name, data := benchLedger(b)
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		b.StopTimer()
		d, err := db.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := load.File(context.Background(), d, load.Input{Name: name, Kind: db.KindImport, Actor: "bench"},
			bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows += res.Batch.Rows
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPlainTable is the floor of BenchmarkImport with Jindu's own
// SQLite (the pure-Go modernc.org/sqlite): what the sqlite3 CLI's .import
// does, done by Go. The ledger's rows go through encoding/csv, unchecked,
// into a plain table of text columns, 512 rows per statement, in one
// transaction, with the pragmas Jindu's writer uses (WAL, synchronous
// FULL). scripts/bench.sh sets it beside the CLI in the same run: the
// ratio of the two is the engine's share of the import's ratio.
func BenchmarkPlainTable(b *testing.B) {
	_, data := benchLedger(b)
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "plain.db")
		d, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
		if err != nil {
			b.Fatal(err)
		}
		d.SetMaxOpenConns(1)
		b.StartTimer()
		n, err := loadPlain(d, bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows += n
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// loadPlain loads a CSV file into a new table named plain, a text column
// per header cell, and returns the number of data rows.
func loadPlain(d *sql.DB, r io.Reader) (int, error) {
	const perStmt = 512
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return 0, err
	}
	width := len(header)
	cols := make([]string, width)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d TEXT", i)
	}
	if _, err := d.Exec(`CREATE TABLE plain (` + strings.Join(cols, ", ") + `)`); err != nil {
		return 0, err
	}
	tx, err := d.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	many, err := tx.Prepare(`INSERT INTO plain VALUES ` + strings.TrimSuffix(strings.Repeat(tuple+", ", perStmt), ", "))
	if err != nil {
		return 0, err
	}
	one, err := tx.Prepare(`INSERT INTO plain VALUES ` + tuple)
	if err != nil {
		return 0, err
	}
	args := make([]any, 0, perStmt*width)
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		for i := range width {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			args = append(args, v)
		}
		rows++
		if len(args) == cap(args) {
			if _, err := many.Exec(args...); err != nil {
				return 0, err
			}
			args = args[:0]
		}
	}
	for i := 0; i < len(args); i += width {
		if _, err := one.Exec(args[i : i+width]...); err != nil {
			return 0, err
		}
	}
	return rows, tx.Commit()
}
