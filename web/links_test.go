package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Every internal link carries the language, and every link to a page that
// shows one year carries the viewed year (the year chips excepted, which
// pick another), so a page's state survives navigation.
func TestLinksCarryState(t *testing.T) {
	ts := newTestServer(t)
	loadDemo(t, ts)
	yearPages := []string{"/", "/streets", "/stars", "/worklist", "/report"}
	for _, page := range []string{
		"/?year=2022&indicator=five_good_communities",
		"/streets?year=2022&indicator=five_good_communities",
		"/stars?year=2022",
		"/streets/" + url.PathEscape("文峰街道") + "?year=2022",
		"/worklist?year=2022&indicator=five_star_compounds",
		"/help?year=2022",
	} {
		for _, l := range []string{"zh", "en"} {
			path := page + "&lang=" + l
			d := ts.getDoc(t, path, 200)
			d.Find(`a[href^="/"]`).Each(func(_ int, a *goquery.Selection) {
				u, err := url.Parse(a.AttrOr("href", ""))
				if err != nil {
					t.Errorf("%s: link %q: %v", path, a.AttrOr("href", ""), err)
					return
				}
				if strings.HasPrefix(u.Path, "/static/") || u.Path == "/api/metrics" {
					return // assets and the JSON API have no language
				}
				q := u.Query()
				if a.HasClass("lang") {
					if q.Get("lang") == l || q.Get("year") != "2022" {
						t.Errorf("%s: the language switch %s", path, u)
					}
					return
				}
				if q.Get("lang") != l {
					t.Errorf("%s: link %s (%q) drops the language", path, u, strings.TrimSpace(a.Text()))
				}
				if a.Closest("ul.years").Length() > 0 || a.Closest(`[data-testid="error-links"]`).Length() > 0 {
					return // the year chips pick a year
				}
				oneYear := strings.HasPrefix(u.Path, "/streets/")
				for _, p := range yearPages {
					oneYear = oneYear || u.Path == p
				}
				if oneYear && q.Get("year") != "2022" {
					t.Errorf("%s: link %s (%q) drops the year", path, u, strings.TrimSpace(a.Text()))
				}
				if u.Path == "/compare" && q.Get("to") != "2022" {
					t.Errorf("%s: link %s (%q) drops the year", path, u, strings.TrimSpace(a.Text()))
				}
			})
		}
	}
}
