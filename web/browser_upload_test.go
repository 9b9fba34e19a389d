package web_test

import (
	"context"
	"jindu/internal/testdata/testutil"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jindu/auth"
)

// A clerk logs in, uploads a GBK CSV through the page, sees the preview with
// its new unit, confirms, and the dashboard's numbers change.
func TestBrowserClerkUploads(t *testing.T) {
	b := newBrowser(t)
	ts, _ := privateServer(t, auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}})
	file := filepath.Join(t.TempDir(), "街道01-2023.csv")
	if err := os.WriteFile(file, testutil.GB18030(t, goodLedger), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	fiveStar := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('[data-testid="card"]')[2].textContent`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=zh"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "clerk01"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
	); err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+"/?year=2023")
	before := fiveStar()
	if !strings.Contains(before, "2/10") {
		t.Fatalf("five-star card before: %q", before)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/upload"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply"]`)),
	); err != nil {
		t.Fatalf("upload through the page: %v", err)
	}
	newUnits, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="new-units"]`)))
	if err != nil || !strings.Contains(newUnits, "小区1-9") {
		t.Errorf("preview's new units: %q %v", newUnits, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="history-message"]`)),
	); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	b.open(t, ts.URL+"/?year=2023")
	if after := fiveStar(); !strings.Contains(after, "3/11") { // 小区1-1 rose to five stars; 小区1-9 is new
		t.Errorf("five-star card after the upload: %q (before %q)", after, before)
	}
	b.check(t, ts.URL)
}
