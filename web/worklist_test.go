package web_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"jindu/metrics"
)

// workDistrict: 2024, two streets. 文峰街道 has 5 of 10 compounds five-star
// and four at 4★ that all lack 美丽宜居星 (one of them closes its gap);
// 北大街道 has 1 of 5, one 4★ lacking 党建引领星 and three at 2★.
func workDistrict() []metrics.Record {
	const y = 2024
	yes := metrics.Bool(true)
	stars := func(street, community, name string, n int, lacking ...int) metrics.Record {
		s := metrics.Status{Stars: metrics.Int(n), PartyBranch: yes, OwnersCommittee: yes, ServiceCenter: yes}
		if n == 4 {
			for i := range s.StarFlags {
				s.StarFlags[i] = metrics.Bool(i != lacking[0])
			}
		}
		return metrics.Record{Year: y, Unit: metrics.UnitRef{Street: street, Community: community, Compound: name}, Status: s}
	}
	unit := func(street, community string, good bool) metrics.Record {
		return metrics.Record{Year: y, Unit: metrics.UnitRef{Street: street, Community: community, CommunityType: metrics.CommunityUrban},
			Status: metrics.Status{FiveGood: metrics.Bool(good), ServiceCenter: yes}}
	}
	rs := []metrics.Record{
		unit("文峰街道", "", true), unit("文峰街道", "东社区", true), unit("文峰街道", "西社区", true),
		unit("北大街道", "", false), unit("北大街道", "南社区", false),
	}
	for i, name := range []string{"一号院", "二号院", "三号院", "四号院", "五号院"} {
		rs = append(rs, stars("文峰街道", []string{"东社区", "西社区"}[i%2], name, 5))
	}
	for _, name := range []string{"六号院", "七号院", "八号院", "九号院"} {
		rs = append(rs, stars("文峰街道", "西社区", name, 4, 4))
	}
	rs = append(rs, stars("文峰街道", "东社区", "十号院", 2),
		stars("北大街道", "南社区", "甲院", 5), stars("北大街道", "南社区", "乙院", 4, 0),
		stars("北大街道", "南社区", "丙院", 2), stars("北大街道", "南社区", "丁院", 2), stars("北大街道", "南社区", "戊院", 2))
	return rs
}

func workServer(t *testing.T) *testServer {
	ts := newTestServer(t)
	ts.apply(t, "upload", workDistrict())
	return ts
}

func wlPath(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return path + "?" + q.Encode()
}

func groupSentences(d *goquery.Document) map[string]string {
	out := map[string]string{}
	d.Find(`[data-testid="wl-group"]`).Each(func(_ int, g *goquery.Selection) {
		out[strings.TrimSpace(g.Find("h2").Text())] = strings.TrimSpace(g.Find(".wl-sentence").Text())
	})
	return out
}

