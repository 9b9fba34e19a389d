package web_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// On the demo, at 375×800 and 1920×1080, zh and en, the first 800 px of a
// street page hold the street's verdict and its first community behind
// with "还需". With JINDU_SCREENSHOT_DIR set, screenshots of the street
// page, /help and an error page are written there.
func TestBrowserStreetVerdictFirstScreen(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	dir := os.Getenv("JINDU_SCREENSHOT_DIR")
	street := "/streets/" + url.PathEscape("西关街道") + "?year=2024&lang="
	want := map[string]string{"zh": "2024年：6 项有数值目标的指标 5 项达标；", "en": "2024: 5 of 6 indicators with a numeric target met; "}
	needs := map[string]string{"zh": "还需", "en": "more needed"}
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		w, h := size[0], size[1]
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w, h)); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			b.open(t, ts.URL+street+l)
			raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](firstScreenJS))
			var got firstScreen
			if err == nil {
				err = json.Unmarshal([]byte(raw), &got)
			}
			if err != nil {
				t.Fatalf("%d %s: %v", w, l, err)
			}
			t.Logf("%d×%d %s: verdict ends at %.0f px, first community behind (%s) at %.0f px", w, h, l, got.VerdictBottom, got.Street, got.StreetBottom)
			if !strings.HasPrefix(got.Verdict, want[l]) {
				t.Errorf("%d %s: verdict %q", w, l, got.Verdict)
			}
			if got.StreetBottom == 0 || got.StreetBottom > 800 || !strings.Contains(got.Needs, needs[l]) {
				t.Errorf("%d %s: first community behind %q (%q) ends at %.0f px; want it with %q inside 800 px",
					w, l, got.Street, got.Needs, got.StreetBottom, needs[l])
			}
			if dir != "" {
				sz := strconv.FormatInt(w, 10)
				shoot(t, b, filepath.Join(dir, "street-"+l+"-"+sz+".png"))
				for name, path := range map[string]string{
					"help":      "/help?lang=" + l,
					"dashboard": "/?year=2022&lang=" + l,
				} {
					b.open(t, ts.URL+path)
					shoot(t, b, filepath.Join(dir, name+"-"+l+"-"+sz+".png"))
				}
			}
		}
	}
	b.check(t, ts.URL)
	if dir == "" {
		return
	}
	// Error pages last: the browser logs their status as a console error,
	// which check would count.
	for _, w := range []int64{375, 1920} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w, map[int64]int64{375: 800, 1920: 1080}[w])); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			for name, path := range map[string]string{
				"error-street": "/streets/" + url.PathEscape("西关街") + "?year=2024&lang=" + l,
				"error-year":   "/?year=1999&lang=" + l,
			} {
				b.open(t, ts.URL+path)
				shoot(t, b, filepath.Join(dir, name+"-"+l+"-"+strconv.FormatInt(w, 10)+".png"))
			}
		}
	}
}
