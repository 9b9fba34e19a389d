package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"jindu/db"
	"jindu/metrics"
)

func doc(t *testing.T, body []byte) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDashboard(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())

	resp, body := ts.get(t, "/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	d := doc(t, body)
	if got := d.Find("html").AttrOr("lang", ""); got != "zh-CN" {
		t.Errorf("lang = %q", got)
	}
	if h := d.Find("h1").Text(); !strings.Contains(h, "2023") {
		t.Errorf("default year should be the latest with data (2023), heading %q", h)
	}
	cards := d.Find(`[data-testid="card"]`)
	if cards.Length() != 8 {
		t.Errorf("%d cards, want 8", cards.Length())
	}
	first := cards.First().Text()
	for _, want := range []string{"“五好”街道党工委占比", "46.2%", "6/13", "目标 40%", "达标"} {
		if !strings.Contains(first, want) {
			t.Errorf("first card %q lacks %q", first, want)
		}
	}
	stars := cards.Eq(2).Text()
	for _, want := range []string{"20.0%", "2/10", "目标 40%", "未达标", "还需 2 个小区"} {
		if !strings.Contains(stars, want) {
			t.Errorf("five-star card %q lacks %q", stars, want)
		}
	}
	if d.Find(`[data-testid="demo-banner"]`).Length() != 0 {
		t.Error("demo banner shown without demo data")
	}
	figs := d.Find(`[data-testid="chart"]`)
	if figs.Length() != 3 {
		t.Fatalf("%d charts, want 3 rating charts", figs.Length())
	}
	figs.Each(func(i int, f *goquery.Selection) {
		canvas := f.Find("[data-chart]")
		id, _ := canvas.Attr("id")
		if id == "" || strings.ContainsAny(id, "-") {
			t.Errorf("chart id %q must be non-empty without hyphens", id)
		}
		src := f.Find(`script[type="application/json"]#` + canvas.AttrOr("data-chart", "none"))
		var opts map[string]any
		if err := json.Unmarshal([]byte(src.Text()), &opts); err != nil {
			t.Errorf("chart %s options are not JSON: %v", id, err)
		}
		if opts["series"] == nil || canvas.AttrOr("aria-label", "") == "" {
			t.Errorf("chart %s lacks series or aria-label", id)
		}
		if f.Find("table tbody tr").Length() != 3 { // 2022 and 2023 with data, 2024 with its milestone only
			t.Errorf("chart %s table has %d rows, want 3", id, f.Find("table tbody tr").Length())
		}
	})
	if d.Find(`[data-testid="progress"] progress`).Length() != 5 {
		t.Errorf("want 5 completion progress bars")
	}
	// No inline script: every <script> either has src or is a JSON data block.
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok && s.AttrOr("type", "") != "application/json" {
			t.Errorf("inline script found: %s", s.Text())
		}
		if src, ok := s.Attr("src"); ok && !strings.HasPrefix(src, "/static/") {
			t.Errorf("script from elsewhere: %s", src)
		}
	})
	// Year selector and English.
	_, body = ts.get(t, "/?year=2022&lang=en")
	d = doc(t, body)
	if d.Find("html").AttrOr("lang", "") != "en" || !strings.Contains(d.Find("h1").Text(), "2022") {
		t.Errorf("English 2022 page: lang %q heading %q", d.Find("html").AttrOr("lang", ""), d.Find("h1").Text())
	}
	if !strings.Contains(d.Find(`[data-testid="card"]`).First().Text(), "Streets rated five-good") {
		t.Error("English labels missing")
	}
	if resp, _ := ts.get(t, "/?year=abc"); resp.StatusCode != 400 {
		t.Errorf("malformed year: %d", resp.StatusCode)
	}
	if resp, _ := ts.get(t, "/?year=2030"); resp.StatusCode != 404 {
		t.Errorf("year without data: %d", resp.StatusCode)
	}
}

