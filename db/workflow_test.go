package db_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"jindu/db"
	"jindu/internal/testdata/testutil"
	"jindu/metrics"
)

func TestReviewSetting(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	if on, err := d.Review(ctx); err != nil || on {
		t.Fatalf("review on a new database = %v, %v; want off", on, err)
	}
	for _, want := range []bool{true, false, true} {
		if err := d.SetReview(ctx, want); err != nil {
			t.Fatal(err)
		}
		if on, err := d.Review(ctx); err != nil || on != want {
			t.Errorf("review = %v, %v; want %v", on, err, want)
		}
	}
}

// A submitted batch stores its row and counts and changes no figure, no
// unit and no data version; approving it applies it against the data as
// they are then; two submitted batches for the same unit, approved in
// either order, each diff against the data at approval time.
func TestSubmitApproveReject(t *testing.T) {
	for _, order := range []string{"AB", "BA"} {
		t.Run(order, func(t *testing.T) {
			d, path := testutil.OpenDB(t, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
			ctx := context.Background()
			base, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rec(2024, "西大街道", "光明社区", "光明新村", 3)))
			if err != nil {
				t.Fatal(err)
			}
			before := testutil.Dump(t, path, "batches", "batch_files")
			info, _ := d.Info(ctx)
			submit := func(stars int) db.Batch {
				t.Helper()
				b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "clerk", Submit: true},
					records(rec(2024, "西大街道", "光明社区", "光明新村", stars), rec(2024, "西大街道", "光明社区", "新楼盘", 5)))
				if err != nil {
					t.Fatal(err)
				}
				if b.ID == 0 || b.Status != db.StatusSubmitted || b.Rows != 2 || b.Changed != 2 || b.NewUnits != 1 {
					t.Errorf("submitted batch = %+v; want an ID, submitted, 2 rows, 2 changed, 1 new unit", b)
				}
				return b
			}
			a, b := submit(4), submit(5)
			if got := testutil.Dump(t, path, "batches", "batch_files"); got != before {
				t.Errorf("submitting changed the data:\n%s\nwant\n%s", got, before)
			}
			if now, _ := d.Info(ctx); now.DataSeq != info.DataSeq || !now.LastBatch.Equal(info.LastBatch) {
				t.Errorf("info after submitting = %+v; want %+v", now, info)
			}
			stored, err := d.BatchByID(ctx, a.ID)
			if err != nil || stored.Status != db.StatusSubmitted || stored.Rows != 2 || stored.Actor != "clerk" ||
				len(stored.Streets) != 1 || stored.Streets[0] != "西大街道" {
				t.Errorf("stored submitted batch = %+v, %v", stored, err)
			}
			// Rolling back a batch that was never applied is refused.
			if _, err := d.Rollback(ctx, a.ID, "admin", "", "why"); !errors.Is(err, db.ErrConflict) {
				t.Errorf("rollback of a submitted batch: %v; want ErrConflict", err)
			}

			first, second, firstStars, secondStars := a, b, 4, 5
			if order == "BA" {
				first, second, firstStars, secondStars = b, a, 5, 4
			}
			approve := func(sub db.Batch, stars int) db.Batch {
				t.Helper()
				got, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "reviewer", Approves: sub.ID},
					records(rec(2024, "西大街道", "光明社区", "光明新村", stars), rec(2024, "西大街道", "光明社区", "新楼盘", 5)))
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != sub.ID || got.Status != db.StatusApproved || got.Actor != "clerk" || got.ReviewedBy != "reviewer" {
					t.Errorf("approved batch = %+v; want batch %d approved by reviewer, submitted by clerk", got, sub.ID)
				}
				return got
			}
			got := approve(first, firstStars)
			if len(got.Diff.Changes) == 0 || got.Diff.Changes[0].Fields[0].Old != "3" {
				t.Errorf("first approval's diff = %+v; want 3 → %d", got.Diff, firstStars)
			}
			if now, _ := d.Info(ctx); now.DataSeq == info.DataSeq {
				t.Error("approval did not change the data version")
			}
			got = approve(second, secondStars)
			// The second is diffed against the first, now applied: the new
			// compound exists and is unchanged, the other moves from the
			// first's stars.
			if got.NewUnits != 0 || got.Changed != 1 || got.Diff.Changes[0].Fields[0].Old != strconv.Itoa(firstStars) {
				t.Errorf("second approval = %d new, %d changed, diff %+v; want 0 new, 1 changed, from %d", got.NewUnits, got.Changed, got.Diff, firstStars)
			}
			// An approved batch is not approved again, nor rejected.
			if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "r", Approves: first.ID}, records()); !errors.Is(err, db.ErrNotSubmitted) {
				t.Errorf("approving twice: %v; want ErrNotSubmitted", err)
			}
			if _, err := d.Reject(ctx, first.ID, "r", "late"); !errors.Is(err, db.ErrNotSubmitted) {
				t.Errorf("rejecting an approved batch: %v; want ErrNotSubmitted", err)
			}
			_ = base
		})
	}
}

