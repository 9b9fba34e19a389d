// Package report prints Jindu's report pages to PDF with headless Chromium
// (chromedp). One browser process is started on the first render and
// reused; at most Concurrency renders run at once and the others wait for a
// slot until their deadline; a render that exceeds its timeout is
// cancelled. The browser may load only the origin of the page it prints:
// every other request is failed before it leaves (SSRF), and the page's
// credentials travel in a request header that is added only for that
// origin.
package report

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
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// InstallHint is the command that installs what the renderer needs on
// Debian/Ubuntu: the browser and a CJK font, so Chinese prints as text.
const InstallHint = "apt-get install chromium fonts-noto-cjk"

// ErrUnavailable means no Chromium was found; everything but PDF works.
var ErrUnavailable = errors.New("chromium is not installed (" + InstallHint + ")")

// ErrBusy means every render slot stayed taken until the wait's deadline.
var ErrBusy = errors.New("pdf renderer busy")

// ErrTimeout means a render took longer than its timeout and was cancelled.
var ErrTimeout = errors.New("pdf render timed out")

// Config sets up a Renderer; zero fields take the defaults.
type Config struct {
	// ExecPath is the browser binary; empty looks up chromium,
	// chromium-browser, google-chrome and headless-shell on PATH.
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

	mu      sync.Mutex
	closed  bool
	browser context.Context // nil until the first render
	stop    func()          // ends the browser and removes its profile
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

// Timeout is the per-render limit.
func (r *Renderer) Timeout() time.Duration { return r.cfg.Timeout }

// ExecPath finds the browser, or returns ErrUnavailable.
func (r *Renderer) ExecPath() (string, error) {
	names := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}
	if r.cfg.ExecPath != "" {
		names = []string{r.cfg.ExecPath}
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

// reset stops the browser, if any; r.mu is held.
func (r *Renderer) reset() {
	if r.stop != nil {
		r.stop()
	}
	r.browser, r.stop = nil, nil
}

// start returns the running browser, starting it if needed.
func (r *Renderer) start() (context.Context, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errors.New("pdf renderer closed")
	}
	if r.browser != nil && r.browser.Err() == nil {
		return r.browser, nil
	}
	r.reset()
	path, err := r.ExecPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "jindu-chromium-")
	if err != nil {
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
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
		chromedp.WindowSize(1024, 1400),
	)
	// The browser outlives any one request: its contexts derive from
	// Background and end only in reset.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		// Chromium's helpers can write for a moment after it exits.
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	begin := time.Now()
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	r.cfg.Logger.Info("pdf: chromium started", "path", path, "dur_ms", time.Since(begin).Milliseconds())
	r.browser, r.stop = bctx, stop
	return bctx, nil
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
	if err := r.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer func() { <-r.slots }()
	bctx, err := r.start()
	if err != nil {
		return Result{}, err
	}
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

// render runs one job in a new tab of the browser.
func (r *Renderer) render(ctx context.Context, bctx context.Context, page *url.URL, j Job) (Result, error) {
	// The tab derives from the browser's context (a tab made from the
	// request's context would start a browser of its own), bounded by the
	// timeout and by the caller giving up.
	tctx, cancelTimeout := context.WithTimeout(bctx, r.cfg.Timeout)
	defer cancelTimeout()
	stopAfter := context.AfterFunc(ctx, cancelTimeout)
	defer stopAfter()
	tab, closeTab := chromedp.NewContext(tctx)
	defer closeTab()

	var mu sync.Mutex
	var blocked []string
	// Subscribe before enabling interception, so no paused request is missed.
	paused := chromedp.Events(tab, fetch.RequestPaused)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range paused {
			if err != nil {
				return
			}
			if sameOrigin(page, ev.Request.URL) {
				headers := make([]*fetch.HeaderEntry, 0, len(ev.Request.Headers)+len(j.Headers))
				for k, v := range ev.Request.Headers {
					if _, ours := j.Headers[k]; !ours {
						headers = append(headers, &fetch.HeaderEntry{Name: k, Value: fmt.Sprint(v)})
					}
				}
				for k, v := range j.Headers {
					headers = append(headers, &fetch.HeaderEntry{Name: k, Value: v})
				}
				chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID, Headers: headers})
				continue
			}
			mu.Lock()
			blocked = append(blocked, ev.Request.URL)
			mu.Unlock()
			r.cfg.Logger.Warn("pdf: blocked a request to another origin", "url", truncate(ev.Request.URL, 200))
			chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	result := func(pdf []byte, err error) (Result, error) {
		closeTab()
		<-done
		mu.Lock()
		defer mu.Unlock()
		if err != nil && tctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			err = fmt.Errorf("%w after %s: %v", ErrTimeout, r.cfg.Timeout, err)
		}
		return Result{PDF: pdf, Blocked: blocked}, err
	}

	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return result(nil, fmt.Errorf("render: intercept requests: %w", err))
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
	})()`, chromedp.WithPollingTimeout(0), chromedp.WithPollingInterval(25*time.Millisecond))); err != nil {
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
	return result(pdf, nil)
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
// of 0 unless set; the font list puts a CJK face first.
const templateStyle = `font-family:'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif;` +
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
