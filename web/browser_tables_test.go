package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

// brokenNamesJS lists the visible name cells of the page's tables whose
// text takes more than one line: the cells marked .name (units), every
// row's first cell when it is short (a name or a year, not an indicator's
// label; 8 characters at most: the demo's names have 4–7) and the status words (badges, outlooks,
// yes/no). A cell's text is measured as a range, so a neighbour's longer
// text does not count; more than 1.6 line heights is a name broken inside.
const brokenNamesJS = `(function () {
	var bad = [];
	var cells = document.querySelectorAll("main table tbody td.name, main table tbody tr > :first-child, main table tbody td.badge, main table tbody td.outlook-label, main table tbody td.yes, main table tbody td.no");
	for (var i = 0; i < cells.length; i++) {
		var c = cells[i];
		var text = c.textContent.trim();
		if (!c.getClientRects().length || !text) continue;
		if (!c.matches(".name, .badge, .outlook-label, .yes, .no") && text.length > 8) continue;
		var r = document.createRange();
		r.selectNodeContents(c);
		var h = r.getBoundingClientRect().height;
		var cs = getComputedStyle(c);
		var lh = parseFloat(cs.lineHeight);
		if (isNaN(lh)) lh = 1.2 * parseFloat(cs.fontSize);
		if (h > 1.6 * lh) bad.push(text + " (" + Math.round(h) + " px, line " + Math.round(lh) + " px)");
	}
	return bad;
})()`

// tableBoxesJS describes every table box that scrolls: whether its first
// column stays put when it scrolls to the end, and its scroll cue.
const tableBoxesJS = `(function () {
	var out = {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, boxes: []};
	var ws = document.querySelectorAll("main .table-wrap");
	for (var i = 0; i < ws.length; i++) {
		var w = ws[i];
		if (!w.getClientRects().length || w.scrollWidth <= w.clientWidth) continue;
		var first = w.querySelector("tbody tr > :first-child");
		var box = {label: w.getAttribute("aria-label") || "", cue: getComputedStyle(w).backgroundImage,
			position: first ? getComputedStyle(first).position : "", focusable: w.tabIndex === 0,
			hinted: !document.querySelector('script[src*="tables"]') || !w.parentNode.classList.contains("table-box") ||
				!!(w.previousElementSibling && w.previousElementSibling.matches(".scroll-hint") && w.previousElementSibling.getClientRects().length)};
		if (first) {
			var before = first.getBoundingClientRect().left;
			w.scrollLeft = w.scrollWidth;
			box.moved = Math.abs(first.getBoundingClientRect().left - before);
			box.scrolled = w.scrollLeft;
			w.scrollLeft = 0;
		}
		out.boxes.push(box);
	}
	return JSON.stringify(out);
})()`

type tableBox struct {
	Label     string  `json:"label"`
	Cue       string  `json:"cue"`
	Position  string  `json:"position"`
	Focusable bool    `json:"focusable"`
	Moved     float64 `json:"moved"`
	Scrolled  float64 `json:"scrolled"`
	Hinted    bool    `json:"hinted"`
}

// checkTables asserts, on the page open in b, that no name cell breaks,
// that the page is no wider than the viewport and that every table box
// that scrolls keeps its first column in view and shows its cue.
func checkTables(t *testing.T, b *browser, what string) {
	t.Helper()
	bad, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](brokenNamesJS))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, c := range bad {
		t.Errorf("%s: a name breaks inside its cell: %s", what, c)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](tableBoxesJS))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var got struct {
		Overflow float64    `json:"overflow"`
		Boxes    []tableBox `json:"boxes"`
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Overflow > 0 {
		t.Errorf("%s: the page is %.0f px wider than the viewport", what, got.Overflow)
	}
	for _, x := range got.Boxes {
		if x.Position != "sticky" || x.Scrolled == 0 || x.Moved > 1 {
			t.Errorf("%s: table %q scrolls (%.0f px) but its first column is %s and moved %.0f px", what, x.Label, x.Scrolled, x.Position, x.Moved)
		}
		if !strings.Contains(x.Cue, "gradient") || !x.Focusable || !x.Hinted {
			t.Errorf("%s: table %q scrolls without a cue (shadow %q, line above it %v) or keyboard focus (%v)", what, x.Label, x.Cue, x.Hinted, x.Focusable)
		}
	}
}

