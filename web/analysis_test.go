package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"jindu/db"
	"jindu/metrics"
)

// The analysis pages are reads: every role that reads may call them.
func streetURL(name string, q ...string) string {
	u := "/streets/" + url.PathEscape(name)
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}

// getDoc fetches a page, checks its status and parses it.
func (ts *testServer) getDoc(t *testing.T, path string, status int) *goquery.Document {
	t.Helper()
	resp, body := ts.get(t, path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d\n%.400s", path, resp.StatusCode, status, body)
	}
	noInlineScript(t, path, doc(t, body))
	return doc(t, body)
}

func noInlineScript(t *testing.T, path string, d *goquery.Document) {
	t.Helper()
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok && s.AttrOr("type", "") != "application/json" {
			t.Errorf("%s: inline script: %s", path, s.Text())
		}
	})
	ids := map[string]bool{}
	d.Find("[data-chart]").Each(func(_ int, c *goquery.Selection) {
		id := c.AttrOr("id", "")
		if id == "" || strings.Contains(id, "-") || ids[id] {
			t.Errorf("%s: chart id %q empty, hyphenated or repeated", path, id)
		}
		ids[id] = true
		var opts map[string]any
		if err := json.Unmarshal([]byte(d.Find("script#"+c.AttrOr("data-chart", "none")).Text()), &opts); err != nil || opts["series"] == nil {
			t.Errorf("%s: chart %s options: %v", path, id, err)
		}
		if c.AttrOr("aria-label", "") == "" {
			t.Errorf("%s: chart %s has no text summary", path, id)
		}
		if c.Closest("figure").Find("table tbody tr").Length() == 0 {
			t.Errorf("%s: chart %s has no data table", path, id)
		}
	})
}

func TestDashboardOutlookAndCompleteness(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	// Five-star compounds: 10% in 2022, 20% in 2023 (+10/yr) against 60% by
	// 2024 (+40 needed): ratio 0.25, off track. Both 五好 shares meet 40%.
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{"已达标", "已达标", "本年未达标，进展滞后"}},
		{"/?lang=en", []string{"met", "met", "not met this year, off track"}},
		{"/?year=2022", []string{"已达标", "数据不足", "数据不足"}},
	} {
		d := ts.getDoc(t, tc.path, 200)
		cards := d.Find(`[data-testid="card"]`)
		for i, want := range tc.want {
			got := strings.TrimSpace(cards.Eq(i).Find(`[data-testid="outlook"] .outlook-label`).Text())
			if got != want {
				t.Errorf("%s: card %d outlook %q, want %q", tc.path, i, got, want)
			}
			// One status per card: an outlook that judges leaves no badge.
			if badges := cards.Eq(i).Find(".badge").Length(); (want != "数据不足") != (badges == 0) {
				t.Errorf("%s: card %d has %d badges beside the outlook %q", tc.path, i, badges, want)
			}
		}
		if cards.Eq(2).Find(`[data-testid="outlook"]`).Length() != 1 {
			t.Errorf("%s: five-star card has no outlook", tc.path)
		}
	}
	d := ts.getDoc(t, "/", 200)
	if got := d.Find(`[data-testid="reported"]`).Text(); !strings.Contains(got, "已上报 13/13 个街道") {
		t.Errorf("reported line %q", got)
	}
	// Property services are not reported anywhere: that card carries the mark.
	marks := d.Find(`[data-testid="card"] [data-testid="incomplete"]`)
	if marks.Length() == 0 || !strings.Contains(d.Find(`[data-testid="card"]`).Eq(6).Text(), "※") {
		t.Errorf("incomplete mark missing: %d marks", marks.Length())
	}
	if strings.Contains(d.Find(`[data-testid="card"]`).First().Text(), "※") {
		t.Error("a complete figure carries the incomplete mark")
	}
	cmp := d.Find(`[data-testid="comparison"]`)
	canvas := cmp.Find("[data-chart]")
	if canvas.AttrOr("data-link", "") != "/streets/" || !strings.Contains(canvas.AttrOr("data-link-query", ""), "year=2023") {
		t.Errorf("comparison chart link %q %q", canvas.AttrOr("data-link", ""), canvas.AttrOr("data-link-query", ""))
	}
	if cmp.Find(`a[data-testid="streets-link"]`).Length() != 1 {
		t.Error("no link to the street comparison")
	}

	// A street that has not reported makes every district figure incomplete.
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2022, Unit: metrics.UnitRef{Street: "街道14"}, Status: metrics.Status{FiveGood: metrics.Bool(false)}}})
	d = ts.getDoc(t, "/?year=2023", 200)
	if got := d.Find(`[data-testid="reported"]`).Text(); !strings.Contains(got, "已上报 13/14 个街道") || !strings.Contains(got, "街道14") {
		t.Errorf("reported line %q", got)
	}
	if !strings.Contains(d.Find(`[data-testid="card"]`).First().Text(), "※") {
		t.Error("district figure with a street missing lacks the mark")
	}
}

func TestStreetPageMatchesAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	for _, year := range []string{"2022", "2023"} {
		var api struct {
			Rows []struct {
				Indicator   string   `json:"indicator"`
				Percent     *float64 `json:"percent"`
				Numerator   int      `json:"numerator"`
				Denominator int      `json:"denominator"`
			} `json:"rows"`
		}
		ts.getJSON(t, "/api/metrics?"+url.Values{"street": {"街道01"}, "year": {year}}.Encode(), &api)
		d := ts.getDoc(t, streetURL("街道01", "year="+year), 200)
		cards := d.Find(`[data-testid="card"]`)
		if cards.Length() != len(api.Rows) || len(api.Rows) != 8 {
			t.Fatalf("%s: %d cards, %d API rows", year, cards.Length(), len(api.Rows))
		}
		for i, row := range api.Rows {
			want := "—"
			if row.Percent != nil {
				want = jsonNum(*row.Percent)
			}
			pctText := cards.Eq(i).Find(".pct").Text()
			if row.Percent != nil && !strings.HasPrefix(pctText, want) {
				t.Errorf("%s %s: card %q, API %v", year, row.Indicator, pctText, *row.Percent)
			}
			if row.Percent != nil && !strings.Contains(cards.Eq(i).Find(".counts").Text(), jsonNum(float64(row.Numerator))+"/"+jsonNum(float64(row.Denominator))) {
				t.Errorf("%s %s: counts %q", year, row.Indicator, cards.Eq(i).Find(".counts").Text())
			}
		}
	}
	d := ts.getDoc(t, streetURL("街道01"), 200)
	if h := d.Find("h1").Text(); !strings.Contains(h, "街道01") || !strings.Contains(h, "2023") {
		t.Errorf("heading %q (default year is the latest)", h)
	}
	crumbs := d.Find(`[data-testid="breadcrumbs"] li`)
	if crumbs.Length() != 3 || crumbs.First().Find("a").AttrOr("href", "") == "" || crumbs.Last().Find("a").Length() != 0 {
		t.Errorf("breadcrumbs: %d items", crumbs.Length())
	}
	if n := d.Find(`table#communities tbody tr`).Length(); n != 2 {
		t.Errorf("%d communities, want 2", n)
	}
	if n := d.Find(`table#compounds tbody tr`).Length(); n != 10 {
		t.Errorf("%d compounds, want 10", n)
	}
	// 社区1 gained 五好 in 2023; 小区2-5 went from 4 to 5 stars.
	if got := d.Find(`table#communities tbody tr`).First().Text(); !strings.Contains(got, "获评") {
		t.Errorf("community change: %q", got)
	}
	found := false
	d.Find(`table#compounds tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		if strings.Contains(tr.Text(), "小区2-5") && strings.Contains(tr.Text(), "+1") {
			found = true
		}
	})
	if !found {
		t.Error("compound 小区2-5 should show +1 star since 2022")
	}
	if d.Find(`input[data-filter-for="compounds"]`).Length() != 1 {
		t.Error("compounds table has no filter")
	}
	if d.Find(`script[src*="tables"]`).Length() != 1 {
		t.Error("tables.js not loaded")
	}
	// English.
	d = ts.getDoc(t, streetURL("街道01", "year=2023", "lang=en"), 200)
	if d.Find("html").AttrOr("lang", "") != "en" || !strings.Contains(d.Text(), "Compounds of 街道01") {
		t.Error("English street page")
	}
	for path, status := range map[string]int{
		streetURL("没有的街道"):                  404,
		streetURL("街道01", "year=abc"):       400,
		streetURL("街道01", "year=2030"):      404,
		streetURL("街道02", "year=2023"):      200,
		"/streets/" + url.PathEscape("a/b"): 404,
	} {
		if resp, _ := ts.get(t, path); resp.StatusCode != status {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}

func jsonNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func TestCommunityPage(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	path := streetURL("街道01") + "/communities/" + url.PathEscape("社区2") + "?year=2023"
	d := ts.getDoc(t, path, 200)
	if n := d.Find(`table#compounds tbody tr`).Length(); n != 5 {
		t.Errorf("%d compounds, want 5", n)
	}
	crumbs := d.Find(`[data-testid="breadcrumbs"] li`)
	if crumbs.Length() != 3 || !strings.Contains(crumbs.Eq(1).Find("a").AttrOr("href", ""), url.PathEscape("街道01")) {
		t.Errorf("breadcrumbs %q", crumbs.Text())
	}
	// The community's five-star share: 1 of its 5 compounds in 2023.
	if !strings.Contains(d.Find(`[data-testid="card"]`).Text(), "20.0%") {
		t.Errorf("cards: %q", d.Find(`[data-testid="card"]`).Text())
	}
	if resp, _ := ts.get(t, streetURL("街道01")+"/communities/"+url.PathEscape("社区9")); resp.StatusCode != 404 {
		t.Errorf("unknown community: %d", resp.StatusCode)
	}
	if resp, _ := ts.get(t, streetURL("街道02")+"/communities/"+url.PathEscape("社区1")); resp.StatusCode != 404 {
		t.Errorf("community of another street: %d", resp.StatusCode)
	}
	ts.getDoc(t, path+"&lang=en", 200)
}

