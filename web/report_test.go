package web_test

import (
	"bytes"
	"context"
	"io"
	"jindu/internal/testdata/testutil"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"jindu/auth"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web"
)

// withPDF gives the server a renderer (closed with the server).
func withPDF(cfg pdf.Config) func(*web.Server) {
	return func(s *web.Server) {
		if cfg.Logger == nil {
			cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		s.PDF = pdf.New(cfg)
	}
}

// pdfServer is a --public test server that makes PDFs with Chromium; a
// render may take up to waitLimit unless cfg says otherwise.
func pdfServer(t *testing.T, cfg pdf.Config) *testServer {
	t.Helper()
	testutil.Chromium(t)
	if cfg.Timeout == 0 {
		cfg.Timeout = waitLimit
	}
	ts := newTestServer(t, withPDF(cfg))
	t.Cleanup(func() { ts.Web.Close() })
	return ts
}

func pdfPages(t testing.TB, pdf []byte) int {
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(testutil.Poppler(t, pdf, "pdfinfo", "PDF"))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestReportPage(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "import", smallDistrict())
	resp, body := ts.get(t, "/report?year=2023")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%s", resp.StatusCode, body)
	}
	d := doc(t, body)
	if d.Find("header.top nav, header.top").Length() != 0 {
		t.Error("the report has the site navigation")
	}
	if h := d.Find("h1").Text(); h != "魏都区2023年进度报告" {
		t.Errorf("heading %q", h)
	}
	if d.Find(`link[rel=stylesheet][href*="/static/css/print."]`).Length() != 1 {
		t.Error("print.css not linked")
	}
	rows := d.Find(`section[aria-labelledby="r-headline"] tbody tr`)
	if rows.Length() != 8 {
		t.Errorf("headline table has %d rows, want 8", rows.Length())
	}
	var cells []string
	rows.First().Find("td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, c.Text()) })
	if got := strings.Join(cells, "|"); !strings.HasPrefix(got, "“五好”街道党工委占比|6/13|46.2%|40%|达标|") {
		t.Errorf("first headline row %q: the target column holds the number only", got)
	}
	if n := d.Find("[data-chart]").Length(); n != 4 {
		t.Errorf("%d charts, want 3 ratings and the street comparison", n)
	}
	foot := d.Find(`[data-testid="report-footer"]`).Text()
	for _, want := range []string{"数据截至", "数据版本", "生成于"} {
		if !strings.Contains(foot, want) {
			t.Errorf("footer %q lacks %q", foot, want)
		}
	}
	// An anonymous reader is named by nobody: no "匿名访问" on paper.
	if all := d.Find("main").Text(); strings.Contains(all, "匿名") || strings.Contains(all, "生成人") {
		t.Errorf("the report names an anonymous reader:\n%s", foot)
	}
	// No renderer: the PDF button says why.
	if note := d.Find(`[data-testid="pdf-note"]`).Text(); !strings.Contains(note, pdf.InstallHint) {
		t.Errorf("pdf note %q", note)
	}
	for path, status := range map[string]int{"/report?year=abc": 400, "/report?year=2019": 404,
		"/report?year=2023&street=" + url.QueryEscape("没有"): 404, "/report?year=2023&street=" + url.QueryEscape("街道01"): 200} {
		if resp, _ := ts.get(t, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}

// TestReportPDFUnavailable: without Chromium the endpoint answers 503 with
// the install command, and the rest works (the dashboard says why).
func TestReportPDFUnavailable(t *testing.T) {
	ts := newTestServer(t, withPDF(pdf.Config{ExecPath: "/nonexistent/chromium"}))
	ts.apply(t, "import", smallDistrict())
	resp, body := ts.get(t, "/report.pdf?year=2023")
	if resp.StatusCode != 503 || !strings.Contains(string(body), pdf.InstallHint) {
		t.Errorf("status %d, body lacks the install command:\n%s", resp.StatusCode, body)
	}
	resp, body = ts.get(t, "/?year=2023")
	if resp.StatusCode != 200 {
		t.Fatalf("dashboard: %d", resp.StatusCode)
	}
	d := doc(t, body)
	if d.Find(`a[data-testid="pdf-link"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="pdf-note"]`).Text(), "apt-get install chromium") {
		t.Error("dashboard offers a PDF it cannot make, or does not say why")
	}
}

// TestRenderTokenOnlyForReport: the render header is no key to anything
// without a valid token, and a valid one would open /report only.
func TestRenderTokenOnlyForReport(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "viewer", Role: auth.Viewer})
	c := ts.client(t)
	for _, path := range []string{"/report?year=2023", "/", "/snapshots"} {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("X-Jindu-Render", strings.Repeat("0", 64))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s with a forged render token: %d, want a redirect to login", path, resp.StatusCode)
		}
	}
}

