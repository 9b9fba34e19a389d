package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/db"
)

func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "j.db")
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("年份,街道,五好\n2023,西大街道,是\n2023,东大街道,否\n"), 0o644)
	os.WriteFile(bad, []byte("年份,街道,社区,小区,星级\n2023,西大街道,光明社区,光明新村,6\n"), 0o644)
	runIn := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	// One bad file among good ones: exit 1, the error list, nothing imported.
	code, _, errOut := runIn("import", "--db", dbPath, good, bad)
	if code != 1 || !strings.Contains(errOut, "bad.csv:2: 星级:") {
		t.Fatalf("bad import: %d\n%s", code, errOut)
	}
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := d.Info(ctx); info.Units != 0 {
		t.Errorf("a refused import created %d units", info.Units)
	}
	d.Close()
	if code, out, e := runIn("import", "--db", dbPath, "--dry-run", good); code != 0 || !strings.Contains(out, "valid, 2 rows") {
		t.Errorf("dry run: %d %q %s", code, out, e)
	}
	if code, out, e := runIn("import", "--db", dbPath, good); code != 0 || !strings.Contains(out, "applied as batch 1") {
		t.Errorf("import: %d %q %s", code, out, e)
	}
	if code, out, _ := runIn("import", "--db", dbPath, good); code != 0 || !strings.Contains(out, "identical to batch 1") {
		t.Errorf("re-import: %d %q", code, out)
	}
	if code, _, _ := runIn("import", "--db", dbPath); code != 2 {
		t.Errorf("no files: %d", code)
	}
	if code, _, e := runIn("import", "--db", dbPath, "--as", "nobody", good); code != 1 || !strings.Contains(e, "nobody") {
		t.Errorf("--as unknown: %d %s", code, e)
	}
}

// .xls and .ods import like .xlsx; problems print in Chinese, or in
// English with --lang en.
func TestImportWorkbooksAndLanguage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "j.db")
	runIn := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	books := filepath.Join("..", "..", "ingest", "testdata", "workbooks")
	for _, name := range []string{"messy.xls", "messy.ods"} {
		if code, out, e := runIn("import", "--db", dbPath, "--dry-run", filepath.Join(books, name)); code != 0 || !strings.Contains(out, "valid, 3 rows") ||
			!strings.Contains(e, "warning: "+name+"[西大街道]:1: 已跳过第 1–2 行（标题）") {
			t.Errorf("%s: %d %q\n%s", name, code, out, e)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("年份,街道,社区,小区,星级\n2023,西大街道,光明社区,光明新村,6\n"), 0o644)
	if code, _, e := runIn("import", "--db", dbPath, "--lang", "en", bad); code != 1 || !strings.Contains(e, "bad.csv:2: 星级: The star count must be 0–5, not “6”.") {
		t.Errorf("--lang en: %d\n%s", code, e)
	}
	if code, _, e := runIn("import", "--db", dbPath, bad); code != 1 || !strings.Contains(e, "bad.csv:2: 星级: 星级必须是 0–5，实际为“6”") {
		t.Errorf("Chinese: %d\n%s", code, e)
	}
	if code, _, _ := runIn("import", "--db", dbPath, "--lang", "fr", bad); code != 2 {
		t.Errorf("--lang fr: %d", code)
	}
	if code, _, e := runIn("import", "--db", dbPath, filepath.Join(books, "encrypted.xlsx")); code != 1 || !strings.Contains(e, "已加密") {
		t.Errorf("encrypted: %d\n%s", code, e)
	}
}
