package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jindu/web"
	"jindu/web/i18n"
)

// chartBoxes measures every chart of the page as it is shown: the server's
// image (its SVG parsed into a box of the image's size) or the live
// ECharts SVG. For each chart: its aria-label, its summary (figcaption),
// the legend's boxes (a legend text and its icon to the left), every other
// text's box, all texts, the smallest font size as shown and whether it
// was the server's image.
const chartBoxes = `(function () {
	function boxes(svg, scale, legendNames) {
		var legend = [], others = [], texts = [], minFont = 1e9;
		var ts = svg.querySelectorAll("text");
		for (var i = 0; i < ts.length; i++) {
			var t = ts[i];
			var s = (t.textContent || "").trim();
			if (!s) continue;
			var r = t.getBoundingClientRect();
			if (r.width === 0) continue;
			texts.push(s);
			var fs = parseFloat(getComputedStyle(t).fontSize) * scale;
			if (fs < minFont) minFont = fs;
			var b = {x: r.left, y: r.top, w: r.width, h: r.height, text: s};
			if (legendNames.indexOf(s) >= 0 && r.top > svg.getBoundingClientRect().top + svg.getBoundingClientRect().height * 0.6) {
				b.x -= 30 * scale; b.w += 30 * scale;
				legend.push(b);
			} else {
				others.push(b);
			}
		}
		return {legend: legend, others: others, texts: texts, minFont: minFont};
	}
	var out = [];
	var els = document.querySelectorAll("[data-chart]");
	for (var i = 0; i < els.length; i++) {
		var el = els[i];
		var opts = JSON.parse(document.getElementById(el.getAttribute("data-chart")).textContent);
		var names = [];
		if (opts.legend && opts.legend.show !== false) {
			var data = opts.legend.data || (opts.series || []).map(function (s) { return s.name; });
			names = data.filter(function (n) { return !!n; });
		}
		var fig = el.closest("figure");
		var rec = {id: el.id, aria: el.getAttribute("aria-label"), summary: fig.querySelector("figcaption").textContent, server: false};
		var shown = null, imgs = el.querySelectorAll("img");
		for (var k = 0; k < imgs.length; k++) if (imgs[k].offsetHeight > 0) shown = imgs[k];
		var m;
		if (shown) {
			rec.server = true;
			var src = decodeURIComponent(shown.getAttribute("src").replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
			// The image's own <style> (ECharts' classes) is left out: the
			// page's CSP forbids inline style elements, and texts take
			// their size and place from their attributes.
			src = src.replace(/<style[\s\S]*?<\/style>/g, "");
			var doc = new DOMParser().parseFromString(src, "image/svg+xml");
			var svg = document.importNode(doc.documentElement, true);
			var w = parseFloat(svg.getAttribute("width"));
			var scale = shown.getBoundingClientRect().width / w;
			var holder = document.createElement("div");
			var r = shown.getBoundingClientRect();
			holder.style.cssText = "position:absolute;left:" + (r.left + scale) + "px;top:" + (r.top + window.scrollY) + "px;transform-origin:0 0;transform:scale(" + scale + ")";
			holder.appendChild(svg);
			document.body.appendChild(holder);
			m = boxes(svg, scale, names);
			holder.remove();
		} else {
			var live = el.querySelector("svg");
			m = live ? boxes(live, 1, names) : {legend: [], others: [], texts: [], minFont: 0};
		}
		rec.legend = m.legend; rec.others = m.others; rec.texts = m.texts; rec.minFont = m.minFont;
		out.push(rec);
	}
	return JSON.stringify(out);
})()`

type textBox struct {
	X, Y, W, H float64
	Text       string
}

type chartMeasure struct {
	ID, Aria, Summary string
	Server            bool
	Legend, Others    []textBox
	Texts             []string
	MinFont           float64
}

