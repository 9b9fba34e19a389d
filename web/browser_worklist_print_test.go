package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The work list on the demo filters its long tables as one types, and
// prints without its controls: under print media the street form, the
// filters and the print hint are hidden while the tables are shown.
func TestBrowserWorkListFilterAndPrint(t *testing.T) {
	b := newBrowser(t)
	ts := newTestServer(t)
	loadDemo(t, ts)
	b.open(t, ts.URL+"/worklist?indicator=five_star_compounds&year=2024&lang=zh")
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	visible := `(function (sel) { var n = 0; document.querySelectorAll(sel).forEach(function (r) { if (r.offsetParent !== null) n++; }); return n; })`
	all, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible+`('[data-testid="wl-group"] tbody tr')`))
	if err != nil || all == 0 {
		t.Fatalf("visible rows %d (%v)", all, err)
	}
	input, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.wl-group input[data-filter-for]') || {}).getAttribute ? document.querySelector('.wl-group input[data-filter-for]').getAttribute("data-filter-for") : ""`))
	if err != nil || input == "" {
		t.Fatalf("no filter on the work list's long tables (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[data-filter-for="`+input+`"]`), "四星")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](visible+`('#`+input+` tbody tr') < document.querySelectorAll('#`+input+` tbody tr').length`, chromedp.WithPollingTimeout(waitLimit))); err != nil {
		t.Fatalf("typing into the filter hid no row: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["form.wl-form", ".wl-print", ".wl-group .filter", "header.top nav", '[data-testid="wl-group"] table']
		.filter(function (s) { var e = document.querySelector(s); return e && getComputedStyle(e).display !== "none"; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 || shown[0] != `[data-testid="wl-group"] table` {
		t.Errorf("under print media shown: %v; want only the tables", shown)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	b.check(t, ts.URL)
}
