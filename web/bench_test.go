package web_test

// Benchmarks of the read side, run by scripts/bench.sh (make bench). The
// district runs on the demo data; the province on the database named by
// JINDU_BENCH_DB (the bench script imports a generated year into it),
// labelled JINDU_BENCH_SCALE (default province), skipped when unset.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

// benchScale is the label of the JINDU_BENCH_DB database.
func benchScale() string {
	if s := os.Getenv("JINDU_BENCH_SCALE"); s != "" {
		return s
	}
	return "province"
}

// benchScales returns the servers to benchmark: district always, the
// large scale when its database is given.
func benchScales(b *testing.B) map[string]*testServer {
	b.Helper()
	out := map[string]*testServer{}
	// Charts are drawn on the server, as `jindu serve` does.
	ts := newTestServer(b, func(s *web.Server) { s.ServerCharts = true })
	loadDemo(b, ts)
	warmCharts(b, ts, "/")
	out["district"] = ts
	if p := os.Getenv("JINDU_BENCH_DB"); p != "" {
		d, err := db.Open(context.Background(), p)
		if err != nil {
			b.Fatal(err)
		}
		s, err := web.New(d, metrics.DefaultProgram(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		s.Auth.Public = true
		s.ServerCharts = true
		s.SetReady(true)
		srv := httptest.NewServer(s.Handler())
		b.Cleanup(func() { srv.Close(); d.Close() })
		out[benchScale()] = &testServer{Server: srv, DB: d, Web: s}
		warmCharts(b, out[benchScale()], "/")
	}
	return out
}

// benchStreetPath is the page of the server's first street.
func benchStreetPath(b *testing.B, ts *testServer) string {
	streets, err := ts.DB.Streets(context.Background())
	if err != nil || len(streets) == 0 {
		b.Fatalf("streets: %d, %v", len(streets), err)
	}
	return "/streets/" + url.PathEscape(streets[0].Name)
}

// BenchmarkPages measures the server-side time of a page: the handler
// writing into a recorder, no network.
func BenchmarkPages(b *testing.B) {
	servers := benchScales(b)
	for _, scale := range []string{"district", benchScale()} {
		ts := servers[scale]
		if ts == nil {
			continue
		}
		h := ts.Web.Handler()
		for _, page := range []string{"/", "/api/metrics", "street"} {
			path := page
			if page == "street" {
				path = benchStreetPath(b, ts)
			}
			b.Run(scale+"/"+page, func(b *testing.B) {
				get := func() int {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
					if rec.Code != 200 {
						b.Fatalf("%s: %d", path, rec.Code)
					}
					return rec.Body.Len()
				}
				size := get() // warm the figures cache
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					get()
				}
				b.ReportMetric(float64(size), "bytes")
			})
		}
	}
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+|/favicon\.ico)"`)

// scriptRef finds the scripts a script names to load later.
var scriptRef = regexp.MustCompile(`"(/static/[^"]+\.js)"`)

// BenchmarkThroughput loads / with concurrent keep-alive clients over
// loopback, then a static file of about the same size from the same
// server, and reports requests per second of each.
func BenchmarkThroughput(b *testing.B) {
	scale := benchScale()
	servers := benchScales(b)
	ts := servers[scale]
	if ts == nil {
		scale, ts = "district", servers["district"]
	}
	_, page := ts.get(b, "/")
	// The static file closest in size to the page, among those it loads
	// and those its scripts load later (ECharts, since the charts are
	// drawn on the server, is no longer named by the page).
	static, best := "", -1
	for _, path := range pageAssets(b, ts, page, true) {
		_, body := ts.get(b, path)
		if d := abs(len(body) - len(page)); best < 0 || d < best {
			static, best = path, d
		}
	}
	_, staticBody := ts.get(b, static)
	const clients = 8
	run := func(path string) float64 {
		tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
		defer tr.CloseIdleConnections()
		c := &http.Client{Transport: tr}
		var n atomic.Int64
		deadline := time.Now().Add(3 * time.Second)
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					resp, err := c.Get(ts.URL + path)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("%s: %d", path, resp.StatusCode)
						return
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(n.Load()) / time.Since(start).Seconds()
	}
	var pageRate, staticRate float64
	for b.Loop() {
		pageRate = run("/")
		staticRate = run(static)
	}
	b.ReportMetric(pageRate, "page-req/s")
	b.ReportMetric(staticRate, "static-req/s")
	b.ReportMetric(pageRate/staticRate, "ratio")
	b.ReportMetric(float64(len(page)), "page-bytes")
	b.ReportMetric(float64(len(staticBody)), "static-bytes")
	b.Logf("%s: / %d bytes, %.0f req/s; %s %d bytes, %.0f req/s", scale, len(page), pageRate, static, len(staticBody), staticRate)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// gzipFetch returns a fetch of a path of ts as a browser asks (gzip
// accepted, the body's bytes as sent counted) and a func that closes its
// connections.
func gzipFetch(tb testing.TB, ts *testServer) (func(string, http.Header) (int, *http.Response), func()) {
	tr := &http.Transport{DisableCompression: true}
	c := &http.Client{Transport: tr}
	return func(path string, hdr http.Header) (int, *http.Response) {
		tb.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return int(n), resp
	}, tr.CloseIdleConnections
}

// visited is an asset a first visit fetched, with its response.
type visited struct {
	path string
	resp *http.Response
}

// liveChart finds a chart the browser draws at once (not drawn on the
// server: no "ssr" class), for which charts.js loads ECharts.
var liveChart = regexp.MustCompile(`class="chart-canvas(?: tall)?" id="[^"]*" data-chart=`)

// firstVisit fetches / and every asset it names, and the scripts a script
// loads on load (charts.js loads ECharts when a chart is to be drawn at
// once; charts drawn on the server wait for a pointer), and returns the
// bytes received (gzip accepted), the assets and the page's response.
func firstVisit(tb testing.TB, ts *testServer, fetch func(string, http.Header) (int, *http.Response)) (int, []visited, *http.Response) {
	tb.Helper()
	first, resp := fetch("/", nil)
	_, page := ts.get(tb, "/")
	var assets []visited
	for _, path := range pageAssets(tb, ts, page, liveChart.Match(page)) {
		n, r := fetch(path, nil)
		first += n
		assets = append(assets, visited{path, r})
	}
	return first, assets, resp
}

// pageAssets lists, once each and in order, the assets a page names and,
// with later, the scripts its scripts name to load later.
func pageAssets(tb testing.TB, ts *testServer, page []byte, later bool) []string {
	tb.Helper()
	var out []string
	seen := map[string]bool{}
	refs := assetRef.FindAllStringSubmatch(string(page), -1)
	for i := 0; i < len(refs); i++ {
		path := refs[i][1]
		if seen[path] {
			continue
		}
		seen[path] = true
		out = append(out, path)
		if later && strings.HasSuffix(path, ".js") {
			_, js := ts.get(tb, path)
			refs = append(refs, scriptRef.FindAllStringSubmatch(string(js), -1)...)
		}
	}
	return out
}

// BenchmarkPageWeight counts the bytes of response bodies a browser
// receives for a first visit to / (the page and every asset it names,
// gzip accepted) and for a repeat visit (the page again; assets with an
// immutable cache lifetime are not asked for, others are revalidated).
func BenchmarkPageWeight(b *testing.B) {
	servers := benchScales(b)
	for _, scale := range []string{"district", benchScale()} {
		ts := servers[scale]
		if ts == nil {
			continue
		}
		b.Run(scale, func(b *testing.B) {
			fetch, done := gzipFetch(b, ts)
			defer done()
			var first, repeat int
			var assets []visited
			var resp *http.Response
			for b.Loop() {
				first, repeat = 0, 0
				first, assets, resp = firstVisit(b, ts, fetch)
				// Repeat visit.
				hdr := http.Header{}
				if et := resp.Header.Get("ETag"); et != "" {
					hdr.Set("If-None-Match", et)
				}
				n, _ := fetch("/", hdr)
				repeat += n
				for _, a := range assets {
					if strings.Contains(a.resp.Header.Get("Cache-Control"), "immutable") {
						continue
					}
					h := http.Header{}
					if et := a.resp.Header.Get("ETag"); et != "" {
						h.Set("If-None-Match", et)
					}
					if lm := a.resp.Header.Get("Last-Modified"); lm != "" {
						h.Set("If-Modified-Since", lm)
					}
					n, _ := fetch(a.path, h)
					repeat += n
				}
			}
			b.ReportMetric(float64(first), "first-visit-bytes")
			b.ReportMetric(float64(repeat), "repeat-visit-bytes")
		})
	}
}
