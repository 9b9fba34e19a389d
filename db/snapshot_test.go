package db_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"

	"jindu/db"
)

// TestSnapshotsAreFrozen: a snapshot reads back byte for byte, is audited,
// and the database refuses to change or delete it.
func TestSnapshotsAreFrozen(t *testing.T) {
	ctx := context.Background()
	d := MustOpen(t)
	pdf := []byte("%PDF-1.7 frozen\x00\xff")
	s, err := d.AddSnapshot(ctx, db.Snapshot{Actor: "admin", Year: 2024, DataVersion: "3-abc", Note: "常委会",
		Figures: []byte(`{"rows":[]}`), PDF: pdf}, "10.0.0.7")
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.SnapshotPDF(ctx, s.ID)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("pdf = %q, %v", got, err)
	}
	one, err := d.Snapshot(ctx, s.ID)
	if err != nil || string(one.Figures) != `{"rows":[]}` || one.PDFSize != len(pdf) || one.Note != "常委会" || one.PDFSHA256 != s.PDFSHA256 {
		t.Fatalf("snapshot = %+v, %v", one, err)
	}
	list, err := d.Snapshots(ctx)
	if err != nil || len(list) != 1 || list[0].Figures != nil {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, err := d.Snapshot(ctx, 99); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("missing snapshot: %v", err)
	}
	entries, err := d.AuditEntries(ctx, db.AuditFilter{Action: db.AuditSnapshot})
	if err != nil || len(entries) != 1 || entries[0].Actor != "admin" || entries[0].Address != "10.0.0.7" {
		t.Errorf("audit = %+v, %v", entries, err)
	}
	// Anything with the file, not only the application, is refused.
	raw, err := sql.Open("sqlite", d.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`UPDATE snapshots SET note = 'x'`, `UPDATE snapshots SET pdf = x'00'`, `DELETE FROM snapshots`} {
		if _, err := raw.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if got, _ := d.SnapshotPDF(ctx, s.ID); !bytes.Equal(got, pdf) {
		t.Error("the PDF changed")
	}
}