// On the demo, at 375×800 and 1920×1080, in Chinese and English, every
// page with tables keeps its names whole (cell text ≤ 1.6 line heights),
// is no wider than the viewport (wide tables scroll inside their box, the
// first column sticky, a shadow as the cue); the street page's compound
// table shows only the compounds not yet five-star on a phone, all of
// them on the wall; a long list shows its first 20 rows on a phone and a
// button for all of them; the first click on a gap
// column ("还需") sorts the largest first. With JINDU_SCREENSHOT_DIR set,
// every page is photographed there.
func TestBrowserTablesPhoneAndWall(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	dir := os.Getenv("JINDU_SCREENSHOT_DIR")
	street := "/streets/" + url.PathEscape("西关街道")
	d := ts.getDoc(t, street+"?year=2024", 200)
	community, ok := d.Find(`table#communities tbody tr td a`).First().Attr("href")
	if !ok {
		t.Fatal("the street page lists no community")
	}
	community = strings.SplitN(community, "?", 2)[0]
	pages := map[string]string{
		"dashboard": "/", "streets": "/streets", "street": street, "community": community, "stars": "/stars",
		"worklist": "/worklist?indicator=five_star_compounds&year=2024", "compare": "/compare", "report": "/report",
	}
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			for name, path := range pages {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				b.open(t, ts.URL+path+sep+"lang="+l)
				what := fmt.Sprintf("%s %s %d", path, l, size[0])
				checkTables(t, b, what)
				if dir != "" {
					shoot(t, b, filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", name, l, size[0])))
				}
			}
			// The compound table: only the compounds not yet five-star
			// on a phone, every one on the wall.
			b.open(t, ts.URL+street+"?lang="+l)
			rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`(function () {
				var box = document.querySelector('input[data-unmet-for="compounds"]');
				var vis = function (sel) { return Array.from(document.querySelectorAll("#compounds tbody " + sel)).filter(function (r) { return r.getClientRects().length > 0; }).length; };
				return [box && box.checked ? 1 : 0, vis("tr"), vis("tr.unmet"), document.querySelectorAll("#compounds tbody tr.unmet").length, document.querySelectorAll("#compounds tbody tr").length];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			checked, visible, unmet, allUnmet, all := rows[0], rows[1], rows[2], rows[3], rows[4]
			t.Logf("%d %s: compounds switch %d, %d of %d rows shown (%d not five-star)", size[0], l, checked, visible, all, allUnmet)
			if allUnmet == 0 || allUnmet == all {
				t.Fatalf("%d %s: the demo street should have compounds on both sides (%d of %d not five-star)", size[0], l, allUnmet, all)
			}
			if size[0] == 375 && (checked != 1 || visible != allUnmet || unmet != allUnmet) {
				t.Errorf("phone %s: the switch is %d and %d rows show, want it on and only the %d not five-star", l, checked, visible, allUnmet)
			}
			if size[0] == 1920 && (checked != 0 || visible != all) {
				t.Errorf("wall %s: the switch is %d and %d rows show, want it off and all %d", l, checked, visible, all)
			}
			// The switch shows the other rows; on a phone the first 20
			// of them and a button for all.
			b.click(t, `[data-testid="compounds-unmet"]`)
			if want := map[int64]int{375: 20, 1920: allUnmet}[size[0]]; visibleRows(t, b, "compounds") != want {
				t.Errorf("%d %s: after a click on the switch %d rows show, want %d", size[0], l, visibleRows(t, b, "compounds"), want)
			}
			if size[0] == 375 {
				showAll(t, b, "compounds", all, l)
			}
		}
	}
	// A long list on a phone shows its first 20 rows and a button for the
	// rest; on the wall, every row.
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		b.open(t, ts.URL+"/compare?lang=zh")
		all, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#unitchanges tbody tr").length`))
		if err != nil || all <= 30 {
			t.Fatalf("the demo's compare page lists %d changed units (%v), want a long list", all, err)
		}
		if size[0] == 1920 {
			if n := visibleRows(t, b, "unitchanges"); n != all {
				t.Errorf("wall: %d of %d changed units show", n, all)
			}
			continue
		}
		if n := visibleRows(t, b, "unitchanges"); n != 20 {
			t.Errorf("phone: %d of %d changed units show, want the first 20", n, all)
		}
		showAll(t, b, "unitchanges", all, "zh")
	}
	// Sorting: every heading shows it sorts; the first click on the gap
	// column sorts the largest gap first, the second the smallest.
	b.open(t, ts.URL+"/streets?year=2024&indicator=five_star_compounds&lang=zh")
	sortState := `(function () {
		var th = document.querySelector('#streetstable th[data-sort-first="descending"]');
		var col = Array.prototype.indexOf.call(th.parentNode.cells, th);
		var vals = Array.from(document.querySelectorAll("#streetstable tbody tr")).map(function (r) { return parseFloat(r.cells[col].getAttribute("data-sort")); });
		var cue = getComputedStyle(th.querySelector("button.sort"), "::after").content;
		return JSON.stringify({sort: th.getAttribute("aria-sort") || "", vals: vals, cue: cue, label: th.textContent});
	})()`
	type state struct {
		Sort  string    `json:"sort"`
		Vals  []float64 `json:"vals"`
		Cue   string    `json:"cue"`
		Label string    `json:"label"`
	}
	read := func() state {
		t.Helper()
		raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](sortState))
		var s state
		if err == nil {
			err = json.Unmarshal([]byte(raw), &s)
		}
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := read()
	if s.Sort != "" || !strings.Contains(s.Cue, "↕") || !strings.Contains(s.Label, "还需") {
		t.Errorf("before sorting, the gap column %q says aria-sort %q and shows %s; want no order and ↕", s.Label, s.Sort, s.Cue)
	}
	b.click(t, `#streetstable th[data-sort-first="descending"] button.sort`)
	s = read()
	if s.Sort != "descending" || !strings.Contains(s.Cue, "▼") || len(s.Vals) < 2 || s.Vals[0] <= s.Vals[len(s.Vals)-1] {
		t.Errorf("first click on the gap column: aria-sort %q, cue %s, values %v; want the largest first", s.Sort, s.Cue, s.Vals)
	}
	for i := 1; i < len(s.Vals); i++ {
		if s.Vals[i] > s.Vals[i-1] {
			t.Errorf("first click on the gap column: not descending at row %d: %v", i, s.Vals)
			break
		}
	}
	b.click(t, `#streetstable th[data-sort-first="descending"] button.sort`)
	if s = read(); s.Sort != "ascending" || s.Vals[0] > s.Vals[len(s.Vals)-1] {
		t.Errorf("second click on the gap column: aria-sort %q, values %v; want the smallest first", s.Sort, s.Vals)
	}
	b.check(t, ts.URL)
}