func overlaps(a, b textBox) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func measureCharts(t *testing.T, b *browser) []chartMeasure {
	t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](chartBoxes))
	if err != nil {
		t.Fatal(err)
	}
	var ms []chartMeasure
	if err := json.Unmarshal([]byte(raw), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// openServerDrawn navigates and waits until the page is complete and
// every shown chart image has decoded.
func openServerDrawn(t *testing.T, b *browser, u string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	// Images load lazily: each chart is scrolled to until its image is in.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete" &&
		Array.from(document.querySelectorAll(".chart-canvas.ssr img")).every(function (i) {
			if (i.offsetHeight === 0 || (i.complete && i.naturalWidth > 0)) return true;
			i.scrollIntoView();
			return false;
		}) && (window.scrollTo(0, 0), true)`,
		chromedp.WithPollingTimeout(waitLimit))); err != nil {
		t.Fatalf("%s did not load: %v", u, err)
	}
}

// wakeCharts points at the first chart and waits until every chart is
// drawn live.
func wakeCharts(t *testing.T, b *browser) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var el = document.querySelector("[data-chart]");
		el.dispatchEvent(new PointerEvent("pointerover", {bubbles: true}));
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll("[data-chart]")).every(function (el) {
		return el.getAttribute("data-drawn") === "1" && el.querySelector("svg text");
	})`, chromedp.WithPollingTimeout(waitLimit))); err != nil {
		t.Fatalf("charts did not draw live: %v", err)
	}
}

// checkCharts asserts what issue 18 asks of every chart, drawn on the
// server or live: no legend box overlaps another text's box (axis labels
// among them), the aria-label is the summary sentence, the summary ends
// without "，。", and at 1800 px and wider no text is under 16 px.
func checkCharts(t *testing.T, where string, ms []chartMeasure, width int64) {
	t.Helper()
	if len(ms) == 0 {
		t.Errorf("%s: no chart", where)
	}
	for _, m := range ms {
		if len(m.Texts) == 0 {
			t.Errorf("%s %s: no text drawn", where, m.ID)
		}
		if m.Aria != m.Summary || m.Aria == "" {
			t.Errorf("%s %s: aria-label %q, summary %q", where, m.ID, m.Aria, m.Summary)
		}
		if strings.Contains(m.Summary, "，。") || strings.Contains(m.Summary, ", .") {
			t.Errorf("%s %s: stray punctuation in %q", where, m.ID, m.Summary)
		}
		for _, lg := range m.Legend {
			for _, o := range m.Others {
				if overlaps(lg, o) {
					t.Errorf("%s %s: legend %q %+v overlaps %q %+v", where, m.ID, lg.Text, lg, o.Text, o)
				}
			}
		}
		if width >= 1800 && m.MinFont < 15.5 {
			t.Errorf("%s %s: text of %.1f px at %d px", where, m.ID, m.MinFont, width)
		}
	}
}

