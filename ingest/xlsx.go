package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The .xlsx reader streams each worksheet's XML (encoding/xml tokens, one
// row at a time), after reading the shared strings, the cell formats
// (to tell date cells) and the sheet's merged ranges, which the XML keeps
// after the rows: a first pass over the sheet finds them with a byte
// search, without parsing the XML.

// errUnzipLimit means a workbook's parts unzip to more than the limit.
var errUnzipLimit = errors.New("ingest: workbook unzips beyond the limit")

// zipParts reads the parts of a zip package within a total budget of
// uncompressed bytes.
type zipParts struct {
	files  map[string]*zip.File
	lower  map[string]*zip.File
	budget int64
}

func newZipParts(zr *zip.Reader, limit int64) *zipParts {
	z := &zipParts{files: map[string]*zip.File{}, lower: map[string]*zip.File{}, budget: limit}
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "/")
		z.files[name] = f
		z.lower[strings.ToLower(name)] = f
	}
	return z
}

func (z *zipParts) find(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	if f, ok := z.files[name]; ok {
		return f
	}
	return z.lower[strings.ToLower(name)]
}

// open opens a part; its reads count against the budget.
func (z *zipParts) open(name string) (io.ReadCloser, error) {
	f := z.find(name)
	if f == nil {
		return nil, fmt.Errorf("ingest: no part %s: %w", name, zip.ErrFormat)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &budgetReader{rc: rc, z: z}, nil
}

type budgetReader struct {
	rc io.ReadCloser
	z  *zipParts
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.z.budget -= int64(n)
	if b.z.budget < 0 {
		return n, errUnzipLimit
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// attr returns the value of the attribute with local name local.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// eachToken calls fn for every token of a part (RawToken: no name-space
// translation, which the parts need not).
func (z *zipParts) eachToken(name string, fn func(d *xml.Decoder, tok xml.Token) error) error {
	rc, err := z.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(d, tok); err != nil {
			return err
		}
	}
}

// eachElement calls fn for every start element of a part.
func (z *zipParts) eachElement(name string, fn func(d *xml.Decoder, se xml.StartElement) error) error {
	return z.eachToken(name, func(d *xml.Decoder, tok xml.Token) error {
		if se, ok := tok.(xml.StartElement); ok {
			return fn(d, se)
		}
		return nil
	})
}

// relationships reads a .rels part: ID → target path, and type suffix →
// target path, resolved against dir.
func (z *zipParts) relationships(name, dir string) (byID, byType map[string]string, err error) {
	byID, byType = map[string]string{}, map[string]string{}
	if z.find(name) == nil {
		return byID, byType, nil
	}
	err = z.eachElement(name, func(_ *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "Relationship" {
			return nil
		}
		target := attr(se, "Target")
		if attr(se, "TargetMode") == "External" {
			return nil
		}
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(dir, target)
		}
		byID[attr(se, "Id")] = target
		t := attr(se, "Type")
		byType[t[strings.LastIndexByte(t, '/')+1:]] = target
		return nil
	})
	return byID, byType, err
}

// xlsxBook is an open .xlsx workbook.
type xlsxBook struct {
	z        *zipParts
	names    []string
	paths    []string
	sst      []string
	dateXF   []bool
	date1904 bool
}

func openXLSX(zr *zip.Reader, limit int64) (*xlsxBook, error) {
	// The workbook part and its relationships name the sheets first, the
	// shared strings are bounded by the sheets' size.
	b := &xlsxBook{z: newZipParts(zr, limit)}
	_, root, err := b.z.relationships("_rels/.rels", "")
	if err != nil {
		return nil, err
	}
	wbPath := root["officeDocument"]
	if wbPath == "" {
		wbPath = "xl/workbook.xml"
	}
	dir := path.Dir(wbPath)
	rels, byType, err := b.z.relationships(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), dir)
	if err != nil {
		return nil, err
	}
	err = b.z.eachElement(wbPath, func(_ *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			b.date1904 = v == "1" || v == "true"
		case "sheet":
			target := rels[attr(se, "id")]
			if target == "" {
				return fmt.Errorf("ingest: sheet %q has no part: %w", attr(se, "name"), zip.ErrFormat)
			}
			b.names = append(b.names, attr(se, "name"))
			b.paths = append(b.paths, target)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p := byType["sharedStrings"]; p != "" && b.z.find(p) != nil {
		var sheetBytes uint64
		for _, sp := range b.paths {
			if f := b.z.find(sp); f != nil {
				sheetBytes += f.UncompressedSize64
			}
		}
		if err := b.readSST(p, maxSharedStrings(sheetBytes, limit)); err != nil {
			return nil, err
		}
	}
	if p := byType["styles"]; p != "" && b.z.find(p) != nil {
		if err := b.readStyles(p); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// tooManyStrings means a shared-string table larger than its sheets can
// refer to: more than most strings.
type tooManyStrings struct{ most int }

func (e tooManyStrings) Error() string {
	return fmt.Sprintf("ingest: more than %d shared strings, more than the sheets can use", e.most)
}

// maxSharedStrings bounds a shared-string table: each string a sheet uses
// takes a cell of at least 16 bytes of XML (<c t="s"><v>1</v></c>), so
// there cannot be more than the sheets' size (as declared, within the
// unzip limit) over 16, nor more than 2,097,152; 65,536 are always
// allowed. A small workbook with 900,000 strings no cell uses is refused
// before they are read.
func maxSharedStrings(sheetBytes uint64, limit int64) int {
	n := min(sheetBytes, uint64(max(limit, 0))) / 16
	return int(max(min(n, 1<<21), 1<<16))
}

// readSST reads the shared strings: the text of each <si>, rich-text runs
// joined, phonetic runs (<rPh>) left out; more than most strings are
// tooManyStrings.
func (b *xlsxBook) readSST(name string, most int) error {
	var sb strings.Builder
	inSI, inT, phonetic := false, false, 0
	return b.z.eachToken(name, func(_ *xml.Decoder, tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				sb.Reset()
			case "rPh":
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				if len(b.sst) >= most {
					return tooManyStrings{most}
				}
				b.sst = append(b.sst, unescapeOOXML(sb.String()))
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				sb.Write(t)
			}
		}
		return nil
	})
}

// readStyles marks the cell formats (<cellXfs>) that show a date.
func (b *xlsxBook) readStyles(name string) error {
	custom := map[int]string{}
	inXfs := false
	return b.z.eachToken(name, func(_ *xml.Decoder, tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, _ := strconv.Atoi(attr(t, "numFmtId"))
				custom[id] = attr(t, "formatCode")
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(attr(t, "numFmtId"))
					code, ok := custom[id]
					b.dateXF = append(b.dateXF, isDateFormat(id, code, ok))
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
		return nil
	})
}

// isDateFormat reports whether a number format shows a date: one of the
// built-in date formats, or a format code with date or time parts outside
// quoted text and brackets.
func isDateFormat(id int, code string, custom bool) bool {
	if !custom {
		return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
	}
	quoted, bracket, escaped := false, false, false
	for _, r := range code {
		switch {
		case escaped:
			escaped = false
		case quoted:
			quoted = r != '"'
		case bracket:
			bracket = r != ']'
		case r == '"':
			quoted = true
		case r == '[':
			bracket = true
		case r == '\\':
			escaped = true
		case strings.ContainsRune("yYmMdDhHsS", r):
			return !strings.EqualFold(code, "general")
		}
	}
	return false
}

// serialDate gives an Excel date serial as "2006-01-02".
func serialDate(v float64, date1904 bool) string {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case v < 61: // Excel's 1900 counts a 29 February that never was
		base = base.AddDate(0, 0, 1)
	}
	return base.AddDate(0, 0, int(math.Floor(v))).Format("2006-01-02")
}

// numberText writes a number cell: whole numbers without decimals, a date
// cell as its date.
func numberText(v string, date, date1904 bool) string {
	if v == "" {
		return ""
	}
	plain := true
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < '0' || c > '9') && !(i == 0 && c == '-') {
			plain = false
			break
		}
	}
	if plain && !date {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v
	}
	if date && f >= 0 && f < 2958466 { // up to 9999-12-31
		return serialDate(f, date1904)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// unescapeOOXML decodes the _xHHHH_ escapes OOXML uses for control
// characters in text.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 6
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (b *xlsxBook) sheets() []string { return b.names }

// rows opens worksheet i: its merged ranges first, then a stream of rows.
func (b *xlsxBook) rows(i int) (sheetRows, error) {
	merges, err := b.scanMerges(b.paths[i])
	if err != nil {
		return nil, err
	}
	rc, err := b.z.open(b.paths[i])
	if err != nil {
		return nil, err
	}
	return &xlsxRows{b: b, rc: rc, d: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10)), mergeList: merges, maxCol: maxSheetCols}, nil
}

