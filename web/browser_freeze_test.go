package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"jindu/auth"
	"jindu/db"
	"jindu/internal/testdata/testutil"
	"jindu/metrics"
	"jindu/pdf"
)

// watchProgress records, in sessionStorage (it outlives the navigation the
// form causes), whether the button of the form sel ever said "正在封存…"
// while disabled.
func watchProgress(sel string) string {
	return `(function () {
		sessionStorage.removeItem("seen");
		var b = document.querySelector(` + "`" + sel + ` button[type=submit]` + "`" + `);
		new MutationObserver(function () {
			if (b.disabled && b.textContent === "正在封存…") sessionStorage.setItem("seen", "1");
		}).observe(b, {childList: true, attributes: true, characterData: true, subtree: true});
		return true;
	})()`
}

// TestBrowserFreeze: freezing from /snapshots shows "正在封存…" until the
// snapshot's page opens; the brief's 封存并下载 freezes in one click, saves
// the frozen one-page PDF and says so with a link to the snapshot.
func TestBrowserFreeze(t *testing.T) {
	testutil.Chromium(t)
	b := newBrowser(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })

	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=zh"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
	); err != nil {
		t.Fatal(err)
	}

	// /snapshots: an earlier year, with progress.
	b.open(t, ts.URL+"/snapshots?lang=zh")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](watchProgress(`[data-testid="freeze-form"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="year"]`), "2022"),
		chromedp.Click(chromedp.CSS(`[data-testid="freeze-form"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="snapshot-meta"]`)),
	); err != nil {
		t.Fatalf("freeze from /snapshots: %v", err)
	}
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " " + sessionStorage.getItem("seen")`))
	if err != nil || seen != "/snapshots/1 1" {
		t.Errorf("after freezing: %q (%v); want the snapshot's page, after 正在封存…", seen, err)
	}

	// The brief's 封存并下载: the PDF is saved, the page stays.
	dir := t.TempDir()
	done := make(chan string, 4)
	listen := func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State == cdpbrowser.DownloadProgressStateCompleted {
			select {
			case done <- p.FilePath:
			default:
			}
		}
	}
	if err := chromedp.ListenBrowser(ctx, listen); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+"/brief?year=2023&lang=zh")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](watchProgress(`[data-testid="brief-freeze"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="brief-freeze"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="frozen-link"]`)),
	); err != nil {
		t.Fatalf("封存并下载: %v", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " " + sessionStorage.getItem("seen") + " " +
		document.querySelector('[data-testid="freeze-status"]').textContent + " " + document.querySelector('[data-testid="frozen-link"]').getAttribute("href")`))
	if err != nil || state != "/brief 1 已封存为快照，PDF 已下载。 › /snapshots/2" {
		t.Errorf("after 封存并下载: %q (%v)", state, err)
	}
	var file string
	select {
	case file = <-done:
	case <-ctx.Done():
		t.Fatal("no download completed")
	}
	if file == "" {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("%d files downloaded", len(entries))
		}
		file = dir + "/" + entries[0].Name()
	}
	body, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(body), "%PDF") {
		t.Fatalf("downloaded %s: %v", file, err)
	}
	if !strings.Contains(file, "一页纸简报-2023-魏都区") {
		t.Errorf("downloaded as %s", file)
	}
	if n := pdfPages(t, body); n != 1 {
		t.Errorf("downloaded brief: %d pages", n)
	}
	snaps, err := ts.DB.Snapshots(ctx)
	if err != nil || len(snaps) != 2 || snaps[0].Year != 2023 || snaps[1].Year != 2022 {
		t.Errorf("snapshots %+v %v", snaps, err)
	}

	// New data for 2022: snapshot 1's page shows the change, coloured.
	ts.apply(t, db.KindImport, []metrics.Record{
		{Year: 2022, Unit: metrics.UnitRef{Street: "街道01", Community: "社区2", Compound: "小区2-4"}, Status: metrics.Status{Stars: metrics.Int(5), PartyBranch: metrics.Bool(true), OwnersCommittee: metrics.Bool(true)}},
	})
	b.open(t, ts.URL+"/snapshots/1?lang=zh")
	colours, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('td.change.up, td.change.same')).slice(0, 100).map(function (td) {
		return td.className + " " + getComputedStyle(td).color; }).filter(function (v, i, a) { return a.indexOf(v) === i; })`))
	if err != nil || !slices.Contains(colours, "num change up rgb(0, 114, 178)") || len(colours) != 2 {
		t.Errorf("change colours %q (%v): want the rise in the met colour, the rest muted", colours, err)
	}

	// The brief and the snapshot pages fit a phone and a wall screen, in
	// both languages (JINDU_SCREENSHOT_DIR: and are photographed there).
	shots := os.Getenv("JINDU_SCREENSHOT_DIR")
	pages := map[string]string{"brief": "/brief?year=2023", "brief-street": "/brief?year=2023&street=%E8%A1%97%E9%81%9301",
		"snapshots": "/snapshots", "snapshot": "/snapshots/1"}
	for _, size := range [][2]int64{{375, 800}, {1920, 1080}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		b.waitFor(t, fmt.Sprintf(`window.innerWidth === %d`, size[0]))
		for name, path := range pages {
			for _, l := range []string{"zh", "en"} {
				b.open(t, ts.URL+path+map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")]+"lang="+l)
				m, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Scroll, Inner int }](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
				if err != nil || m.Scroll > m.Inner {
					t.Errorf("%s %s at %d px: %d px wide (%v)", name, l, size[0], m.Scroll, err)
				}
				if shots != "" {
					shoot(t, b, filepath.Join(shots, fmt.Sprintf("%s-%s-%d.png", name, l, size[0])))
				}
			}
		}
	}
	b.check(t, ts.URL)
}
