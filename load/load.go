// Package load applies ledger files to the database: it feeds the records
// ingest parses into db.Apply as one batch, hashing and keeping the file as
// it is read. It is the one place where the parser and the database meet;
// neither knows the other.
package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"jindu/db"
	"jindu/ingest"
	"jindu/metrics"
)

// Input describes one file to apply.
type Input struct {
	Name    string // the file's name, as the clerk saw it
	Kind    string // db.KindUpload or db.KindImport
	Actor   string
	Source  string
	DryRun  bool // validate and report what would change; store nothing
	Options ingest.Options
	// Keep, if set, is given every valid record as it is parsed (a
	// pending upload keeps them to be applied without a second parse).
	Keep func(metrics.Record) error
	// Submit stores the batch as submitted for review instead of applying
	// it (db.BatchInput.Submit).
	Submit bool
	// Note is kept with the batch (an online correction's reason).
	Note string
}

// Result is what applying a file did (or, for a dry run, would do).
type Result struct {
	Report ingest.Report
	Batch  db.Batch // ID 0 for dry runs, duplicates and invalid files
	// DuplicateOf is the batch still in effect with the same bytes; then
	// nothing was changed.
	DuplicateOf *db.Batch
}

// File validates a file and applies it as one batch, all or nothing: the
// rows stream from r through the parser into one database transaction,
// which commits only if the whole file is valid. The file is hashed and
// kept (compressed) as it is read, so its size is bounded by the disk, not
// memory. An invalid file returns ingest.ErrInvalid with the report;
// nothing is changed then, nor for a dry run or a duplicate.
func File(ctx context.Context, d *db.DB, in Input, r io.Reader) (Result, error) {
	var res Result
	dg := startDigest()
	defer dg.finish()
	tee := io.TeeReader(r, dg)
	batchIn := db.BatchInput{Kind: in.Kind, Actor: in.Actor, Source: in.Source, FileName: in.Name, DryRun: in.DryRun,
		MaxNewUnits: in.Options.MaxNewUnits, Submit: in.Submit, Note: in.Note,
		File: func() (string, []byte, error) {
			if _, err := io.Copy(io.Discard, tee); err != nil { // hash the whole file even if parsing stopped early
				return "", nil, err
			}
			sha, gz := dg.finish()
			return sha, gz, nil
		}}
	records := ingest.Records(ctx, in.Name, tee, in.Options, &res.Report)
	if in.Keep != nil {
		records = keeping(records, in.Keep)
	}
	b, err := d.Apply(ctx, batchIn, records)
	return finish(in, res, b, err)
}

