package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/richardlehane/mscfb"
)

// book is an open .xlsx, .xls or .ods file: its sheets in order.
type book interface {
	sheets() []string
	rows(i int) (sheetRows, error)
}

// parseZipOrOLE reads a workbook: a zip (.xlsx or .ods, told by its
// content) or an OLE2 container (.xls, or a password-protected workbook
// of any kind). The file is read into memory, within XLSXUnzipLimit.
func (p *parser) parseZipOrOLE(kind string, r io.Reader) (err error) {
	limit := p.opts.XLSXUnzipLimit
	lr := &limitedReader{r: r, n: limit}
	data, rerr := io.ReadAll(lr)
	if lr.err != nil || (rerr != nil && !lr.over) {
		return fmt.Errorf("ingest: reading %s: %w", p.name, errors.Join(lr.err, rerr))
	}
	format := "xlsx"
	if kind == "ole" {
		format = "xls"
	}
	p.rep.Format = format
	if lr.over {
		p.error(Problem{Code: "file_too_large", Params: map[string]string{"limit": strconv.FormatInt(limit>>20, 10)}})
		return nil
	}
	defer func() {
		// A reader's bug or a hostile file must not take the server down;
		// an emit callback's panic is not ours to hide.
		if v := recover(); v != nil {
			if p.inEmit {
				panic(v)
			}
			p.error(Problem{Code: "bad_" + p.rep.Format, Params: map[string]string{"reason": "damaged"}})
			p.stop = true
		}
	}()
	var wb book
	var many tooManyStrings
	if kind == "ole" {
		wb, err = p.openOLE(data)
	} else {
		wb, err = p.openZip(data, limit)
	}
	switch {
	case errors.Is(err, errUnzipLimit):
		p.error(Problem{Code: "file_too_large", Params: map[string]string{"limit": strconv.FormatInt(limit>>20, 10)}})
		return nil
	case errors.As(err, &many):
		p.error(Problem{Code: "file_too_large", Params: map[string]string{"reason": "strings", "limit": strconv.Itoa(many.most)}})
		return nil
	case errors.Is(err, errEncrypted):
		if p.oleAsXLSX {
			p.rep.Format = "xlsx"
		}
		p.error(Problem{Code: "encrypted_file"})
		return nil
	case errors.Is(err, errOldXLS):
		p.error(Problem{Code: "bad_xls", Params: map[string]string{"reason": "old"}})
		return nil
	case err != nil:
		if kind != "ole" && p.rep.Format == "xlsx" && extension(p.name) == ".ods" {
			p.rep.Format = "ods" // a zip too damaged to tell by its content
		}
		p.error(Problem{Code: "bad_" + p.rep.Format, Params: map[string]string{"reason": "damaged"}})
		return nil
	}
	if p.oleAsXLSX {
		p.warn(Problem{Code: "format_mismatch", Params: map[string]string{"reason": "ole", "ext": extension(p.name)}})
	}
	p.parseWorkbook(wb)
	return nil
}

// errEncrypted means a workbook is protected by a password.
var errEncrypted = errors.New("ingest: the workbook is encrypted")

// openZip opens an .xlsx or .ods package.
func (p *parser) openZip(data []byte, limit int64) (book, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	if isODS(zr) {
		p.rep.Format = "ods"
		return openODS(zr, limit)
	}
	return openXLSX(zr, limit)
}

// openOLE opens an OLE2 container: a .xls workbook (BIFF8), or an
// encrypted .xlsx (Excel keeps it as EncryptionInfo and EncryptedPackage
// streams).
func (p *parser) openOLE(data []byte) (book, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var book []byte
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return nil, errEncrypted
		case "Workbook", "Book":
			if len(e.Path) > 0 || book != nil {
				continue
			}
			if e.Size > int64(len(data))*2 {
				return nil, fmt.Errorf("ingest: stream larger than the file: %w", zip.ErrFormat)
			}
			book = make([]byte, e.Size)
			if _, err := io.ReadFull(e, book); err != nil {
				return nil, err
			}
			if e.Name == "Book" {
				return nil, errOldXLS
			}
		}
	}
	if book == nil {
		return nil, fmt.Errorf("ingest: no Workbook stream: %w", zip.ErrFormat)
	}
	return openXLS(book)
}

// parseWorkbook parses every sheet in order.
func (p *parser) parseWorkbook(wb book) {
	bad := "bad_" + p.rep.Format
	for i, name := range wb.sheets() {
		if p.stop || p.checkContext() {
			break
		}
		rs, err := wb.rows(i)
		if errors.Is(err, errUnzipLimit) {
			p.error(Problem{Code: "file_too_large", Params: map[string]string{"limit": strconv.FormatInt(p.opts.XLSXUnzipLimit>>20, 10)}})
			return
		}
		if errors.Is(err, errTooManyCells) {
			p.error(Problem{Sheet: name, Code: "file_too_large", Params: map[string]string{"reason": "cells", "limit": strconv.Itoa(maxXLSCells)}})
			continue
		}
		if err != nil {
			p.error(Problem{Sheet: name, Code: bad, Params: map[string]string{"reason": "sheet"}})
			continue
		}
		st := p.newSheet(name, false, rs.merges())
		row := 0
		limited := false
		for !p.stop && rs.next() {
			num, cells, hidden := rs.row()
			row = num
			st.merges = rs.merges()
			p.sheetRow(st, cells, num, hidden)
			if !limited && st.width > 0 {
				// The header is known: cells right of it, beyond a few
				// columns for unnamed_column warnings, are not read.
				limited = true
				st.maxCol = st.width + headerSlack
				rs.limit(st.maxCol)
			}
		}
		if err := rs.err(); err != nil && !p.stop {
			if errors.Is(err, errUnzipLimit) {
				p.error(Problem{Code: "file_too_large", Params: map[string]string{"limit": strconv.FormatInt(p.opts.XLSXUnzipLimit>>20, 10)}})
				p.stop = true
			} else {
				p.error(Problem{Sheet: name, Row: row + 1, Code: bad, Params: map[string]string{"reason": "row"}})
			}
		}
		rs.close()
		p.endSheet(st)
	}
	if p.headers == 0 && !p.stop && !p.hasError("no_header") && !p.hasError("file_too_large") {
		p.error(Problem{Code: "no_header", Params: map[string]string{"reason": "workbook"}})
	}
}

// hasError reports whether an error of the code was reported.
func (p *parser) hasError(code string) bool {
	for _, e := range p.rep.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}

// limitedReader reads at most n bytes and records whether more were there.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
	err  error
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}
