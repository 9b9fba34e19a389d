package ingest

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strconv"
	uni16 "unicode/utf16"
)

// The .xls reader: BIFF8, the format of Excel 97–2003 and what WPS and
// LibreOffice save as .xls, read from the Workbook stream of the OLE2
// container (github.com/richardlehane/mscfb). It reads what a ledger
// needs — cell values (shared strings, labels, numbers, RK numbers,
// formula results, booleans), the cell formats that mark date cells,
// merged ranges and hidden rows — and ignores the rest. Every length is
// checked against the record it is in, so a damaged file is an error,
// never a read beyond it; the stream is in memory already (at most the
// file's size).

// errOldXLS means a workbook of Excel 95 or older (BIFF5 and before).
var errOldXLS = errors.New("ingest: the .xls predates Excel 97 (BIFF5)")

var errBIFF = errors.New("ingest: damaged BIFF record")

// BIFF8 record types read.
const (
	recBOF         = 0x0809
	recEOF         = 0x000A
	recFilePass    = 0x002F
	recBoundSheet  = 0x0085
	recSST         = 0x00FC
	recContinue    = 0x003C
	recFormat      = 0x041E
	recXF          = 0x00E0
	recDateMode    = 0x0022
	recRow         = 0x0208
	recLabelSST    = 0x00FD
	recLabel       = 0x0204
	recRString     = 0x00D6
	recNumber      = 0x0203
	recRK          = 0x027E
	recMulRK       = 0x00BD
	recFormula     = 0x0006
	recString      = 0x0207
	recBoolErr     = 0x0205
	recMergedCells = 0x00E5
)

// biffRecord is one record of the stream.
type biffRecord struct {
	typ  uint16
	data []byte
	next int // offset of the following record
}

// readRecord reads the record at off.
func readRecord(s []byte, off int) (biffRecord, error) {
	if off < 0 || off+4 > len(s) {
		return biffRecord{}, errBIFF
	}
	typ := binary.LittleEndian.Uint16(s[off:])
	n := int(binary.LittleEndian.Uint16(s[off+2:]))
	if off+4+n > len(s) {
		return biffRecord{}, errBIFF
	}
	return biffRecord{typ: typ, data: s[off+4 : off+4+n], next: off + 4 + n}, nil
}

type xlsSheet struct {
	name string
	pos  int
}

// xlsBook is a parsed workbook's globals.
type xlsBook struct {
	stream   []byte
	sheetsOf []xlsSheet
	names    []string
	sst      []string
	xfFormat []uint16
	formats  map[uint16]string
	date1904 bool
}

func openXLS(stream []byte) (*xlsBook, error) {
	b := &xlsBook{stream: stream, formats: map[uint16]string{}}
	r, err := readRecord(stream, 0)
	if err != nil {
		return nil, err
	}
	if r.typ != recBOF || len(r.data) < 4 {
		if r.typ&0xFF == 0x09 { // BOF of BIFF2–BIFF4
			return nil, errOldXLS
		}
		return nil, errBIFF
	}
	if binary.LittleEndian.Uint16(r.data) != 0x0600 {
		return nil, errOldXLS
	}
	var sstParts [][]byte
	inSST := false
	for off := r.next; ; {
		r, err := readRecord(stream, off)
		if err != nil {
			return nil, err
		}
		off = r.next
		if r.typ != recContinue {
			inSST = false
		}
		d := r.data
		switch r.typ {
		case recEOF:
			if sstParts != nil {
				if b.sst, err = readSST(sstParts); err != nil {
					return nil, err
				}
			}
			return b, nil
		case recFilePass:
			return nil, errEncrypted
		case recBoundSheet:
			if len(d) < 8 {
				return nil, errBIFF
			}
			pos := int(binary.LittleEndian.Uint32(d))
			kind := d[5]
			name, _, err := shortString(d[6:])
			if err != nil {
				return nil, err
			}
			if kind == 0 { // a worksheet; charts and macro sheets hold no table
				b.sheetsOf = append(b.sheetsOf, xlsSheet{name, pos})
				b.names = append(b.names, name)
			}
		case recSST:
			sstParts, inSST = [][]byte{d}, true
		case recContinue:
			if inSST {
				sstParts = append(sstParts, d)
			}
		case recFormat:
			if len(d) < 2 {
				return nil, errBIFF
			}
			s, _, err := unicodeString(d[2:], 2)
			if err != nil {
				return nil, err
			}
			b.formats[binary.LittleEndian.Uint16(d)] = s
		case recXF:
			if len(d) < 4 {
				return nil, errBIFF
			}
			b.xfFormat = append(b.xfFormat, binary.LittleEndian.Uint16(d[2:]))
		case recDateMode:
			b.date1904 = len(d) >= 2 && d[0] == 1
		}
	}
}

