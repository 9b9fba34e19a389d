package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"jindu/db"
	"jindu/metrics"
)

// ErrInvalid is returned by Import when the file has errors: nothing was
// changed, and the report lists every problem.
var ErrInvalid = errors.New("ingest: the file has errors; nothing was imported / 文件有错误，未导入任何数据")

// errDuplicate aborts a batch whose bytes equal a batch still in effect.
var errDuplicate = errors.New("ingest: duplicate file")

// ImportInput describes one file to import.
type ImportInput struct {
	Name    string // the file's name, as the clerk saw it
	Kind    string // db.KindUpload or db.KindImport
	Actor   string
	Source  string
	DryRun  bool // validate and report what would change; store nothing
	Options Options
	// Keep, if set, is given every valid record as it is parsed (a
	// pending upload keeps them to be applied without a second parse).
	Keep func(metrics.Record) error
}

// ImportResult is what an import did (or, for a dry run, would do).
type ImportResult struct {
	Report Report
	Batch  db.Batch // ID 0 for dry runs, duplicates and invalid files
	// DuplicateOf is the batch still in effect with the same bytes; then
	// nothing was changed.
	DuplicateOf *db.Batch
}

// Import validates a file and applies it as one batch, all or nothing: the
// rows stream from r through the parser into one database transaction,
// which commits only if the whole file is valid. The file is hashed and
// kept (compressed) as it is read, so its size is bounded by the disk, not
// memory. An invalid file returns ErrInvalid with the report; nothing is
// changed then, nor for a dry run or a duplicate.
func Import(ctx context.Context, d *db.DB, in ImportInput, r io.Reader) (ImportResult, error) {
	var res ImportResult
	dg := startDigest()
	defer dg.finish()
	tee := io.TeeReader(r, dg)
	var sha string
	batchIn := db.BatchInput{Kind: in.Kind, Actor: in.Actor, Source: in.Source, FileName: in.Name, DryRun: in.DryRun,
		MaxNewUnits: in.Options.MaxNewUnits,
		File: func() (string, []byte, error) {
			sha, gz := dg.finish()
			return sha, gz, nil
		}}
	b, err := d.Apply(ctx, batchIn, func(put func(metrics.Record) error) error {
		rep, err := Parse(ctx, in.Name, tee, in.Options, func(row Row) error {
			if in.Keep != nil {
				if err := in.Keep(row.Record); err != nil {
					return err
				}
			}
			return put(row.Record)
		})
		res.Report = rep
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, tee); err != nil { // hash the whole file even if parsing stopped early
			return err
		}
		if len(rep.Errors) > 0 {
			return ErrInvalid
		}
		sha, _ = dg.finish()
		dup, err := d.InEffectBySHA256(ctx, sha)
		switch {
		case err == nil:
			res.DuplicateOf = &dup
			return errDuplicate
		case !errors.Is(err, db.ErrNotFound):
			return err
		}
		return nil
	})
	return finishImport(in, res, b, err)
}

// finishImport turns an import's batch and error into its result.
func finishImport(in ImportInput, res ImportResult, b db.Batch, err error) (ImportResult, error) {
	name := in.Name
	switch {
	case errors.Is(err, db.ErrTooManyNewStreets):
		res.Report.Errors = append(res.Report.Errors, Problem{File: name, Code: "too_many_new_units",
			Params: map[string]string{"limit": strconv.Itoa(db.MaxNewStreets(in.Options.MaxNewUnits)), "reason": "streets"}})
		return res, ErrInvalid
	case errors.Is(err, db.ErrTooManyNewUnits):
		res.Report.Errors = append(res.Report.Errors, Problem{File: name, Code: "too_many_new_units",
			Params: map[string]string{"limit": strconv.Itoa(in.Options.MaxNewUnits)}})
		return res, ErrInvalid
	case errors.Is(err, errDuplicate):
		return res, nil
	case errors.Is(err, ErrInvalid):
		return res, ErrInvalid
	case errors.Is(err, db.ErrDataChanged):
		return res, db.ErrDataChanged
	case err != nil:
		return res, fmt.Errorf("import %s: %w", name, err)
	}
	res.Batch = b
	return res, nil
}

// ImportRecords applies records validated by an earlier parse of raw (a
// pending upload's, see RecordLog) as one batch, all or nothing, without
// parsing the file again: the same batch as Import would make of raw. A
// record of a street opts.StreetAllowed refuses (the uploader's scope
// changed since) is ErrInvalid, and nothing changes.
//
// dataSeq, if not 0, is the data version the records were previewed
// against: if the data changed since, the batch is db.ErrDataChanged.
func ImportRecords(ctx context.Context, d *db.DB, in ImportInput, raw []byte, records []byte, dataSeq int64) (ImportResult, error) {
	var res ImportResult
	dg := startDigest()
	defer dg.finish()
	dg.Write(raw)
	sha, _ := dg.finish()
	dup, err := d.InEffectBySHA256(ctx, sha)
	switch {
	case err == nil:
		res.DuplicateOf = &dup
		return res, nil
	case !errors.Is(err, db.ErrNotFound):
		return res, fmt.Errorf("import %s: %w", in.Name, err)
	}
	batchIn := db.BatchInput{Kind: in.Kind, Actor: in.Actor, Source: in.Source, FileName: in.Name, DryRun: in.DryRun,
		ExpectDataSeq: dataSeq, MaxNewUnits: in.Options.MaxNewUnits,
		File: func() (string, []byte, error) {
			sha, gz := dg.finish()
			return sha, gz, nil
		}}
	b, err := d.Apply(ctx, batchIn, func(put func(metrics.Record) error) error {
		return EachRecord(records, func(r metrics.Record) error {
			if in.Options.StreetAllowed != nil && !in.Options.StreetAllowed(r.Unit.Street) {
				return ErrInvalid
			}
			res.Report.Rows++
			return put(r)
		})
	})
	return finishImport(in, res, b, err)
}