// TestBrowserChartsReadAtEverySize: on the demo, at 375×800 and 1920×1080,
// in Chinese and English, the overview, stars, streets and a street page
// show their charts drawn on the server with no ECharts loaded; legends
// clear of axis labels, the summary as aria-label, no category name dropped
// (the five stars), percent and count on street bars; after pointing at a
// chart the same holds for the live charts, whose tooltip is ours.
func TestBrowserChartsReadAtEverySize(t *testing.T) {
	if testing.Short() {
		t.Skip("chromium")
	}
	b := newBrowser(t)
	ts := newTestServer(t, func(s *web.Server) { s.ServerCharts = true })
	loadDemo(t, ts)
	street := "/streets/" + url.PathEscape("文峰街道")
	shots := os.Getenv("JINDU_CHART_SHOTS") // a directory: screenshots for looking
	// /help draws nothing: no ECharts.
	b.open(t, ts.URL+"/help")
	if loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.echarts !== "undefined"`)); err != nil || loaded {
		t.Errorf("/help loaded ECharts (%v)", err)
	}
	for _, vp := range [][2]int64{{375, 800}, {1920, 1080}} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(vp[0], vp[1])); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"zh", "en"} {
			for _, page := range []string{"/", "/stars", "/streets", street} {
				u := ts.URL + page + "?lang=" + lang
				warmCharts(t, ts, page+"?lang="+lang)
				where := page + " " + lang + " " + strconv.FormatInt(vp[0], 10)
				openServerDrawn(t, b, u)
				loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.echarts !== "undefined"`))
				if err != nil || loaded {
					t.Errorf("%s: ECharts loaded before any interaction (%v)", where, err)
				}
				before := measureCharts(t, b)
				for _, m := range before {
					if !m.Server {
						t.Errorf("%s %s: not drawn on the server", where, m.ID)
					}
				}
				checkCharts(t, where+" server", before, vp[0])
				shot(t, b, shots, where+" before")
				wakeCharts(t, b)
				after := measureCharts(t, b)
				checkCharts(t, where+" live", after, vp[0])
				shot(t, b, shots, where+" after")
				for _, set := range [][]chartMeasure{before, after} {
					for _, m := range set {
						all := strings.Join(m.Texts, "")
						all = strings.Join(strings.Fields(all), "")
						switch {
						case m.ID == "shareschart":
							for _, star := range starNames(lang) {
								if !strings.Contains(all, strings.Join(strings.Fields(star), "")) {
									t.Errorf("%s: star %q not drawn (server %v): %q", where, star, m.Server, m.Texts)
								}
							}
						case m.ID == "cmpchart":
							if !percentAndCount.MatchString(strings.Join(m.Texts, "\n")) {
								t.Errorf("%s: street bars without percent and count (server %v): %q", where, m.Server, m.Texts)
							}
						}
					}
				}
			}
		}
	}
	b.check(t, ts.URL)
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, u := range b.requests {
		if strings.Contains(u, "/static/vendor/echarts") {
			n++
		}
	}
	// Once per page: only after the pointer, never for /help.
	if want := 2 * 2 * 4; n != want {
		t.Errorf("ECharts requested %d times, want %d (once per page woken)", n, want)
	}
}

// starNames are the five stars' names as /stars shows them (catalog
// star.0 … star.4).
func starNames(lang string) []string {
	l := i18n.Lang(lang)
	var out []string
	for k := range 5 {
		out = append(out, l.T("star."+strconv.Itoa(k)))
	}
	return out
}

// tipText is an unmet street's tooltip in English.
var tipText = regexp.MustCompile(`(?s)\d+\.\d% \(\d+/\d+\).*target \d+%.*\d+ more`)

// percentAndCount is a street bar's label: "56.6% · 43/76 …".
var percentAndCount = regexp.MustCompile(`\d+\.\d%\s*·\s*\d+/\d+`)

