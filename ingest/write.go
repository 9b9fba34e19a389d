package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"jindu/metrics"
)

// LedgerWriter writes records as a ledger CSV with the template's Chinese
// headers, readable by Parse: what `jindu gen` produces.
type LedgerWriter struct {
	cw     *csv.Writer
	header bool
}

// NewLedgerWriter writes to w (UTF-8; wrap w in an encoder for GBK).
func NewLedgerWriter(w io.Writer) *LedgerWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as Excel writes it
	return &LedgerWriter{cw: cw}
}

// Write adds one record, writing the header first.
func (lw *LedgerWriter) Write(r metrics.Record) error {
	if !lw.header {
		lw.header = true
		if err := lw.cw.Write(TemplateHeaders()); err != nil {
			return err
		}
	}
	return lw.cw.Write(recordCells(r))
}

// Flush writes buffered data and reports any write error.
func (lw *LedgerWriter) Flush() error {
	lw.cw.Flush()
	return lw.cw.Error()
}

// ErrNotAField means a correction names no value column of the ledger.
var ErrNotAField = errors.New("not a value column of the ledger")

// CorrectionFields are the column keys an online correction may change,
// in template order (the uploads contract's English headers).
func CorrectionFields() []string {
	var out []string
	for f := fFiveGood; f < numFields; f++ {
		out = append(out, fieldInfo[f].en)
	}
	return out
}

// CorrectionCSV is a one-row ledger of the unit-year r with the column
// key (e.g. stars, five_good, party_branch, or its Chinese header) set to
// value as typed: an online correction, parsed and validated like any
// uploaded file, so a bad value gets the code a file would get. The other
// columns keep r's values.
func CorrectionCSV(r metrics.Record, key, value string) ([]byte, error) {
	f, ok := headerIndex[normHeader(key)]
	if !ok || f < fFiveGood {
		return nil, fmt.Errorf("correction of %q: %w", key, ErrNotAField)
	}
	cells := recordCells(r)
	cells[f] = value
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(TemplateHeaders())
	cw.Write(cells)
	cw.Flush()
	return b.Bytes(), cw.Error()
}
