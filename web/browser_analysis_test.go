package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitPath waits until the tab has navigated to a path with prefix and
// every chart on it has drawn.
func (b *browser) waitPath(t *testing.T, prefix string) string {
	t.Helper()
	js := fmt.Sprintf(`(function () {
		if (document.readyState !== "complete" || !location.pathname.startsWith(%q)) return "";
		var els = document.querySelectorAll("[data-chart]");
		for (var i = 0; i < els.length; i++) if (!els[i].querySelector("svg")) return "";
		return decodeURIComponent(location.pathname);
	})()`, prefix)
	// Evaluate in a loop: a navigation destroys the context a single
	// long poll would run in.
	for deadline := time.Now().Add(waitLimit); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second) // retried: a navigation can end an evaluation
		path, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		cancel()
		if err == nil && path != "" {
			return path
		}
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
	t.Fatalf("did not reach %s (at %s)", prefix, loc)
	return ""
}

// waitFor waits until a JavaScript condition holds, across navigations.
func (b *browser) waitFor(t *testing.T, cond string) {
	t.Helper()
	for deadline := time.Now().Add(waitLimit); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second) // retried: a navigation can end an evaluation
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+cond+`)`))
		cancel()
		if err == nil && ok {
			return
		}
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
	t.Fatalf("waited in vain for %s (at %s)", cond, loc)
}

// click activates the element matching sel (a link or button) as a user's
// click does, waiting for it to exist first.
func (b *browser) click(t *testing.T, sel string) {
	t.Helper()
	b.waitFor(t, fmt.Sprintf(`!!document.querySelector(%q)`, sel))
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).click(), true`, sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// TestBrowserStreetDrillDown: from the dashboard, click a street's bar in
// the comparison chart, land on the street, open a community, go back by
// the breadcrumb, switch language, sort a table — without a console error,
// CSP violation or request to another host.
func TestBrowserStreetDrillDown(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	b.open(t, ts.URL+"/?lang=zh") // Chromium asks for English otherwise

	// The pixel of the top street's bar, halfway along it.
	type target struct {
		Name string  `json:"name"`
		X    float64 `json:"x"`
		Y    float64 `json:"y"`
	}
	pos, err := chromedp.Run(b.ctx, chromedp.Evaluate[target](`(function () {
		var el = document.getElementById("cmpchart");
		el.scrollIntoView({block: "center"});
		var chart = echarts.getInstanceByDom(el);
		var opt = chart.getOption();
		var name = opt.yAxis[0].data[0], value = null;
		for (var s = 0; s < opt.series.length && value === null; s++) {
			var d = opt.series[s].data[0];
			var v = d && typeof d === "object" ? d.value : d;
			if (v !== "-" && v !== undefined && v !== null) value = v;
		}
		var p = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [value / 2, name]);
		var r = el.getBoundingClientRect();
		return {name: name, x: r.left + p[0], y: r.top + p[1]};
	})()`))
	if err != nil || pos.Name == "" {
		t.Fatalf("locate bar: %v %+v", err, pos)
	}
	if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(pos.X, pos.Y)); err != nil {
		t.Fatal(err)
	}
	if got := b.waitPath(t, "/streets/"); got != "/streets/"+pos.Name {
		t.Fatalf("clicked %s, landed on %s", pos.Name, got)
	}
	h1, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`))
	if !strings.Contains(h1, pos.Name) {
		t.Errorf("street page heading %q", h1)
	}

	// Sort the compounds by stars (keyboard-reachable button in the heading).
	b.click(t, `table#compounds thead th:nth-child(3) button`)
	sorted, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("table#compounds thead th:nth-child(3)").getAttribute("aria-sort")`))
	if sorted != "ascending" {
		t.Errorf("aria-sort after click = %q", sorted)
	}
	// Filter the communities.
	community, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("table#communities tbody a").textContent`))
	b.click(t, `table#communities tbody a`)
	b.waitFor(t, `location.pathname.indexOf("/communities/") > 0`)
	if got := b.waitPath(t, "/streets/"); !strings.HasSuffix(got, "/communities/"+community) {
		t.Fatalf("community link landed on %s", got)
	}
	// Back to the street by the breadcrumb.
	b.click(t, `[data-testid="breadcrumbs"] li:nth-child(2) a`)
	b.waitFor(t, `location.pathname.indexOf("/communities/") < 0`)
	if got := b.waitPath(t, "/streets/"); got != "/streets/"+pos.Name {
		t.Fatalf("breadcrumb landed on %s", got)
	}
	// Switch language; the choice stays in the URL and the page.
	b.click(t, `a.lang`)
	b.waitFor(t, `document.documentElement.lang === "en" && location.search.indexOf("lang=en") >= 0`)
	b.waitPath(t, "/streets/")
	// The browser's back button returns to the Chinese page.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`history.back(), true`)); err != nil {
		t.Fatal(err)
	}
	b.waitFor(t, `document.documentElement.lang === "zh-CN" && location.search.indexOf("lang=zh") >= 0`)
	b.waitPath(t, "/streets/")
	for _, p := range []string{"/streets?lang=en", "/stars", "/compare", "/help"} {
		b.open(t, ts.URL+p)
	}
	b.check(t, ts.URL)
}