func TestDashboardEmptyAndDemoBanner(t *testing.T) {
	ts := newTestServer(t)
	_, body := ts.get(t, "/")
	if doc(t, body).Find(`[data-testid="empty"]`).Length() != 1 {
		t.Error("empty database should explain there is no data")
	}
	ts.apply(t, db.KindDemo, smallDistrict())
	_, body = ts.get(t, "/")
	if doc(t, body).Find(`[data-testid="demo-banner"]`).Length() != 1 {
		t.Error("demo data loaded but no demo banner")
	}
}

func TestUnitNamesAreInert(t *testing.T) {
	ts := newTestServer(t)
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>`
	ts.apply(t, db.KindImport, []metrics.Record{
		{Year: 2022, Unit: metrics.UnitRef{Street: evil}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
	})
	_, body := ts.get(t, "/")
	if bytes.Contains(body, []byte("<script>alert")) || bytes.Contains(body, []byte("<img src=x")) {
		t.Error("a unit name reached the page as markup")
	}
	// The CSV carries the name as data, never as a page a browser renders.
	resp, body := ts.get(t, "/api/metrics.csv?"+url.Values{"street": {evil}}.Encode())
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV served as %q", ct)
	}
	if !bytes.Contains(body, []byte("</script><script>alert(1)")) {
		t.Errorf("the CSV lost the street's name: %s", body)
	}
}

func TestStaticAssets(t *testing.T) {
	ts := newTestServer(t)
	_, body := ts.get(t, "/")
	d := doc(t, body)
	var urls []string
	d.Find("script[src]").Each(func(_ int, s *goquery.Selection) { urls = append(urls, s.AttrOr("src", "")) })
	d.Find("link[rel=stylesheet]").Each(func(_ int, s *goquery.Selection) { urls = append(urls, s.AttrOr("href", "")) })
	if len(urls) != 2 || !strings.Contains(urls[0], "/js/charts.") {
		t.Fatalf("assets %v", urls)
	}
	// charts.js names ECharts by its hashed URL and loads it where a page
	// has a chart.
	_, js := ts.get(t, urls[0])
	m := regexp.MustCompile(`var echartsURL = "([^"]+)";`).FindSubmatch(js)
	if m == nil {
		t.Fatalf("charts.js names no ECharts URL")
	}
	urls = append([]string{string(m[1])}, urls...)
	for _, u := range urls {
		req, _ := http.NewRequest("GET", ts.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s: not gzip: %v", u, err)
		}
		n, _ := io.Copy(io.Discard, zr)
		resp.Body.Close()
		if resp.StatusCode != 200 || n == 0 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, %d bytes, cache %q", u, resp.StatusCode, n, resp.Header.Get("Cache-Control"))
		}
	}
	if !strings.Contains(urls[0], "/static/vendor/echarts.") {
		t.Errorf("ECharts URL %q", urls[0])
	} else {
		resp, body := ts.get(t, urls[0])
		// The trimmed bundle (web/echarts.entry.js) is about 550 KB.
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte("echarts")) || len(body) < 300_000 {
			t.Errorf("echarts asset: %d, %d bytes", resp.StatusCode, len(body))
		}
	}
	for _, p := range []string{"/static/js/charts.js", "/static/../go.mod", "/static/vendor/echarts.min.js"} {
		if resp, _ := ts.get(t, p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404 (only hashed URLs are served)", p, resp.StatusCode)
		}
	}
}

func TestHealthzAndHeaders(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.get(t, "/healthz")
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
	resp, _ = ts.get(t, "/")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "same-origin" {
		t.Error("missing nosniff or referrer policy")
	}
	if resp, _ := ts.get(t, "/no/such/page"); resp.StatusCode != 404 {
		t.Errorf("unknown route: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("DELETE", ts.URL+"/api/metrics", nil)
	if resp, err := ts.Client().Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE /api/metrics: %v %v", resp.StatusCode, err)
	}
}
