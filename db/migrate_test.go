package db_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jindu/db"
)

// schemaBefore creates a database at p with the migrations before version
// (a "NNNN" prefix) applied, as an older jindu left it.
func schemaBefore(t *testing.T, p, version string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+p+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	names, _ := filepath.Glob("migrations/*.sql")
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		base := filepath.Base(n)
		if base >= version {
			break
		}
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(src)); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 'x')`, strings.TrimLeft(base[:4], "0"), base); err != nil {
			t.Fatal(err)
		}
	}
	return raw
}

// TestMigrateChangeLog builds a database at schema 7 (a change log of one
// row per unit-year), opens it with this binary and checks that the
// changes read the same through the status_changes view and that a
// migrated batch still rolls back.
func TestMigrateChangeLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.db")
	raw := schemaBefore(t, p, "0008")
	// Batch 1 creates a street and a community with statuses for 2023;
	// batch 2 changes the community's status.
	for _, q := range []string{
		`INSERT INTO batches (id, kind, created_at, actor, rows, new_units, changed) VALUES
			(1, 'import', '2024-01-01T00:00:00Z', 'old', 2, 2, 2), (2, 'import', '2024-02-01T00:00:00Z', 'old', 1, 0, 1)`,
		`INSERT INTO units (id, level, parent_id, street_id, name, community_type, created_batch) VALUES
			(1, 'street', NULL, 1, '西大街道', NULL, 1), (2, 'community', 1, 1, '南湖社区', 'urban', 1)`,
		`INSERT INTO statuses (unit_id, year, five_good, service_center, batch_id) VALUES (1, 2023, 1, NULL, 1), (2, 2023, 1, 1, 2)`,
		`INSERT INTO status_changes (batch_id, unit_id, year, old, new) VALUES
			(1, 1, 2023, NULL, '1----------'), (1, 2, 2023, NULL, '0-1--------'), (2, 2, 2023, '0-1--------', '1-1--------')`,
		`INSERT INTO street_tallies (street_id, year, tally) VALUES (1, 2023, '{}')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	const changes = `SELECT batch_id, unit_id, year, coalesce(old, 'NULL'), new FROM status_changes ORDER BY 1, 2, 3`
	before := dumpRows(t, raw, changes)
	if strings.Count(before, "\n") != 3 {
		t.Fatalf("schema 7 changes:\n%s", before)
	}
	raw.Close()

	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	raw, _ = sql.Open("sqlite", "file:"+p+"?mode=ro")
	defer raw.Close()
	if after := dumpRows(t, raw, changes); after != before {
		t.Fatalf("changes after the migration:\n%s\nwant:\n%s", after, before)
	}
	if _, err := d.Rollback(context.Background(), 2, "admin", "test", ""); err != nil {
		t.Fatalf("rollback of a migrated batch: %v", err)
	}
	var stored string
	raw.QueryRow(`SELECT coalesce(five_good, '-') || coalesce(service_center, '-') FROM statuses WHERE unit_id = 2 AND year = 2023`).Scan(&stored)
	if stored != "01" {
		t.Errorf("community 2023 after the rollback = %q, want five_good 0 and service_center 1", stored)
	}
	got := dumpRows(t, raw, `SELECT unit_id, year, old, new FROM status_changes WHERE batch_id = 3`)
	if want := "2 2023 1-1-------- 0-1--------\n"; got != want {
		t.Errorf("the rollback's change log = %q, want %q", got, want)
	}
}