func TestStreetsComparison(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	d := ts.getDoc(t, "/streets?year=2023&indicator=five_good_streets", 200)
	rows := d.Find(`table#streetstable tbody tr`)
	if rows.Length() != 13 {
		t.Fatalf("%d rows, want 13", rows.Length())
	}
	// Sorted highest first: the six 五好 streets (100%) lead.
	if !strings.Contains(rows.First().Text(), "100.0%") || !strings.Contains(rows.Last().Text(), "0.0%") {
		t.Errorf("order: first %q last %q", rows.First().Text(), rows.Last().Text())
	}
	if href := rows.First().Find("a").AttrOr("href", ""); !strings.HasPrefix(href, "/streets/") || !strings.Contains(href, "year=2023") {
		t.Errorf("street link %q", href)
	}
	var opts map[string]any
	json.Unmarshal([]byte(d.Find("script#cmpchartOptions").Text()), &opts)
	raw, _ := json.Marshal(opts)
	for _, want := range []string{"1/1 ✓", "0/1 · 还需 1 个", "markLine", `"xAxis":40`} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("comparison options lack %q", want)
		}
	}
	if !strings.Contains(d.Find(`[data-testid="completeness"]`).Text(), "已上报 13/13 个街道") {
		t.Error("completeness section")
	}
	d = ts.getDoc(t, "/streets?year=2023&lang=en", 200)
	if !strings.Contains(d.Find("h1").Text(), "Streets compared") {
		t.Errorf("English heading %q", d.Find("h1").Text())
	}
	for path, status := range map[string]int{"/streets?indicator=nope": 404, "/streets?year=x": 400, "/streets?year=2030": 404} {
		if resp, _ := ts.get(t, path); resp.StatusCode != status {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}

func TestStarsPage(t *testing.T) {
	ts := newTestServer(t)
	recs := smallDistrict()
	yes, no := metrics.Bool(true), metrics.Bool(false)
	recs = append(recs, metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "街道02", Community: "社区X", Compound: "小区X"},
		Status: metrics.Status{Stars: metrics.Int(4), StarFlags: [5]*bool{yes, yes, no, yes, yes}}})
	ts.apply(t, db.KindImport, recs)
	d := ts.getDoc(t, "/stars?year=2023", 200)
	// 2023: 街道01 stars 0+1+2+3+5 twice = 22, 街道02 4: 26 stars = 52,000 yuan;
	// 2022: 0+1+2+3+5 + 0+1+2+3+4 = 21 stars = 42,000.
	rewards := d.Find(`table#districtstarsrewards tbody tr`)
	if rewards.Length() != 2 || !strings.Contains(rewards.Last().Text(), "5.2 万元") || !strings.Contains(rewards.Last().Text(), "+1 万元") {
		t.Errorf("rewards: %q", rewards.Text())
	}
	if got := d.Find(`[data-testid="shares"]`).Text(); !strings.Contains(got, "文明风尚星") || !strings.Contains(got, "最难") {
		t.Errorf("star shares: %q", got)
	}
	st := d.Find(`table#streetrewards tbody tr`)
	if st.Length() != 13 {
		t.Errorf("%d street reward rows", st.Length())
	}
	d = ts.getDoc(t, "/stars?year=2022&lang=en", 200)
	if !strings.Contains(d.Text(), "¥42,000") || !strings.Contains(d.Text(), "did not list the individual stars") {
		t.Errorf("English stars page")
	}
	ts.getDoc(t, streetURL("街道01", "year=2023"), 200) // its stars section too
}

