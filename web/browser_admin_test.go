package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jindu/auth"
	"jindu/web"
)

// TestBrowserAdminPagesFitPhone: on main every admin page overflowed
// sideways on a phone (441–906 px). In Chromium at 375 px, each admin page
// (accounts with every disclosure open, targets and its preview, audit
// log, backups) and the history, a batch's page and the rollback
// confirmation are no wider than the viewport; every field has a label;
// danger buttons are red. With JINDU_SCREENSHOT_DIR set, each is
// photographed at 375×800 and 1920×1080 in Chinese and English.
func TestBrowserAdminPagesFitPhone(t *testing.T) {
	b := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "backups")
	ts, _ := privateServerWith(t, func(s *web.Server) { s.BackupDir, s.BackupKeep = dir, 5 },
		auth.User{Name: "admin", Role: auth.Admin},
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "张三", Role: auth.Clerk, Streets: []string{"街道01", "街道02", "街道03"}},
		auth.User{Name: "viewer", Role: auth.Viewer})
	admin, clerk := ts.client(t), ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	ts.login(t, clerk, "clerk01", testPassword)
	_, first, _ := postUpload(t, clerk, ts, "街道01-2024台账.csv", ledgerOf("a", "街道01"), nil)
	_, second, _ := postUpload(t, admin, ts, "全区-2024台账.csv", ledgerOf("b", "街道01", "街道02", "街道03"), nil)
	if first.BatchID == nil || second.BatchID == nil {
		t.Fatal("uploads failed")
	}
	info, _ := ts.DB.Info(context.Background())
	if code, _, _ := send(t, admin, "POST", ts.URL+"/history/"+itoa(*first.BatchID)+"/rollback",
		url.Values{"confirm": {"1"}, "seq": {strconv.FormatInt(info.DataSeq, 10)}, "reason": {"街道01 的星级填错了，请核对后重新上传"}}); code != 303 {
		t.Fatalf("rollback: %d", code)
	}
	send(t, admin, "POST", ts.URL+"/admin/backups", url.Values{})
	send(t, admin, "POST", ts.URL+"/admin/targets", url.Values{"five_good_streets.2023": {"45"}})

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
	viewport := func(w, h int64) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
			t.Fatal(err)
		}
		b.waitFor(t, fmt.Sprintf(`window.innerWidth === %d`, w))
	}
	shots := os.Getenv("JINDU_SCREENSHOT_DIR")
	shoot := func(name string) {
		t.Helper()
		// Photographed as a visitor first sees it: disclosures closed
		// (the accounts page also with them open).
		if name == "users-zh-375.png" || name == "users-en-1920.png" {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, "open-"+name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(function (d) { d.open = false; }), true`)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// open loads a page (a GET, or the targets preview's POST through its
	// button) and opens every disclosure, so the widest state is measured.
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+path)); err != nil {
			t.Fatal(err)
		}
		b.waitFor(t, `document.readyState === "complete" && !!document.querySelector("main h1")`)
		if path == "/admin/targets?preview" {
			// A target above the district's 2023 share (6 of 13 streets).
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name="five_good_streets.2023"]`), "50"),
				chromedp.Click(chromedp.CSS(`[data-testid="targets-preview-button"]`))); err != nil {
				t.Fatal(err)
			}
			b.waitFor(t, `document.readyState === "complete" && !!document.querySelector('[data-testid="targets-preview"] td')`)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(function (d) { d.open = true; }), true`)); err != nil {
			t.Fatal(err)
		}
	}
	pages := []string{"/admin/users", "/admin/targets", "/admin/targets?preview", "/admin/audit", "/admin/backups",
		"/history", "/history/" + itoa(*second.BatchID), "/history/" + itoa(*second.BatchID) + "/rollback"}
	names := []string{"users", "targets", "targets-preview", "audit", "backups", "history", "batch", "rollback"}
	viewport(375, 800)
	for i, p := range pages {
		for _, lang := range []string{"zh", "en"} {
			// The language is the cookie ?lang= sets; the preview keeps it.
			chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/help?lang="+lang))
			b.waitFor(t, `document.readyState === "complete"`)
			open(p)
			m, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Scroll, Inner int }](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
			if err != nil {
				t.Fatal(err)
			}
			if m.Scroll > m.Inner {
				t.Errorf("%s (%s) at 375 px: %d px wide", p, lang, m.Scroll)
			}
			checkTables(t, b, p+" "+lang+" 375") // names whole, wide tables scroll in their box
			unlabelled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main input:not([type=hidden]), main select, main textarea"))
				.filter(function (e) { return !(e.labels && e.labels.length) && !e.getAttribute("aria-label"); })
				.map(function (e) { return e.name; })`))
			if err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
				var text = document.body.innerText;
				document.querySelectorAll("[data-label], [aria-label], [placeholder]").forEach(function (e) {
					text += " " + (e.getAttribute("data-label") || "") + " " + (e.getAttribute("aria-label") || "") + " " + (e.getAttribute("placeholder") || "");
				});
				var m = text.match(/%!|\b(?:batch|rollback|users|audit|backups|targets|history|level|field)\.[a-z][a-z._]*/);
				return m ? m[0] : "";
			})()`))
			if err != nil || bad != "" {
				t.Errorf("%s (%s): a broken or missing string: %q %v", p, lang, bad, err)
			}
			if len(unlabelled) > 0 {
				t.Errorf("%s (%s): fields without a label: %q", p, lang, unlabelled)
			}
			if shots != "" {
				shoot(names[i] + "-" + lang + "-375.png")
			}
		}
	}
	// Danger actions look it.
	open("/admin/users")
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('[data-testid="disable-confirm"]')).backgroundColor`))
	if err != nil || bg != "rgb(166, 27, 27)" {
		t.Errorf("the disable button's background is %q, want the danger red", bg)
	}
	viewport(1920, 1080)
	for i, p := range pages {
		for _, lang := range []string{"zh", "en"} {
			chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/help?lang="+lang))
			b.waitFor(t, `document.readyState === "complete"`)
			open(p)
			checkTables(t, b, p+" "+lang+" 1920")
			if shots != "" {
				shoot(names[i] + "-" + lang + "-1920.png")
			}
		}
	}
	// The clerk whose batch was rolled back logs in: told on the first
	// page, then on the history, by whom and why.
	viewport(375, 800)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.Navigate(ts.URL+"/login?lang=zh"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "clerk01"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rollback-notice"]`)),
	); err != nil {
		t.Fatal(err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="rollback-notice"]`)))
	if err != nil || !strings.Contains(notice, "被 admin 撤销。原因：街道01 的星级填错了") {
		t.Errorf("the clerk's notice: %q %v", notice, err)
	}
	if shots != "" {
		shoot("notice-zh-375.png")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="rollback-notice"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rollback-notices"]`))); err != nil {
		t.Fatal(err)
	}
	if shots != "" {
		shoot("clerk-history-zh-375.png")
	}
	b.check(t, ts.URL)
}