// shortString reads a ShortXLUnicodeString: 1-byte length, flags, chars.
func shortString(d []byte) (string, int, error) {
	return unicodeString(d, 1)
}

// unicodeString reads an XLUnicodeString whose length field has lenBytes
// bytes: length, a flags byte (bit 0: two bytes a character), characters.
// It returns the string and the bytes read.
func unicodeString(d []byte, lenBytes int) (string, int, error) {
	if len(d) < lenBytes+1 {
		return "", 0, errBIFF
	}
	n := int(d[0])
	if lenBytes == 2 {
		n = int(binary.LittleEndian.Uint16(d))
	}
	high := d[lenBytes]&1 != 0
	d = d[lenBytes+1:]
	size := n
	if high {
		size *= 2
	}
	if size > len(d) {
		return "", 0, errBIFF
	}
	return decodeChars(d[:size], high), lenBytes + 1 + size, nil
}

// decodeChars decodes BIFF characters: UTF-16LE, or one byte each (the
// low bytes of UTF-16, i.e. Latin-1).
func decodeChars(d []byte, high bool) string {
	if !high {
		r := make([]rune, len(d))
		for i, c := range d {
			r[i] = rune(c)
		}
		return string(r)
	}
	u := make([]uint16, len(d)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(d[2*i:])
	}
	return string(uni16.Decode(u))
}

// sstReader reads the shared strings across an SST record and its
// CONTINUE records: a string's characters split by a record boundary go
// on after one more flags byte.
type sstReader struct {
	parts [][]byte
	p, i  int
}

func (s *sstReader) byte() (byte, error) {
	for s.p < len(s.parts) && s.i >= len(s.parts[s.p]) {
		s.p, s.i = s.p+1, 0
	}
	if s.p >= len(s.parts) {
		return 0, errBIFF
	}
	c := s.parts[s.p][s.i]
	s.i++
	return c, nil
}

func (s *sstReader) u16() (int, error) {
	a, err := s.byte()
	if err != nil {
		return 0, err
	}
	b, err := s.byte()
	return int(a) | int(b)<<8, err
}

func (s *sstReader) u32() (int, error) {
	a, err := s.u16()
	if err != nil {
		return 0, err
	}
	b, err := s.u16()
	return a | b<<16, err
}

func (s *sstReader) skip(n int) error {
	for n > 0 {
		if s.p >= len(s.parts) {
			return errBIFF
		}
		k := min(n, len(s.parts[s.p])-s.i)
		s.i += k
		n -= k
		if s.i >= len(s.parts[s.p]) {
			s.p, s.i = s.p+1, 0
		}
	}
	return nil
}

// chars reads n characters, high saying whether they take two bytes; at a
// record boundary a flags byte says so again for the rest.
func (s *sstReader) chars(n int, high bool) (string, error) {
	u := make([]uint16, 0, n)
	for len(u) < n {
		if s.p < len(s.parts) && s.i >= len(s.parts[s.p]) {
			s.p, s.i = s.p+1, 0
			if s.p >= len(s.parts) {
				return "", errBIFF
			}
			f, err := s.byte()
			if err != nil {
				return "", err
			}
			high = f&1 != 0
			continue
		}
		if s.p >= len(s.parts) {
			return "", errBIFF
		}
		if high {
			v, err := s.u16()
			if err != nil {
				return "", err
			}
			u = append(u, uint16(v))
		} else {
			c, err := s.byte()
			if err != nil {
				return "", err
			}
			u = append(u, uint16(c))
		}
	}
	return string(uni16.Decode(u)), nil
}

