package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"jindu/web/i18n"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

func hasCode(ps []Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func TestUnsupportedFormat(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"report.pdf", []byte("%PDF-1.4\n")},
		{"noext", []byte{0, 1, 2, 3}},
		{"binary.xlsx", []byte{0, 1, 2, 3}},
		{"binary.xls", []byte{0, 1, 2, 3}},
		{"binary.ods", []byte{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		rep, err := Parse(context.Background(), tt.name, bytes.NewReader(tt.data), Options{}, nil)
		if !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("%s: err = %v, want ErrUnsupportedFormat", tt.name, err)
			continue
		}
		if !strings.Contains(err.Error(), "CSV") || !strings.Contains(err.Error(), ".xlsx") || !strings.Contains(err.Error(), "GBK") {
			t.Errorf("%s: message does not list the accepted formats: %v", tt.name, err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Code != "unsupported_format" || rep.Format != "" {
			t.Errorf("%s: report = %+v", tt.name, rep)
		}
	}
}

// Damaged workbooks of every accepted kind are errors of their format,
// not unsupported files: .xls and .ods are read like .xlsx.
func TestDamagedWorkbooks(t *testing.T) {
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0}
	for _, tt := range []struct {
		name string
		data []byte
		code string
	}{
		{"old.xls", ole, "bad_xls"},
		{"encrypted.xlsx", ole, "bad_xls"},
		{"renamed.csv", ole, "bad_xls"},
		{"ledger.ods", []byte("PK\x03\x04rest"), "bad_ods"},
	} {
		rep, err := Parse(context.Background(), tt.name, bytes.NewReader(tt.data), Options{}, nil)
		if err != nil || !hasCode(rep.Errors, tt.code) || rep.Rows != 0 {
			t.Errorf("%s: %v %+v", tt.name, err, rep)
		}
	}
}

func TestFormatFallback(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "good.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ledger", "ledger.csv", `C:\Users\clerk\ledger.CSV`} {
		rep, err := Parse(context.Background(), name, bytes.NewReader(data), Options{}, nil)
		if err != nil || rep.Format != "xlsx" || rep.Rows != 5 || len(rep.Errors) != 0 {
			t.Errorf("%s: %v %+v", name, err, rep)
		}
		if (name != "ledger") != hasCode(rep.Warnings, "format_mismatch") {
			t.Errorf("%s: warnings %v", name, codes(rep.Warnings))
		}
	}
	rep, err := Parse(context.Background(), "ledger.xlsx", strings.NewReader("年份,街道\n2023,西大街道\n"), Options{}, nil)
	if err != nil || rep.Format != "csv" || rep.Rows != 1 || !hasCode(rep.Warnings, "format_mismatch") {
		t.Errorf("text named .xlsx: %v %+v", err, rep)
	}
	rep, err = Parse(context.Background(), "noext", strings.NewReader("年份,街道\n2023,西大街道\n"), Options{}, nil)
	if err != nil || rep.Format != "csv" || rep.Rows != 1 {
		t.Errorf("text without extension: %v %+v", err, rep)
	}
}

func TestBadXLSX(t *testing.T) {
	rep, err := Parse(context.Background(), "broken.xlsx", strings.NewReader("PK\x03\x04 this is not a zip"), Options{}, nil)
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != "bad_xlsx" {
		t.Errorf("%v %+v", err, rep)
	}
}

func TestXLSXUnzipLimit(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "good.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Parse(context.Background(), "good.xlsx", bytes.NewReader(data), Options{XLSXUnzipLimit: 2048}, nil)
	if err != nil || !hasCode(rep.Errors, "file_too_large") || rep.Rows != 0 {
		t.Errorf("%v %+v", err, rep)
	}
}

