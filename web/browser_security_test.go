package web_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jindu/auth"
)

// TestBrowserBackAfterLogout: on main the shared render code made every
// page no-cache, and after logout the browser's Back button showed the
// administrator's audit log from its cache. Now private pages are
// no-store: Back asks the server, which sends the browser to the login
// page.
func TestBrowserBackAfterLogout(t *testing.T) {
	b := newBrowser(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
		chromedp.Navigate(ts.URL+"/admin/audit"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	); err != nil {
		t.Fatal(err)
	}
	loggedOut, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// Back, as the user presses it (a page from the back/forward cache
	// fires no load event), then wait until another page is shown.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`history.back(), null`)); err != nil {
		t.Fatal(err)
	}
	for {
		// The page being replaced loses its script context meanwhile:
		// errors until the next page is there are expected.
		moved, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.href !== `+jsString(loggedOut)+` && document.readyState === "complete"`))
		if err == nil && moved {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no page after Back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
		href: location.href,
		audit: document.querySelector('[data-testid="audit"]') !== null,
		login: document.querySelector('form[action="/login"]') !== null})`))
	if err != nil {
		t.Fatal(err)
	}
	if shown["audit"] == true || shown["login"] != true {
		t.Errorf("Back after logout shows %v: want the login page, not the audit log", shown)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
