package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The .ods reader streams content.xml (encoding/xml tokens, one row at a
// time). OpenDocument marks a merged range on its top-left cell
// (number-columns-spanned, number-rows-spanned), so merges are known as
// the rows arrive; repeated empty rows and cells (a sheet often ends with
// a million of them) are skipped, not expanded.

// isODS reports whether a zip is an OpenDocument spreadsheet.
func isODS(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if f.Name == "mimetype" {
			rc, err := f.Open()
			if err != nil {
				return false
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			return strings.HasPrefix(string(b), "application/vnd.oasis.opendocument.spreadsheet")
		}
	}
	return false
}

// odsBook is an open .ods file: content.xml read once, sheet after sheet.
type odsBook struct {
	z     *zipParts
	names []string
	rc    io.ReadCloser
	d     *xml.Decoder
	at    int // index of the sheet the decoder is in, -1 before the first
}

func openODS(zr *zip.Reader, limit int64) (*odsBook, error) {
	b := &odsBook{z: newZipParts(zr, limit), at: -1}
	if b.z.find("META-INF/manifest.xml") != nil {
		rc, err := b.z.open("META-INF/manifest.xml")
		if err != nil {
			return nil, err
		}
		m, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		if bytes.Contains(m, []byte("encryption-data")) {
			return nil, errEncrypted
		}
	}
	if err := b.z.eachElement("content.xml", func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "table" && se.Name.Space == "table" {
			b.names = append(b.names, attr(se, "name"))
			return skipRaw(d)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	rc, err := b.z.open("content.xml")
	if err != nil {
		return nil, err
	}
	b.rc, b.d = rc, xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	return b, nil
}

func (b *odsBook) sheets() []string { return b.names }

// rows moves to sheet i; sheets are read in order.
func (b *odsBook) rows(i int) (sheetRows, error) {
	if i <= b.at {
		return nil, fmt.Errorf("ingest: sheet %d read out of order", i)
	}
	for b.at < i {
		if err := b.nextTable(); err != nil {
			return nil, err
		}
	}
	return &odsRows{b: b, maxCol: maxSheetCols}, nil
}

// nextTable advances the decoder past the next <table:table> start.
func (b *odsBook) nextTable() error {
	for {
		tok, err := b.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "table" && se.Name.Space == "table" {
			b.at++
			return nil
		}
	}
}

// odsRows streams one sheet.
type odsRows struct {
	b         *odsBook
	num       int // rows read so far, repeated ones included
	cells     []string
	hidden    bool
	repeat    int // further copies of the current row to give
	maxCol    int // cells at this column and beyond are skipped
	mergeList []cellRange
	e         error
	done      bool
}

func (r *odsRows) limit(n int)         { r.maxCol = min(n, maxSheetCols) }
func (r *odsRows) merges() []cellRange { return r.mergeList }
func (r *odsRows) err() error          { return r.e }
func (r *odsRows) close() {
	if !r.done { // skip the rest of the sheet so the next one can be found
		for r.next() {
		}
	}
}
func (r *odsRows) row() (int, []string, bool) { return r.num, r.cells, r.hidden }

func (r *odsRows) fail(err error) bool {
	r.e, r.done = err, true
	return false
}

func (r *odsRows) next() bool {
	if r.done {
		return false
	}
	if r.repeat > 0 {
		r.repeat--
		r.num++
		if r.num > maxSheetRows {
			return r.fail(fmt.Errorf("ingest: more than %d rows", maxSheetRows))
		}
		return true
	}
	d := r.b.d
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "table-row" {
				n := repeatCount(attr(t, "number-rows-repeated"))
				v := attr(t, "visibility")
				r.hidden = v == "collapse" || v == "filter"
				if err := r.readRow(); err != nil {
					return r.fail(err)
				}
				if len(r.cells) == 0 { // empty rows, however many, give nothing
					r.num += n
					if r.num > maxSheetRows {
						r.num = maxSheetRows
					}
					continue
				}
				r.num++
				r.repeat = min(n, maxSheetRows) - 1
				if r.num > maxSheetRows {
					return r.fail(fmt.Errorf("ingest: more than %d rows", maxSheetRows))
				}
				return true
			}
		case xml.EndElement:
			if t.Name.Local == "table" && t.Name.Space == "table" {
				r.done = true
				return false
			}
		}
	}
}

func repeatCount(s string) int {
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxSheetRows)
}

// readRow reads the cells of a <table:table-row>; trailing empty cells
// are dropped.
func (r *odsRows) readRow() error {
	d := r.b.d
	r.cells = r.cells[:0]
	row := r.num + 1
	col := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				if err := skipRaw(d); err != nil {
					return err
				}
				continue
			}
			n := repeatCount(attr(t, "number-columns-repeated"))
			if col >= r.maxCol && r.maxCol < maxSheetCols {
				if err := skipRaw(d); err != nil { // beyond the header: not read
					return err
				}
				col += n
				continue
			}
			v, err := odsCell(d, t)
			if err != nil {
				return err
			}
			cs, _ := strconv.Atoi(attr(t, "number-columns-spanned"))
			rs, _ := strconv.Atoi(attr(t, "number-rows-spanned"))
			if t.Name.Local == "table-cell" && (cs > 1 || rs > 1) {
				r.mergeList = append(r.mergeList, cellRange{r0: row, c0: col, r1: row + max(rs, 1) - 1, c1: col + max(cs, 1) - 1})
			}
			if v != "" {
				for ; n > 0 && col < r.maxCol; n-- {
					for len(r.cells) < col {
						r.cells = append(r.cells, "")
					}
					r.cells = append(r.cells, v)
					col++
				}
				if n > 0 && r.maxCol >= maxSheetCols {
					return fmt.Errorf("ingest: column beyond %d", maxSheetCols)
				}
			}
			col += n
		case xml.EndElement:
			if t.Name.Local == "table-row" {
				return nil
			}
		}
	}
}

// odsCell reads a cell's value: the typed value for numbers, dates and
// booleans, else its text (paragraphs joined by line breaks; notes left
// out).
func odsCell(d *xml.Decoder, se xml.StartElement) (string, error) {
	typ := attr(se, "value-type")
	var text strings.Builder
	paras, depth := 0, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "annotation":
				if err := skipRaw(d); err != nil {
					return "", err
				}
				continue
			case "p", "h":
				if depth == 0 {
					if paras > 0 {
						text.WriteByte('\n')
					}
					paras++
				}
			case "s":
				n, _ := strconv.Atoi(attr(t, "c"))
				text.WriteString(strings.Repeat(" ", min(max(n, 1), 100)))
			case "tab":
				text.WriteByte('\t')
			case "line-break":
				text.WriteByte('\n')
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				goto done
			}
			depth--
		case xml.CharData:
			if depth > 0 {
				text.Write(t)
			}
		}
	}
done:
	switch typ {
	case "float", "percentage", "currency":
		if v := attr(se, "value"); v != "" {
			return numberText(v, false, false), nil
		}
	case "date":
		if v := attr(se, "date-value"); len(v) >= 10 {
			return v[:10], nil
		}
	case "boolean":
		switch attr(se, "boolean-value") {
		case "true":
			return "TRUE", nil
		case "false":
			return "FALSE", nil
		}
	}
	return text.String(), nil
}

// skipRaw skips to the end of the element just started, with RawToken
// (Decoder.Skip uses Token, which must not be mixed with RawToken).
func skipRaw(d *xml.Decoder) error {
	depth := 1
	for depth > 0 {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}
