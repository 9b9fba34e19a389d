package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Error pages speak the page's language, carry a stable English code, and
// point the way: the years there are, the streets there are, the nearest
// street name.
func TestErrorPagesPointTheWay(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	links := func(d *goquery.Document) []string {
		var out []string
		d.Find(`[data-testid="error-links"] a`).Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
		return out
	}
	// ?year=1999: no data that year; the program's years are listed and
	// each link keeps the page and its other parameters.
	d := ts.getDoc(t, "/streets?year=1999&indicator=five_good_communities&lang=zh", 404)
	if got := d.Find("h1").Text(); got != "页面不存在" {
		t.Errorf("zh 404 title %q", got)
	}
	if e := d.Find(`[data-testid="error"]`); e.Text() != "没有 1999 年的数据。" || e.AttrOr("data-code", "") != "not_found" {
		t.Errorf("year error %q code %q", e.Text(), e.AttrOr("data-code", ""))
	}
	if got := strings.Join(links(d), ","); got != "2021年,2022年,2023年,2024年" {
		t.Errorf("year links %s", got)
	}
	u, _ := url.Parse(d.Find(`[data-testid="error-links"] a`).Eq(1).AttrOr("href", ""))
	if u.Path != "/streets" || u.Query().Get("year") != "2022" || u.Query().Get("indicator") != "five_good_communities" || u.Query().Get("lang") != "zh" {
		t.Errorf("year link %s", u)
	}
	// A malformed year is a 400, in English on the English page.
	en := ts.getDoc(t, "/?year=abc&lang=en", 400)
	if en.Find("h1").Text() != "Bad request" || en.Find(`[data-testid="error"]`).AttrOr("data-code", "") != "bad_request" || len(links(en)) != 4 {
		t.Errorf("en 400: %q %q %v", en.Find("h1").Text(), en.Find(`[data-testid="error"]`).AttrOr("data-code", ""), links(en))
	}
	// A street name one character short: "您是否要找文峰街道？", and every street.
	s := ts.getDoc(t, "/streets/"+url.PathEscape("文峰街")+"?year=2022&lang=zh", 404)
	sug := s.Find(`[data-testid="suggest"]`)
	if got := sug.Text(); got != "您是否要找文峰街道？" {
		t.Errorf("suggestion %q", got)
	}
	if u := sug.Find("a").AttrOr("href", ""); !strings.HasPrefix(u, "/streets/"+url.PathEscape("文峰街道")+"?") || !strings.Contains(u, "year=2022") {
		t.Errorf("suggestion link %q", u)
	}
	if n := len(links(s)); n != 13 {
		t.Errorf("%d streets listed, want the demo's 13", n)
	}
	// On a page with ?street= the links keep the page.
	w := ts.getDoc(t, "/worklist?indicator=five_star_compounds&year=2024&street="+url.QueryEscape("文峰")+"&lang=en", 404)
	if got := w.Find(`[data-testid="suggest"]`).Text(); got != "Did you mean 文峰街道?" {
		t.Errorf("en suggestion %q", got)
	}
	if u, _ := url.Parse(w.Find(`[data-testid="suggest"] a`).AttrOr("href", "")); u.Path != "/worklist" || u.Query().Get("street") != "文峰街道" || u.Query().Get("indicator") != "five_star_compounds" {
		t.Errorf("work-list suggestion link %s", u)
	}
	// A name like no other: no suggestion, still the list.
	far := ts.getDoc(t, "/streets/"+url.PathEscape("完全不同的名字")+"?lang=zh", 404)
	if far.Find(`[data-testid="suggest"]`).Length() != 0 || len(links(far)) != 13 {
		t.Errorf("unlike name: suggestion %q, %d links", far.Find(`[data-testid="suggest"]`).Text(), len(links(far)))
	}
	// Any unknown path: the Chinese title, not "Not Found".
	nf := ts.getDoc(t, "/nothing-here?lang=zh", 404)
	if nf.Find("h1").Text() != "页面不存在" || strings.Contains(nf.Text(), "Not Found") {
		t.Errorf("404 page %q", nf.Find("main").Text())
	}
}