func TestWorkListPage(t *testing.T) {
	ts := workServer(t)
	d := ts.getDoc(t, wlPath("/worklist", "indicator", "five_star_compounds", "year", "2024", "lang", "zh"), 200)
	// Five of the 15 are at 4★ (乙院 lacks 党建引领星, the others 美丽宜居星):
	// any three of them close the district's gap.
	if got := strings.TrimSpace(d.Find(`[data-testid="wl-summary"]`).Text()); got != "全区 40.0%（6/15）还差 3 个：以下 5 个小区已是四星，各缺一颗星" {
		t.Errorf("summary %q", got)
	}
	var heads []string
	d.Find(`[data-testid="wl-group"] h2`).Each(func(_ int, h *goquery.Selection) { heads = append(heads, h.Text()) })
	if strings.Join(heads, ",") != "全区,北大街道,文峰街道" {
		t.Errorf("groups %v: want the district, then the streets by what they still need", heads)
	}
	s := groupSentences(d)
	if got := s["文峰街道"]; got != "文峰街道 50.0%（5/10）还差 1 个：以下 4 个小区已是四星，只缺美丽宜居星" {
		t.Errorf("文峰街道: %q", got)
	}
	if got := s["北大街道"]; got != "北大街道 20.0%（1/5）还差 2 个：最接近的 2 个小区共缺 4 颗星，其中 1 个已是四星" {
		t.Errorf("北大街道: %q", got)
	}
	// 北大's ranking: the 4★ compound lacking one star before the 2★ ones;
	// the first two close the gap.
	rows := d.Find(`[data-testid="wl-group"]`).Eq(1).Find("tbody tr")
	cells := func(i int) []string {
		var out []string
		rows.Eq(i).Find("td").Each(func(_ int, c *goquery.Selection) { out = append(out, strings.TrimSpace(c.Text())) })
		return out
	}
	if got := strings.Join(cells(0), "|"); got != "1|乙院|南社区|4★|党建引领星|1|✓ 是" {
		t.Errorf("first row %s", got)
	}
	if got := cells(1); got[3] != "2★" || got[6] != "✓ 是" || cells(2)[6] != "否" {
		t.Errorf("second and third rows %v %v: the first two close the gap", got, cells(2))
	}
	// The overview of the streets behind links each to its own list.
	link := d.Find(`#wloverview tbody tr`).First().Find("a")
	if link.Text() != "北大街道" || !strings.Contains(link.AttrOr("href", ""), "street=%E5%8C%97%E5%A4%A7%E8%A1%97%E9%81%93") {
		t.Errorf("overview link %q %q", link.Text(), link.AttrOr("href", ""))
	}
	if x := d.Find(`[data-testid="wl-xlsx"]`).AttrOr("href", ""); !strings.HasPrefix(x, "/worklist.xlsx?") || !strings.Contains(x, "indicator=five_star_compounds") {
		t.Errorf("xlsx link %q", x)
	}

	en := ts.getDoc(t, wlPath("/worklist", "indicator", "five_star_compounds", "year", "2024", "lang", "en"), 200)
	if got := groupSentences(en)["文峰街道"]; got != "文峰街道 50.0% (5/10) needs 1 more: the 4 compounds below already hold 4 stars, lacking only the Livability star" {
		t.Errorf("en 文峰街道: %q", got)
	}

	// One street: its own gap, then its communities behind (西社区 has 2
	// five-star of 6 and needs 2: ceil(3.6) − 2).
	st := ts.getDoc(t, wlPath("/worklist", "indicator", "five_star_compounds", "year", "2024", "street", "文峰街道", "lang", "zh"), 200)
	if got := strings.TrimSpace(st.Find(`[data-testid="wl-summary"]`).Text()); got != "文峰街道 50.0%（5/10）还差 1 个：以下 4 个小区已是四星，只缺美丽宜居星" {
		t.Errorf("street summary %q", got)
	}
	if got := groupSentences(st)["西社区"]; got != "西社区 33.3%（2/6）还差 2 个：以下 4 个小区已是四星，只缺美丽宜居星" {
		t.Errorf("西社区 %q", got)
	}
	if n := st.Find(`[data-testid="wl-group"]`).First().Find("tbody tr").Length(); n != 5 {
		t.Errorf("the street's own list has %d rows, want its 5 compounds not five-star", n)
	}

	// 五好 communities: 北大's only community is the one to rate.
	fg := ts.getDoc(t, wlPath("/worklist", "indicator", "five_good_communities", "year", "2024", "lang", "zh"), 200)
	if got := groupSentences(fg)["北大街道"]; got != "北大街道 0.0%（0/1）还差 1 个：以下 1 个社区尚未评为“五好”，评上其中 1 个即可达标" {
		t.Errorf("五好社区: %q", got)
	}
}

func TestWorkListBadInput(t *testing.T) {
	ts := workServer(t)
	for _, c := range []struct {
		path   string
		status int
		text   string
	}{
		{wlPath("/worklist", "indicator", "compound_party_branches", "year", "2024"), 400, "工作清单只用于评定类指标"},
		{wlPath("/worklist", "indicator", "nonsense", "year", "2024"), 400, "工作清单只用于评定类指标"},
		{wlPath("/worklist.xlsx", "indicator", "nonsense", "year", "2024", "lang", "en"), 400, "The work list is for the rating indicators"},
		{wlPath("/worklist", "indicator", "five_star_compounds", "year", "20x4"), 400, "年份格式不正确"},
		{wlPath("/worklist", "indicator", "five_star_compounds", "year", "2023"), 404, "没有 2023 年的数据"},
		{wlPath("/worklist", "indicator", "five_star_compounds", "year", "2024", "street", "无名街道"), 404, "没有名为“无名街道”的街道"},
		{wlPath("/worklist.xlsx", "indicator", "five_star_compounds", "year", "2024", "street", "无名街道"), 404, "没有名为“无名街道”的街道"},
	} {
		resp, body := ts.get(t, c.path)
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.text) {
			t.Errorf("GET %s: %d, want %d with %q", c.path, resp.StatusCode, c.status, c.text)
		}
	}
	// Without ?indicator= the five-star list is shown; without ?year= the latest.
	if d := ts.getDoc(t, "/worklist", 200); !strings.Contains(d.Find("h1").Text(), "“五星”小区（2024年）") {
		t.Errorf("default heading %q", d.Find("h1").Text())
	}
}