func TestComparePage(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	d := ts.getDoc(t, "/compare", 200)
	if h := d.Find("h1").Text(); !strings.Contains(h, "2022") || !strings.Contains(h, "2023") {
		t.Errorf("default years: %q", h)
	}
	first := d.Find(`table#changes tbody tr`).First().Text()
	if !strings.Contains(first, "23.1%") || !strings.Contains(first, "46.2%") || !strings.Contains(first, "+23.1 个百分点") {
		t.Errorf("five-good streets change: %q", first)
	}
	if d.Find(`table#streetchanges tbody tr`).Length() != 13 {
		t.Error("per-street changes")
	}
	d = ts.getDoc(t, "/compare?from=2022&to=2023&street="+url.QueryEscape("街道01")+"&lang=en", 200)
	units := d.Find(`table#unitchanges tbody tr`)
	// 社区1 gained five-good; 小区2-5 reached five stars.
	if units.Length() != 2 || !strings.Contains(units.Text(), "社区1") || !strings.Contains(units.Text(), "小区2-5") || !strings.Contains(units.Text(), "gained") {
		t.Errorf("unit changes: %q", units.Text())
	}
	for path, status := range map[string]int{"/compare?from=x": 400, "/compare?to=2030": 404, "/compare?street=nope": 404} {
		if resp, _ := ts.get(t, path); resp.StatusCode != status {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}

func TestHelpPage(t *testing.T) {
	ts := newTestServer(t)
	d := ts.getDoc(t, "/help", 200)
	text := d.Text()
	for _, want := range []string{"比值 ≥ 1", "0.5", "复合增长率", "按期推进", "需加快", "进展滞后", "已达标"} {
		if !strings.Contains(text, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if !strings.Contains(ts.getDoc(t, "/help?lang=en", 200).Text(), "compound growth") {
		t.Error("English help")
	}
}

// ?lang= switches every page's language and remembers it in a cookie; the
// links keep the language in the URL.
func TestAnalysisLanguage(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	pages := []string{"/", "/streets", streetURL("街道01"), streetURL("街道01") + "/communities/" + url.PathEscape("社区1"), "/stars", "/compare", "/help"}
	for _, p := range pages {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		for _, l := range []struct{ q, tag, nav string }{{"en", "en", "Streets"}, {"zh", "zh-CN", "街道对比"}} {
			resp, body := ts.get(t, p+sep+"lang="+l.q)
			if resp.StatusCode != 200 {
				t.Errorf("%s lang=%s: %d", p, l.q, resp.StatusCode)
				continue
			}
			d := doc(t, body)
			if d.Find("html").AttrOr("lang", "") != l.tag || !strings.Contains(d.Find("header nav").Text(), l.nav) {
				t.Errorf("%s lang=%s: html lang %q", p, l.q, d.Find("html").AttrOr("lang", ""))
			}
			cookie := false
			for _, c := range resp.Cookies() {
				cookie = cookie || (c.Name == "jindu_lang" && c.Value == l.q)
			}
			if !cookie {
				t.Errorf("%s lang=%s: not remembered", p, l.q)
			}
			if p == "/streets" {
				if href := d.Find(`table#streetstable a`).First().AttrOr("href", ""); !strings.Contains(href, "lang="+l.q) {
					t.Errorf("link %q does not keep the language", href)
				}
			}
		}
	}
}

func TestAnalysisUnitNamesAreInert(t *testing.T) {
	ts := newTestServer(t)
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>`
	ts.apply(t, db.KindImport, []metrics.Record{
		{Year: 2022, Unit: metrics.UnitRef{Street: evil}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
		{Year: 2022, Unit: metrics.UnitRef{Street: evil, Community: evil, Compound: evil}, Status: metrics.Status{Stars: metrics.Int(5)}},
	})
	for _, p := range []string{"/", "/streets", streetURL(evil), streetURL(evil) + "/communities/" + url.PathEscape(evil), "/stars",
		"/compare?street=" + url.QueryEscape(evil)} {
		resp, body := ts.get(t, p)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("<script>alert")) || bytes.Contains(body, []byte("<img src=x")) {
			t.Errorf("%s: a unit name reached the page as markup", p)
		}
	}
}
