package web_test

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshot writes the README's dashboard picture from the real page
// with the demo data when JINDU_SCREENSHOT names the output file
// (make screenshot); otherwise it only checks that a screenshot can be taken.
func TestScreenshot(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	b.open(t, ts.URL+"/?lang=zh")
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 10_000 {
		t.Fatalf("screenshot is only %d bytes", len(png))
	}
	if out := os.Getenv("JINDU_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(png))
	}
}
