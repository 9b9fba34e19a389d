package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"jindu/internal/testdata/testutil"
	"jindu/load"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jindu/db"
	"jindu/ingest"

	_ "modernc.org/sqlite"
)

// seed applies one good file so the database holds earlier batches.
func seed(t *testing.T, d *db.DB) {
	t.Helper()
	f, err := os.Open("testdata/good_utf8.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := load.File(context.Background(), d, load.Input{Name: "good_utf8.csv", Kind: db.KindImport, Actor: "t"}, f); err != nil {
		t.Fatal(err)
	}
}

// TestBadFilesChangeNothing imports every sample file whose golden report
// has errors and checks the database is exactly as before.
func TestBadFilesChangeNothing(t *testing.T) {
	goldens, _ := filepath.Glob("testdata/*.golden.json")
	d, path := testutil.OpenDB(t, importNow)
	seed(t, d)
	tried := 0
	for _, g := range goldens {
		var rep struct{ Errors []json.RawMessage }
		b, _ := os.ReadFile(g)
		json.Unmarshal(b, &rep)
		if len(rep.Errors) == 0 {
			continue
		}
		name := strings.TrimSuffix(g, ".golden.json")
		t.Run(filepath.Base(name), func(t *testing.T) {
			before := testutil.Dump(t, path)
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			opts := ingest.Options{StreetAllowed: func(s string) bool { return s != "东大街道" }}
			if strings.Contains(name, "too_many_rows") {
				opts.MaxRows = 3
			}
			_, err = load.File(context.Background(), d, load.Input{Name: filepath.Base(name), Kind: db.KindUpload,
				Actor: "clerk", Options: opts}, bytes.NewReader(raw))
			if err == nil {
				t.Skip("valid under these options (the golden test sets its own)")
			}
			if after := testutil.Dump(t, path); after != before {
				t.Errorf("a refused file changed the database (%v)", err)
			}
			tried++
		})
	}
	if tried < 15 {
		t.Errorf("only %d bad files were refused", tried)
	}
}

func TestImportDuplicateAndDryRun(t *testing.T) {
	d, path := testutil.OpenDB(t, importNow)
	ctx := context.Background()
	raw, err := os.ReadFile("testdata/good_gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	in := load.Input{Name: "good_gbk.csv", Kind: db.KindUpload, Actor: "clerk"}
	in.DryRun = true
	before := testutil.Dump(t, path)
	res, err := load.File(ctx, d, in, bytes.NewReader(raw))
	if err != nil || res.Batch.ID != 0 || res.Batch.Rows == 0 || res.Report.Encoding != "gb18030" {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if testutil.Dump(t, path) != before {
		t.Error("a dry run changed the database")
	}
	in.DryRun = false
	first, err := load.File(ctx, d, in, bytes.NewReader(raw))
	if err != nil || first.Batch.ID == 0 {
		t.Fatalf("import: %+v %v", first, err)
	}
	name, back, err := d.BatchFile(ctx, first.Batch.ID)
	if err != nil || name != "good_gbk.csv" || !bytes.Equal(back, raw) {
		t.Errorf("stored file differs: %q %d bytes vs %d (%v)", name, len(back), len(raw), err)
	}
	again, err := load.File(ctx, d, in, bytes.NewReader(raw))
	if err != nil || again.DuplicateOf == nil || again.DuplicateOf.ID != first.Batch.ID || again.Batch.ID != 0 {
		t.Fatalf("duplicate: %+v %v", again, err)
	}
	// Once rolled back, the same bytes apply again.
	if _, err := d.Rollback(ctx, first.Batch.ID, "admin", "test", ""); err != nil {
		t.Fatal(err)
	}
	third, err := load.File(ctx, d, in, bytes.NewReader(raw))
	if err != nil || third.DuplicateOf != nil || third.Batch.ID == 0 {
		t.Errorf("after rollback: %+v %v", third, err)
	}
	if _, err := load.File(ctx, d, load.Input{Name: "x.pdf", Kind: db.KindUpload}, strings.NewReader("%PDF-1.4")); !errors.Is(err, ingest.ErrUnsupportedFormat) {
		t.Errorf("pdf: %v", err)
	}
}

// importNow is the clock of the import tests' databases.
var importNow = time.Date(2024, 12, 1, 8, 0, 0, 0, time.UTC)