func TestReject(t *testing.T) {
	d, path := testutil.OpenDB(t, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
	ctx := context.Background()
	s, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "clerk", Submit: true, SHA256: "abc"},
		records(rec(2024, "西大街道", "光明社区", "光明新村", 4)))
	if err != nil {
		t.Fatal(err)
	}
	// The same file again, while the first waits, is a duplicate.
	var dup *db.DuplicateError
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "clerk", Submit: true, SHA256: "abc"}, records()); !errors.As(err, &dup) || dup.Of.ID != s.ID {
		t.Errorf("same file while submitted: %v; want a duplicate of %d", err, s.ID)
	}
	before := testutil.Dump(t, path, "batches", "batch_files")
	if _, err := d.Reject(ctx, s.ID, "reviewer", "  "); err == nil {
		t.Error("a rejection without a reason was taken")
	}
	r, err := d.Reject(ctx, s.ID, "reviewer", "光明新村星级有误")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != db.StatusRejected || r.ReviewedBy != "reviewer" || r.ReviewReason != "光明新村星级有误" || r.ReviewedAt.IsZero() {
		t.Errorf("rejected batch = %+v", r)
	}
	if got := testutil.Dump(t, path, "batches", "batch_files"); got != before {
		t.Errorf("rejecting changed the data")
	}
	// A corrected file (or the same one) can be submitted after a rejection.
	if _, err := d.Apply(ctx, db.BatchInput{Kind: db.KindUpload, Actor: "clerk", Submit: true, SHA256: "abc"}, records(rec(2024, "西大街道", "光明社区", "光明新村", 4))); err != nil {
		t.Errorf("resubmitting after a rejection: %v", err)
	}
	if _, err := d.Reject(ctx, 999, "reviewer", "x"); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("rejecting a missing batch: %v; want ErrNotFound", err)
	}
}

// A locked street-year refuses a batch (and a rollback) that would change
// it, naming the lock, and the database is unchanged; other streets and
// years, and rows that change nothing, still go through.
func TestLockedYears(t *testing.T) {
	d, path := testutil.OpenDB(t, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
	ctx := context.Background()
	apply := func(rs ...metrics.Record) (db.Batch, error) {
		return d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(rs...))
	}
	first, err := apply(rec(2023, "西大街道", "光明社区", "光明新村", 3), rec(2023, "东大街道", "天宝社区", "天宝小区", 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.LockYear(ctx, db.YearLock{Year: 2023, Street: "西大街道", By: "reviewer"}); err != nil {
		t.Fatal(err)
	}
	if err := d.LockYear(ctx, db.YearLock{Year: 2023, Street: "西大街道", By: "x"}); !errors.Is(err, db.ErrExists) {
		t.Errorf("locking twice: %v; want ErrExists", err)
	}
	before := testutil.Dump(t, path)
	check := func(what string, err error, street string) {
		t.Helper()
		var le *db.LockedError
		if !errors.As(err, &le) || !errors.Is(err, db.ErrLocked) || le.Year != 2023 || le.Street != street || le.Lock.By != "reviewer" {
			t.Errorf("%s: %v; want year_locked for %s 2023 naming reviewer", what, err, street)
		}
		if got := testutil.Dump(t, path); got != before {
			t.Errorf("%s changed the database", what)
		}
	}
	_, err = apply(rec(2023, "东大街道", "天宝社区", "天宝小区", 4), rec(2023, "西大街道", "光明社区", "光明新村", 5))
	check("a change of the locked street-year", err, "西大街道")
	_, err = d.Rollback(ctx, first.ID, "admin", "", "wrong")
	check("a rollback of the locked street-year", err, "西大街道")
	// Unchanged rows of the locked year, another street, another year.
	if _, err := apply(rec(2023, "西大街道", "光明社区", "光明新村", 3), rec(2023, "东大街道", "天宝社区", "天宝小区", 4),
		rec(2024, "西大街道", "光明社区", "光明新村", 5)); err != nil {
		t.Errorf("changes outside the lock: %v", err)
	}
	// The district's lock covers every street, new ones too.
	if err := d.LockYear(ctx, db.YearLock{Year: 2023, By: "reviewer"}); err != nil {
		t.Fatal(err)
	}
	before = testutil.Dump(t, path)
	_, err = apply(rec(2023, "新街道", "新社区", "新小区", 1))
	check("a new street in a district-locked year", err, "新街道")
	locks, err := d.Locks(ctx)
	if err != nil || len(locks) != 2 || locks[0].Street != "" || locks[1].Street != "西大街道" {
		t.Errorf("locks = %+v, %v", locks, err)
	}
	for _, street := range []string{"", "西大街道"} {
		if err := d.UnlockYear(ctx, 2023, street); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.UnlockYear(ctx, 2023, ""); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("unlocking twice: %v; want ErrNotFound", err)
	}
	if _, err := apply(rec(2023, "西大街道", "光明社区", "光明新村", 5)); err != nil {
		t.Errorf("after unlocking: %v", err)
	}
}

func TestDeadlines(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	due := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, dl := range []db.Deadline{{Year: 2024, Due: due.AddDate(0, 0, -1), SetBy: "a"}, {Year: 2024, Due: due, SetBy: "b"}, {Year: 2023, Due: due.AddDate(-1, 0, 0), SetBy: "a"}} {
		if err := d.SetDeadline(ctx, dl); err != nil {
			t.Fatal(err)
		}
	}
	got, err := d.Deadlines(ctx)
	if err != nil || len(got) != 2 || got[0].Year != 2023 || got[1].Year != 2024 || !got[1].Due.Equal(due) || got[1].SetBy != "b" {
		t.Errorf("deadlines = %+v, %v", got, err)
	}
}
