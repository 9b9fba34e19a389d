package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// maxRecordBytes bounds one CSV record; a longer one is almost always an
// unclosed quote swallowing the rest of the file.
const maxRecordBytes = 1 << 20

// sniffLines is how many lines are examined to choose the delimiter.
const sniffLines = 10

var errRecordTooLong = errors.New("ingest: CSV record too long")

// sniffEncoding tells the encoding of a CSV file from its first bytes: a
// BOM, else strict UTF-8 (an incomplete character cut at the end of a full
// prefix is ignored), else GB18030. bom is the number of BOM bytes to skip
// for UTF-8 (UTF-16 decoders consume their own BOM).
func sniffEncoding(head []byte, atEOF bool) (enc string, bom int) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return "utf-8-bom", 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return "utf-16le", 0
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return "utf-16be", 0
	}
	b := head
	if !atEOF {
		// Drop a character cut by the end of the prefix.
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(b) {
		return "utf-8", 0
	}
	return "gb18030", 0
}

// sourceReader wraps the raw input to tell I/O errors from decoding errors.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// guardReader feeds the CSV reader. It stops a record that grows beyond
// maxRecordBytes (recStart is the offset where the current record began)
// and can turn lone carriage returns (old Mac line ends) into newlines.
type guardReader struct {
	r        io.Reader
	n        int64
	recStart int64
	crToLF   bool

	// The last physical line delivered, to tell an unclosed quote at the
	// end of the file from a stray quote on the last line.
	cur      int  // bytes after the last '\n'
	lastLen  int  // length of the last complete line, '\n' included
	lastCRLF bool // it ended in "\r\n"
	prev     byte // the last byte delivered
}

// lastLineLen is the length of the stream's last line as encoding/csv sees
// it ("\r\n" counted as one byte, a final '\r' dropped).
func (g *guardReader) lastLineLen() int {
	if g.cur > 0 {
		if g.prev == '\r' {
			return g.cur - 1
		}
		return g.cur
	}
	if g.lastCRLF {
		return g.lastLen - 1
	}
	return g.lastLen
}

func (g *guardReader) Read(b []byte) (int, error) {
	if g.n-g.recStart > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(b)
	if g.crToLF {
		for i, c := range b[:n] {
			if c == '\r' {
				b[i] = '\n'
			}
		}
	}
	g.n += int64(n)
	if c := b[:n]; n > 0 {
		if i := bytes.LastIndexByte(c, '\n'); i >= 0 {
			if j := bytes.LastIndexByte(c[:i], '\n'); j >= 0 {
				g.lastLen = i - j
			} else {
				g.lastLen = g.cur + i + 1
			}
			g.lastCRLF = (i > 0 && c[i-1] == '\r') || (i == 0 && g.prev == '\r')
			g.cur = n - i - 1
		} else {
			g.cur += n
		}
		g.prev = c[n-1]
	}
	return n, err
}