func readSST(parts [][]byte) ([]string, error) {
	s := &sstReader{parts: parts}
	if _, err := s.u32(); err != nil { // total references
		return nil, err
	}
	unique, err := s.u32()
	if err != nil {
		return nil, err
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	if unique < 0 || unique > size/3+1 { // a string takes at least 3 bytes
		return nil, errBIFF
	}
	out := make([]string, 0, unique)
	for range unique {
		n, err := s.u16()
		if err != nil {
			return nil, err
		}
		flags, err := s.byte()
		if err != nil {
			return nil, err
		}
		runs, ext := 0, 0
		if flags&0x08 != 0 {
			if runs, err = s.u16(); err != nil {
				return nil, err
			}
		}
		if flags&0x04 != 0 {
			if ext, err = s.u32(); err != nil {
				return nil, err
			}
		}
		str, err := s.chars(n, flags&1 != 0)
		if err != nil {
			return nil, err
		}
		if err := s.skip(4*runs + ext); err != nil {
			return nil, err
		}
		out = append(out, str)
	}
	return out, nil
}

func (b *xlsBook) sheets() []string { return b.names }

// xlsCell is one cell of a sheet.
type xlsCell struct {
	row, col int32
	v        string
}

// Bounds of a BIFF8 sheet (256 columns, 65,536 rows), and of the cells
// one sheet may hold in memory: 32 filled columns of every row. A sheet
// with more (a bomb of MULRK records, six bytes a cell) is refused with
// errTooManyCells, before its cells take more than 48 MiB.
const (
	maxXLSCols  = 256
	maxXLSRows  = 65536
	maxXLSCells = maxXLSRows * 32
)

// errTooManyCells means an .xls sheet holds more cells than maxXLSCells.
var errTooManyCells = errors.New("ingest: the .xls sheet holds too many cells")

// rows reads sheet i's records: its cells, merged ranges and hidden rows.
func (b *xlsBook) rows(i int) (sheetRows, error) {
	sh := b.sheetsOf[i]
	r, err := readRecord(b.stream, sh.pos)
	if err != nil || r.typ != recBOF {
		return nil, errBIFF
	}
	out := &xlsRows{hiddenRows: map[int]bool{}, maxCol: maxXLSCols}
	pendingFormula := -1 // a formula whose string result follows in a STRING record
	tooMany := false
	add := func(row, col int, v string) {
		if v == "" || col >= maxXLSCols || row >= maxXLSRows {
			return // beyond BIFF8's sheet: no cell of a real file
		}
		if len(out.cells) >= maxXLSCells {
			tooMany = true
			return
		}
		out.cells = append(out.cells, xlsCell{int32(row + 1), int32(col), v})
	}
	cell := func(d []byte, min int) (row, col int, xf uint16, err error) {
		if len(d) < min {
			return 0, 0, 0, errBIFF
		}
		return int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:])), binary.LittleEndian.Uint16(d[4:]), nil
	}
	for off := r.next; ; {
		r, err := readRecord(b.stream, off)
		if err != nil {
			return nil, err
		}
		off = r.next
		d := r.data
		if r.typ != recString && r.typ != recContinue {
			pendingFormula = -1
		}
		switch r.typ {
		case recEOF:
			if tooMany {
				return nil, errTooManyCells
			}
			out.finish()
			return out, nil
		case recBOF: // an embedded chart's substream: skip it
			for depth := 1; depth > 0; {
				r, err := readRecord(b.stream, off)
				if err != nil {
					return nil, err
				}
				off = r.next
				switch r.typ {
				case recBOF:
					depth++
				case recEOF:
					depth--
				}
			}
		case recRow:
			if len(d) < 16 {
				return nil, errBIFF
			}
			if binary.LittleEndian.Uint16(d[12:])&0x20 != 0 {
				out.hiddenRows[int(binary.LittleEndian.Uint16(d))+1] = true
			}
		case recLabelSST:
			row, col, _, err := cell(d, 10)
			if err != nil {
				return nil, err
			}
			k := int(binary.LittleEndian.Uint32(d[6:]))
			if k < 0 || k >= len(b.sst) {
				return nil, errBIFF
			}
			add(row, col, b.sst[k])
		case recLabel, recRString:
			row, col, _, err := cell(d, 9)
			if err != nil {
				return nil, err
			}
			s, _, err := unicodeString(d[6:], 2)
			if err != nil {
				return nil, err
			}
			add(row, col, s)
		case recNumber:
			row, col, xf, err := cell(d, 14)
			if err != nil {
				return nil, err
			}
			add(row, col, b.number(math.Float64frombits(binary.LittleEndian.Uint64(d[6:])), xf))
		case recRK:
			row, col, xf, err := cell(d, 10)
			if err != nil {
				return nil, err
			}
			add(row, col, b.number(rkValue(binary.LittleEndian.Uint32(d[6:])), xf))
		case recMulRK:
			if len(d) < 6 || (len(d)-6)%6 != 0 {
				return nil, errBIFF
			}
			row, first := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
			for k := 0; 4+6*k+6 <= len(d)-2; k++ {
				e := d[4+6*k:]
				add(row, first+k, b.number(rkValue(binary.LittleEndian.Uint32(e[2:])), binary.LittleEndian.Uint16(e)))
			}
		case recFormula:
			row, col, xf, err := cell(d, 20)
			if err != nil {
				return nil, err
			}
			v := d[6:14]
			if v[6] == 0xFF && v[7] == 0xFF {
				switch v[0] {
				case 0:
					if col < maxXLSCols && row < maxXLSRows && len(out.cells) < maxXLSCells {
						pendingFormula = len(out.cells)
						out.cells = append(out.cells, xlsCell{int32(row + 1), int32(col), ""})
					}
				case 1:
					add(row, col, map[bool]string{true: "TRUE", false: "FALSE"}[v[2] != 0])
				}
				continue
			}
			add(row, col, b.number(math.Float64frombits(binary.LittleEndian.Uint64(v)), xf))
		case recString:
			if pendingFormula >= 0 {
				s, _, err := unicodeString(d, 2)
				if err != nil {
					return nil, err
				}
				out.cells[pendingFormula].v = s
				pendingFormula = -1
			}
		case recBoolErr:
			row, col, _, err := cell(d, 8)
			if err != nil {
				return nil, err
			}
			if d[7] == 0 {
				add(row, col, map[bool]string{true: "TRUE", false: "FALSE"}[d[6] != 0])
			}
		case recMergedCells:
			if len(d) < 2 {
				return nil, errBIFF
			}
			n := int(binary.LittleEndian.Uint16(d))
			if 2+8*n > len(d) {
				return nil, errBIFF
			}
			for k := range n {
				e := d[2+8*k:]
				r0, r1 := int(binary.LittleEndian.Uint16(e)), int(binary.LittleEndian.Uint16(e[2:]))
				c0, c1 := int(binary.LittleEndian.Uint16(e[4:])), int(binary.LittleEndian.Uint16(e[6:]))
				if r1 >= r0 && c1 >= c0 {
					out.mergeList = append(out.mergeList, cellRange{r0: r0 + 1, c0: c0, r1: r1 + 1, c1: c1})
				}
			}
		}
	}
}

