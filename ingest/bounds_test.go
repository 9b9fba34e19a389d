package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"testing"
)

// countingRows wraps a sheet's rows and records the widest row it gave.
type countingRows struct {
	sheetRows
	widest int
}

func (c *countingRows) next() bool {
	ok := c.sheetRows.next()
	if ok {
		_, cells, _ := c.sheetRows.row()
		c.widest = max(c.widest, len(cells))
	}
	return ok
}

// TestCellsBeyondTheHeaderAreNotRead: on main a row with one cell at XFD
// was padded to 16,384 cells, row after row (54 s of CPU for 394 KB).
// Now a sheet's rows are cut 16 columns right of its header: a value
// there is still an unnamed_column warning, one further right is not
// read; a merged range across the whole width fills only that far. The
// same for .ods, whose repeated cells are not expanded beyond either.
func TestCellsBeyondTheHeaderAreNotRead(t *testing.T) {
	header := []any{"年份", "街道", "五好", "党群服务中心"}
	row := make([]any, 16384)
	copy(row, []any{2024, "西大街道", "是", "否"})
	row[9] = "备注"      // J: within the slack, an unnamed column
	row[16383] = "XFD" // far beyond
	data := buildWorkbook(t, sheetSpec{name: "台账", rows: [][]any{header, row, {2024, "东关街道", "是", "否"}}, merges: []string{"E3:XFD3"}})
	rows, rep := parseAll(t, "wide.xlsx", data, Options{})
	if len(rows) != 2 || len(rep.Errors) > 0 {
		t.Fatalf("rows %q errors %v", rows, codes(rep.Errors))
	}
	var unnamed []string
	for _, w := range rep.Warnings {
		if w.Code == "unnamed_column" {
			unnamed = append(unnamed, w.Params["col"])
		}
	}
	if fmt.Sprint(unnamed) != "[J]" {
		t.Errorf("unnamed columns %v, want [J] only", unnamed)
	}

	// What the reader hands over: no row wider than the header and slack.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	wb, err := openXLSX(zr, DefaultXLSXUnzipLimit)
	if err != nil {
		t.Fatal(err)
	}
	p := &parser{ctx: context.Background(), name: "wide.xlsx", opts: Options{MaxRows: DefaultMaxRows}, seed: maphash.MakeSeed(), seen: map[uint64]uint64{}, grouped: map[groupKey]int{}, missing: map[field]int{}}
	p.rep.Format = "xlsx"
	counted := &countingRows{}
	p.parseWorkbook(bookFunc{wb, func(rs sheetRows) sheetRows { counted.sheetRows = rs; return counted }})
	if counted.widest > len(header)+headerSlack {
		t.Errorf("the reader gave a row of %d cells past the header's %d", counted.widest, len(header))
	}

	ods := buildZipEntries(t, map[string]string{
		"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml": `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
			`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>` +
			`<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>年份</text:p></table:table-cell>` +
			`<table:table-cell office:value-type="string"><text:p>街道</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>五好</text:p></table:table-cell></table:table-row>` +
			`<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="float" office:value="2024"/><table:table-cell office:value-type="string"><text:p>西大街道</text:p></table:table-cell>` +
			`<table:table-cell office:value-type="string"><text:p>是</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>` +
			`</table:table></office:spreadsheet></office:body></office:document-content>`,
	})
	_, rep = parseAll(t, "wide.ods", ods, Options{})
	if w := warning(t, rep, "unnamed_column"); w.Params["col"] != "D" || w.Count != 3 {
		t.Errorf("ods: %+v", w)
	}
	if n := strings.Count(fmt.Sprint(codes(rep.Errors)), "duplicate_unit"); n != 2 {
		t.Errorf("ods errors %v", codes(rep.Errors))
	}
}

// bookFunc wraps a book's sheets.
type bookFunc struct {
	book
	wrap func(sheetRows) sheetRows
}

func (b bookFunc) rows(i int) (sheetRows, error) {
	rs, err := b.book.rows(i)
	if err != nil {
		return nil, err
	}
	return b.wrap(rs), nil
}

func buildZipEntries(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"mimetype", "content.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSharedStringsBounded: on main a 43 KB .xlsx with 900,000 shared
// strings took 383 MiB. Now a table larger than its sheets can use is
// refused (file_too_large, reason strings) before it is read whole; a
// workbook's usual table is read.
func TestSharedStringsBounded(t *testing.T) {
	if n := maxSharedStrings(600, DefaultXLSXUnzipLimit); n != 1<<16 {
		t.Errorf("a small sheet may use %d strings, want 65,536", n)
	}
	if n := maxSharedStrings(1<<40, DefaultXLSXUnzipLimit); n != 1<<21 {
		t.Errorf("a declared 1 TiB sheet may use %d strings, want 2,097,152", n)
	}
	if n := maxSharedStrings(1<<40, 8<<20); n != 8<<20/16 {
		t.Errorf("a declared 1 TiB sheet with an 8 MiB unzip limit may use %d strings, want the limit / 16", n)
	}
	var sst strings.Builder
	sst.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for range 1<<16 + 1 {
		sst.WriteString(`<si><t>街道</t></si>`)
	}
	sst.WriteString(`</sst>`)
	good := buildWorkbook(t, sheetSpec{name: "S", rows: [][]any{{"年份", "街道", "五好"}, {2024, "西大街道", "是"}}})
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if f.Name == "xl/sharedStrings.xml" {
			w.Write([]byte(sst.String()))
			continue
		}
		rc, _ := f.Open()
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		w.Write(part.Bytes())
	}
	zw.Close()
	_, rep := parseAll(t, "strings.xlsx", b.Bytes(), Options{})
	if len(rep.Errors) != 1 || rep.Errors[0].Code != "file_too_large" || rep.Errors[0].Params["reason"] != "strings" || rep.Errors[0].Params["limit"] != "65536" {
		t.Errorf("errors %+v", rep.Errors)
	}
	if rows, rep := parseAll(t, "good.xlsx", good, Options{}); len(rows) != 1 || len(rep.Errors) > 0 {
		t.Errorf("a plain workbook: %q %v", rows, codes(rep.Errors))
	}
}

// biffRec is one BIFF8 record.
func biffRec(typ uint16, data []byte) []byte {
	out := binary.LittleEndian.AppendUint16(nil, typ)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(data)))
	return append(out, data...)
}

// xlsStream is a Workbook stream of one sheet whose rows each hold 256
// RK numbers in one MULRK record, plus one cell beyond BIFF8's columns.
func xlsStream(rows int) []byte {
	bof := func(kind uint16) []byte {
		d := binary.LittleEndian.AppendUint16(nil, 0x0600)
		d = binary.LittleEndian.AppendUint16(d, kind)
		return biffRec(recBOF, append(d, make([]byte, 12)...))
	}
	sheetName := []byte{1, 0, 'S'}
	globals := len(bof(5)) + len(biffRec(recBoundSheet, append(make([]byte, 6), sheetName...))) + len(biffRec(recEOF, nil))
	bs := binary.LittleEndian.AppendUint32(nil, uint32(globals))
	bs = append(bs, 0, 0)
	s := append(bof(5), biffRec(recBoundSheet, append(bs, sheetName...))...)
	s = append(s, biffRec(recEOF, nil)...)
	s = append(s, bof(0x10)...)
	for r := range rows {
		d := binary.LittleEndian.AppendUint16(nil, uint16(r))
		d = binary.LittleEndian.AppendUint16(d, 0)
		for range 256 {
			d = binary.LittleEndian.AppendUint16(d, 0)
			d = binary.LittleEndian.AppendUint32(d, 1<<2|2) // the integer 1
		}
		d = binary.LittleEndian.AppendUint16(d, 255)
		s = append(s, biffRec(recMulRK, d)...)
	}
	rk := binary.LittleEndian.AppendUint16(nil, 0)
	rk = binary.LittleEndian.AppendUint16(rk, 300) // column 300: beyond IV
	rk = binary.LittleEndian.AppendUint16(rk, 0)
	rk = binary.LittleEndian.AppendUint32(rk, 1<<2|2)
	s = append(s, biffRec(recRK, rk)...)
	return append(s, biffRec(recEOF, nil)...)
}

// TestXLSBounded: an .xls sheet holds at most 2,097,152 cells (a MULRK
// bomb takes six bytes a cell) and none beyond BIFF8's 256 columns.
func TestXLSBounded(t *testing.T) {
	wb, err := openXLS(xlsStream(2))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := wb.rows(0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rs.(*xlsRows).cells); n != 512 {
		t.Errorf("%d cells, want 512 (none beyond column IV)", n)
	}
	wb, err = openXLS(xlsStream(maxXLSCells/256 + 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wb.rows(0); !errors.Is(err, errTooManyCells) {
		t.Errorf("a sheet of %d cells: %v", maxXLSCells+256, err)
	}
}

// TestParseStopsWithItsContext: a parse whose context ends stops within
// 1,024 rows with error parse_stopped; past Options.Timeout it says so.
func TestParseStopsWithItsContext(t *testing.T) {
	var b strings.Builder
	b.WriteString("年份,街道,社区\n")
	for i := range 100_000 {
		fmt.Fprintf(&b, "2024,西大街道,社区%d\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	at := -1
	rep, err := Parse(ctx, "big.csv", strings.NewReader(b.String()), Options{Progress: func(_ context.Context, rows int) {
		if at < 0 {
			at = rows
			cancel()
		}
	}}, nil)
	if err != nil || !rep.Stopped() || rep.Rows > at+rowCheck || rep.Errors[len(rep.Errors)-1].Params["reason"] != "" {
		t.Errorf("cancelled at row %d: %d rows, %v %+v", at, rep.Rows, err, rep.Errors)
	}
	rep, _ = Parse(context.Background(), "big.csv", strings.NewReader(b.String()), Options{Timeout: 1}, nil)
	if !rep.Stopped() || rep.Rows > rowCheck || rep.Errors[0].Params["reason"] != "timeout" {
		t.Errorf("past the time limit: %d rows %+v", rep.Rows, rep.Errors)
	}
}
