package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"

	"jindu/metrics"
)

// RecordLog keeps a parse's valid records, compressed, so that a pending
// upload can be applied later without parsing its file again: one JSON
// record a line, gzip.
type RecordLog struct {
	buf bytes.Buffer
	zw  *gzip.Writer
	enc *json.Encoder
	n   int
}

// Add appends a record.
func (l *RecordLog) Add(r metrics.Record) error {
	if l.zw == nil {
		l.zw, _ = gzip.NewWriterLevel(&l.buf, gzip.BestSpeed) // the level is valid
		l.enc = json.NewEncoder(l.zw)
	}
	l.n++
	return l.enc.Encode(r)
}

// Bytes finishes the log and returns it.
func (l *RecordLog) Bytes() ([]byte, error) {
	if l.zw == nil {
		return nil, nil
	}
	if err := l.zw.Close(); err != nil {
		return nil, err
	}
	return l.buf.Bytes(), nil
}

// EachRecord calls fn with each record of a log made by RecordLog.
func EachRecord(log []byte, fn func(metrics.Record) error) error {
	if len(log) == 0 {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(log))
	if err != nil {
		return fmt.Errorf("record log: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReader(zr))
	for {
		var r metrics.Record
		if err := dec.Decode(&r); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("record log: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}