// rkValue decodes an RK number: a 30-bit integer or the top 30 bits of a
// double, possibly divided by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^3) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// number writes a number cell, a date cell as its date.
func (b *xlsBook) number(v float64, xf uint16) string {
	date := false
	if int(xf) < len(b.xfFormat) {
		f := b.xfFormat[xf]
		code, custom := b.formats[f]
		date = isDateFormat(int(f), code, custom)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if date && v >= 0 && v < 2958466 {
		return serialDate(v, b.date1904)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// xlsRows gives a sheet's cells row by row.
type xlsRows struct {
	cells      []xlsCell
	hiddenRows map[int]bool
	mergeList  []cellRange
	at         int
	num        int
	maxCol     int // cells at this column and beyond are skipped
	cur        []string
}

func (r *xlsRows) limit(n int) { r.maxCol = n }

func (r *xlsRows) finish() {
	slices.SortStableFunc(r.cells, func(a, b xlsCell) int {
		if a.row != b.row {
			return int(a.row - b.row)
		}
		return int(a.col - b.col)
	})
	slices.SortStableFunc(r.mergeList, func(a, b cellRange) int { return a.r0 - b.r0 })
}

func (r *xlsRows) merges() []cellRange { return r.mergeList }
func (r *xlsRows) err() error          { return nil }
func (r *xlsRows) close()              {}
func (r *xlsRows) row() (int, []string, bool) {
	return r.num, r.cur, r.hiddenRows[r.num]
}

func (r *xlsRows) next() bool {
	if r.at >= len(r.cells) {
		return false
	}
	num := r.cells[r.at].row
	r.num = int(num)
	r.cur = r.cur[:0]
	for ; r.at < len(r.cells) && r.cells[r.at].row == num; r.at++ {
		c := r.cells[r.at]
		col := int(c.col)
		if col >= r.maxCol {
			continue
		}
		for len(r.cur) < col {
			r.cur = append(r.cur, "")
		}
		if len(r.cur) == col {
			r.cur = append(r.cur, c.v)
		}
	}
	return true
}
