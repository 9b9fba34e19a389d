package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jindu/auth"
)

// login signs the browser in as name.
func (b *browser) login(t *testing.T, ts *testServer, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=zh"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
	); err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
}

// uploadThroughPage uploads a file on /upload and confirms its preview.
func (b *browser) uploadThroughPage(t *testing.T, ts *testServer, file string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/upload"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="history-message"]`)),
	)
	msg := ""
	if err == nil {
		msg, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="history-message"]`)))
	}
	if err != nil {
		t.Fatalf("upload %s through the page: %v", file, err)
	}
	return msg
}

// With review on, a clerk's upload through the page waits for the
// reviewer: the reviewer approves it from the queue and the dashboard
// changes; a second upload is sent back with a reason, which the clerk
// reads in the history.
func TestBrowserReviewFlow(t *testing.T) {
	clerkB, reviewB := newBrowser(t), newBrowser(t)
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "reviewer01", Role: auth.Reviewer, Streets: []string{"街道01"}})
	if err := ts.DB.SetReview(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first, second := filepath.Join(dir, "街道01-2023.csv"), filepath.Join(dir, "街道01-2023-改.csv")
	os.WriteFile(first, []byte(goodLedger), 0o644)
	os.WriteFile(second, []byte("年份,街道,社区,小区,星级,小区党支部\n2023,街道01,社区1,小区1-2,5,是\n"), 0o644)
	clerkB.login(t, ts, "clerk01")
	reviewB.login(t, ts, "reviewer01")
	ctx, cancel := context.WithTimeout(clerkB.ctx, waitLimit)
	defer cancel()
	fiveStar := func() string {
		t.Helper()
		clerkB.open(t, ts.URL+"/?year=2023")
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('[data-testid="card"]')[2].textContent`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if before := fiveStar(); !strings.Contains(before, "2/10") {
		t.Fatalf("five-star card before: %q", before)
	}
	if msg := clerkB.uploadThroughPage(t, ts, first); !strings.Contains(msg, "等待审核") {
		t.Errorf("after the upload the history says %q; want 等待审核", msg)
	}
	if now := fiveStar(); !strings.Contains(now, "2/10") {
		t.Errorf("a submitted upload changed the dashboard: %q", now)
	}

	rctx, rcancel := context.WithTimeout(reviewB.ctx, waitLimit)
	defer rcancel()
	err := chromedp.Do(rctx,
		chromedp.Navigate(ts.URL+"/review"),
		chromedp.Click(chromedp.CSS(`[data-testid="review-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="effects"]`)),
	)
	effects := ""
	if err == nil {
		effects, err = chromedp.Run(rctx, chromedp.Text(chromedp.CSS(`[data-testid="effects"]`)))
	}
	if err != nil || !strings.Contains(effects, "批准后 2023 年街道01“五星”小区") {
		t.Fatalf("the review page's effects: %q %v", effects, err)
	}
	if err := chromedp.Do(rctx,
		chromedp.Click(chromedp.CSS(`[data-testid="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-message"]`)),
	); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if after := fiveStar(); !strings.Contains(after, "3/11") {
		t.Errorf("five-star card after the approval: %q; want 3/11", after)
	}

	clerkB.uploadThroughPage(t, ts, second)
	if err := chromedp.Do(rctx,
		chromedp.Navigate(ts.URL+"/review"),
		chromedp.Click(chromedp.CSS(`[data-testid="review-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reject-reason"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="reject-reason"]`), "小区1-2 星级与台账不符"),
		chromedp.Click(chromedp.CSS(`[data-testid="reject"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-message"]`)),
	); err != nil {
		t.Fatalf("reject: %v", err)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/history"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="rejection-notices"]`)))
	notice := ""
	if err == nil {
		notice, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="rejection-notices"]`)))
	}
	if err != nil || !strings.Contains(notice, "小区1-2 星级与台账不符") {
		t.Errorf("the clerk's history after the rejection: %q %v", notice, err)
	}
	if after := fiveStar(); !strings.Contains(after, "3/11") {
		t.Errorf("a rejection changed the dashboard: %q", after)
	}
	clerkB.check(t, ts.URL)
	reviewB.check(t, ts.URL)
}
