package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The hostile uploads of issue 16, built here: each is small on the wire
// and was, on main, seconds or hundreds of megabytes of work.

// zipFile is one entry of a built zip: its name and a writer of its
// content (streamed, so a bomb is never in memory whole).
type zipFile struct {
	name  string
	write func(w io.Writer) error
}

func buildZip(t *testing.T, files ...zipFile) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, f := range files {
		method := zip.Deflate
		if f.name == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.write(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// xlsxParts are the parts of a minimal .xlsx around one sheet's XML and
// an optional shared-strings part.
func xlsxParts(sheet func(io.Writer) error, sst func(io.Writer) error) []zipFile {
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	files := []zipFile{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`)},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	if sst != nil {
		files = append(files, zipFile{"xl/sharedStrings.xml", sst})
	}
	return files
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// headerRow is row 1 of a ledger: 年份, 街道, 五好, 党群服务中心 as inline
// strings.
const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>年份</t></is></c><c r="B1" t="inlineStr"><is><t>街道</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>五好</t></is></c><c r="D1" t="inlineStr"><is><t>党群服务中心</t></is></c></row>`

// xfdXLSX is a ledger whose rows below the header each hold one cell at
// column XFD (16384), the last Excel has: on main every row was padded
// to 16,384 cells (394 KB took 54 s of CPU).
func xfdXLSX(t *testing.T, rows int) []byte {
	return buildZip(t, xlsxParts(func(w io.Writer) error {
		io.WriteString(w, sheetHead+headerRow)
		for r := 2; r <= rows+1; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	}, nil)...)
}

// sstXLSX is a workbook of one header row whose shared-string table
// declares n strings (main read them all: 900k took 383 MiB).
func sstXLSX(t *testing.T, n int) []byte {
	return buildZip(t, xlsxParts(text(sheetHead+headerRow+sheetTail), func(w io.Writer) error {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, n, n)
		for range n {
			io.WriteString(w, `<si><t>街道街道街道街道街道街道</t></si>`)
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	})...)
}

// bombXLSX is a zip bomb: a sheet whose one inline-string cell unzips to
// size bytes.
func bombXLSX(t *testing.T, size int) []byte {
	return buildZip(t, xlsxParts(func(w io.Writer) error {
		io.WriteString(w, sheetHead+headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
		chunk := strings.Repeat("a", 64<<10)
		for n := 0; n < size; n += len(chunk) {
			io.WriteString(w, chunk)
		}
		_, err := io.WriteString(w, `</t></is></c></row>`+sheetTail)
		return err
	}, nil)...)
}

// bombODS is an .ods whose one row, 1,048,576 times repeated, holds a
// cell repeated over 16,384 columns: a billion cells declared in a few
// hundred bytes.
func bombODS(t *testing.T) []byte {
	content := `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
		`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>` +
		`<table:table table:name="Sheet1"><table:table-row>` +
		`<table:table-cell office:value-type="string"><text:p>年份</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>街道</text:p></table:table-cell>` +
		`<table:table-cell office:value-type="string"><text:p>五好</text:p></table:table-cell></table:table-row>` +
		`<table:table-row table:number-rows-repeated="1048575"><table:table-cell office:value-type="float" office:value="2024"/>` +
		`<table:table-cell table:number-columns-repeated="16383" office:value-type="string"><text:p>是</text:p></table:table-cell></table:table-row>` +
		`</table:table></office:spreadsheet></office:body></office:document-content>`
	return buildZip(t, zipFile{"mimetype", text("application/vnd.oasis.opendocument.spreadsheet")}, zipFile{"content.xml", text(content)})
}

// newStreetsCSV is a CSV of n rows, each a new street (main took 2.7 GB
// for 2,000,001 of them, 19 MiB).
func newStreetsCSV(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 11)
	b.WriteString("年份,街道\n")
	for i := range n {
		b.WriteString("2024,")
		b.WriteString(strconv.FormatInt(int64(i), 36))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// randomBytes is n bytes of noise (main kept 12×20 MiB of them as
// pending uploads, in every backup).
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
