package web_test

import (
	"fmt"
	"image"
	"image/png"
	"jindu/pdf"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
)

// Page margins of the server's PDF (pdf.Render), in millimetres of 297.
const pdfTopMM, pdfBottomMM, pageMM = 16.0, 18.0, 297.0

// blankBelow renders every page of a PDF and returns, for each, the share
// of the page's height left blank under its last non-white row, measured
// inside the margins (the running header and footer are in them).
func blankBelow(t *testing.T, pdf []byte) []float64 {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed: apt-get install poppler-utils")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "40", "-png", f, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	sort.Strings(pages) // p-1 … p-9: the demo's reports have fewer than ten pages
	var out []float64
	for _, p := range pages {
		r, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blankShare(img))
	}
	return out
}

// blankShare is the blank share of one page image (see blankBelow).
func blankShare(img image.Image) float64 {
	b := img.Bounds()
	h := float64(b.Dy())
	top := b.Min.Y + int(h*pdfTopMM/pageMM)
	bottom := b.Min.Y + int(h*(pageMM-pdfBottomMM)/pageMM)
	last := top
	for y := top; y < bottom; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xF000 || g < 0xF000 || bl < 0xF000 {
				last = y
				break
			}
		}
	}
	return float64(bottom-last) / h
}

// TestReportPDFPacked: the demo district's report of the current year is
// at most three A4 pages in Chinese and in English, and no page but the
// last is more than a third blank; so are a street's report and a past
// year's.
func TestReportPDFPacked(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	loadDemo(t, ts)
	street := url.QueryEscape("文峰街道")
	for _, c := range []struct {
		path     string
		maxPages int
	}{
		{"/report.pdf?year=2024&lang=zh", 3},
		{"/report.pdf?year=2024&lang=en", 3},
		{"/report.pdf?year=2024&lang=zh&street=" + street, 0},
		{"/report.pdf?year=2024&lang=en&street=" + street, 0},
		{"/report.pdf?year=2022&lang=zh", 0},
	} {
		resp, pdf := ts.get(t, c.path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", c.path, resp.StatusCode)
		}
		pages := pdfPages(t, pdf)
		if c.maxPages > 0 && pages > c.maxPages {
			t.Errorf("%s: %d pages, want at most %d", c.path, pages, c.maxPages)
		}
		blank := blankBelow(t, pdf)
		if len(blank) != pages {
			t.Fatalf("%s: %d page images for %d pages", c.path, len(blank), pages)
		}
		var shares []string
		for i, b := range blank {
			shares = append(shares, fmt.Sprintf("%.0f%%", b*100))
			if i < len(blank)-1 && b > 1.0/3 {
				t.Errorf("%s: page %d of %d is %.0f%% blank (at most a third but on the last page)", c.path, i+1, pages, b*100)
			}
		}
		t.Logf("%s: %d pages, blank below the last line: %s", c.path, pages, strings.Join(shares, " "))
	}
}

