package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"jindu/internal/testdata/testutil"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jindu/pdf"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestRenderBlocksOtherHosts: a page that embeds an image, a script and a
// frame from another host prints, and none of those requests leaves the
// browser; the token header reaches the page's own origin only.
func TestRenderBlocksOtherHosts(t *testing.T) {
	testutil.Chromium(t)
	var outside atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outside.Add(1)
		if r.Header.Get("X-Token") != "" {
			t.Errorf("the token reached another host: %s", r.URL)
		}
	}))
	defer evil.Close()
	var token atomic.Value
	token.Store("")
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			token.Store(r.Header.Get("X-Token"))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="zh-CN"><body><h1>进度报告</h1>
			<img src="%[1]s/x.png"><img src="http://evil.example/y.png">
			<script src="%[1]s/x.js"></script><iframe src="%[1]s/frame"></iframe>
			<link rel="stylesheet" href="%[1]s/x.css">
			<div data-chart="c"><svg width="10" height="10"><rect width="10" height="10"/></svg></div></body></html>`, evil.URL)
	}))
	defer page.Close()

	r := pdf.New(pdf.Config{Logger: quiet(), Timeout: pdf.WaitLimit})
	defer r.Close()
	res, err := r.Render(context.Background(), pdf.Job{URL: page.URL + "/", Headers: map[string]string{"X-Token": "secret"},
		Footer: `<b>user</b>`, PageOf: [3]string{"第 ", " 页 / 共 ", " 页"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(res.PDF, []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", res.PDF[:min(20, len(res.PDF))])
	}
	if n := outside.Load(); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
	if len(res.Blocked) < 4 {
		t.Errorf("blocked %q, want the image, script, frame and stylesheet of the other hosts", res.Blocked)
	}
	for _, b := range res.Blocked {
		if strings.HasPrefix(b, page.URL) {
			t.Errorf("blocked the page's own origin: %s", b)
		}
	}
	if got := token.Load().(string); got != "secret" {
		t.Errorf("page got token %q", got)
	}
	if text := testutil.PDFText(t, res.PDF); !strings.Contains(text, "<b>user</b>") || !strings.Contains(strings.ReplaceAll(text, " ", ""), "第1页/共1页") {
		t.Errorf("footer not printed as escaped text:\n%s", text)
	}
}

// TestRenderWaitsForCharts: a chart that draws late is in the PDF.
func TestRenderWaitsForCharts(t *testing.T) {
	testutil.Chromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><body><div data-chart="c" id="c"></div><script>
			setTimeout(function () {
				document.getElementById("c").innerHTML = '<svg width="200" height="40"><text x="0" y="20">LATECHART</text></svg>';
			}, 400);</script></body>`)
	}))
	defer page.Close()
	r := pdf.New(pdf.Config{Logger: quiet(), Timeout: pdf.WaitLimit})
	defer r.Close()
	res, err := r.Render(context.Background(), pdf.Job{URL: page.URL})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(testutil.PDFText(t, res.PDF), "LATECHART") {
		t.Error("the PDF was printed before the chart drew")
	}
}

// TestRenderTimeout: a page whose chart never draws is cancelled at the
// timeout, and the renderer still works afterwards.
func TestRenderTimeout(t *testing.T) {
	testutil.Chromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/never" {
			io.WriteString(w, `<!DOCTYPE html><body><div data-chart="c"></div></body>`)
			return
		}
		io.WriteString(w, `<!DOCTYPE html><body>ok</body>`)
	}))
	defer page.Close()
	r := pdf.New(pdf.Config{Logger: quiet(), Timeout: 3 * time.Second})
	defer r.Close()
	start := time.Now()
	errc := make(chan error, 1)
	go func() {
		_, err := r.Render(context.Background(), pdf.Job{URL: page.URL + "/never"})
		errc <- err
	}()
	// Without the timeout the render would wait for ever; the limit here
	// only stops a broken build from hanging the suite.
	select {
	case err := <-errc:
		if !errors.Is(err, pdf.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
	case <-time.After(5 * time.Minute):
		t.Fatal("a render whose chart never draws was not cancelled")
	}
	t.Logf("cancelled after %v (timeout %v)", time.Since(start).Round(time.Millisecond), r.Timeout())
	// The same renderer prints the next page; with a longer timeout, so a
	// loaded machine cannot make it time out too.
	pdf.SetTimeout(r, pdf.WaitLimit)
	if _, err := r.Render(context.Background(), pdf.Job{URL: page.URL + "/ok"}); err != nil {
		t.Errorf("render after a timeout: %v", err)
	}
}

// TestRenderConcurrencyLimit: never more than Concurrency pages at once;
// the others wait and all finish.
func TestRenderConcurrencyLimit(t *testing.T) {
	testutil.Chromium(t)
	var cur, peak atomic.Int32
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><body>page</body>`)
	}))
	defer page.Close()
	r := pdf.New(pdf.Config{Logger: quiet(), Concurrency: 2, Timeout: pdf.WaitLimit})
	defer r.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Go(func() {
			_, err := r.Render(context.Background(), pdf.Job{URL: page.URL + "/"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d renders ran at once, limit 2", p)
	}
}

// TestUnavailable: no browser is an error that names the install command.
func TestUnavailable(t *testing.T) {
	r := pdf.New(pdf.Config{ExecPath: "/nonexistent/chromium"})
	if r.Available() {
		t.Fatal("available with a missing binary")
	}
	_, err := r.Render(context.Background(), pdf.Job{URL: "http://127.0.0.1:1/"})
	if !errors.Is(err, pdf.ErrUnavailable) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("err = %v", err)
	}
}

// TestRenderBlocksWebSocketAndPreconnect: request interception does not
// see WebSocket handshakes or preconnects; on main a printed page could
// open both to any host. Now every connection but to the page's origin
// (another loopback port included) reaches the renderer's refusing proxy,
// and nothing reaches the other host.
func TestRenderBlocksWebSocketAndPreconnect(t *testing.T) {
	testutil.Chromium(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var reached atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	evil := "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head>
			<link rel="preconnect" href="http://%[1]s"><link rel="dns-prefetch" href="//evil.example">
			<link rel="preconnect" href="https://evil.example"></head><body><h1>报告</h1>
			<div data-chart="c" id="c"></div><script>
			// The chart "draws" once the WebSocket has failed, so the print
			// waits for the attempt.
			function drawn() { document.getElementById("c").innerHTML = '<svg width="10" height="10"></svg>'; }
			var ws = new WebSocket("ws://%[1]s/ws");
			ws.onerror = drawn; ws.onclose = drawn; ws.onopen = drawn;
			</script></body></html>`, evil)
	}))
	defer page.Close()
	r := pdf.New(pdf.Config{Logger: quiet(), Timeout: 30 * time.Second})
	defer r.Close()
	res, err := r.Render(context.Background(), pdf.Job{URL: page.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(res.PDF, []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d connections reached the other host (WebSocket or preconnect)", n)
	}
	if r.Refused() == 0 {
		t.Error("the refusing proxy saw no attempt: the test page did not try")
	}
	t.Logf("refused %d connections; sandbox %v", r.Refused(), r.Sandboxed())
	if os.Geteuid() == 0 && r.Sandboxed() {
		t.Error("as root chromium cannot have its sandbox")
	}
}
