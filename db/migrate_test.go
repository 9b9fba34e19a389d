package db_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
)

// TestMigrateChangeLog builds a database at schema 7 (a change log of one
// row per unit-year), opens it with this binary and checks that the
// changes read the same through the status_changes view and that a
// migrated batch still rolls back.
func TestMigrateChangeLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+p+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob("migrations/*.sql")
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		base := filepath.Base(n)
		if base >= "0008" {
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
	if _, err := d.Rollback(context.Background(), 2, "admin", "test"); err != nil {
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