// Without script, ?unmet=1 ticks the switch (and CSS hides the rest);
// without it the switch is off in the HTML, and a table with nothing to
// hide has no switch.
func TestUnmetSwitchWithoutScript(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	d := ts.getDoc(t, streetURL("街道01", "year=2023", "unmet=1"), 200)
	box := d.Find(`input[data-unmet-for="compounds"]`)
	if _, checked := box.Attr("checked"); box.Length() != 1 || !checked {
		t.Errorf("?unmet=1: the compounds switch is missing or off (%d)", box.Length())
	}
	// 2023: 小区1-5 and 小区2-5 are five-star, the other 8 not.
	if met, unmet := d.Find(`#compounds tbody tr.met`).Length(), d.Find(`#compounds tbody tr.unmet`).Length(); met != 2 || unmet != 8 {
		t.Errorf("compound rows: %d met, %d unmet; want 2 and 8", met, unmet)
	}
	if label := box.Parent().Text(); !strings.Contains(label, "只看未达标（8 个）") {
		t.Errorf("switch label %q", label)
	}
	d = ts.getDoc(t, streetURL("街道01", "year=2023"), 200)
	if _, checked := d.Find(`input[data-unmet-for="compounds"]`).Attr("checked"); checked {
		t.Error("without ?unmet=1 the switch is on in the HTML")
	}
	if n := d.Find(`th[data-sort-first="descending"]`).Length(); n != 0 {
		t.Errorf("the street page has %d gap columns, want none", n)
	}
	d = ts.getDoc(t, "/streets?year=2023&indicator=five_good_streets", 200)
	if th := d.Find(`#streetstable th[data-sort-first="descending"]`); th.Length() != 1 || !strings.Contains(th.Text(), "还需") {
		t.Errorf("the street comparison's gap column is not marked to sort largest first: %q", th.Text())
	}
}

