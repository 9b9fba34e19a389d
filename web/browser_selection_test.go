package web_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// selection is what a page shows of its selected year, indicator and nav
// item, read from the computed styles.
type selection struct {
	Chips    []chipStyle `json:"chips"`
	Inds     []chipStyle `json:"inds"`
	Nav      []chipStyle `json:"nav"`
	Streets  string      `json:"streets"`  // the nav link to 街道对比
	YearLink string      `json:"yearLink"` // the first year chip's link
}

type chipStyle struct {
	Text    string `json:"text"`
	Current string `json:"current"`
	Style   string `json:"style"`
}

const selectionJS = `(function () {
	function styles(sel) {
		return Array.prototype.map.call(document.querySelectorAll(sel), function (a) {
			var s = getComputedStyle(a);
			return {text: a.textContent.trim(), current: a.getAttribute("aria-current") || "",
				style: [s.backgroundColor, s.color, s.fontWeight, s.borderBottomWidth, s.borderBottomStyle].join(" ")};
		});
	}
	var years = document.querySelector('ul.years');
	var streets = document.querySelector('header nav a[href^="/streets"]');
	return JSON.stringify({
		chips: styles('main > ul.years a'),
		inds: styles('#comparison .selector a'),
		nav: styles('header nav a'),
		streets: streets ? streets.getAttribute("href") : "",
		yearLink: years ? years.querySelector("a").getAttribute("href") : ""
	});
})()`

// At 375×800 and 1920×1080, zh and en, on the demo: the selected year chip,
// indicator chip and nav item are marked (aria-current with a value) and
// look different from the others (computed style); a nav link from
// /?year=2022 keeps the year, and the year chips keep the indicator.
func TestBrowserSelectionVisible(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	dir := os.Getenv("JINDU_SCREENSHOT_DIR")
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			b.open(t, ts.URL+"/?year=2022&indicator=five_good_communities&lang="+l)
			raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](selectionJS))
			var got selection
			if err == nil {
				err = json.Unmarshal([]byte(raw), &got)
			}
			if err != nil {
				t.Fatalf("%v %s: %v", size, l, err)
			}
			for name, set := range map[string]struct {
				chips []chipStyle
				want  string
			}{"year": {got.Chips, "page"}, "indicator": {got.Inds, "true"}, "nav": {got.Nav, "page"}} {
				var cur []chipStyle
				for _, c := range set.chips {
					if c.Current != "" {
						cur = append(cur, c)
					}
				}
				if len(cur) != 1 || cur[0].Current != set.want {
					t.Errorf("%v %s %s: selected %+v; want one with aria-current=%q", size, l, name, cur, set.want)
					continue
				}
				t.Logf("%v %s %s: %q selected, %s", size, l, name, cur[0].Text, cur[0].Style)
				for _, c := range set.chips {
					if c.Current == "" && c.Style == cur[0].Style {
						t.Errorf("%v %s %s: %q looks like the selected %q (%s)", size, l, name, c.Text, cur[0].Text, c.Style)
					}
				}
			}
			u, err := url.Parse(got.Streets)
			if err != nil || u.Query().Get("year") != "2022" || u.Query().Get("lang") != l || u.Query().Get("indicator") != "five_good_communities" {
				t.Errorf("%v %s: nav link to the street comparison %q drops the year, indicator or language", size, l, got.Streets)
			}
			y, err := url.Parse(got.YearLink)
			if err != nil || y.Query().Get("indicator") != "five_good_communities" || y.Query().Get("lang") != l {
				t.Errorf("%v %s: year chip %q drops the indicator or language", size, l, got.YearLink)
			}
			if dir != "" {
				shoot(t, b, filepath.Join(dir, "selection-"+l+"-"+strconv.FormatInt(size[0], 10)+".png"))
			}
		}
	}
	// Following the nav link from /?year=2022 lands on 2022.
	b.open(t, ts.URL+"/?year=2022&lang=zh")
	href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('header nav a[href^="/streets"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+href)
	loc, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	if u.Path != "/streets" || u.Query().Get("year") != "2022" {
		t.Errorf("the nav link from /?year=2022 went to %s", loc)
	}
	sel, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector('main ul.years a[aria-current="page"]') || {}).textContent || ""`))
	if err != nil || sel != "2022年" {
		t.Errorf("on /streets the selected year chip is %q (%v); want 2022年", sel, err)
	}
	b.check(t, ts.URL)
}