// TestReportPDF renders the report of the demo district: a vector A4 PDF
// with selectable Chinese text, the headline numbers, page numbers, and
// no raster image.
func TestReportPDF(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	loadDemo(t, ts)
	start := time.Now()
	resp, pdf := ts.get(t, "/report.pdf?year=2024")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%s", resp.StatusCode, pdf)
	}
	t.Logf("cold render %s, %d bytes", time.Since(start), len(pdf))
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=utf-8''"+url.PathEscape("进度报告-2024-魏都区.pdf")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	// The headline table and the rating charts; the streets; completion
	// and outlook (TestReportPDFPacked checks how full the pages are).
	pages := pdfPages(t, pdf)
	if pages > 3 {
		t.Errorf("%d pages, want at most 3", pages)
	}
	if info := testutil.Poppler(t, pdf, "pdfinfo", "PDF"); !strings.Contains(info, "A4") {
		t.Errorf("not A4:\n%s", info)
	}
	text := testutil.Poppler(t, pdf, "pdftotext", "-layout", "PDF", "-")
	flat := strings.Join(strings.Fields(text), "")
	_, page := ts.get(t, "/report?year=2024")
	d := doc(t, page)
	for _, want := range []string{"魏都区2024年进度报告", "主要指标", "评级指标与节点目标", "各街道对比", "完成类指标", "数据截至", "第1页/共" + strconv.Itoa(pages) + "页", "第" + strconv.Itoa(pages) + "页/共" + strconv.Itoa(pages) + "页"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	cells := d.Find(`section[aria-labelledby="r-headline"] tbody td.num`)
	if cells.Length() == 0 {
		t.Fatal("no headline numbers")
	}
	cells.Each(func(_ int, c *goquery.Selection) {
		if v := strings.TrimSpace(c.Text()); v != "—" && !strings.Contains(flat, v) {
			t.Errorf("headline number %q is not in the PDF's text", v)
		}
	})
	if imgs := testutil.Poppler(t, pdf, "pdfimages", "-list", "PDF"); strings.Count(strings.TrimSpace(imgs), "\n") > 1 {
		t.Errorf("the PDF holds raster images (charts must be vector):\n%s", imgs)
	}
	// Warm: the browser is reused.
	start = time.Now()
	if resp, _ := ts.get(t, "/report.pdf?year=2024&lang=en"); resp.StatusCode != 200 {
		t.Errorf("second render: %d", resp.StatusCode)
	}
	t.Logf("warm render %s", time.Since(start))
	if dump := os.Getenv("JINDU_REPORT_PDF"); dump != "" {
		os.WriteFile(dump, pdf, 0o644) // for looking at it while working on print.css
	}
	if out := os.Getenv("JINDU_REPORT_PNG"); out != "" {
		dir := t.TempDir()
		f := filepath.Join(dir, "r.pdf")
		os.WriteFile(f, pdf, 0o644)
		if b, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", f, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, b)
		}
		png, err := os.ReadFile(filepath.Join(dir, "p.png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(png))
	}
}

// TestReportPDFConcurrent: six PDFs at once with a limit of two all finish.
func TestReportPDFConcurrent(t *testing.T) {
	ts := pdfServer(t, pdf.Config{Concurrency: 2})
	ts.apply(t, "import", smallDistrict())
	var wg sync.WaitGroup
	status := make([]int, 6)
	for i := range status {
		wg.Go(func() {
			resp, body := ts.get(t, "/report.pdf?year=2023")
			status[i] = resp.StatusCode
			if !bytes.HasPrefix(body, []byte("%PDF")) {
				status[i] = -status[i]
			}
		})
	}
	wg.Wait()
	for i, s := range status {
		if s != 200 {
			t.Errorf("request %d: status %d", i, s)
		}
	}
}

// TestReportPDFPrivate: a logged-in viewer gets the PDF, which names them;
// an anonymous caller is sent to log in.
func TestReportPDFPrivate(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServer(t, auth.User{Name: "viewer7", Role: auth.Viewer})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })
	c := ts.client(t)
	if resp := do(t, c, "GET", ts.URL+"/report.pdf?year=2023", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to login", resp.StatusCode)
	}
	ts.login(t, c, "viewer7", testPassword)
	resp, err := c.Get(ts.URL + "/report.pdf?year=2023&street=" + url.QueryEscape("街道01"))
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("viewer: %d %q", resp.StatusCode, pdf[:min(len(pdf), 100)])
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("进度报告-2023-街道01.pdf")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	flat := strings.Join(strings.Fields(testutil.Poppler(t, pdf, "pdftotext", "PDF", "-")), "")
	for _, want := range []string{"街道012023年进度报告", "viewer7"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
}

