// Package testutil holds the helpers the tests of several packages share:
// a fresh database and a dump of one, finding Chromium, reading a PDF with
// poppler-utils, and encoding a ledger in GB18030.
//
// Only tests import it. It lives under a testdata directory so that the
// go command's ./... leaves it out: deadcode, which counts only what a
// main package reaches, would otherwise list every helper here as dead.
// `go vet` and staticcheck are run on it by name (docs/architecture.md).
package testutil

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jindu/db"
	"jindu/metrics"
)

// OpenDB opens a fresh database file in a temporary directory, with its
// clock fixed at now, closed when the test ends; it returns the file's
// path too.
func OpenDB(t testing.TB, now time.Time) (*db.DB, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "jindu.db")
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return now }
	t.Cleanup(func() { d.Close() })
	return d, p
}

// Dump is every row of every table of the database file at path, in a
// stable order: "the database as it is", independent of WAL frames a
// rolled-back transaction may leave. The tables named in skip are left
// out (e.g. sessions, which a login changes).
func Dump(t testing.TB, path string, skip ...string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tbl := range tables {
		if slices.Contains(skip, tbl) {
			continue
		}
		rs, err := raw.Query(`SELECT * FROM "` + tbl + `" ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		rs.Close()
	}
	return b.String()
}

// Chromium finds Debian's chromium. Without it a test skips on a
// developer machine and fails in CI (CI installs it); under -short it
// always skips.
func Chromium(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no Chromium")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("chromium not installed: apt-get install chromium fonts-noto-cjk")
	return ""
}

// Poppler runs a poppler-utils tool on a PDF (the argument "PDF" names its
// file) and returns its output. Without the tool a test skips on a
// developer machine and fails in CI.
func Poppler(t testing.TB, pdf []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; apt-get install poppler-utils", tool)
		}
		t.Skipf("%s not installed: apt-get install poppler-utils", tool)
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args = append([]string(nil), args...)
	for i, a := range args {
		if a == "PDF" {
			args[i] = f
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", tool, err, out, stderr.Bytes())
	}
	return string(out)
}

// PDFText is a PDF's text laid out as on the page (pdftotext -layout).
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	return Poppler(t, pdf, "pdftotext", "-layout", "PDF", "-")
}

// GB18030 encodes s as a Chinese Excel saves a CSV (GBK's superset).
func GB18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Records yields rs, for db.Apply.
func Records(rs ...metrics.Record) iter.Seq2[metrics.Record, error] {
	return func(yield func(metrics.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
