package pdf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium skips under -short, and without a browser on a developer
// machine; CI has one.
func chromium(t *testing.T) *Renderer {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no Chromium")
	}
	r := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: WaitLimit})
	if !r.Available() {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs it")
		}
		t.Skip("chromium not installed: " + InstallHint)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// origin is a test server that records the X-Token of each request, and
// serves an HTML page at / that embeds the given URLs.
type origin struct {
	*httptest.Server
	mu     sync.Mutex
	tokens []string // "path token" of every request
}

func newOrigin(t *testing.T, embed ...string) *origin {
	o := &origin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.tokens = append(o.tokens, r.URL.Path+" "+r.Header.Get("X-Token"))
		o.mu.Unlock()
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><body><h1>page</h1>`)
		for _, u := range embed {
			fmt.Fprintf(w, `<img src="%s">`, u)
		}
		io.WriteString(w, `<div data-chart="c"><svg width="10" height="10"></svg></div></body>`)
	}))
	t.Cleanup(o.Close)
	return o
}

// took returns the requests the server got since the last call.
func (o *origin) took() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	got := o.tokens
	o.tokens = nil
	return got
}

func (r *Renderer) idleTabs() []*tab {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.idle)
}

// TestTabReused: a second and third render reuse the first one's tab, and
// each still blocks the other origins (listed in its own Result), and
// sends its own headers to its own page's origin only.
func TestTabReused(t *testing.T) {
	r := chromium(t)
	evil := newOrigin(t)
	a := newOrigin(t, evil.URL+"/a.png")
	b := newOrigin(t, evil.URL+"/b.png", a.URL+"/from-b.png")

	render := func(o *origin, token string) Result {
		t.Helper()
		res, err := r.Render(context.Background(), Job{URL: o.URL + "/", Headers: map[string]string{"X-Token": token}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := render(a, "one")
	idle := r.idleTabs()
	if len(idle) != 1 {
		t.Fatalf("%d idle tabs after a render, want 1", len(idle))
	}
	if !slices.Equal(res.Blocked, []string{evil.URL + "/a.png"}) {
		t.Errorf("first render blocked %q", res.Blocked)
	}
	if got := a.took(); !slices.Contains(got, "/ one") {
		t.Errorf("page A got %q, want its token", got)
	}

	res = render(b, "two")
	if again := r.idleTabs(); len(again) != 1 || again[0] != idle[0] {
		t.Error("the second render did not reuse the tab")
	}
	if want := []string{evil.URL + "/b.png", a.URL + "/from-b.png"}; !sameSet(res.Blocked, want) {
		t.Errorf("second render blocked %q, want %q", res.Blocked, want)
	}
	if got := b.took(); !slices.Contains(got, "/ two") {
		t.Errorf("page B got %q, want its token", got)
	}
	if got := a.took(); len(got) != 0 {
		t.Errorf("page A's origin got %q while B printed", got)
	}

	res = render(a, "three")
	if again := r.idleTabs(); len(again) != 1 || again[0] != idle[0] {
		t.Error("the third render did not reuse the tab")
	}
	if !slices.Equal(res.Blocked, []string{evil.URL + "/a.png"}) {
		t.Errorf("third render blocked %q", res.Blocked)
	}
	for _, got := range a.took() {
		if !strings.HasSuffix(got, " three") {
			t.Errorf("page A got %q, want token three only", got)
		}
	}
	if got := evil.took(); len(got) != 0 {
		t.Errorf("the other origin got %q", got)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestTabDiscarded: a tab is not reused after its render failed, nor after
// its page's process crashed while it was idle; renders still work.
func TestTabDiscarded(t *testing.T) {
	r := chromium(t)
	ok := newOrigin(t)
	never := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><body><div data-chart="c"></div></body>`)
	}))
	defer never.Close()

	if _, err := r.Render(context.Background(), Job{URL: ok.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	first := r.idleTabs()
	r.cfg.Timeout = 3 * time.Second // for the render that must time out only
	if _, err := r.Render(context.Background(), Job{URL: never.URL + "/"}); err == nil {
		t.Fatal("a chart that never draws printed")
	}
	r.cfg.Timeout = WaitLimit
	if n := len(r.idleTabs()); n != 0 {
		t.Errorf("%d idle tabs after a timeout, want 0", n)
	}
	if _, err := r.Render(context.Background(), Job{URL: ok.URL + "/"}); err != nil {
		t.Fatalf("render after a timeout: %v", err)
	}
	idle := r.idleTabs()
	if len(idle) != 1 || idle[0] == first[0] {
		t.Fatalf("idle tabs %v after a timeout, want one new tab (not %p)", idle, first[0])
	}

	// Crash the idle tab's page; the command gets no answer.
	cctx, cancel := context.WithTimeout(idle[0].ctx, time.Second)
	chromedp.Call(cctx, page.Crash, cdp.Empty{})
	cancel()
	deadline := time.Now().Add(3 * time.Minute)
	for !idle[0].crashed.Load() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !idle[0].crashed.Load() {
		t.Fatal("the tab did not report its crash")
	}
	if _, err := r.Render(context.Background(), Job{URL: ok.URL + "/"}); err != nil {
		t.Fatalf("render after a crashed tab: %v", err)
	}
	if now := r.idleTabs(); len(now) != 1 || now[0] == idle[0] {
		t.Error("the crashed tab was reused")
	}
}

// TestBrowserKilled: after the browser process is killed, renders start a
// new browser with new tabs.
func TestBrowserKilled(t *testing.T) {
	r := chromium(t)
	ok := newOrigin(t)
	if _, err := r.Render(context.Background(), Job{URL: ok.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	bctx := r.browser
	r.mu.Unlock()
	if err := chromedp.FromContext(bctx).Browser.Process().Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bctx.Done():
	case <-time.After(3 * time.Minute):
		t.Fatal("the browser's context did not end when it was killed")
	}
	if _, err := r.Render(context.Background(), Job{URL: ok.URL + "/"}); err != nil {
		t.Fatalf("render after the browser was killed: %v", err)
	}
	idle := r.idleTabs()
	if len(idle) != 1 || idle[0].browser == bctx {
		t.Error("a tab of the killed browser was reused")
	}
}
