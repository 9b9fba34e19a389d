package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"jindu/web"
)

// firstVisitLimit is issue 18's target for a first visit to / (bytes
// transferred, gzip): a size, not a time, so a test may hold it.
const firstVisitLimit = 150 * 1000

// TestFirstVisitWeight: a first visit to the demo's / (the page, every
// asset it names and the scripts those load on load) is at most 150 KB
// with charts drawn on the server; drawn in the browser, it also loads
// ECharts and is over.
func TestFirstVisitWeight(t *testing.T) {
	for _, server := range []bool{true, false} {
		ts := newTestServer(t, func(s *web.Server) { s.ServerCharts = server })
		loadDemo(t, ts)
		if server {
			warmCharts(t, ts, "/")
		}
		fetch, done := gzipFetch(t, ts)
		n, assets, resp := firstVisit(t, ts, fetch)
		done()
		if resp.StatusCode != 200 {
			t.Fatalf("/: %d", resp.StatusCode)
		}
		var paths []string
		for _, a := range assets {
			paths = append(paths, a.path)
		}
		t.Logf("server charts %v: first visit %d bytes: / and %v", server, n, paths)
		switch {
		case server && n > firstVisitLimit:
			t.Errorf("first visit to / is %d bytes, over %d", n, firstVisitLimit)
		case !server && n <= firstVisitLimit:
			t.Errorf("without server charts the first visit is %d bytes: does it still load ECharts? %v", n, paths)
		}
	}
}

// warmCharts asks for each path until the page has every chart drawn on
// the server (the server draws them in the background after the first
// ask), or fails after waitLimit.
func warmCharts(tb testing.TB, ts *testServer, paths ...string) {
	tb.Helper()
	for _, p := range paths {
		deadline := time.Now().Add(waitLimit)
		for {
			_, body := ts.get(tb, p)
			if !liveChart.Match(body) {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s: the server did not draw its charts within %v", p, waitLimit)
			}
			time.Sleep(20 * time.Millisecond) // the drawing runs; ask again
		}
	}
}

// TestPageRevalidates: a page (no-cache) names its content with an ETag; a
// repeat visit asking with it gets 304 and no body, and a changed page
// (another language) another tag.
func TestPageRevalidates(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	fetch, done := gzipFetch(t, ts)
	defer done()
	_, first := fetch("/", nil)
	tag := first.Header.Get("ETag")
	if tag == "" {
		t.Fatal("/ has no ETag")
	}
	n, again := fetch("/", http.Header{"If-None-Match": {tag}})
	if again.StatusCode != http.StatusNotModified || n != 0 {
		t.Errorf("revalidated: %d, %d bytes", again.StatusCode, n)
	}
	_, en := fetch("/?lang=en", nil)
	if en.Header.Get("ETag") == tag {
		t.Errorf("the English page has the Chinese page's tag %s", tag)
	}
	if n, other := fetch("/?lang=en", http.Header{"If-None-Match": {tag}}); other.StatusCode != http.StatusOK || n == 0 {
		t.Errorf("another page with the first's tag: %d, %d bytes", other.StatusCode, n)
	}
}

// TestChartSummariesEndCleanly: no chart summary of any year's overview
// ends in "，。" (the baseline year has no target and so no status).
func TestChartSummariesEndCleanly(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	label := regexp.MustCompile(`aria-label="([^"]*)"`)
	for _, path := range []string{"/?year=2021", "/?year=2022", "/?year=2024", "/?year=2021&lang=en"} {
		_, body := ts.get(t, path)
		n := 0
		for _, m := range label.FindAllSubmatch(body, -1) {
			s := string(m[1])
			n++
			if strings.Contains(s, "，。") || strings.Contains(s, "，，") || strings.HasSuffix(s, ", ") || strings.Contains(s, ", .") {
				t.Errorf("%s: %q", path, s)
			}
		}
		if n == 0 {
			t.Errorf("%s: no aria-label", path)
		}
	}
}
