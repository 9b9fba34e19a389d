package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A street page opens with the street's verdict and its communities behind,
// worst first, each with its percent and "还需 N 个"; the cards of missed
// rating targets link to the street's work list.
func TestStreetVerdict(t *testing.T) {
	ts := workServer(t)
	d := ts.getDoc(t, wlPath("/streets/文峰街道", "year", "2024", "lang", "zh"), 200)
	v := d.Find(`[data-testid="verdict"]`)
	t.Logf("verdict: %s", v.Text())
	if got := v.Text(); !strings.Contains(got, "“五星”小区本街道未达标，还差 1 个，1 个社区未达标") || !strings.HasPrefix(got, "2024年：") {
		t.Errorf("street verdict %q", got)
	}
	// The verdict comes right under the heading (after the subhead).
	if !d.Find("main h1").NextAll().Filter(".verdict").Is("section") || d.Find("main .verdict").PrevAll().Filter(".cards, .years").Length() > 0 {
		t.Errorf("the verdict is not above the year chips and the cards")
	}
	first := d.Find(`[data-testid="behind-street"]`).First()
	if got := strings.Join(strings.Fields(first.Text()), " "); got != "西社区 33.3% 还需 2 个" {
		t.Errorf("first community behind %q", got)
	}
	if u := first.Find("a").AttrOr("href", ""); !strings.HasPrefix(u, "/streets/%E6%96%87%E5%B3%B0%E8%A1%97%E9%81%93/communities/") {
		t.Errorf("community link %q", u)
	}
	wl := d.Find(`[data-testid="worklist-link"]`).First()
	checkWorkLink(t, wl.AttrOr("href", ""), "five_star_compounds", "2024", "文峰街道", "zh")
	var cards []string
	d.Find(`[data-testid="card"]`).Each(func(_ int, c *goquery.Selection) {
		if a := c.Find(`[data-testid="card-worklist"]`); a.Length() > 0 {
			u := a.AttrOr("href", "")
			checkWorkLink(t, u, "", "2024", "文峰街道", "zh")
			q, _ := url.Parse(u)
			cards = append(cards, q.Query().Get("indicator"))
		}
	})
	if strings.Join(cards, ",") != "five_star_compounds" {
		t.Errorf("cards linked to the work list: %v; want only five-star compounds", cards)
	}

	en := ts.getDoc(t, wlPath("/streets/文峰街道", "year", "2024", "lang", "en"), 200)
	if got := en.Find(`[data-testid="verdict"]`).Text(); !strings.Contains(got, "five-star compounds: street target missed by 1, 1 community behind") {
		t.Errorf("en street verdict %q", got)
	}
	if got := strings.Join(strings.Fields(en.Find(`[data-testid="behind-street"]`).First().Text()), " "); got != "西社区 33.3% 2 more needed" {
		t.Errorf("en first community behind %q", got)
	}
	checkWorkLink(t, en.Find(`[data-testid="card-worklist"]`).AttrOr("href", ""), "five_star_compounds", "2024", "文峰街道", "en")
}

// checkWorkLink checks that a work-list link carries indicator (unless
// ""), year, street and language.
func checkWorkLink(t *testing.T, u, indicator, year, street, lang string) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || p.Path != "/worklist" {
		t.Errorf("work-list link %q", u)
		return
	}
	q := p.Query()
	if (indicator != "" && q.Get("indicator") != indicator) || q.Get("indicator") == "" || q.Get("year") != year || q.Get("street") != street || q.Get("lang") != lang {
		t.Errorf("work-list link %q: want indicator %q year %s street %s lang %s", u, indicator, year, street, lang)
	}
}