// TestMigrateCompoundRows builds a database at schema 8 (compounds as units
// with statuses), opens it with this binary and checks that the compounds
// moved with every status, that their change log entries name them, and
// that a migrated batch still rolls back.
func TestMigrateCompoundRows(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.db")
	raw := schemaBefore(t, p, "0009")
	// Batch 1 creates a street, a community and two compounds (one with a
	// quote in its name) for 2023; batch 2 changes compound 3's stars and
	// adds its 2024 status.
	for _, q := range []string{
		`INSERT INTO batches (id, kind, created_at, actor, rows, new_units, changed) VALUES
			(1, 'import', '2024-01-01T00:00:00Z', 'old', 4, 4, 4), (2, 'import', '2024-02-01T00:00:00Z', 'old', 2, 0, 2)`,
		`INSERT INTO units (id, level, parent_id, street_id, name, community_type, created_batch) VALUES
			(1, 'street', NULL, 1, '西大街道', NULL, 1), (2, 'community', 1, 1, '南湖社区', 'urban', 1),
			(3, 'compound', 2, 1, '南湖小区', NULL, 1), (4, 'compound', 2, 1, '"新"苑', NULL, 1)`,
		`INSERT INTO statuses (unit_id, year, five_good, stars, batch_id) VALUES
			(1, 2023, 1, NULL, 1), (2, 2023, 0, NULL, 1), (3, 2023, NULL, 4, 2), (4, 2023, NULL, 2, 1), (3, 2024, NULL, 5, 2)`,
		`INSERT INTO change_log (batch_id, seq, changes) VALUES
			(1, 0, '[[1,2023,null,"1----------"],[2,2023,null,"0----------"],[3,2023,null,"-3---------"],[4,2023,null,"-2---------"]]'),
			(2, 0, '[[3,2023,"-3---------","-4---------"],[3,2024,null,"-5---------"]]')`,
		`INSERT INTO street_tallies (street_id, year, tally) VALUES (1, 2023, '{}')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ro, _ := sql.Open("sqlite", "file:"+p+"?mode=ro")
	defer ro.Close()
	for _, c := range []struct{ query, want string }{
		{`SELECT id, level FROM units ORDER BY id`, "1 street\n2 community\n"},
		{`SELECT unit_id, year FROM statuses ORDER BY 1, 2`, "1 2023\n2 2023\n"},
		{`SELECT community_id, name, year, stars, batch_id FROM compounds ORDER BY 2, 3`,
			"2 \"新\"苑 2023 2 1\n2 南湖小区 2023 4 2\n2 南湖小区 2024 5 2\n"},
		{`SELECT batch_id, unit_id, coalesce(compound, '-'), year, coalesce(old, 'NULL'), new FROM status_changes ORDER BY 1, 3, 4`,
			"1 2 \"新\"苑 2023 NULL -2---------\n1 1 - 2023 NULL 1----------\n1 2 - 2023 NULL 0----------\n" +
				"1 2 南湖小区 2023 NULL -3---------\n2 2 南湖小区 2023 -3--------- -4---------\n2 2 南湖小区 2024 NULL -5---------\n"},
	} {
		if got := dumpRows(t, ro, c.query); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.query, got, c.want)
		}
	}
	if _, err := d.Rollback(context.Background(), 2, "admin", "test", ""); err != nil {
		t.Fatalf("rollback of a migrated batch: %v", err)
	}
	if got, want := dumpRows(t, ro, `SELECT name, year, stars, batch_id FROM compounds ORDER BY 1, 2`),
		"\"新\"苑 2023 2 1\n南湖小区 2023 3 3\n"; got != want {
		t.Errorf("compounds after the rollback:\n%s\nwant:\n%s", got, want)
	}
	recs, err := d.StreetRecords(context.Background(), db.Unit{ID: 1, Name: "西大街道"}, 2024)
	if err != nil || len(recs) != 4 || recs[2].Unit.Compound != "\"新\"苑" || recs[3].Unit.Compound != "南湖小区" || *recs[3].Status.Stars != 3 {
		t.Errorf("street records after the rollback = %+v, %v", recs, err)
	}
}

// TestMigrateBatchFiles builds a database at schema 16, where a batch's
// file sits in its row, opens it with this binary and checks that each
// file moved to batch_files and downloads byte for byte as before (gzip
// stored or not), that a batch without a file has none, and that the
// batch rows no longer hold a file.
func TestMigrateBatchFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.db")
	raw := schemaBefore(t, p, "0017")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("年份,街道\n2024,西大街道\n"))
	zw.Close()
	if _, err := raw.Exec(`INSERT INTO batches (id, kind, created_at, actor, file_name, raw, raw_gzip, rows, status, reviewed_at) VALUES
		(1, 'import', '2024-01-01T00:00:00Z', 'old', 'a.csv', CAST('plain,file' AS BLOB), 0, 0, 'applied', ''),
		(2, 'upload', '2024-02-01T00:00:00Z', 'clerk', 'b.csv', ?, 1, 0, 'approved', '2024-02-03T00:00:00Z'),
		(3, 'demo', '2024-03-01T00:00:00Z', 'demo', '', NULL, 0, 0, 'applied', '')`, gz.Bytes()); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	for id, want := range map[int64]string{1: "plain,file", 2: "年份,街道\n2024,西大街道\n"} {
		if _, got, err := d.BatchFile(ctx, id); err != nil || string(got) != want {
			t.Errorf("batch %d file = %q, %v; want %q", id, got, err, want)
		}
	}
	if _, _, err := d.BatchFile(ctx, 3); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("batch 3 (no file): %v, want ErrNotFound", err)
	}
	info, err := d.Info(ctx)
	if err != nil || !info.LastBatch.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("info = %+v, %v; want the last batch 2024-03-01", info, err)
	}
	b, err := d.BatchByID(ctx, 2)
	if err != nil || b.FileName != "b.csv" || b.Status != db.StatusApproved {
		t.Errorf("batch 2 = %+v, %v", b, err)
	}
	check, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	var n int
	if err := check.QueryRow(`SELECT count(*) FROM pragma_table_info('batches') WHERE name IN ('raw', 'raw_gzip')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("batches still has %d file columns (%v)", n, err)
	}
}