// A file whose first 64 KiB are UTF-8 is read as UTF-8; a later GBK row is
// bad_encoding on its own row, the rows around it are imported.
func TestInvalidUTF8AfterPrefix(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("年份,街道,社区,小区,星级\n")
	n := 1
	for b.Len() < sniffSize+1000 {
		n++
		fmt.Fprintf(&b, "2023,西大街道,天宝社区,小区%d,3\n", n)
	}
	bad := n + 1
	b.WriteString("2023,西大街道,天宝社区,\xd0\xa1\xc7\xf8,3\n") // 小区 in GBK
	b.WriteString("2023,西大街道,天宝社区,最后小区,3\n")
	var got int
	rep, err := Parse(context.Background(), "mixed.csv", &b, Options{}, func(Row) error { got++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Encoding != "utf-8" || len(rep.Errors) != 1 || rep.Errors[0].Code != "bad_encoding" || rep.Errors[0].Row != bad || rep.Errors[0].Column != "小区" {
		t.Fatalf("report: %+v", rep)
	}
	if got != n || rep.Rows != n || rep.Invalid != 1 {
		t.Errorf("emitted %d rows, report %d, invalid %d; want %d", got, rep.Rows, rep.Invalid, n)
	}
}

// A multibyte character cut by the 64 KiB sniffing boundary does not make
// the file look like GBK.
func TestUTF8CharOnSniffBoundary(t *testing.T) {
	head := "年份,街道\n"
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len() < sniffSize-20; i++ {
		fmt.Fprintf(&b, "2023,a%07d\n", i)
	}
	b.WriteString("2023,")
	for b.Len() < sniffSize-1 {
		b.WriteString("a")
	}
	b.WriteString("街道\n") // starts one byte before the boundary
	rep, err := Parse(context.Background(), "edge.csv", strings.NewReader(b.String()), Options{}, nil)
	if err != nil || rep.Encoding != "utf-8" || len(rep.Errors) != 0 {
		t.Errorf("%v encoding %q errors %v", err, rep.Encoding, codes(rep.Errors))
	}
}

func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("年份,街道,五好\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "2023,街道%d,也许%d\n", i, i) // distinct values: one error each
	}
	rep, err := Parse(context.Background(), "many.csv", strings.NewReader(b.String()), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != MaxStoredProblems+1 {
		t.Fatalf("%d errors stored", len(rep.Errors))
	}
	last := localize(i18n.Zh, rep.Errors[len(rep.Errors)-1:])[0]
	if last.Code != "too_many_errors" || last.Value != "1500" || !strings.Contains(last.Message, "1500") {
		t.Errorf("last problem %+v", last)
	}
	if rep.Invalid != 1500 || rep.Rows != 0 {
		t.Errorf("invalid %d rows %d", rep.Invalid, rep.Rows)
	}
}

func TestEmitError(t *testing.T) {
	stop := errors.New("database full")
	calls := 0
	_, err := Parse(context.Background(), "a.csv", strings.NewReader("年份,街道\n2023,甲\n2023,乙\n2023,丙\n"), Options{}, func(Row) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("年份,街道\n2023,甲\n"), iotest.ErrReader(boom))
	_, err := Parse(context.Background(), "a.csv", r, Options{}, nil)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the read error", err)
	}
	_, err = Parse(context.Background(), "a.csv", iotest.TimeoutReader(strings.NewReader(strings.Repeat("年份,街道\n", 20000))), Options{}, nil)
	if err == nil {
		t.Error("timeout after the sniffed prefix was not reported")
	}
}

func TestUnclosedQuoteIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("年份,街道\n2023,\"西大街道\n")
	for b.Len() < 3<<20 {
		b.WriteString("2023,东大街道\n")
	}
	rep, err := Parse(context.Background(), "big.csv", strings.NewReader(b.String()), Options{}, nil)
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != "unclosed_quote" || rep.Errors[0].Row != 2 {
		t.Errorf("%v %+v", err, rep)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.csv", Row: 7, Column: "星级", Message: "星级必须是 0–5"}, "a.csv:7: 星级: 星级必须是 0–5"},
		{Problem{File: "a.xlsx", Sheet: "Sheet1", Row: 7, Column: "星级", Message: "m"}, "a.xlsx[Sheet1]:7: 星级: m"},
		{Problem{File: "a.csv", Row: 3, Message: "m"}, "a.csv:3: m"},
		{Problem{File: "a.csv", Message: "文件是空的"}, "a.csv: 文件是空的"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestWriteProblemsCSV(t *testing.T) {
	ps := []Problem{
		{File: "a.csv", Row: 7, Column: "星级", Value: "=HYPERLINK(\"x\")", Code: "bad_stars", Message: "无法识别"},
		{File: "a.xlsx", Sheet: "台账", Value: "-1", Code: "header_only", Message: "+m"},
		{File: "@f", Value: "\tx", Code: "c", Message: "\rm"},
	}
	var b bytes.Buffer
	if err := WriteProblemsCSV(&b, csvHeader, ps); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"文件", "工作表", "行", "列", "值", "代码", "说明"},
		{"a.csv", "", "7", "星级", "'=HYPERLINK(\"x\")", "bad_stars", "无法识别"},
		{"a.xlsx", "台账", "", "", "'-1", "header_only", "'+m"},
		{"'@f", "", "", "", "'\tx", "c", "'m"}, // csv.Writer with UseCRLF drops a lone \r
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", recs, want)
	}
}

// Problems found by Parse and written out read back with the same text.
func TestProblemsRoundTrip(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bad_values.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := Parse(context.Background(), "bad_values.csv", bytes.NewReader(data), Options{}, nil)
	var b bytes.Buffer
	rep.Errors = localize(i18n.Zh, rep.Errors)
	if err := WriteProblemsCSV(&b, csvHeader, rep.Errors); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil || len(recs) != len(rep.Errors)+1 {
		t.Fatalf("%v: %d records", err, len(recs))
	}
	for i, p := range rep.Errors {
		if recs[i+1][6] != p.Message || recs[i+1][5] != p.Code {
			t.Errorf("record %d = %q", i+1, recs[i+1])
		}
	}
}