// At 1920×1080 the overview's street comparison stands beside the cards
// (the same row), below them on a phone. /?tv=1 has no header or footer,
// larger type and tv=1 on its links, and reloads itself when the data
// version changes: a batch applied meanwhile shows without anyone
// touching the page.
func TestBrowserWallScreen(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t, func(s *web.Server) { s.TVPoll = 100 * time.Millisecond })
	loadDemo(t, ts)
	boxes := `(function () {
		var c = document.querySelector('section[aria-labelledby="cards-h"]').getBoundingClientRect();
		var m = document.querySelector("#comparison").getBoundingClientRect();
		return [c.left, c.right, c.top, c.bottom, m.left, m.right, m.top, m.bottom];
	})()`
	for _, size := range [][2]int64{{1920, 1080}, {375, 800}} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"zh", "en"} {
			b.open(t, ts.URL+"/?lang="+l)
			r, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](boxes))
			if err != nil {
				t.Fatal(err)
			}
			beside := r[4] >= r[1] && r[6] < r[3] && r[2] < r[7]
			t.Logf("%d %s: cards %.0f–%.0f × %.0f–%.0f, comparison %.0f–%.0f × %.0f–%.0f", size[0], l, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
			if size[0] == 1920 && !beside {
				t.Errorf("%d %s: the street comparison is not beside the cards", size[0], l)
			}
			if size[0] == 375 && r[6] < r[3] {
				t.Errorf("%d %s: the street comparison starts above the cards' end on a phone", size[0], l)
			}
		}
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+"/?lang=zh&year=2024")
	tvHref, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="tv-link"]').getAttribute("href")`))
	if err != nil || !strings.Contains(tvHref, "tv=1") || !strings.Contains(tvHref, "year=2024") {
		t.Fatalf("the 大屏 link is %q (%v)", tvHref, err)
	}
	normal, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.documentElement).fontSize)`))
	if err != nil {
		t.Fatal(err)
	}
	// Only the overview and the analysis pages offer it.
	b.open(t, ts.URL+"/help?lang=zh")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="tv-link"]').length`)); err != nil || n != 0 {
		t.Errorf("/help has %d 大屏 links (%v), want none", n, err)
	}
	b.open(t, ts.URL+"/?lang=zh&year=2024")
	b.click(t, `[data-testid="tv-link"]`)
	b.waitFor(t, `location.search.indexOf("tv=1") >= 0 && !!document.querySelector('[data-testid="card"]')`)
	type tvState struct {
		Header, Footer  int
		Font            float64
		Links, TVLinks  int
		Version, Counts string
	}
	tvJS := `(function () {
		var links = Array.from(document.querySelectorAll('main a[href^="/"]')).filter(function (a) { return !/^\/(static|api)\//.test(a.getAttribute("href")); });
		return {Header: document.querySelectorAll("header").length, Footer: document.querySelectorAll("footer").length,
			Font: parseFloat(getComputedStyle(document.documentElement).fontSize), Links: links.length,
			TVLinks: links.filter(function (a) { return /[?&]tv=1/.test(a.getAttribute("href")); }).length,
			Version: document.body.getAttribute("data-version"), Counts: document.querySelector('[data-testid="card"] .counts').textContent};
	})()`
	tv, err := chromedp.Run(b.ctx, chromedp.Evaluate[tvState](tvJS))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wall screen: root font %.0f px (page %.0f px), %d of %d links carry tv=1, first card %s", tv.Font, normal, tv.TVLinks, tv.Links, tv.Counts)
	if tv.Header != 0 || tv.Footer != 0 || tv.Font <= normal || tv.Links == 0 || tv.TVLinks != tv.Links {
		t.Errorf("wall screen: %+v; want no header or footer, a root font above %.0f px and tv=1 on every link", tv, normal)
	}
	if dir := os.Getenv("JINDU_SCREENSHOT_DIR"); dir != "" {
		b.open(t, ts.URL+"/?lang=zh&year=2024&tv=1")
		shoot(t, b, filepath.Join(dir, "tv-zh-1920.png"))
		b.open(t, ts.URL+"/?lang=en&year=2024&tv=1")
		shoot(t, b, filepath.Join(dir, "tv-en-1920.png"))
		b.open(t, ts.URL+"/?lang=zh&year=2024&tv=1")
	}
	if tv.Counts != "8/13" {
		t.Fatalf("wall screen: the first card counts %q, want the demo's 8/13", tv.Counts)
	}
	// A new street, 五好 in 2024: the first card becomes 9/14 when the page
	// has reloaded by itself (the marker set now is gone after a reload).
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.__notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2024, Unit: metrics.UnitRef{Street: "新区街道"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}})
	b.waitFor(t, `!window.__notReloaded && document.body.getAttribute("data-version") !== `+fmt.Sprintf("%q", tv.Version)+
		` && document.querySelector('[data-testid="card"] .counts').textContent === "9/14"`)
	if tv2, err := chromedp.Run(b.ctx, chromedp.Evaluate[tvState](tvJS)); err != nil || tv2.Header != 0 || !strings.Contains(tv2.Version, "-") {
		t.Errorf("after the reload: %+v (%v)", tv2, err)
	}
	var v struct {
		DataVersion string `json:"data_version"`
	}
	ts.getJSON(t, "/api/version", &v)
	if v.DataVersion == tv.Version || v.DataVersion == "" {
		t.Errorf("/api/version says %q, the page before the batch %q", v.DataVersion, tv.Version)
	}
	b.check(t, ts.URL)
}

