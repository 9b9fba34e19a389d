package web

import (
	"fmt"
	"net/http"
	"strings"

	"jindu/metrics"
	"jindu/web/charts"
	"jindu/web/components"
	"jindu/web/i18n"
)

// assetTables makes the analysis pages' tables sortable and filterable.
const assetTables = "js/tables.js"

// money formats yuan for the language: in 万元 in Chinese, as officials
// count ("756.2 万元", "1.4 万元", at most two decimals), in yuan with
// separators in English ("¥7,562,000").
func money(l i18n.Lang, yuan int) string {
	if l == i18n.En {
		return l.F("money.fmt", grouped(yuan))
	}
	sign := ""
	if yuan < 0 {
		sign, yuan = "-", -yuan
	}
	hundredths := (yuan + 50) / 100 // hundredths of 万元, rounded half up
	s := grouped(hundredths / 100)
	if frac := hundredths % 100; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", frac), "0")
	}
	return l.F("money.fmt", sign+s)
}

func signedMoney(l i18n.Lang, yuan int) string {
	switch {
	case yuan > 0:
		return "+" + money(l, yuan)
	case yuan < 0:
		return "−" + money(l, -yuan)
	}
	return money(l, 0)
}

// grouped writes an integer with thousands separators.
func grouped(v int) string {
	s := itoa(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// starsSection shows a scope's star distribution per year (stacked) and
// its rewards per year against the year before.
func (s *Server) starsSection(l i18n.Lang, id string, tallies map[int]metrics.Tally, years []int, year int) components.Section {
	title := l.T("stars.dist")
	c := components.ChartLink{Chart: components.Chart{ID: id + "chart", Title: title}}
	c.Table = components.Table{Caption: l.F("table.caption", title), Head: []string{l.T("year")}}
	var labels [6]string
	for k := range 6 {
		labels[k] = l.F("stars.fmt", k)
		c.Table.Head = append(c.Table.Head, labels[k])
	}
	c.Table.Head = append(c.Table.Head, l.T("value.unknown"))
	var sy []charts.StarYear
	for _, y := range years {
		t := tallies[y]
		sy = append(sy, charts.StarYear{Label: l.F("year.fmt", y), Histogram: t.StarHistogram})
		row := []components.Cell{{Text: l.F("year.fmt", y)}}
		for k := range 6 {
			row = append(row, components.Cell{Text: grouped(t.StarHistogram[k]), Num: true})
		}
		row = append(row, components.Cell{Text: grouped(t.UnknownStars), Num: true})
		c.Table.Rows = append(c.Table.Rows, row)
	}
	c.Options = charts.Stars(sy, charts.StarLabels{Title: title, Series: labels,
		Band: func(series string, n int, share string) string { return l.F("chart.tip.band", series, n, share) }})
	cur := tallies[year]
	c.Summary = l.F("stars.summary", title, l.F("year.fmt", year), grouped(cur.Compounds), grouped(cur.StarHistogram[metrics.MaxStars]), grouped(cur.StarHistogram[0]))

	rt := components.SortTable{ID: id + "rewards", Caption: l.F("rewards.caption", money(l, s.effectiveProgram().RewardPerStar)),
		Cols: []components.Col{{Label: l.T("year")}, {Label: l.T("rewards.compounds"), Num: true}, {Label: l.T("rewards.stars"), Num: true},
			{Label: l.T("rewards.amount"), Num: true}, {Label: l.T("rewards.change"), Num: true}}}
	sub := map[int]metrics.Tally{}
	for _, y := range years {
		sub[y] = tallies[y]
	}
	for _, rc := range metrics.Rewards(s.effectiveProgram(), sub) {
		change := components.TCell{Text: "—", Sort: "0", Num: true}
		if rc.HasPrev {
			change = numCell(signedMoney(l, rc.Delta), float64(rc.Delta))
		}
		rt.Rows = append(rt.Rows, []components.TCell{textCell(l.F("year.fmt", rc.Year)), intCell(rc.Compounds), intCell(rc.Stars),
			numCell(money(l, rc.Amount), float64(rc.Amount)), change})
	}
	return components.Section{ID: id, Heading: l.T("stars.heading"), Charts: []components.ChartLink{c}, Tables: []components.SortTable{rt},
		Notes: []string{l.F("rewards.note", money(l, s.effectiveProgram().RewardPerStar), money(l, metrics.MaxStars*s.effectiveProgram().RewardPerStar))}}
}

// showStars renders the district's stars: distribution per year, the share
// holding each of the five stars (which one is hardest) and the rewards,
// per year and per street.
func (s *Server) showStars(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year, ok := s.pickYear(w, r, l, f.years)
	if !ok {
		return
	}
	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, l.T("nav.stars"))}
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(year))}, {Label: l.T("nav.stars")}}
	a.Heading = l.F("starspage.heading", l.F("year.fmt", year))
	a.Years, a.YearsName = yearLinks(l, s.effectiveProgram(), "/stars", f.years, year), l.T("year.select")
	a.Sections = append(a.Sections, s.starsSection(l, "districtstars", f.district, f.years, year), s.starSharesSection(l, f.district[year], year))

	// Rewards per street in the year, against the year before.
	t := components.SortTable{ID: "streetrewards", Caption: l.F("rewards.street.caption", l.F("year.fmt", year)), Filter: true, FilterLabel: l.T("filter"),
		Cols: []components.Col{{Label: l.T("street")}, {Label: l.T("rewards.compounds"), Num: true}, {Label: l.T("rewards.stars"), Num: true},
			{Label: l.T("fivestar.compounds"), Num: true}, {Label: l.T("rewards.amount"), Num: true}, {Label: l.F("rewards.vs", year-1), Num: true}}}
	total := 0
	for _, st := range f.streets {
		tl, ok := f.byStreet[st.ID][year]
		if !ok {
			continue
		}
		rw := metrics.RewardOf(s.effectiveProgram(), year, tl)
		total += rw.Amount
		change := components.TCell{Text: "—", Sort: "0", Num: true}
		if prev, ok := f.byStreet[st.ID][year-1]; ok && prev.Units() > 0 {
			d := rw.Amount - metrics.RewardOf(s.effectiveProgram(), year-1, prev).Amount
			change = numCell(signedMoney(l, d), float64(d))
		}
		t.Rows = append(t.Rows, []components.TCell{
			{Text: st.Name, Sort: st.Name, URL: href(l, streetPath(st.Name), "year", itoa(year))},
			intCell(rw.Compounds), intCell(rw.Stars), intCell(tl.StarHistogram[metrics.MaxStars]), numCell(money(l, rw.Amount), float64(rw.Amount)), change,
		})
	}
	a.Sections = append(a.Sections, components.Section{ID: "streetrewardssec", Heading: l.T("rewards.street.heading"),
		Intro: l.F("rewards.total", l.F("year.fmt", year), money(l, total)), Tables: []components.SortTable{t}})
	s.drawSectionsOnServer(a.Sections)
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}

