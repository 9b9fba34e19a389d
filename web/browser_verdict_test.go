package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// firstScreen is where the verdict and the first lagging street sit on
// the page, in CSS px from its top.
type firstScreen struct {
	Verdict       string  `json:"verdict"`
	VerdictBottom float64 `json:"verdictBottom"`
	Street        string  `json:"street"`
	StreetBottom  float64 `json:"streetBottom"`
	Needs         string  `json:"needs"`
	Overflow      float64 `json:"overflow"`
}

const firstScreenJS = `(function () {
	var v = document.querySelector('[data-testid="verdict"]');
	var s = document.querySelector('[data-testid="behind-street"]');
	var n = s && s.querySelector(".behind-needs");
	var out = {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
	if (v) { out.verdict = v.textContent; out.verdictBottom = v.getBoundingClientRect().bottom + window.scrollY; }
	if (s) { out.street = s.textContent.replace(/\s+/g, " ").trim(); out.streetBottom = s.getBoundingClientRect().bottom + window.scrollY; }
	if (n) { out.needs = n.textContent; }
	return JSON.stringify(out);
})()`

// On the demo, at 375×800 (and at 1920×1080), in Chinese and English, the
// first 800 px of / hold the verdict sentence and the first lagging street
// with its "还需". With JINDU_SCREENSHOT_DIR set, screenshots of / and of
// the work list (district and one street) are written there.
func TestBrowserVerdictFirstScreen(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	dir := os.Getenv("JINDU_SCREENSHOT_DIR")
	want := map[string][2]string{
		"zh": {"2024年：6 项有数值目标的指标 5 项达标；", "“五星”小区 6 个街道未达标，全区还差 67 个"},
		"en": {"2024: 5 of 6 indicators with a numeric target met; ", "five-star compounds: 6 streets behind, 67 more needed across the district"},
	}
	needs := map[string]string{"zh": "还需", "en": "more needed"}
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		w, h := size[0], size[1]
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w, h)); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			b.open(t, ts.URL+"/?lang="+l)
			raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](firstScreenJS))
			var got firstScreen
			if err == nil {
				err = json.Unmarshal([]byte(raw), &got)
			}
			if err != nil {
				t.Fatalf("%d %s: %v", w, l, err)
			}
			t.Logf("%d×%d %s: verdict ends at %.0f px, first lagging street (%s) at %.0f px", w, h, l, got.VerdictBottom, got.Street, got.StreetBottom)
			if !strings.HasPrefix(got.Verdict, want[l][0]) || !strings.Contains(got.Verdict, want[l][1]) {
				t.Errorf("%d %s: verdict %q", w, l, got.Verdict)
			}
			if got.VerdictBottom == 0 || got.VerdictBottom > 800 {
				t.Errorf("%d %s: the verdict ends at %.0f px, below the first 800 px", w, l, got.VerdictBottom)
			}
			if got.StreetBottom == 0 || got.StreetBottom > 800 || !strings.Contains(got.Needs, needs[l]) {
				t.Errorf("%d %s: first lagging street %q (%q) ends at %.0f px; want it with %q inside 800 px",
					w, l, got.Street, got.Needs, got.StreetBottom, needs[l])
			}
			if got.Overflow > 0 {
				t.Errorf("%d %s: the page is %.0f px wider than the screen", w, l, got.Overflow)
			}
			if dir != "" {
				shoot(t, b, filepath.Join(dir, "dashboard-"+l+"-"+strconv.FormatInt(w, 10)+".png"))
				for name, path := range map[string]string{
					"worklist":        "/worklist?indicator=five_star_compounds&year=2024&lang=" + l,
					"worklist-street": "/worklist?indicator=five_star_compounds&year=2024&lang=" + l + "&street=" + url.QueryEscape("文峰街道"),
				} {
					b.open(t, ts.URL+path)
					shoot(t, b, filepath.Join(dir, name+"-"+l+"-"+strconv.FormatInt(w, 10)+".png"))
				}
			}
		}
	}
	// The work list on a phone: no page-wide sideways scroll either.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 800)); err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+"/worklist?indicator=five_star_compounds&year=2024")
	over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil || over > 0 {
		t.Errorf("work list at 375 px: %d px too wide (%v)", over, err)
	}
	b.check(t, ts.URL)
}

// shoot writes a full-page screenshot and one of the first screen (the
// viewport, name-first.png) once the page has laid out at the current
// viewport (two animation frames after the last change).
func shoot(t *testing.T, b *browser, file string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(function (r) {
		requestAnimationFrame(function () { requestAnimationFrame(function () { r(true); }); });
	})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(file, ".png")+"-first.png", first, 0o644); err != nil {
		t.Fatal(err)
	}
}
