package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"jindu/auth"
	"jindu/db"
	"jindu/internal/testdata/testutil"
	"jindu/metrics"
	"jindu/pdf"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPDFCache: a repeat request for the same PDF of unchanged data is
// answered from the cache without a render; a change of the data prints
// it again. The PDF says what it is and who made it (pdfinfo).
func TestPDFCache(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	ts.apply(t, "import", smallDistrict())
	resp, first := ts.get(t, "/report.pdf?year=2023")
	if resp.StatusCode != 200 || !bytes.HasPrefix(first, []byte("%PDF")) {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n := ts.Web.PDFRenders(); n != 1 {
		t.Fatalf("%d renders after the first request, want 1", n)
	}
	info := testutil.Poppler(t, first, "pdfinfo", "PDF")
	for _, want := range []string{"Title:           魏都区2023年进度报告", "Author:          Jindu", "Creator:         Jindu", "CreationDate:"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if strings.Contains(info, "HeadlessChrome") {
		t.Errorf("the creator is still the browser:\n%s", info)
	}
	// With a TrueType CJK face installed, every font is embedded as a CID
	// font: no Type 3.
	fonts := testutil.Poppler(t, first, "pdffonts", "PDF")
	if list, _ := exec.Command("fc-list", ":", "family").Output(); strings.Contains(string(list), "WenQuanYi Micro Hei") {
		if strings.Contains(fonts, "Type 3") || !strings.Contains(fonts, "CID TrueType") {
			t.Errorf("fonts not embedded as CID TrueType:\n%s", fonts)
		}
	} else {
		t.Logf("no WenQuanYi Micro Hei installed: the fonts are\n%s", fonts)
	}
	start := time.Now()
	resp, again := ts.get(t, "/report.pdf?year=2023")
	t.Logf("cached PDF served in %s", time.Since(start))
	if resp.StatusCode != 200 || !bytes.Equal(again, first) {
		t.Errorf("repeat: status %d, same bytes %v", resp.StatusCode, bytes.Equal(again, first))
	}
	if n := ts.Web.PDFRenders(); n != 1 {
		t.Errorf("%d renders after a repeat request, want 1 (served from the cache)", n)
	}
	// Another language is another PDF.
	if resp, _ := ts.get(t, "/report.pdf?year=2023&lang=en"); resp.StatusCode != 200 {
		t.Fatalf("en: %d", resp.StatusCode)
	}
	if n := ts.Web.PDFRenders(); n != 2 {
		t.Errorf("%d renders after the English PDF, want 2", n)
	}
	// New data: a new render.
	ts.apply(t, "import", []metrics.Record{{Year: 2023, Unit: metrics.UnitRef{Street: "街道13"},
		Status: metrics.Status{FiveGood: metrics.Bool(true), ServiceCenter: metrics.Bool(true)}}})
	resp, changed := ts.get(t, "/report.pdf?year=2023")
	if resp.StatusCode != 200 || bytes.Equal(changed, first) {
		t.Errorf("after a change: status %d, same bytes %v", resp.StatusCode, bytes.Equal(changed, first))
	}
	if n := ts.Web.PDFRenders(); n != 3 {
		t.Errorf("%d renders after the data changed, want 3", n)
	}
	// New targets, same data: a new render too.
	target := 50
	if err := ts.DB.SetTargets(context.Background(), "admin", []db.TargetOverride{{Indicator: metrics.FiveGoodStreets, Year: 2023, Target: &target}}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Web.LoadTargets(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if resp, _ := ts.get(t, "/report.pdf?year=2023"); resp.StatusCode != 200 {
			t.Fatalf("after new targets: %d", resp.StatusCode)
		}
	}
	if n := ts.Web.PDFRenders(); n != 4 {
		t.Errorf("%d renders after the targets changed and a repeat, want 4", n)
	}
}

// TestPDFFairQueue: twenty PDFs asked for at once by one viewer hold one
// render at a time; another viewer's PDF, asked for while the first
// viewer's first render runs, starts before more than one other render of
// the first viewer's has: it is not queued behind all twenty. The
// renderer has one slot, so order is all that decides.
func TestPDFFairQueue(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServerWith(t, withPDF(pdf.Config{Concurrency: 1, Timeout: waitLimit, Wait: 2 * waitLimit}),
		auth.User{Name: "viewerA", Role: auth.Viewer}, auth.User{Name: "viewerB", Role: auth.Viewer})
	t.Cleanup(func() { ts.Web.Close() })
	var mu sync.Mutex
	var starts []string // the lane of each render, in the order they started
	firstA := make(chan struct{})
	bWaits := make(chan struct{})
	var onceB sync.Once
	// viewerA's first render is held at its start until viewerB's render
	// waits for the renderer: the order is then the queue's alone.
	ts.Web.OnPDFQueue(func(who string) {
		if strings.HasSuffix(who, ":viewerB") {
			onceB.Do(func() { close(bWaits) })
		}
	})
	ts.Web.OnPDFRender(func(who string) {
		mu.Lock()
		starts = append(starts, who)
		first := strings.HasSuffix(who, ":viewerA") && len(starts) == 1
		mu.Unlock()
		if first {
			close(firstA)
			<-bWaits
		}
	})
	a, b := ts.client(t), ts.client(t)
	ts.login(t, a, "viewerA", testPassword)
	ts.login(t, b, "viewerB", testPassword)
	get := func(c *http.Client, path string) (int, bool) {
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			t.Error(err)
			return 0, false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, bytes.HasPrefix(body, []byte("%PDF"))
	}
	// Twenty different PDFs (no two alike, so none comes from the cache).
	var paths []string
	for _, year := range []string{"2022", "2023"} {
		for _, l := range []string{"zh", "en"} {
			for i := range 5 {
				paths = append(paths, "/report.pdf?"+url.Values{"year": {year}, "lang": {l}, "street": {fmt.Sprintf("街道%02d", i+1)}}.Encode())
			}
		}
	}
	var wg sync.WaitGroup
	statusA := make([]int, len(paths))
	for i, p := range paths {
		wg.Go(func() {
			if st, ok := get(a, p); ok {
				statusA[i] = st
			}
		})
	}
	<-firstA
	mu.Lock()
	asked := len(starts) // viewerA's renders started when viewerB asks
	mu.Unlock()
	statusB, okB := get(b, "/report.pdf?year=2023")
	wg.Wait()
	if statusB != 200 || !okB {
		t.Errorf("viewerB: status %d", statusB)
	}
	for i, st := range statusA {
		if st != 200 {
			t.Errorf("viewerA request %d: status %d", i, st)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != len(paths)+1 {
		t.Fatalf("%d renders, want %d", len(starts), len(paths)+1)
	}
	posB := -1
	for i, who := range starts {
		if strings.HasSuffix(who, ":viewerB") {
			posB = i
			break
		}
	}
	t.Logf("viewerB asked after %d of viewerA's renders had started; its render was number %d of %d", asked, posB+1, len(starts))
	if posB < 0 || posB-asked > 1 {
		t.Errorf("viewerB's render started after %d more of viewerA's (want at most 1): %v", posB-asked, starts)
	}
}

// TestPDFQueueAnonymous: anonymous readers of a --public server queue by
// client address.
func TestPDFQueueAnonymous(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	ts.apply(t, "import", smallDistrict())
	var mu sync.Mutex
	var who []string
	ts.Web.OnPDFRender(func(w string) { mu.Lock(); who = append(who, w); mu.Unlock() })
	if resp, _ := ts.get(t, "/report.pdf?year=2022"); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(who) != 1 || who[0] != "addr:127.0.0.1" {
		t.Errorf("lanes %q, want the client's address", who)
	}
}