// TestReportBrowserPrint: the browser's own Print (no server header or
// footer) numbers every page and has the data-as-of line.
func TestReportBrowserPrint(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	b.open(t, ts.URL+"/report?year=2024&lang=zh")
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, pdf)
	for p := 1; p <= pages; p++ {
		n := strconv.Itoa(p)
		flat := strings.Join(strings.Fields(testutil.Poppler(t, pdf, "pdftotext", "-f", n, "-l", n, "PDF", "-")), "")
		if want := "第" + n + "页/共" + strconv.Itoa(pages) + "页"; !strings.Contains(flat, want) {
			t.Errorf("printed page %d lacks %q", p, want)
		}
		if !strings.Contains(flat, "数据截至") {
			t.Errorf("printed page %d lacks the data-as-of line:\n%s", p, flat)
		}
	}
	if imgs := testutil.Poppler(t, pdf, "pdfimages", "-list", "PDF"); strings.Count(strings.TrimSpace(imgs), "\n") > 1 {
		t.Errorf("raster images:\n%s", imgs)
	}
	b.check(t, ts.URL)
}

// benchPDF renders /report.pdf of the demo district once and returns its size.
func benchPDF(b *testing.B, ts *testServer) int {
	resp, pdf := ts.get(b, "/report.pdf?year=2024")
	if resp.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		b.Fatalf("status %d", resp.StatusCode)
	}
	return len(pdf)
}

// BenchmarkPDFWarm: one report PDF with the browser already running (the
// README's warm figure); bytes/pdf is the file's size.
func BenchmarkPDFWarm(b *testing.B) {
	testutil.Chromium(b)
	ts := newTestServer(b, withPDF(pdf.Config{}))
	b.Cleanup(func() { ts.Web.Close() })
	loadDemo(b, ts)
	size := benchPDF(b, ts) // starts the browser
	b.ResetTimer()
	for range b.N {
		size = benchPDF(b, ts)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// BenchmarkPDFCold: the first PDF of a server, browser start included.
func BenchmarkPDFCold(b *testing.B) {
	testutil.Chromium(b)
	ts := newTestServer(b)
	loadDemo(b, ts)
	b.ResetTimer()
	for range b.N {
		ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		benchPDF(b, ts)
		b.StopTimer()
		ts.Web.PDF.Close()
		b.StartTimer()
	}
}

// TestReportPDFHostileNames: unit names that look like markup or another
// host's URL print as text; the page makes no request the renderer must
// block.
func TestReportPDFHostileNames(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	evil := `<img src="http://evil.example/x.png">`
	rs := append(smallDistrict(),
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: evil}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "http://evil.example/y.png"}, Status: metrics.Status{FiveGood: metrics.Bool(false)}})
	ts.apply(t, "import", rs)
	for _, street := range []string{"", evil} {
		out, err := ts.Web.RenderReport(context.Background(), web.ReportRequest{Year: 2023, Street: street, Lang: "zh"})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Blocked) != 0 {
			t.Errorf("street %q: the page asked for %q", street, out.Blocked)
		}
		text := testutil.Poppler(t, out.PDF, "pdftotext", "PDF", "-")
		if !strings.Contains(text, "evil.example/") {
			t.Errorf("street %q: the names are not printed as text", street)
		}
	}
}
