// Package pdf prints Jindu's report pages to PDF with headless Chromium
// (chromedp). One browser process is started on the first render and
// reused, and so are its tabs: a tab that printed is kept open for the next
// render, which saves creating it and warms its page's process. At most
// Concurrency renders run at once and the others wait for a slot until
// their deadline; a render that exceeds its timeout is cancelled, and its
// tab closed. The browser may load only the origin of the page it prints:
// every other request is failed before it leaves (SSRF), and the page's
// credentials travel in a request header that is added only for that
// origin. What request interception cannot see (WebSocket, preconnect,
// DNS prefetch) cannot leave either: the browser connects only through a
// proxy of the renderer's own (proxy.go), which passes on connections to
// the origin of a render in progress and refuses all others, and it
// resolves no host name itself. The browser runs with its sandbox
// where the kernel allows it (not as root, and with unprivileged user
// namespaces), and without it otherwise, saying so in the log.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ErrUnavailable means no Chromium was found; everything but PDF works.
var ErrUnavailable = errors.New("chromium is not installed (" + InstallHint + ")")

// ErrBusy means every render slot stayed taken until the wait's deadline.
var ErrBusy = errors.New("pdf renderer busy")

// ErrTimeout means a render took longer than its timeout and was cancelled.
var ErrTimeout = errors.New("pdf render timed out")

// Config sets up a Renderer; zero fields take the defaults.
type Config struct {
	// ExecPath is the browser binary; empty looks for one where the
	// operating system's browsers live (browserCandidates).
	ExecPath string
	// Concurrency is how many renders may run at once (default 2).
	Concurrency int
	// Timeout bounds one render, from navigation to the last PDF byte
	// (default 60 s).
	Timeout time.Duration
	// Wait bounds how long a render waits for a free slot (default: Timeout).
	Wait   time.Duration
	Logger *slog.Logger
}

// Job is one page to print.
type Job struct {
	// URL is the page. Only its scheme, host and port may be loaded.
	URL string
	// Headers are added to every request to the page's origin (and to no
	// other request), e.g. an internal token.
	Headers map[string]string
	// Header and Footer are plain text printed at the top and bottom of
	// every page (escaped here: they may hold user data).
	Header, Footer string
	// PageOf formats the page number: before n, between n and m, after m,
	// e.g. {"第 ", " 页 / 共 ", " 页"}. Zero prints "n / m".
	PageOf [3]string
	// Info is the PDF's document information; an empty Author or Creator
	// is "Jindu", a zero Created the time of printing, an empty Title
	// the page's title.
	Info Info
	// Queued, if set, is called as the render starts waiting for a slot;
	// Started once it has its slot and starts loading the page.
	Queued, Started func()
}

// Result is a printed page.
type Result struct {
	PDF []byte
	// Blocked lists the requests that were refused (another origin).
	Blocked []string
}

// Renderer prints pages to PDF with one shared headless Chromium.
type Renderer struct {
	cfg   Config
	slots chan struct{}

	mu        sync.Mutex
	closed    bool
	browser   context.Context // nil until the first render
	stop      func()          // ends the browser and removes its profile
	idle      []*tab          // open tabs of the browser that no render uses
	proxy     *guardProxy     // the browser's only way out
	sandboxed bool            // the browser runs with its sandbox
	refused   int64           // connections refused by the proxies of browsers since stopped
}

// maxTabUses is how many pages one tab prints before it is closed, so that
// a long-running server does not keep one page process for ever.
const maxTabUses = 100

// tab is a browser tab with request interception enabled. It serves one
// render at a time; between renders it waits in Renderer.idle, still
// showing the last page it printed.
type tab struct {
	ctx     context.Context // the tab's chromedp context
	close   func()          // closes the tab and waits for it
	browser context.Context // the browser the tab belongs to
	done    chan struct{}   // closed when the interception loop ends
	crashed atomic.Bool     // the page's process died
	uses    int             // renders it served

	mu  sync.Mutex
	job *tabJob // the render in progress; nil between renders
}

// tabJob is what the interception loop needs to know of a render.
type tabJob struct {
	page    *url.URL
	headers map[string]string
	blocked []string
}