// scanMerges finds the <mergeCell ref="A1:B2"/> elements of a sheet by a
// byte search over its XML.
func (b *xlsxBook) scanMerges(name string) ([]cellRange, error) {
	rc, err := b.z.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []cellRange
	const keep = 512
	buf := make([]byte, 0, 64<<10+keep)
	chunk := make([]byte, 64<<10)
	for {
		n, rerr := io.ReadFull(rc, chunk)
		buf = append(buf, chunk[:n]...)
		end := len(buf)
		if rerr == nil {
			end = max(0, len(buf)-keep) // an element may continue in the next chunk
		}
		at := 0
		for {
			i := bytes.Index(buf[at:end], []byte("mergeCell "))
			if i < 0 {
				break
			}
			at += i + len("mergeCell ")
			j := bytes.Index(buf[at:], []byte(`ref="`))
			if j < 0 || j > 200 {
				continue
			}
			ref := buf[at+j+5:]
			k := bytes.IndexByte(ref, '"')
			if k < 0 {
				continue
			}
			if r, ok := parseRange(string(ref[:k])); ok {
				out = append(out, r)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
		at = max(at, end)
		buf = append(buf[:0], buf[at:]...)
	}
	slices.SortStableFunc(out, func(a, b cellRange) int { return a.r0 - b.r0 })
	return out, nil
}

// parseRange parses "A1:C3" (or one cell "A1").
func parseRange(s string) (cellRange, bool) {
	a, c, _ := strings.Cut(s, ":")
	if c == "" {
		c = a
	}
	c0, r0, ok1 := parseRef(a)
	c1, r1, ok2 := parseRef(c)
	if !ok1 || !ok2 || r1 < r0 || c1 < c0 {
		return cellRange{}, false
	}
	return cellRange{r0: r0, c0: c0, r1: r1, c1: c1}, true
}

// Bounds of a worksheet.
const (
	maxSheetCols = 16384
	maxSheetRows = 1 << 20
)

// parseRef parses "B3" into column 1 (0-based) and row 3; "$B$3" too.
func parseRef(s string) (col, row int, ok bool) {
	i := 0
	col = 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '$':
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			goto digits
		}
		i++
		if col > maxSheetCols {
			return 0, 0, false
		}
	}
digits:
	if col == 0 {
		return 0, 0, false
	}
	s = strings.TrimPrefix(s[i:], "$")
	row, err := strconv.Atoi(s)
	if err != nil || row < 1 || row > maxSheetRows {
		return 0, 0, false
	}
	return col - 1, row, true
}