func TestWorkListXLSX(t *testing.T) {
	ts := workServer(t)
	resp, body := ts.get(t, wlPath("/worklist.xlsx", "indicator", "five_star_compounds", "year", "2024", "lang", "zh"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "filename*=") {
		t.Errorf("disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "汇总,工作清单" {
		t.Errorf("sheets %s", got)
	}
	sum, _ := x.GetRows("汇总")
	if len(sum) != 4 || strings.Join(sum[0], "|") != "范围|达标/总数|当前|目标|还差|最接近的|还需星数" ||
		strings.Join(sum[1][:2], "|") != "全区|6/15" || sum[1][4] != "3" || sum[2][0] != "北大街道" || sum[3][0] != "文峰街道" {
		t.Errorf("summary %q", sum)
	}
	rows, _ := x.GetRows("工作清单")
	if strings.Join(rows[0], "|") != "范围|序号|单位|街道|社区|星级|缺少的星|还需星数|补齐缺口" {
		t.Errorf("header %q", rows[0])
	}
	// Every compound not five-star once for the district (9), then once per
	// street (4 + 5).
	if len(rows) != 1+9+4+5 {
		t.Errorf("%d rows", len(rows))
	}
	closing := map[string]int{}
	for _, r := range rows[1:] {
		if r[8] == "是" {
			closing[r[0]]++
		}
	}
	if closing["全区"] != 3 || closing["北大街道"] != 2 || closing["文峰街道"] != 1 {
		t.Errorf("closing per scope %v; want 3, 2, 1", closing)
	}
	if got := strings.Join(rows[1], "|"); got != "全区|1|乙院|北大街道|南社区|4|党建引领星|1|是" {
		t.Errorf("first row %s", got)
	}

	resp, body = ts.get(t, wlPath("/worklist.xlsx", "indicator", "five_star_compounds", "year", "2024", "street", "文峰街道", "lang", "en"))
	x, err = excelize.OpenReader(bytes.NewReader(body))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("street workbook: %d %v", resp.StatusCode, err)
	}
	rows, _ = x.GetRows("Work list")
	if len(rows) < 2 || strings.Join(rows[0], "|") != "Scope|#|Unit|Street|Community|Stars|Missing stars|Stars to go|Closes the gap" ||
		rows[1][0] != "文峰街道" || rows[1][6] != "Livability" || rows[1][8] != "yes" {
		t.Errorf("en rows %q", rows)
	}
}

// The verdict on the dashboard: the sentence, then the streets behind,
// each linked to its work list.
func TestDashboardVerdict(t *testing.T) {
	ts := workServer(t)
	d := ts.getDoc(t, "/?year=2024&lang=zh", 200)
	want := "2024年：6 项有数值目标的指标 4 项达标；“五好”街道全区还差 1 个；“五好”社区 1 个街道未达标，全区还差 1 个；" +
		"“五星”小区全区未达标，还差 3 个，2 个街道未达标"
	if got := d.Find(`[data-testid="verdict"]`).Text(); got != want {
		t.Errorf("verdict\n got %s\nwant %s", got, want)
	}
	first := d.Find(`[data-testid="behind-street"]`).First()
	if got := strings.Join(strings.Fields(first.Text()), " "); got != "北大街道 0.0% 还需 1 个" {
		t.Errorf("first lagging street %q", got)
	}
	if u := first.Find("a").AttrOr("href", ""); !strings.HasPrefix(u, "/worklist?") || !strings.Contains(u, "indicator=five_good_communities") {
		t.Errorf("lagging street link %q", u)
	}
	// The verdict comes before the year chips and the cards.
	if d.Find("main").Children().Eq(1).Is(".verdict") == false {
		t.Errorf("the verdict is not right under the heading")
	}
	// The cards of the three missed rating targets link to their work
	// lists; the completion cards (all met) do not.
	var links []string
	d.Find(`[data-testid="card"]`).Each(func(_ int, c *goquery.Selection) {
		if a := c.Find(`[data-testid="card-worklist"]`); a.Length() > 0 {
			u, _ := url.Parse(a.AttrOr("href", ""))
			links = append(links, u.Query().Get("indicator"))
		}
	})
	if strings.Join(links, ",") != "five_good_streets,five_good_communities,five_star_compounds" {
		t.Errorf("cards linked to work lists: %v", links)
	}
	en := ts.getDoc(t, "/?year=2024&lang=en", 200)
	if got := en.Find(`[data-testid="verdict"]`).Text(); got != "2024: 4 of 6 indicators with a numeric target met; five-good streets: district target missed by 1; "+
		"five-good communities: 1 street behind, 1 more needed across the district; five-star compounds: district target missed by 3, 2 streets behind" {
		t.Errorf("en verdict %s", got)
	}
	if got := strings.Join(strings.Fields(en.Find(`[data-testid="behind-street"]`).Eq(1).Text()), " "); got != "北大街道 20.0% 2 more needed" {
		t.Errorf("en second lagging street %q", got)
	}
}