// keeping passes records on, giving each valid one to keep first.
func keeping(records iter.Seq2[metrics.Record, error], keep func(metrics.Record) error) iter.Seq2[metrics.Record, error] {
	return func(yield func(metrics.Record, error) bool) {
		for r, err := range records {
			if err == nil {
				err = keep(r)
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// finish turns a batch and its error into the result.
func finish(in Input, res Result, b db.Batch, err error) (Result, error) {
	name := in.Name
	var dup *db.DuplicateError
	var locked *db.LockedError
	switch {
	case errors.As(err, &locked):
		res.Report.Errors = append(res.Report.Errors, lockedProblem(name, locked))
		return res, ingest.ErrInvalid
	case errors.Is(err, db.ErrTooManyNewStreets):
		res.Report.Errors = append(res.Report.Errors, ingest.Problem{File: name, Code: "too_many_new_units",
			Params: map[string]string{"limit": strconv.Itoa(db.MaxNewStreets(in.Options.MaxNewUnits)), "reason": "streets"}})
		return res, ingest.ErrInvalid
	case errors.Is(err, db.ErrTooManyNewUnits):
		res.Report.Errors = append(res.Report.Errors, ingest.Problem{File: name, Code: "too_many_new_units",
			Params: map[string]string{"limit": strconv.Itoa(in.Options.MaxNewUnits)}})
		return res, ingest.ErrInvalid
	case errors.As(err, &dup):
		res.DuplicateOf = &dup.Of
		return res, nil
	case errors.Is(err, ingest.ErrInvalid):
		return res, ingest.ErrInvalid
	case errors.Is(err, db.ErrDataChanged):
		return res, db.ErrDataChanged
	case err != nil:
		return res, fmt.Errorf("import %s: %w", name, err)
	}
	res.Batch = b
	return res, nil
}

// Records applies records validated by an earlier parse of raw (a pending
// upload's, see ingest.RecordLog) as one batch, all or nothing, without
// parsing the file again: the same batch as File would make of raw. A
// record of a street in.Options.StreetAllowed refuses (the uploader's
// scope changed since) is ingest.ErrInvalid, and nothing changes.
//
// dataSeq, if not 0, is the data version the records were previewed
// against: if the data changed since, the batch is db.ErrDataChanged.
func Records(ctx context.Context, d *db.DB, in Input, raw []byte, records []byte, dataSeq int64) (Result, error) {
	var res Result
	dg := startDigest()
	defer dg.finish()
	dg.Write(raw)
	sha, _ := dg.finish()
	batchIn := db.BatchInput{Kind: in.Kind, Actor: in.Actor, Source: in.Source, FileName: in.Name, DryRun: in.DryRun,
		SHA256: sha, ExpectDataSeq: dataSeq, MaxNewUnits: in.Options.MaxNewUnits, Submit: in.Submit,
		File: func() (string, []byte, error) {
			sha, gz := dg.finish()
			return sha, gz, nil
		}}
	b, err := d.Apply(ctx, batchIn, func(yield func(metrics.Record, error) bool) {
		stop := errors.New("stop")
		err := ingest.EachRecord(records, func(r metrics.Record) error {
			if in.Options.StreetAllowed != nil && !in.Options.StreetAllowed(r.Unit.Street) {
				return ingest.ErrInvalid
			}
			res.Report.Rows++
			if !yield(r, nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != stop {
			yield(metrics.Record{}, err)
		}
	})
	return finish(in, res, b, err)
}

// lockedProblem is a change refused by a lock, as a problem of the file.
func lockedProblem(file string, e *db.LockedError) ingest.Problem {
	return ingest.Problem{File: file, Code: "year_locked", Params: map[string]string{
		"year": strconv.Itoa(e.Year), "street": e.Street, "lock_street": e.Lock.Street,
		"by": e.Lock.By, "at": e.Lock.At.Format(time.RFC3339), "date": e.Lock.At.Format(time.DateOnly)}}
}

// Approve applies a submitted batch (see Input.Submit): its kept file is
// parsed again and applied against the data as they are now, as one
// transaction, into the same batch, which becomes approved; in.Actor is the
// reviewer. The result's batch carries the diff against the data at
// approval time. With in.DryRun nothing is stored, and the batch's After
// holds what approving it would make of its streets' tallies: the review
// queue's preview. A batch that is not waiting for review is
// db.ErrNotSubmitted; a change of a locked street-year, or a file that no
// longer passes, is ingest.ErrInvalid with the report, and nothing changes.
func Approve(ctx context.Context, d *db.DB, in Input, id int64) (Result, error) {
	b, err := d.BatchByID(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if b.Status != db.StatusSubmitted {
		return Result{}, fmt.Errorf("approve batch %d: %w", id, db.ErrNotSubmitted)
	}
	name, raw, err := d.BatchFile(ctx, id)
	if err != nil {
		return Result{}, fmt.Errorf("approve batch %d: %w", id, err)
	}
	var res Result
	in.Name, in.Kind = name, b.Kind
	records := ingest.Records(ctx, name, bytes.NewReader(raw), in.Options, &res.Report)
	nb, err := d.Apply(ctx, db.BatchInput{Kind: b.Kind, Actor: in.Actor, Source: in.Source, FileName: name,
		MaxNewUnits: in.Options.MaxNewUnits, Approves: id, DryRun: in.DryRun, Effect: in.DryRun}, records)
	return finish(in, res, nb, err)
}