// sheetRows is a stream of a worksheet's rows.
type sheetRows interface {
	// next reads the next row; false at the end or on an error.
	next() bool
	// row is the current row: its number as Excel shows it, its cells
	// (the caller may change them until the next call) and whether it is
	// hidden (also when filtered out).
	row() (num int, cells []string, hidden bool)
	// merges are the sheet's merged ranges by top row, those known so
	// far (all of them for .xlsx and .xls).
	merges() []cellRange
	// limit stops reading cells at column n (0-based) and beyond: once a
	// sheet's header is known, a cell far right of it is never decoded
	// nor padded up to (a hostile row with one cell at XFD).
	limit(n int)
	err() error
	close()
}

// xlsxRows streams one worksheet.
type xlsxRows struct {
	b         *xlsxBook
	rc        io.ReadCloser
	d         *xml.Decoder
	mergeList []cellRange
	num       int
	cells     []string
	hidden    bool
	maxCol    int // cells at this column and beyond are skipped
	e         error
	done      bool
}

func (r *xlsxRows) limit(n int)         { r.maxCol = min(n, maxSheetCols) }
func (r *xlsxRows) merges() []cellRange { return r.mergeList }
func (r *xlsxRows) err() error          { return r.e }
func (r *xlsxRows) close()              { r.rc.Close() }
func (r *xlsxRows) row() (int, []string, bool) {
	return r.num, r.cells, r.hidden
}