// TestReportShowsNothingLater: a past year's report, district or street,
// has no later year's data in its charts or tables.
func TestReportShowsNothingLater(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	for _, c := range []struct {
		year  int
		later []string
	}{{2021, []string{"2022年", "2023年", "2024年"}}, {2022, []string{"2023年", "2024年"}}} {
		for _, street := range []string{"", "文峰街道"} {
			path := fmt.Sprintf("/report?year=%d", c.year)
			if street != "" {
				path += "&street=" + url.QueryEscape(street)
			}
			resp, body := ts.get(t, path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			d := doc(t, body)
			// Everything but the heading (the program's name spans its
			// years) and the outlook, whose projections name the years
			// ahead by design ("按此速度2024年预计 52.1%").
			shown := d.Find("main section").Not(`[aria-labelledby="r-outlook"]`).Text()
			d.Find(`script[type="application/json"]`).Each(func(_ int, s *goquery.Selection) { shown += s.Text() })
			if !strings.Contains(shown, fmt.Sprintf("%d年", c.year)) {
				t.Errorf("%s: the year itself is not shown", path)
			}
			for _, y := range c.later {
				if strings.Contains(shown, y) {
					t.Errorf("%s shows %s", path, y)
				}
			}
		}
	}
}

// TestReportStreetSections: a street's report lists its communities with
// their gaps and the street's work list of both rating targets below the
// street; it draws no chart of the street's own 五好 rating (one unit:
// only 0% or 100%), which the ratings table still has.
func TestReportStreetSections(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	resp, body := ts.get(t, "/report?year=2024&street="+url.QueryEscape("文峰街道"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, body)
	rows := d.Find(`[data-testid="rt-communities"] tbody tr`)
	if rows.Length() < 2 {
		t.Fatalf("%d community rows", rows.Length())
	}
	heads := d.Find(`[data-testid="rt-communities"] thead th`).Text()
	for _, want := range []string{"社区", "“五好”社区", "“五星”小区", "占比", "还需"} {
		if !strings.Contains(heads, want) {
			t.Errorf("community table heads %q lack %q", heads, want)
		}
	}
	work := d.Find(`section[aria-labelledby="r-work"]`)
	if h := work.Find("h3").Text(); !strings.Contains(h, "“五好”社区") || !strings.Contains(h, "“五星”小区") {
		t.Errorf("work list headings %q", h)
	}
	if s := work.Text(); !strings.Contains(s, "文峰街道") || work.Find(`[data-testid="rt-work"] tbody tr`).Length() == 0 {
		t.Errorf("the work list names no units:\n%s", s)
	}
	if n := d.Find("[data-chart]").Length(); n != 2 {
		t.Errorf("%d charts, want 2 (五好社区, 五星小区)", n)
	}
	if !strings.Contains(d.Find(`[data-testid="rt-ratings"]`).Text(), "“五好”街道党工委占比") {
		t.Error("the ratings table lacks the street's own rating")
	}
	if d.Find(`section[aria-labelledby="r-comparison"]`).Length() != 0 {
		t.Error("a street's report compares the streets")
	}
}

// TestReportStreetsTable: the district report has every street against
// all three rating targets, header and values in the same columns.
func TestReportStreetsTable(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	_, body := ts.get(t, "/report?year=2024")
	d := doc(t, body)
	tbl := d.Find(`[data-testid="rt-streets"] table`)
	heads := tbl.Find("thead th")
	var labels []string
	heads.Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
	want := []string{"街道", "“五好”街道", "“五好”社区", "占比", "还需", "“五星”小区", "占比", "还需"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("heads %q, want %q", labels, want)
	}
	rows := tbl.Find("tbody tr")
	if rows.Length() != 13 {
		t.Errorf("%d streets, want 13", rows.Length())
	}
	rows.Each(func(i int, r *goquery.Selection) {
		cells := r.Find("td")
		if cells.Length() != len(want) {
			t.Errorf("row %d has %d cells", i, cells.Length())
		}
		// Every numeric head's column is numeric in every row.
		heads.Each(func(j int, h *goquery.Selection) {
			if h.HasClass("num") != cells.Eq(j).HasClass("num") {
				t.Errorf("row %d column %d: head and value aligned differently", i, j)
			}
		})
	})
}

// TestBrowserReportPhone: on a phone the report is no wider than the
// screen; on a wall screen too.
func TestBrowserReportPhone(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	for _, width := range []int64{375, 1920} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/report?year=2024&lang=zh", "/report?year=2024&lang=en", "/report?year=2024&lang=zh&street=" + url.QueryEscape("文峰街道")} {
			b.open(t, ts.URL+path)
			over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if err != nil || over > 0 {
				t.Errorf("%s at %d px: %d px wider than the screen (%v)", path, width, over, err)
			}
		}
	}
	b.check(t, ts.URL)
}

// TestBrowserPDFPending: while the server prints, the PDF link says
// 正在生成… and is busy; a second click starts no second download; when
// the PDF has arrived, the link is as before. The render is held at its
// start until the page has been seen pending, so no timing decides.
func TestBrowserPDFPending(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	ts.apply(t, "import", smallDistrict())
	started, release := make(chan struct{}, 4), make(chan struct{})
	ts.Web.OnPDFRender(func(string) {
		started <- struct{}{}
		<-release
	})
	b := newBrowser(t)
	b.open(t, ts.URL+"/report?year=2023&lang=zh")
	link := `a[data-testid="pdf-link"]`
	if href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('`+link+`').getAttribute("href")`)); err != nil ||
		!strings.HasPrefix(href, "/report.pdf?") {
		t.Fatalf("without script the link is %q (%v)", href, err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(link))); err != nil {
		t.Fatal(err)
	}
	<-started
	state, err := chromedp.Run(b.ctx, chromedp.Evaluate[struct{ Text, Busy string }](`(function () {
		var a = document.querySelector('`+link+`');
		return {Text: a.textContent, Busy: a.getAttribute("aria-busy") || ""};
	})()`))
	if err != nil || state.Text != "正在生成…" || state.Busy != "true" {
		t.Errorf("while printing the link is %+v (%v), want 正在生成… and busy", state, err)
	}
	// A second click while pending asks for nothing more.
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(link))); err != nil {
		t.Fatal(err)
	}
	close(release)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('`+link+`').getAttribute("data-downloaded") === "1"`,
		chromedp.WithPollingTimeout(waitLimit))); err != nil {
		t.Fatalf("the PDF did not arrive: %v", err)
	}
	text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('`+link+`').textContent`))
	if text != "下载 PDF" {
		t.Errorf("after the download the link says %q", text)
	}
	if n := ts.Web.PDFRenders(); n != 1 {
		t.Errorf("%d renders, want 1", n)
	}
	b.check(t, ts.URL)
}
