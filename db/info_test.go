package db

import (
	"context"
	"strings"
	"testing"
)

// TestInfoReadsNoBatchRow: Info runs on every request, and a batch row
// holds its uploaded file, so reading a batch's status or times from the
// row walks the file's pages (at province scale that made every page and
// API answer cost milliseconds). Its query plan reads batches through a
// covering index only.
func TestInfoReadsNoBatchRow(t *testing.T) {
	d := openTemp(t)
	rows, err := d.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+infoQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := false
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		t.Log(detail)
		if strings.Contains(detail, "batches") {
			seen = true
			if !strings.Contains(detail, "COVERING INDEX") {
				t.Errorf("Info reads batch rows: %q", detail)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !seen {
		t.Error("the plan does not name batches")
	}
}