// New returns a renderer; the browser starts on the first render.
func New(cfg Config) *Renderer {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Wait <= 0 {
		cfg.Wait = cfg.Timeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Renderer{cfg: cfg, slots: make(chan struct{}, cfg.Concurrency)}
}

// ExecPath finds the browser, or returns ErrUnavailable.
func (r *Renderer) ExecPath() (string, error) {
	names := []string{r.cfg.ExecPath}
	if r.cfg.ExecPath == "" {
		names = browserCandidates()
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrUnavailable
}

// Available reports whether a browser is installed.
func (r *Renderer) Available() bool {
	_, err := r.ExecPath()
	return err == nil
}

// Close stops the browser; later renders fail.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.reset()
	return nil
}

// reset closes the idle tabs and stops the browser, if any; r.mu is held.
func (r *Renderer) reset() {
	for _, t := range r.idle {
		t.close()
	}
	r.idle = nil
	if r.stop != nil {
		r.stop()
	}
	if r.proxy != nil {
		r.refused += r.proxy.refused.Load()
	}
	r.browser, r.stop, r.proxy, r.sandboxed = nil, nil, nil, false
}

// start returns the running browser and its proxy, starting them if
// needed.
func (r *Renderer) start() (context.Context, *guardProxy, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, errors.New("pdf renderer closed")
	}
	if r.browser != nil && r.browser.Err() == nil {
		return r.browser, r.proxy, nil
	}
	r.reset()
	path, err := r.ExecPath()
	if err != nil {
		return nil, nil, err
	}
	begin := time.Now()
	// Chromium refuses its sandbox as root; elsewhere it needs unprivileged
	// user namespaces, and falls back without them.
	sandbox, why := os.Geteuid() != 0, "running as root"
	bctx, proxy, stop, err := r.launch(path, sandbox)
	if err != nil && sandbox {
		r.cfg.Logger.Warn("pdf: chromium would not start with its sandbox; starting it without "+
			"(the sandbox needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1, "+
			"or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)", "err", err)
		sandbox, why = false, "the kernel refused it"
		bctx, proxy, stop, err = r.launch(path, false)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("start chromium: %w", err)
	}
	if sandbox {
		why = ""
	}
	r.cfg.Logger.Info("pdf: chromium started", "path", path, "sandbox", sandbox, "no_sandbox_because", why,
		"dur_ms", time.Since(begin).Milliseconds())
	r.browser, r.stop, r.proxy, r.sandboxed = bctx, stop, proxy, sandbox
	return bctx, proxy, nil
}

// launch starts a browser whose every connection goes through a new
// guard proxy.
func (r *Renderer) launch(path string, sandbox bool) (context.Context, *guardProxy, func(), error) {
	dir, err := os.MkdirTemp("", "jindu-chromium-")
	if err != nil {
		return nil, nil, nil, err
	}
	proxy, err := newGuardProxy(r.cfg.Logger)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("dns-prefetch-disable", true),
		chromedp.Flag("no-pings", true),
		// Every connection, loopback included, goes through the guard
		// proxy: WebSocket and preconnect too, which request interception
		// does not see. The browser resolves no name itself (the rule
		// would map the proxy's own address too, hence the exclusion).
		chromedp.ProxyServer("http://"+proxy.Addr()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		// A reused tab must not keep the pages it printed before.
		chromedp.Flag("disable-back-forward-cache", true),
		chromedp.WindowSize(1024, 1400),
	)
	if !sandbox {
		opts = append(opts, chromedp.NoSandbox)
	}
	// The browser outlives any one request: its contexts derive from
	// Background and end only in reset.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		proxy.Close()
		// Chromium's helpers can write for a moment after it exits.
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, nil, err
	}
	return bctx, proxy, stop, nil
}