// visibleRows counts the rows of table id that show.
func visibleRows(t *testing.T, b *browser, id string) int {
	t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#`+id+` tbody tr")).filter(function (r) { return r.getClientRects().length > 0; }).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// showAll checks the phone's "显示全部 N 行" button of table id and that a
// click on it shows all n rows.
func showAll(t *testing.T, b *browser, id string, n int, l string) {
	t.Helper()
	label, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(function () { var m = document.querySelector('[data-testid="`+id+`-all"]'); return m && m.getClientRects().length ? m.textContent : ""; })()`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"zh": fmt.Sprintf("显示全部 %d 行", n), "en": fmt.Sprintf("Show all %d rows", n)}[l]
	if label != want {
		t.Errorf("%s: the button under the first rows says %q, want %q", id, label, want)
	}
	b.click(t, `[data-testid="`+id+`-all"]`)
	if got := visibleRows(t, b, id); got != n {
		t.Errorf("%s: after 显示全部 %d rows show, want %d", id, got, n)
	}
}

// GET /api/version is the data version /api/metrics gives, never cached,
// and changes with a batch.
func TestAPIVersion(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	var v, m struct {
		DataVersion string `json:"data_version"`
	}
	resp := ts.getJSON(t, "/api/version", &v)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("/api/version: %d, Cache-Control %q, Content-Type %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
	}
	ts.getJSON(t, "/api/metrics", &m)
	if v.DataVersion == "" || v.DataVersion != m.DataVersion {
		t.Errorf("/api/version %q, /api/metrics %q", v.DataVersion, m.DataVersion)
	}
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2023, Unit: metrics.UnitRef{Street: "街道14"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}})
	before := v.DataVersion
	ts.getJSON(t, "/api/version", &v)
	if v.DataVersion == before {
		t.Errorf("/api/version stayed %q after a batch", before)
	}
}