func (r *xlsxRows) fail(err error) bool {
	r.e, r.done = err, true
	return false
}

func (r *xlsxRows) next() bool {
	if r.done {
		return false
	}
	for {
		tok, err := r.d.RawToken()
		if err == io.EOF {
			r.done = true
			return false
		}
		if err != nil {
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				return r.readRow(t)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				r.done = true
				return false
			}
		}
	}
}

// readRow reads a <row> element's cells.
func (r *xlsxRows) readRow(se xml.StartElement) bool {
	num := r.num + 1
	if v := attr(se, "r"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSheetRows {
			return r.fail(fmt.Errorf("ingest: bad row number %q", v))
		}
		num = n
	}
	h := attr(se, "hidden")
	r.num, r.hidden = num, h == "1" || h == "true"
	r.cells = r.cells[:0]
	col := -1
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			if ref := attr(t, "r"); ref != "" {
				c, _, ok := parseRef(ref)
				if !ok {
					return r.fail(fmt.Errorf("ingest: bad cell reference %q", ref))
				}
				col = c
			}
			if col >= r.maxCol {
				if r.maxCol < maxSheetCols {
					if err := skipRaw(r.d); err != nil {
						return r.fail(err)
					}
					continue
				}
				return r.fail(fmt.Errorf("ingest: column beyond %d", maxSheetCols))
			}
			v, err := r.readCell(t)
			if err != nil {
				return r.fail(err)
			}
			if v != "" {
				for len(r.cells) < col {
					r.cells = append(r.cells, "")
				}
				r.cells = append(r.cells[:col], v)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				return true
			}
		}
	}
}

// readCell reads a <c> element and returns its text.
func (r *xlsxRows) readCell(se xml.StartElement) (string, error) {
	typ := attr(se, "t")
	style := -1
	if s := attr(se, "s"); s != "" {
		style, _ = strconv.Atoi(s)
	}
	var v, inline strings.Builder
	in := ""
	phonetic := 0
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v", "t":
				in = t.Name.Local
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				return r.cellText(typ, style, v.String(), inline.String())
			case "rPh":
				phonetic--
			}
			in = ""
		case xml.CharData:
			switch {
			case in == "v":
				v.Write(t)
			case in == "t" && phonetic == 0:
				inline.Write(t)
			}
		}
	}
}

func (r *xlsxRows) cellText(typ string, style int, v, inline string) (string, error) {
	b := r.b
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(b.sst) {
			return "", fmt.Errorf("ingest: shared string %q out of range", v)
		}
		return b.sst[i], nil
	case "inlineStr":
		return unescapeOOXML(inline), nil
	case "str", "e":
		return unescapeOOXML(v), nil
	case "b":
		switch strings.TrimSpace(v) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return v, nil
	case "d":
		if len(v) >= 10 && v[4] == '-' {
			return v[:10], nil
		}
		return v, nil
	}
	date := style >= 0 && style < len(b.dateXF) && b.dateXF[style]
	return numberText(strings.TrimSpace(v), date, b.date1904), nil
}