// parseCSV parses a CSV file whose first bytes are head.
func (p *parser) parseCSV(br *bufio.Reader, head []byte, atEOF bool) error {
	p.rep.Format = "csv"
	if len(head) == 0 {
		p.error(Problem{Code: "empty_file"})
		return nil
	}
	enc, bom := sniffEncoding(head, atEOF)
	p.rep.Encoding = enc
	if _, err := br.Discard(bom); err != nil {
		return fmt.Errorf("ingest: reading %s: %w", p.name, err)
	}
	src := &sourceReader{r: br}
	var dec io.Reader = src
	switch enc {
	case "gb18030":
		dec = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder())
	case "utf-16le":
		dec = transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case "utf-16be":
		dec = transform.NewReader(src, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	}
	db := bufio.NewReaderSize(dec, sniffSize)
	sample, err := db.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return p.streamError(src, err, 0)
	}
	crOnly := bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0
	if crOnly {
		sample = bytes.ReplaceAll(sample, []byte{'\r'}, []byte{'\n'})
	}
	g := &guardReader{r: db, crToLF: crOnly}
	cr := csv.NewReader(g)
	cr.Comma = sniffDelimiter(sample, len(sample) < sniffSize)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	cr.ReuseRecord = true

	st := p.newSheet("", true, nil)
	prevRow, prevEnd := 0, 0 // Excel row and last physical line of the previous record
	for !p.stop {
		g.recStart = cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		switch {
		case err == nil:
			start, _ := cr.FieldPos(0)
			row := prevRow + start - prevEnd
			end := start
			for _, f := range rec {
				end += strings.Count(f, "\n")
			}
			prevRow, prevEnd = row, end
			p.sheetRow(st, rec, row, false)
			if st.phase == skipSheet {
				return nil
			}
		case errors.As(err, &pe):
			if st.phase == afterHeader {
				p.startTable(st, st.hdrCells)
			}
			row := prevRow + pe.StartLine - prevEnd
			prevRow, prevEnd = row, pe.Line
			if errors.Is(pe.Err, csv.ErrQuote) && g.n == cr.InputOffset() && atEnd(db) && pe.Column-1 >= g.lastLineLen() {
				p.error(Problem{Row: row, Code: "unclosed_quote"})
				if st.phase == inTable {
					p.rep.Invalid++
				}
				p.stop = true
				break
			}
			var params map[string]string
			if pe.Line > pe.StartLine {
				params = map[string]string{"reason": "lines", "line": strconv.Itoa(pe.Line)}
			}
			p.error(Problem{Row: row, Code: "bad_quote", Params: params})
			if st.phase != inTable {
				p.stop = true // a broken header makes the rest meaningless
				break
			}
			p.dataRows++
			p.rep.Invalid++
		case errors.Is(err, errRecordTooLong):
			row := prevRow + 1
			p.error(Problem{Row: row, Code: "unclosed_quote", Params: map[string]string{"reason": "too_long"}})
			p.stop = true
		default:
			return p.streamError(src, err, prevRow+1)
		}
	}
	if st.phase == seekHeader && len(st.titleRows) == 0 {
		if !p.stop && p.nErr == 0 {
			p.error(Problem{Code: "empty_file", Params: map[string]string{"reason": "blank"}})
		}
		return nil
	}
	p.endSheet(st)
	return nil
}

// atEnd reports whether r has no more bytes.
func atEnd(r *bufio.Reader) bool {
	_, err := r.Peek(1)
	return err != nil
}

// streamError turns a read error into the returned I/O error, or into a
// bad_encoding problem when the decoder failed on good input.
func (p *parser) streamError(src *sourceReader, err error, row int) error {
	if src.err != nil {
		return fmt.Errorf("ingest: reading %s: %w", p.name, src.err)
	}
	p.error(Problem{Row: row, Code: "bad_encoding", Params: map[string]string{"reason": "decoder", "encoding": p.rep.Encoding}})
	p.stop = true
	return nil
}

// sniffDelimiter chooses among comma, tab and semicolon by reading the first
// lines of sample with each: the one whose first record holds the most
// recognised headers wins, then one giving a consistent field count above
// one, then the order comma, tab, semicolon.
func sniffDelimiter(sample []byte, complete bool) rune {
	cut := sample
	lines := 0
	for i, c := range sample {
		if c == '\n' {
			lines++
			if lines == sniffLines {
				cut, complete = sample[:i+1], true
				break
			}
		}
	}
	best, bestScore := ',', -1
	for _, d := range []rune{',', '\t', ';'} {
		r := csv.NewReader(bytes.NewReader(cut))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = d, true, -1
		var counts []int
		recognised := 0
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			if len(counts) < sniffLines { // the header may follow title rows
				recognised = max(recognised, recognisedCells(rec))
			}
			counts = append(counts, len(rec))
		}
		if !complete && len(counts) > 1 {
			counts = counts[:len(counts)-1] // the last record may be cut
		}
		score := recognised * 100
		if len(counts) > 0 && counts[0] > 1 {
			score += 1
			consistent := true
			for _, n := range counts {
				if n != counts[0] {
					consistent = false
				}
			}
			if consistent {
				score += 10
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}
