package ingest

import (
	"context"
	"errors"
	"io"
	"iter"

	"jindu/metrics"
)

// ErrInvalid is the last value Records yields for a file with errors: a
// batch that stores what it yields stores nothing then, and the report
// lists every problem.
var ErrInvalid = errors.New("ingest: the file has errors; nothing was imported / 文件有错误，未导入任何数据")

// Records parses one file as Parse does, as an iterator of its valid
// records for db.Apply: rows are parsed as they are consumed, so a file
// streams from r into the batch. After the last record it yields the
// parse's error, or ErrInvalid if the file has errors. rep holds the
// report once the iteration ends (also when the consumer stops early).
func Records(ctx context.Context, name string, r io.Reader, opts Options, rep *Report) iter.Seq2[metrics.Record, error] {
	return func(yield func(metrics.Record, error) bool) {
		stopped := false
		var err error
		*rep, err = Parse(ctx, name, r, opts, func(row Row) error {
			if !yield(row.Record, nil) {
				stopped = true
				return errStopped
			}
			return nil
		})
		switch {
		case stopped:
		case err != nil:
			yield(metrics.Record{}, err)
		case len(rep.Errors) > 0:
			yield(metrics.Record{}, ErrInvalid)
		}
	}
}

// errStopped ends a parse whose consumer stopped.
var errStopped = errors.New("ingest: the consumer stopped")