// acquire waits for a render slot until ctx ends or the wait's deadline.
func (r *Renderer) acquire(ctx context.Context) error {
	t := time.NewTimer(r.cfg.Wait)
	defer t.Stop()
	select {
	case r.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Render prints the job's page to an A4 PDF once every chart on it has
// drawn its SVG.
func (r *Renderer) Render(ctx context.Context, j Job) (Result, error) {
	page, err := url.Parse(j.URL)
	if err != nil || (page.Scheme != "http" && page.Scheme != "https") || page.Host == "" {
		return Result{}, fmt.Errorf("render: bad page URL %q", j.URL)
	}
	if _, err := r.ExecPath(); err != nil {
		return Result{}, err
	}
	if j.Queued != nil {
		j.Queued()
	}
	if err := r.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer func() { <-r.slots }()
	if j.Started != nil {
		j.Started()
	}
	bctx, proxy, err := r.start()
	if err != nil {
		return Result{}, err
	}
	defer proxy.allow(page)()
	res, err := r.render(ctx, bctx, page, j)
	if err != nil && ctx.Err() == nil && !errors.Is(err, ErrTimeout) && !r.alive(bctx) {
		// The browser died (crash, OOM kill): start a fresh one next time.
		r.mu.Lock()
		if r.browser == bctx {
			r.reset()
		}
		r.mu.Unlock()
	}
	return res, err
}

// alive asks the browser for its targets.
func (r *Renderer) alive(bctx context.Context) bool {
	ctx, cancel := context.WithTimeout(bctx, 3*time.Second)
	defer cancel()
	_, err := chromedp.Targets(ctx)
	return err == nil
}

// takeTab returns an idle tab of the browser bctx, or opens a new one.
// Opening is cancelled when ctx ends.
func (r *Renderer) takeTab(ctx, bctx context.Context) (*tab, error) {
	r.mu.Lock()
	for len(r.idle) > 0 {
		t := r.idle[len(r.idle)-1]
		r.idle = r.idle[:len(r.idle)-1]
		if t.browser == bctx && t.usable() {
			r.mu.Unlock()
			return t, nil
		}
		go t.close()
	}
	r.mu.Unlock()
	return r.openTab(ctx, bctx)
}

// openTab opens a tab in the browser bctx and starts failing or passing on
// its requests.
func (r *Renderer) openTab(ctx, bctx context.Context) (*tab, error) {
	// The tab derives from the browser's context: a tab made from the
	// request's context would start a browser of its own, and one made
	// from ctx would close when this render ends.
	tctx, closeTab := chromedp.NewContext(bctx)
	t := &tab{ctx: tctx, close: closeTab, browser: bctx, done: make(chan struct{})}
	stopAfter := context.AfterFunc(ctx, closeTab)
	defer stopAfter()
	fail := func(err error) (*tab, error) {
		closeTab()
		return nil, err
	}
	if err := chromedp.Do(tctx); err != nil {
		return fail(fmt.Errorf("render: open a tab: %w", err))
	}
	if err := chromedp.Listen(tctx, func(ev any) {
		if _, ok := ev.(*inspector.EventTargetCrashed); ok {
			t.crashed.Store(true)
		}
	}); err != nil {
		return fail(fmt.Errorf("render: open a tab: %w", err))
	}
	// Subscribe before enabling interception, so no paused request is missed.
	paused := chromedp.Events(tctx, fetch.RequestPaused)
	go func() {
		defer close(t.done)
		for ev, err := range paused {
			if err != nil {
				return
			}
			t.route(r.cfg.Logger, &ev)
		}
	}()
	if _, err := chromedp.Call(tctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return fail(fmt.Errorf("render: intercept requests: %w", err))
	}
	return t, nil
}

// usable reports whether the tab is open, its page alive, and its requests
// still handled.
func (t *tab) usable() bool {
	select {
	case <-t.done:
		return false
	default:
	}
	return t.ctx.Err() == nil && !t.crashed.Load()
}

// route passes on a request to the page's origin with the job's headers,
// and fails any other, or any request between jobs.
func (t *tab) route(log *slog.Logger, ev *fetch.EventRequestPaused) {
	t.mu.Lock()
	job := t.job
	pass := job != nil && sameOrigin(job.page, ev.Request.URL)
	if job != nil && !pass {
		job.blocked = append(job.blocked, ev.Request.URL)
	}
	t.mu.Unlock()
	if !pass {
		msg := "pdf: blocked a request to another origin"
		if job == nil {
			msg = "pdf: blocked a request between renders"
		}
		log.Warn(msg, "url", truncate(ev.Request.URL, 200))
		chromedp.Call(t.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		return
	}
	headers := make([]*fetch.HeaderEntry, 0, len(ev.Request.Headers)+len(job.headers))
	for k, v := range ev.Request.Headers {
		if _, ours := job.headers[k]; !ours {
			headers = append(headers, &fetch.HeaderEntry{Name: k, Value: fmt.Sprint(v)})
		}
	}
	for k, v := range job.headers {
		headers = append(headers, &fetch.HeaderEntry{Name: k, Value: v})
	}
	chromedp.Call(t.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID, Headers: headers})
}

// release puts a tab that printed back among the idle ones, or closes it:
// after an error (its page may be anything, or still loading), when it has
// printed enough, or when its browser is gone.
func (r *Renderer) release(t *tab, ok bool) {
	t.uses++
	r.mu.Lock()
	if ok && t.uses < maxTabUses && !r.closed && t.browser == r.browser && t.usable() && len(r.idle) < r.cfg.Concurrency {
		r.idle = append(r.idle, t)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	t.close()
	<-t.done
}

// render runs one job in a tab of the browser.
func (r *Renderer) render(ctx context.Context, bctx context.Context, page *url.URL, j Job) (Result, error) {
	// The render's context derives from the browser's (one made from the
	// request's context would start a browser of its own), bounded by the
	// timeout and by the caller giving up.
	rctx, cancelTimeout := context.WithTimeout(bctx, r.cfg.Timeout)
	defer cancelTimeout()
	stopAfter := context.AfterFunc(ctx, cancelTimeout)
	defer stopAfter()
	timedOut := func(err error) error {
		if rctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return fmt.Errorf("%w after %s: %v", ErrTimeout, r.cfg.Timeout, err)
		}
		return err
	}
	t, err := r.takeTab(rctx, bctx)
	if err != nil {
		return Result{}, timedOut(err)
	}
	// The actions run in the tab, and end with the render.
	tab, cancelTab := context.WithCancel(t.ctx)
	defer cancelTab()
	stopTab := context.AfterFunc(rctx, cancelTab)
	defer stopTab()

	t.mu.Lock()
	t.job = &tabJob{page: page, headers: j.Headers}
	t.mu.Unlock()
	result := func(pdf []byte, err error) (Result, error) {
		if err != nil {
			// Close the tab first, so that every request it made is in
			// the list.
			r.release(t, false)
		}
		t.mu.Lock()
		blocked := t.job.blocked
		t.job = nil
		t.mu.Unlock()
		if err == nil {
			r.release(t, true)
		}
		return Result{PDF: pdf, Blocked: blocked}, timedOut(err)
	}

	resp, err := chromedp.RunResponse(tab, chromedp.Navigate(page.String()))
	if err != nil {
		return result(nil, fmt.Errorf("render: open page: %w", err))
	}
	if resp == nil || resp.Status != 200 {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		return result(nil, fmt.Errorf("render: the page answered %d", status))
	}
	// Every chart has its SVG, the fonts are loaded and the document is
	// complete: only then is the page what a reader would print.
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`(function () {
		if (document.readyState !== "complete" || document.fonts.status !== "loaded") return false;
		var els = document.querySelectorAll("[data-chart]");
		for (var i = 0; i < els.length; i++) {
			if (!els[i].querySelector("svg")) return false;
		}
		return true;
	})()`, chromedp.WithPollingTimeout(0), chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		return result(nil, fmt.Errorf("render: wait for the charts: %w", err))
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFMargins(mm(16), mm(12), mm(18), mm(12)),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate(headerTemplate(j.Header)),
		chromedp.PDFFooterTemplate(footerTemplate(j.Footer, j.PageOf)),
		chromedp.PDFOutlineAndTagged(),
	))
	if err != nil {
		return result(nil, fmt.Errorf("render: print: %w", err))
	}
	return result(r.withInfo(tab, pdf, j.Info), nil)
}

