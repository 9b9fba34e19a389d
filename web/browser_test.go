package web_test

import (
	"context"
	"jindu/internal/testdata/testutil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"jindu/auth"
	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
)

// browser is a headless Debian Chromium tab that records what a page does:
// console errors, script dialogs, CSP violations and every request.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	errors   []string
	dialogs  []string
	requests []string
	marks    []string // console.info lines of check's flush marker
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testutil.Chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx}

	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *page.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, ev.Message)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			b.mu.Lock()
			switch {
			case m.Type == chromedp.ConsoleError || m.IsException():
				b.errors = append(b.errors, m.String())
			case strings.HasPrefix(m.Text, flushMark):
				b.marks = append(b.marks, m.Text)
			}
			b.mu.Unlock()
		}
	}()
	go func() {
		for range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	// Record CSP violations from inside the page; scripts added through the
	// protocol are not subject to the page's CSP.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation",
				function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`,
		})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	return b
}

// open navigates and waits until every chart on the page has drawn its SVG.
func (b *browser) open(t testing.TB, u string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(function () {
		var els = document.querySelectorAll("[data-chart]");
		for (var i = 0; i < els.length; i++) {
			if (!els[i].querySelector("svg")) return false;
		}
		return document.readyState === "complete";
	})()`, chromedp.WithPollingTimeout(waitLimit)))
	if err != nil {
		t.Fatalf("charts of %s did not draw: %v", u, err)
	}
}

// flushMark starts the console line check writes to know that every
// console message before it has arrived.
const flushMark = "jindu-test-flush "

// check asserts the page raised no error, dialog or CSP violation and made
// no request to another host.
func (b *browser) check(t testing.TB, base string) {
	t.Helper()
	// The console's messages arrive in order: once a line logged now is
	// here, so is every message the page logged before it.
	b.mu.Lock()
	mark := flushMark + strconv.Itoa(len(b.marks))
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`console.info(`+strconv.Quote(mark)+`), true`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(waitLimit); ; time.Sleep(10 * time.Millisecond) {
		b.mu.Lock()
		seen := slices.Contains(b.marks, mark)
		b.mu.Unlock()
		if seen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console line %q never arrived", mark)
		}
	}
	csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("console error: %s", e)
	}
	for _, d := range b.dialogs {
		t.Errorf("script dialog opened: %q", d)
	}
	for _, v := range csp {
		t.Errorf("CSP violation: %s", v)
	}
	host := mustHost(t, base)
	for _, r := range b.requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		if mustHost(t, r) != host {
			t.Errorf("request to another host: %s", r)
		}
	}
}

func mustHost(t testing.TB, s string) string {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func loadDemo(t testing.TB, ts *testServer, extra ...metrics.Record) {
	t.Helper()
	_, err := ts.DB.Apply(context.Background(), db.BatchInput{Kind: db.KindDemo, Actor: "demo"}, func(yield func(metrics.Record, error) bool) {
		for r, err := range demo.Records(demo.District, 2021, demo.Years) {
			if !yield(r, err) {
				return
			}
		}
		for _, r := range extra {
			if !yield(r, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBrowserDashboardDrawsCharts(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>`
	loadDemo(t, ts, metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: evil}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
		metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: "http://evil.example/x.png"}, Status: metrics.Status{FiveGood: metrics.Bool(false)}})

	for _, path := range []string{"/", "/?year=2022&lang=en"} {
		b.open(t, ts.URL+path)
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-chart] svg").length`))
		if err != nil || n != 4 { // 3 rating charts and the street comparison
			t.Errorf("%s: %d charts drew SVG (err %v), want 4", path, n, err)
		}
		banner, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!document.querySelector('[data-testid="demo-banner"]')`))
		if err != nil || !banner {
			t.Errorf("%s: no demo banner", path)
		}
	}
	// The tooltip, whose markup ECharts writes with inline styles, shows
	// under the CSP (style-src-attr is what lets it).
	tip, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(function () {
		var el = document.querySelector("[data-chart]");
		echarts.getInstanceByDom(el).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 3});
		var divs = el.querySelectorAll("div");
		return divs.length ? divs[divs.length - 1].parentNode.textContent : "";
	})()`))
	if err != nil || !strings.Contains(tip, "Milestone") {
		t.Errorf("tooltip did not show: %q %v", tip, err)
	}
	b.check(t, ts.URL)
}

func TestBrowserLoginLogout(t *testing.T) {
	b := newBrowser(t)
	ts, _ := privateServer(t, auth.User{Name: "viewer1", Role: auth.Viewer})
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>`
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2023, Unit: metrics.UnitRef{Street: evil}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}})

	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?lang=zh"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "viewer1"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
	); err != nil {
		t.Fatalf("log in through the form: %v", err)
	}
	b.open(t, ts.URL+"/")
	who, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="user"]').textContent`))
	if err != nil || !strings.Contains(who, "viewer1") {
		t.Errorf("logged-in user shown as %q (%v)", who, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	); err != nil {
		t.Fatalf("log out: %v", err)
	}
	// After logout the dashboard sends the browser back to the login page.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`))); err != nil {
		t.Errorf("dashboard after logout: %v", err)
	}
	b.check(t, ts.URL)
}

// The dashboard fits a 375 px phone and a 1920 px meeting-room screen:
// no horizontal scrolling, and every chart drawn.
func TestBrowserPhoneAndWallScreen(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	for _, width := range []int64{375, 1920} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		b.open(t, ts.URL+"/?lang=zh")
		over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil || over > 0 {
			t.Errorf("width %d: the page is %d px wider than the screen (%v)", width, over, err)
		}
		narrow, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("[data-chart] svg")).filter(function (s) { return s.getBoundingClientRect().width < 200; }).length`))
		if err != nil || narrow > 0 {
			t.Errorf("width %d: %d charts narrower than 200 px (%v)", width, narrow, err)
		}
	}
	b.check(t, ts.URL)
}
