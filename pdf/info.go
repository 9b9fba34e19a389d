package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"
)

// Info is a PDF's document information: what a viewer shows as its
// properties (pdfinfo's Title, Author, Creator, CreationDate).
type Info struct {
	Title    string
	Author   string
	Creator  string
	Producer string
	Created  time.Time
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	trailerRe   = regexp.MustCompile(`(?s)trailer\s*<<(.*?)>>\s*startxref\s+\d+\s+%%EOF\s*$`)
	sizeRe      = regexp.MustCompile(`/Size\s+(\d+)`)
	rootRe      = regexp.MustCompile(`/Root\s+(\d+\s+\d+\s+R)`)
	idRe        = regexp.MustCompile(`(?s)/ID\s*(\[.*?\])`)
)

// errNoTrailer: the document does not end in a classic cross-reference
// table and trailer (Chromium's Skia writes one).
var errNoTrailer = errors.New("pdf info: no trailer to update")

// SetInfo replaces the document information of doc, a PDF that ends in a
// cross-reference table and trailer (as Chromium prints them), by
// appending an incremental update: a new Info dictionary, a cross-reference
// section for it, and a trailer that points to it and to the previous one.
// The original bytes are kept as they are.
func SetInfo(doc []byte, info Info) ([]byte, error) {
	m := startxrefRe.FindSubmatch(doc)
	t := trailerRe.FindSubmatch(doc)
	if m == nil || t == nil {
		return nil, errNoTrailer
	}
	prev, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return nil, fmt.Errorf("pdf info: startxref: %w", err)
	}
	sm, rm := sizeRe.FindSubmatch(t[1]), rootRe.FindSubmatch(t[1])
	if sm == nil || rm == nil {
		return nil, errNoTrailer
	}
	size, err := strconv.Atoi(string(sm[1]))
	if err != nil {
		return nil, fmt.Errorf("pdf info: size: %w", err)
	}
	var b bytes.Buffer
	b.Grow(len(doc) + 512)
	b.Write(doc)
	if doc[len(doc)-1] != '\n' {
		b.WriteByte('\n')
	}
	obj := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<<", size)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "/%s %s ", name, textString(v))
		}
	}
	field("Title", info.Title)
	field("Author", info.Author)
	field("Creator", info.Creator)
	field("Producer", info.Producer)
	if !info.Created.IsZero() {
		d := pdfDate(info.Created)
		fmt.Fprintf(&b, "/CreationDate (%s) /ModDate (%s) ", d, d)
	}
	b.WriteString(">>\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d /Root %s /Info %d 0 R /Prev %d", size, obj, size+1, rm[1], size, prev)
	if id := idRe.FindSubmatch(t[1]); id != nil {
		b.WriteString(" /ID ")
		b.Write(id[1])
	}
	fmt.Fprintf(&b, ">>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes(), nil
}

// textString is s as a PDF text string: UTF-16BE with its byte order mark,
// in hex, so that no character needs escaping.
func textString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfDate is t as a PDF date, D:YYYYMMDDHHmmSS+HH'mm'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	if off == 0 {
		return "D:" + t.Format("20060102150405") + "Z"
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}