// withInfo sets the printed document's information: Chromium's names the
// page's title and, as its creator, the browser's user agent.
func (r *Renderer) withInfo(tab context.Context, doc []byte, info Info) []byte {
	if info.Author == "" {
		info.Author = "Jindu"
	}
	if info.Creator == "" {
		info.Creator = "Jindu"
	}
	if info.Producer == "" {
		info.Producer = "Jindu (Chromium, Skia/PDF)"
	}
	if info.Created.IsZero() {
		info.Created = time.Now()
	}
	if info.Title == "" {
		info.Title, _ = chromedp.Run(tab, chromedp.Title())
	}
	out, err := SetInfo(doc, info)
	if err != nil {
		r.cfg.Logger.Warn("pdf: document information left as printed", "err", err)
		return doc
	}
	return out
}

// Margins, in millimetres; print.css's @page uses the same.
func mm(v float64) float64 { return v / 25.4 }

// sameOrigin reports whether raw has the page's scheme, host and port.
func sameOrigin(page *url.URL, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return u.Scheme == page.Scheme && strings.EqualFold(u.Host, page.Host) && u.User == nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// templateStyle: the header and footer have no page styles and a font size
// of 0 unless set; the font list puts a CJK face first, a TrueType one
// (embedded as a CID font; Noto Sans CJK is CFF, printed as Type 3).
const templateStyle = `font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;` +
	`font-size:7.5px;color:#555;width:100%;margin:0 12mm;display:flex;justify-content:space-between;gap:12px;`

func headerTemplate(text string) string {
	return `<div style="` + templateStyle + `"><span>` + html.EscapeString(text) + `</span></div>`
}

func footerTemplate(text string, pageOf [3]string) string {
	if pageOf == [3]string{} {
		pageOf = [3]string{"", " / ", ""}
	}
	return `<div style="` + templateStyle + `"><span>` + html.EscapeString(text) + `</span>` +
		`<span style="white-space:nowrap">` + html.EscapeString(pageOf[0]) + `<span class="pageNumber"></span>` +
		html.EscapeString(pageOf[1]) + `<span class="totalPages"></span>` + html.EscapeString(pageOf[2]) + `</span></div>`
}
