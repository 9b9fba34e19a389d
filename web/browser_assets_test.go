package web_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Pages that draw nothing load no chart code; pages with charts load the
// trimmed ECharts once.
func TestBrowserChartCodeOnlyWhereCharts(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	for _, c := range []struct {
		path   string
		charts bool
	}{
		{"/help", false}, {"/compare", false}, {"/compare?lang=en", false},
		{"/worklist?indicator=five_star_compounds&year=2024", false},
		{"/", true}, {"/stars", true},
	} {
		b.mu.Lock()
		before := len(b.requests)
		b.mu.Unlock()
		b.open(t, ts.URL+c.path)
		// Every request the page made has been seen once a request made
		// after them has (the events arrive in order).
		b.check(t, ts.URL)
		b.mu.Lock()
		var loaded []string
		for _, u := range b.requests[before:] {
			if strings.Contains(u, "/static/vendor/echarts") {
				loaded = append(loaded, u)
			}
		}
		b.mu.Unlock()
		global, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.echarts !== "undefined"`))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !c.charts && (len(loaded) > 0 || global):
			t.Errorf("%s draws no chart but loaded ECharts: %v (global %v)", c.path, loaded, global)
		case c.charts && (len(loaded) != 1 || !global):
			t.Errorf("%s has charts: ECharts loaded %d times (global %v)", c.path, len(loaded), global)
		}
	}
}

// chartsSVG draws every chart of the page again with window.echarts into
// a fresh box of the chart's size and returns the SVG documents, with the
// instance counters in element ids taken out.
const chartsSVG = `(function () {
	var out = [];
	var els = document.querySelectorAll("[data-chart]");
	for (var i = 0; i < els.length; i++) {
		var el = els[i];
		var opts = JSON.parse(document.getElementById(el.getAttribute("data-chart")).textContent);
		var box = document.createElement("div");
		box.style.width = el.clientWidth + "px";
		box.style.height = el.clientHeight + "px";
		document.body.appendChild(box);
		var chart = window.echarts.init(box, null, {renderer: "svg"});
		chart.setOption(opts);
		out.push(chart.renderToSVGString());
		chart.dispose();
		box.remove();
	}
	return JSON.stringify(out);
})()`

var zrID = regexp.MustCompile(`zr\d+-`)

// The trimmed bundle draws every chart exactly as the full ECharts of the
// same pinned package (web/node_modules/echarts/dist/echarts.min.js).
func TestBrowserTrimmedEChartsDrawsAsFull(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("node_modules", "echarts", "dist", "echarts.min.js"))
	if err != nil {
		t.Fatalf("the full ECharts of the pinned package: %v (run make assets)", err)
	}
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	street := url.PathEscape("北大街道")
	pages := []string{"/", "/?year=2022&lang=en", "/streets", "/streets/" + street, "/streets/" + street + "/communities/" + url.PathEscape("七一社区"),
		"/stars", "/report"}
	total := 0
	for _, p := range pages {
		b.open(t, ts.URL+p)
		draw := func(what string) []string {
			raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](chartsSVG))
			var svgs []string
			if err == nil {
				err = json.Unmarshal([]byte(raw), &svgs)
			}
			if err != nil {
				t.Fatalf("%s with %s: %v", p, what, err)
			}
			for i := range svgs {
				svgs[i] = zrID.ReplaceAllString(svgs[i], "zr-")
			}
			return svgs
		}
		trimmed := draw("the trimmed bundle")
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(full)+";true")); err != nil {
			t.Fatalf("%s: load the full ECharts: %v", p, err)
		}
		whole := draw("the full ECharts")
		if len(trimmed) == 0 || len(trimmed) != len(whole) {
			t.Fatalf("%s: %d charts trimmed, %d full", p, len(trimmed), len(whole))
		}
		for i := range trimmed {
			if !strings.Contains(trimmed[i], "<path") || trimmed[i] != whole[i] {
				at := firstDiff(trimmed[i], whole[i])
				t.Errorf("%s chart %d differs between the trimmed and the full ECharts at byte %d:\ntrimmed …%s\nfull    …%s",
					p, i, at, around(trimmed[i], at), around(whole[i], at))
			}
		}
		total += len(trimmed)
	}
	t.Logf("%d charts on %d pages draw the same SVG", total, len(pages))
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(s string, at int) string { return s[max(at-120, 0):min(at+200, len(s))] }