// shot saves, when dir is set, the page's first screen and each chart's
// figure as PNGs, for looking.
func shot(t *testing.T, b *browser, dir, name string) {
	t.Helper()
	if dir == "" {
		return
	}
	name = strings.NewReplacer("/", "_", " ", "-", "%", "").Replace(name)
	save := func(suffix string, buf []byte) {
		if err := os.WriteFile(filepath.Join(dir, name+suffix+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save("", buf)
	ids, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-chart]")).map(function (e) { return e.id; })`))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		buf, err := chromedp.Run(b.ctx, chromedp.Screenshot("#"+id))
		if err != nil {
			t.Fatal(err)
		}
		save("-"+id, buf)
	}
}

// unmetBarPoint is the page point of the middle of the first unmet street
// bar of the live comparison chart, and that bar's work-list link.
const unmetBarPoint = `(function () {
	var el = document.getElementById("cmpchart");
	var chart = echarts.getInstanceByDom(el);
	var o = chart.getOption();
	var data = o.series[1].data;
	for (var i = 0; i < data.length; i++) {
		if (data[i] && data[i].link) {
			var p = chart.convertToPixel({seriesIndex: 1}, [data[i].value / 2, i]);
			var r = el.getBoundingClientRect();
			return JSON.stringify({x: r.left + p[0], y: r.top + p[1], link: data[i].link});
		}
	}
	return "";
})()`

// TestBrowserUnmetBarOpensWorkList: a click on an unmet street bar opens
// that street's work list for the indicator and year, in the page's
// language, both on the live chart and on the server's image (the click
// made before ECharts is loaded is replayed on the live chart).
func TestBrowserUnmetBarOpensWorkList(t *testing.T) {
	if testing.Short() {
		t.Skip("chromium")
	}
	b := newBrowser(t)
	ts := newTestServer(t, func(s *web.Server) { s.ServerCharts = true })
	loadDemo(t, ts)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	u := ts.URL + "/?lang=en&year=2024"
	warmCharts(t, ts, "/?lang=en&year=2024")
	for _, live := range []bool{true, false} {
		openServerDrawn(t, b, u)
		// Scroll the chart into the middle of the screen.
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.getElementById("cmpchart").scrollIntoView({block: "center"}), true`)); err != nil {
			t.Fatal(err)
		}
		wakeCharts(t, b)
		raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](unmetBarPoint))
		if err != nil || raw == "" {
			t.Fatalf("no unmet bar: %v", err)
		}
		var pt struct {
			X, Y float64
			Link string
		}
		if err := json.Unmarshal([]byte(raw), &pt); err != nil {
			t.Fatal(err)
		}
		if live {
			// Our tooltip: the street, percent with count, target and
			// what is still needed, in the page's language; no dashes.
			tip, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(function () {
				var el = document.getElementById("cmpchart");
				var chart = echarts.getInstanceByDom(el);
				var data = chart.getOption().series[1].data;
				for (var i = 0; i < data.length; i++) if (data[i] && data[i].link) break;
				chart.dispatchAction({type: "showTip", seriesIndex: 1, dataIndex: i});
				var t = el.querySelector(".chart-tip");
				return t ? t.innerText : "";
			})()`))
			if err != nil || !tipText.MatchString(tip) || strings.Contains(tip, "-") {
				t.Errorf("tooltip %q (%v)", tip, err)
			}
		}
		want, err := url.Parse(pt.Link)
		if err != nil || want.Path != "/worklist" || want.Query().Get("indicator") == "" || want.Query().Get("year") != "2024" ||
			want.Query().Get("street") == "" || want.Query().Get("lang") != "en" {
			t.Fatalf("unmet bar link %q", pt.Link)
		}
		if !live {
			// The same page again, not woken: the click lands on the image.
			openServerDrawn(t, b, u)
			if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.getElementById("cmpchart").scrollIntoView({block: "center"}), true`)); err != nil {
				t.Fatal(err)
			}
			if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#cmpchart img").length`)); err != nil || n == 0 {
				t.Fatalf("the comparison is not the server's image (%d, %v)", n, err)
			}
		}
		if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(pt.X, pt.Y)); err != nil {
			t.Fatal(err)
		}
		// The click navigates: evaluations during it may fail (their
		// context is gone) and are asked again, until the deadline.
		opened := false
		for deadline := time.Now().Add(waitLimit); !opened && time.Now().Before(deadline); {
			ctx, cancel := context.WithTimeout(b.ctx, time.Second)
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === "/worklist" && document.readyState === "complete"`))
			cancel()
			opened = err == nil && ok
		}
		if !opened {
			t.Fatalf("live %v: the click did not open the work list", live)
		}
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
		if err != nil {
			t.Fatal(err)
		}
		if got != want.RequestURI() {
			t.Errorf("live %v: opened %q, want %q", live, got, want.RequestURI())
		}
	}
	b.check(t, ts.URL)
}