// starSharesSection shows the share of compounds holding each of the five
// stars, when the ledgers listed them, and names the hardest.
func (s *Server) starSharesSection(l i18n.Lang, t metrics.Tally, year int) components.Section {
	sec := components.Section{ID: "shares", Heading: l.T("shares.heading")}
	shares, hardest := metrics.StarShares(t)
	if hardest < 0 {
		sec.Notes = []string{l.T("shares.none")}
		return sec
	}
	title := l.F("shares.title", l.F("year.fmt", year))
	c := components.ChartLink{Chart: components.Chart{ID: "shareschart", Title: title}}
	c.Table = components.Table{Caption: l.F("table.caption", title), Head: []string{l.T("star"), l.T("counts"), l.T("percent")}}
	var bars []charts.StarShareBar
	for i, sh := range shares {
		name := l.T("star." + itoa(i))
		count := fmt.Sprintf("%d/%d", sh.Holders, sh.Reported)
		// Percent and count, one per line (a bar is narrow on a phone);
		// the hardest star says so on a third.
		b := charts.StarShareBar{Name: name, Percent: *sh.Percent, Hardest: i == hardest, Label: pct(sh.Percent) + "\n" + count}
		if b.Hardest {
			b.Label += "\n" + l.T("shares.hardest")
		}
		bars = append(bars, b)
		c.Table.Rows = append(c.Table.Rows, []components.Cell{{Text: name}, {Text: frac(sh.Holders, sh.Reported), Num: true}, {Text: pct(sh.Percent), Num: true}})
	}
	c.Options = charts.StarShares(bars, title, l.T("percent"))
	c.Summary = l.F("shares.summary", title, l.T("star."+itoa(hardest)), pct(shares[hardest].Percent), grouped(shares[hardest].Reported))
	sec.Charts = []components.ChartLink{c}
	return sec
}
