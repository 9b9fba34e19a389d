package ingest

import (
	"encoding/csv"
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
