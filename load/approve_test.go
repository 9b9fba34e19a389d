package load_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jindu/db"
	"jindu/ingest"
	"jindu/internal/testdata/testutil"
	"jindu/load"
)

const header = "年份,街道,社区,小区,星级,小区党支部\n"

// A file submitted for review changes nothing; its review preview (a dry
// approval) tells what approving it would make of its streets' tallies;
// approving it parses the kept file again and applies it into the same
// batch; a lock taken in between refuses the approval with year_locked.
func TestSubmitAndApprove(t *testing.T) {
	ctx := context.Background()
	d, path := testutil.OpenDB(t, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
	base := header + "2024,西大街道,光明社区,光明新村,3,是\n2024,西大街道,光明社区,军休所,4,是\n"
	if _, err := load.File(ctx, d, load.Input{Name: "base.csv", Kind: db.KindImport, Actor: "t"}, strings.NewReader(base)); err != nil {
		t.Fatal(err)
	}
	before := testutil.Dump(t, path, "batches", "batch_files")
	file := header + "2024,西大街道,光明社区,光明新村,5,是\n2024,西大街道,光明社区,军休所,5,是\n2024,西大街道,光明社区,新楼盘,2,否\n"
	sub, err := load.File(ctx, d, load.Input{Name: "西大.csv", Kind: db.KindUpload, Actor: "clerk", Submit: true}, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if sub.Batch.ID == 0 || sub.Batch.Status != db.StatusSubmitted || sub.Batch.Rows != 3 {
		t.Fatalf("submitted = %+v", sub.Batch)
	}
	if got := testutil.Dump(t, path, "batches", "batch_files"); got != before {
		t.Fatal("submitting changed the data")
	}

	preview, err := load.Approve(ctx, d, load.Input{Actor: "zhao", DryRun: true}, sub.Batch.ID)
	if err != nil {
		t.Fatal(err)
	}
	after := preview.Batch.After["西大街道"][2024]
	if after.Compounds != 3 || after.CompoundsFiveStar != 2 || after.CompoundsBranch != 2 {
		t.Errorf("tallies after approval would be %+v; want 3 compounds, 2 five-star, 2 branches", after)
	}
	if got := testutil.Dump(t, path, "batches", "batch_files"); got != before {
		t.Fatal("the review preview changed the data")
	}
	if b, _ := d.BatchByID(ctx, sub.Batch.ID); b.Status != db.StatusSubmitted {
		t.Fatalf("after the preview the batch is %s", b.Status)
	}

	// Locked in between: the approval is refused, naming the lock.
	if err := d.LockYear(ctx, db.YearLock{Year: 2024, Street: "西大街道", By: "admin"}); err != nil {
		t.Fatal(err)
	}
	locked := testutil.Dump(t, path, "batches", "batch_files")
	_, err = load.Approve(ctx, d, load.Input{Actor: "zhao"}, sub.Batch.ID)
	res, _ := load.Approve(ctx, d, load.Input{Actor: "zhao"}, sub.Batch.ID)
	if !errors.Is(err, ingest.ErrInvalid) || len(res.Report.Errors) != 1 || res.Report.Errors[0].Code != "year_locked" ||
		res.Report.Errors[0].Params["by"] != "admin" || res.Report.Errors[0].Params["street"] != "西大街道" {
		t.Errorf("approval of a locked year: %v, %+v; want year_locked naming admin", err, res.Report.Errors)
	}
	if got := testutil.Dump(t, path, "batches", "batch_files"); got != locked {
		t.Fatal("a refused approval changed the data")
	}
	if err := d.UnlockYear(ctx, 2024, "西大街道"); err != nil {
		t.Fatal(err)
	}

	ok, err := load.Approve(ctx, d, load.Input{Actor: "zhao"}, sub.Batch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok.Batch.ID != sub.Batch.ID || ok.Batch.Status != db.StatusApproved || ok.Batch.Changed != 3 || ok.Batch.ReviewedBy != "zhao" {
		t.Errorf("approved = %+v", ok.Batch)
	}
	tallies, _ := d.StreetTallies(ctx)
	for _, years := range tallies {
		if got := years[2024]; got.CompoundsFiveStar != 2 || got.Compounds != 3 {
			t.Errorf("stored 2024 tally = %+v; want 2 five-star of 3", got)
		}
	}
	if _, err := load.Approve(ctx, d, load.Input{Actor: "zhao"}, sub.Batch.ID); !errors.Is(err, db.ErrNotSubmitted) {
		t.Errorf("approving twice: %v", err)
	}
}
