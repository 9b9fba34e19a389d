package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/charts"
	"jindu/web/components"
	"jindu/web/i18n"
)

// This file holds the street comparison (/streets), the street page
// (/streets/{name}) and the helpers the analysis pages share.

// href builds an internal link that carries the language, so every view's
// URL holds its whole state (year, street, indicator, language) and can be
// bookmarked, shared and printed. Empty values are left out.
func href(l i18n.Lang, path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	q.Set("lang", string(l))
	return path + "?" + q.Encode()
}

// streetPath is the street page's path; the name is user data, escaped as
// one path segment.
func streetPath(name string) string { return "/streets/" + url.PathEscape(name) }

func communityPath(street, community string) string {
	return streetPath(street) + "/communities/" + url.PathEscape(community)
}

func itoa(v int) string { return strconv.Itoa(v) }

// upTo keeps the results of years up to and including year, so an outlook
// is judged as of the year being viewed.
func upTo(rs []metrics.Result, year int) []metrics.Result {
	var out []metrics.Result
	for _, r := range rs {
		if r.Year <= year {
			out = append(out, r)
		}
	}
	return out
}

func ofYear(rs []metrics.Result, year int) []metrics.Result {
	var out []metrics.Result
	for _, r := range rs {
		if r.Year == year {
			out = append(out, r)
		}
	}
	return out
}

// pickYear reads ?year= against the years with data: the latest by
// default. It writes the 400/404 page itself and returns ok false then.
func (s *Server) pickYear(w http.ResponseWriter, r *http.Request, l i18n.Lang, years []int) (int, bool) {
	year, asked, err := yearParam(r)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, l.T("error.badyear"))
		return 0, false
	}
	if len(years) == 0 {
		s.errorPage(w, r, http.StatusNotFound, l.T("nodata.title"))
		return 0, false
	}
	if !asked {
		return years[len(years)-1], true
	}
	if !slices.Contains(years, year) {
		s.errorPage(w, r, http.StatusNotFound, l.Pick(fmt.Sprintf("%d年没有数据", year), fmt.Sprintf("No data for %d", year)))
		return 0, false
	}
	return year, true
}

// yearLinks builds a year selector for path, keeping the other parameters.
func yearLinks(l i18n.Lang, p metrics.Program, path string, years []int, cur int, kv ...string) []components.YearLink {
	var out []components.YearLink
	for _, y := range years {
		out = append(out, components.YearLink{Label: yearLabel(l, y, p), URL: href(l, path, append([]string{"year", itoa(y)}, kv...)...), Current: y == cur})
	}
	return out
}

// outlookView localises an outlook; nil when the indicator has no target.
func outlookView(l i18n.Lang, o metrics.Outlook) *components.OutlookView {
	if o.FinalYear == 0 || o.Year == 0 {
		return nil
	}
	v := &components.OutlookView{}
	switch o.Status {
	case metrics.OutlookMet:
		v.Label, v.Class = l.T("outlook.met"), "met"
	case metrics.OutlookOnTrack:
		v.Label, v.Class = l.T("outlook.ontrack"), "ontrack"
	case metrics.OutlookAccelerate:
		v.Label, v.Class = l.T("outlook.accelerate"), "accelerate"
	case metrics.OutlookOffTrack:
		v.Label, v.Class = l.T("outlook.offtrack"), "offtrack"
	default:
		v.Label, v.Class = l.T("outlook.unknown"), "none"
		return v
	}
	var parts []string
	if o.Observed != nil {
		parts = append(parts, l.F("outlook.pace", signed(*o.Observed)))
	}
	if o.Projected != nil {
		parts = append(parts, l.F("outlook.projected", l.F("year.fmt", o.FinalYear), pctv(*o.Projected)))
	}
	switch {
	case o.ReachYear == o.Year:
		// already at the final target: nothing to project
	case o.ReachYear > 0:
		parts = append(parts, l.F("outlook.reach", o.FinalTarget, l.F("year.fmt", o.ReachYear)))
	case o.Observed != nil:
		parts = append(parts, l.F("outlook.never", o.FinalTarget))
	}
	v.Detail = strings.Join(parts, l.T("list.sep"))
	return v
}

func signed(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v > 0 {
		s = "+" + s
	}
	return s
}

func pctv(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

// analysisCards builds the headline cards of one scope and year, with the
// outlook (as of that year) of every indicator that has a target.
// incomplete returns the completeness mark's text for a result, or "".
func (s *Server) analysisCards(l i18n.Lang, all []metrics.Result, year int, incomplete func(metrics.Result) string) []components.AnalysisCard {
	outlooks := metrics.AssessAll(s.program(), upTo(all, year))
	var cards []components.AnalysisCard
	for _, res := range ofYear(all, year) {
		ind, _ := s.program().Indicator(res.Indicator)
		c := components.AnalysisCard{Card: card(l, ind, res), Outlook: outlookView(l, outlooks[ind.Key])}
		if incomplete != nil {
			c.Incomplete = incomplete(res)
		}
		cards = append(cards, c)
	}
	return cards
}

// unknownMark marks a result with unreported values.
func unknownMark(l i18n.Lang) func(metrics.Result) string {
	return func(r metrics.Result) string {
		if r.Unknown > 0 {
			return l.T("incomplete.short") + l.F("incomplete.unknown", r.Unknown)
		}
		return ""
	}
}

// cell helpers for sortable tables.
func textCell(s string) components.TCell { return components.TCell{Text: s, Sort: s} }

func numCell(text string, v float64) components.TCell {
	return components.TCell{Text: text, Sort: strconv.FormatFloat(v, 'f', -1, 64), Num: true}
}

func intCell(v int) components.TCell { return numCell(itoa(v), float64(v)) }

// pctCell sorts missing values first.
func pctCell(p *float64) components.TCell {
	if p == nil {
		return numCell("—", -1)
	}
	return numCell(pct(p), *p)
}

func boolText(l i18n.Lang, v *bool) string {
	switch {
	case v == nil:
		return l.T("value.unknown")
	case *v:
		return "✓ " + l.T("value.yes")
	default:
		return "✗ " + l.T("value.no")
	}
}

func boolCell(l i18n.Lang, v *bool) components.TCell {
	c := textCell(boolText(l, v))
	switch {
	case v == nil:
		c.Sort, c.Class = "0", "unknown"
	case *v:
		c.Sort, c.Class = "2", "yes"
	default:
		c.Sort, c.Class = "1", "no"
	}
	return c
}

// ratingChange says whether a unit gained or lost a rating between years.
func ratingChange(l i18n.Lang, before, after *bool, hadBefore bool) components.TCell {
	if !hadBefore || before == nil || after == nil {
		return components.TCell{Text: "—", Sort: "0"}
	}
	switch metrics.Change(before, after) {
	case 1:
		return components.TCell{Text: "↑ " + l.T("change.gained"), Sort: "1", Class: "gained"}
	case -1:
		return components.TCell{Text: "↓ " + l.T("change.lost"), Sort: "-1", Class: "lost"}
	}
	return components.TCell{Text: l.T("change.same"), Sort: "0"}
}

func starsText(l i18n.Lang, v *int) string {
	if v == nil {
		return l.T("value.unknown")
	}
	return l.F("stars.fmt", *v)
}

func starsChange(before, after *int, hadBefore bool) components.TCell {
	if !hadBefore || before == nil || after == nil {
		return components.TCell{Text: "—", Sort: "0", Num: true}
	}
	d := *after - *before
	c := numCell(fmt.Sprintf("%+d", d), float64(d))
	if d == 0 {
		c.Text = "0"
	}
	if d > 0 {
		c.Class = "gained"
	} else if d < 0 {
		c.Class = "lost"
	}
	return c
}

// streetFigures loads the figures and finds the street named name in them;
// it answers 500/404 itself and returns ok false then.
func (s *Server) streetFigures(w http.ResponseWriter, r *http.Request, l i18n.Lang, name string) (*figures, db.Unit, bool) {
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, db.Unit{}, false
	}
	st, ok := f.street(name)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, l.T("error.nostreet"))
		return nil, db.Unit{}, false
	}
	return f, st, true
}

// showStreet renders one street: every indicator scoped to it (the same
// numbers as /api/metrics?street=), its trend, stars and rewards, and its
// communities and compounds.
func (s *Server) showStreet(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, st, ok := s.streetFigures(w, r, l, r.PathValue("name"))
	if !ok {
		return
	}
	tallies := f.byStreet[st.ID]
	years := metrics.YearsWithData(tallies)
	year, ok := s.pickYear(w, r, l, years)
	if !ok {
		return
	}
	units, err := s.DB.StreetUnits(r.Context(), st.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := f.results(s.program(), st, 0)
	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, st.Name)}
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(year))},
		{Label: l.T("nav.streets"), URL: href(l, "/streets", "year", itoa(year))}, {Label: st.Name}}
	a.Heading = l.F("street.heading", st.Name, l.F("year.fmt", year))
	a.Subhead = l.T("street.subhead")
	a.Years, a.YearsName = yearLinks(l, s.program(), streetPath(st.Name), years, year), l.T("year.select")
	a.Cards = s.analysisCards(l, all, year, unknownMark(l))
	a.Sections = append(a.Sections,
		components.Section{ID: "trend", Heading: l.T("trend.heading"), Charts: []components.ChartLink{s.trendChart(l, st.Name, all, years, year)}},
		s.starsSection(l, "streetstars", tallies, years, year),
	)
	a.Sections = append(a.Sections, s.unitSections(l, st, units, "", year)...)
	a.Selectors = []components.Selector{{Label: l.T("more.heading"), Links: []components.Link{
		{Label: l.T("nav.compare"), URL: href(l, "/compare", "street", st.Name, "to", itoa(year))},
		{Label: l.T("nav.stars"), URL: href(l, "/stars", "year", itoa(year))},
		{Label: l.T("api.street"), URL: "/api/metrics?" + url.Values{"street": {st.Name}, "year": {itoa(year)}}.Encode()},
	}}}
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}

// trendChart draws a scope's rating indicators over the years with the
// milestones.
func (s *Server) trendChart(l i18n.Lang, scope string, all []metrics.Result, years []int, year int) components.ChartLink {
	byKey := map[string]map[int]metrics.Result{}
	for _, r := range all {
		if byKey[r.Indicator] == nil {
			byKey[r.Indicator] = map[int]metrics.Result{}
		}
		byKey[r.Indicator][r.Year] = r
	}
	xs := slices.Clone(years)
	for _, y := range s.program().Years {
		if !slices.Contains(xs, y) {
			xs = append(xs, y)
		}
	}
	slices.Sort(xs)
	labels := make([]string, len(xs))
	for i, y := range xs {
		labels[i] = l.F("year.fmt", y)
	}
	title := l.F("trend.title", scope)
	c := components.ChartLink{Chart: components.Chart{ID: "trendchart", Title: title}}
	c.Table = components.Table{Caption: l.F("table.caption", title), Head: []string{l.T("year")}}
	var series []charts.TrendSeries
	var milestones []*int
	var summary []string
	for _, ind := range s.program().Indicators {
		if ind.Kind != metrics.KindRating {
			continue
		}
		rs := byKey[ind.Key]
		if len(rs) == 0 || allEmpty(rs) {
			continue
		}
		ts := charts.TrendSeries{Name: label(l, ind)}
		for _, y := range xs {
			ts.Values = append(ts.Values, rs[y].Percent)
		}
		series = append(series, ts)
		c.Table.Head = append(c.Table.Head, label(l, ind))
		if milestones == nil {
			for _, y := range xs {
				t, ok := ind.Target(y)
				if ok {
					milestones = append(milestones, &t)
				} else {
					milestones = append(milestones, nil)
				}
			}
		}
		summary = append(summary, label(l, ind)+" "+pct(rs[year].Percent))
	}
	c.Table.Head = append(c.Table.Head, l.T("milestone"))
	for i, y := range xs {
		row := []components.Cell{{Text: l.F("year.fmt", y)}}
		for _, ind := range s.program().Indicators {
			if rs := byKey[ind.Key]; ind.Kind == metrics.KindRating && len(rs) > 0 && !allEmpty(rs) {
				row = append(row, components.Cell{Text: pct(rs[y].Percent), Num: true})
			}
		}
		m := "—"
		if i < len(milestones) && milestones[i] != nil {
			m = itoa(*milestones[i]) + "%"
		}
		row = append(row, components.Cell{Text: m, Num: true})
		c.Table.Rows = append(c.Table.Rows, row)
	}
	c.Options = charts.Trend(labels, series, milestones, title, l.T("milestone"))
	c.Summary = l.F("trend.summary", title, l.F("year.fmt", year), strings.Join(summary, l.T("list.sep")))
	return c
}

func allEmpty(rs map[int]metrics.Result) bool {
	for _, r := range rs {
		if r.Percent != nil {
			return false
		}
	}
	return true
}

// unitSections lists a street's communities (unless community is set) and
// its compounds (only that community's when set), with each value in year
// and its change since the year before.
func (s *Server) unitSections(l i18n.Lang, st db.Unit, units []db.UnitHistory, community string, year int) []components.Section {
	byID := map[int64]db.UnitHistory{}
	for _, u := range units {
		byID[u.ID] = u
	}
	prevYear := year - 1
	var out []components.Section
	if community == "" {
		t := components.SortTable{ID: "communities", Caption: l.F("communities.caption", st.Name, l.F("year.fmt", year)),
			Filter: true, FilterLabel: l.T("filter"), Empty: l.T("communities.none"),
			Cols: []components.Col{{Label: l.T("community")}, {Label: l.T("community.type")}, {Label: l.T("fivegood")},
				{Label: l.F("change.since", prevYear)}, {Label: l.T("center")}, {Label: l.T("compounds"), Num: true},
				{Label: l.T("fivestar.compounds"), Num: true}, {Label: l.T("percent"), Num: true}}}
		// Each community's compounds, counted by the domain's own rule.
		counts := map[int64]metrics.Tally{}
		for _, u := range units {
			if u.Level != metrics.LevelCompound {
				continue
			}
			if st, ok := u.Status[year]; ok {
				t := counts[u.ParentID]
				t.Count(u.Level, st)
				counts[u.ParentID] = t
			}
		}
		for _, u := range units {
			if u.Level != metrics.LevelCommunity {
				continue
			}
			cur, ok := u.Status[year]
			if !ok {
				continue
			}
			prev, hadPrev := u.Status[prevYear]
			a := counts[u.ID]
			share, _, _ := metrics.Evaluate(a.CompoundsFiveStar, a.Compounds, nil)
			typ := l.T("value.unknown")
			switch u.CommunityType {
			case metrics.CommunityUrban:
				typ = l.T("community.urban")
			case metrics.CommunityRural:
				typ = l.T("community.rural")
			}
			t.Rows = append(t.Rows, []components.TCell{
				{Text: u.Name, Sort: u.Name, URL: href(l, communityPath(st.Name, u.Name), "year", itoa(year))},
				textCell(typ), boolCell(l, cur.FiveGood), ratingChange(l, prev.FiveGood, cur.FiveGood, hadPrev),
				boolCell(l, cur.ServiceCenter), intCell(a.Compounds), numCell(fmt.Sprintf("%d/%d", a.CompoundsFiveStar, a.Compounds), float64(a.CompoundsFiveStar)), pctCell(share),
			})
		}
		out = append(out, components.Section{ID: "communitiessec", Heading: l.T("communities.heading"), Tables: []components.SortTable{t}})
	}
	t := components.SortTable{ID: "compounds", Caption: l.F("compounds.caption", st.Name, l.F("year.fmt", year)),
		Filter: true, FilterLabel: l.T("filter"), Empty: l.T("compounds.none"),
		Cols: []components.Col{{Label: l.T("community")}, {Label: l.T("compound")}, {Label: l.T("stars"), Num: true},
			{Label: l.F("change.since", prevYear), Num: true}, {Label: l.T("fivestar")}}}
	for i := range metrics.StarNames {
		t.Cols = append(t.Cols, components.Col{Label: l.T("star." + itoa(i))})
	}
	t.Cols = append(t.Cols, components.Col{Label: l.T("branch")}, components.Col{Label: l.T("committee")},
		components.Col{Label: l.T("property")}, components.Col{Label: l.T("center")})
	for _, u := range units {
		if u.Level != metrics.LevelCompound {
			continue
		}
		parent := byID[u.ParentID]
		if community != "" && parent.Name != community {
			continue
		}
		cur, ok := u.Status[year]
		if !ok {
			continue
		}
		prev, hadPrev := u.Status[prevYear]
		stars := components.TCell{Text: starsText(l, cur.Stars), Sort: "-1", Num: true}
		if cur.Stars != nil {
			stars.Sort = itoa(*cur.Stars)
		}
		row := []components.TCell{
			{Text: parent.Name, Sort: parent.Name, URL: href(l, communityPath(st.Name, parent.Name), "year", itoa(year))},
			textCell(u.Name), stars, starsChange(prev.Stars, cur.Stars, hadPrev), boolCell(l, metrics.FiveStar(cur.Stars)),
		}
		for i := range cur.StarFlags {
			row = append(row, boolCell(l, cur.StarFlags[i]))
		}
		row = append(row, boolCell(l, cur.PartyBranch), boolCell(l, cur.OwnersCommittee), boolCell(l, cur.PropertyService), boolCell(l, cur.ServiceCenter))
		t.Rows = append(t.Rows, row)
	}
	out = append(out, components.Section{ID: "compoundssec", Heading: l.T("compounds.heading"), Tables: []components.SortTable{t},
		Notes: []string{l.T("compounds.note")}})
	return out
}

// streetComparison builds the comparison of every street for one indicator
// and year from the snapshot (no unit scan): the chart, with bars that open
// the street, and the same numbers as a sortable table.
//
// limit, when positive, keeps the chart and tables to the limit streets
// furthest behind (the summary still counts every street): a province has
// thousands of streets, which the overview and the printed report cannot
// show; /streets passes 0 and lists them all.
func (s *Server) streetComparison(l i18n.Lang, f *figures, ind metrics.Indicator, year, limit int) (components.ChartLink, components.SortTable) {
	type key struct {
		lang        i18n.Lang
		indicator   string
		year, limit int
	}
	type view struct {
		chart components.ChartLink
		table components.SortTable
	}
	v := cached(f, key{l, ind.Key, year, limit}, func() view {
		c, t := s.buildStreetComparison(l, f, ind, year, limit)
		return view{c, t}
	})
	return v.chart, v.table
}

func (s *Server) buildStreetComparison(l i18n.Lang, f *figures, ind metrics.Indicator, year, limit int) (components.ChartLink, components.SortTable) {
	scopes := make([]metrics.Scope, len(f.streets))
	for i, st := range f.streets {
		scopes[i] = metrics.Scope{Name: st.Name, Tallies: f.byStreet[st.ID]}
	}
	rows := metrics.Standings(s.program(), ind, year, scopes)
	all := rows
	if limit > 0 && len(rows) > limit {
		rows = rows[len(rows)-limit:]
	}
	title := l.F("cmp.title", label(l, ind), l.F("year.fmt", year))
	c := components.ChartLink{Chart: components.Chart{ID: "cmpchart", Title: title}, Link: "/streets/",
		Query: "?" + url.Values{"year": {itoa(year)}, "lang": {string(l)}}.Encode(), Tall: true}
	t := components.SortTable{ID: "streetstable", Caption: l.F("table.caption", title), Filter: true, FilterLabel: l.T("filter"),
		Cols: []components.Col{{Label: l.T("street")}, {Label: l.T("counts"), Num: true}, {Label: l.T("percent"), Num: true},
			{Label: l.T("target"), Num: true}, {Label: l.T("status")}, {Label: l.T("needed"), Num: true},
			{Label: l.T("outlook")}, {Label: l.T("unknown"), Num: true}}}
	var target *int
	if v, ok := ind.Target(year); ok {
		target = &v
	}
	c.Table = components.Table{Caption: l.F("table.caption", title),
		Head: []string{l.T("street"), l.T("counts"), l.T("percent"), l.T("status"), l.T("needed"), l.T("outlook")}}
	met, unmet, behind := 0, 0, 0
	for _, x := range all {
		switch {
		case x.Result.Met == nil:
		case *x.Result.Met:
			met++
		default:
			unmet++
		}
		if x.Outlook.Status == metrics.OutlookOffTrack && outlookView(l, x.Outlook) != nil {
			behind++
		}
	}
	var bars []charts.StreetBar
	for _, x := range rows {
		counts := fmt.Sprintf("%d/%d", x.Result.Numerator, x.Result.Denominator)
		b := charts.StreetBar{Name: x.Name, Percent: x.Result.Percent, Met: x.Result.Met, Label: counts}
		switch {
		case x.Result.Met == nil:
		case *x.Result.Met:
			b.Label += " ✓"
		default:
			b.Label += " · " + l.F("needed.short", *x.Result.Needed)
		}
		bars = append(bars, b)
		status, class := verdict(l, x.Result)
		needed := components.TCell{Text: "—", Sort: "-1", Num: true}
		if x.Result.Needed != nil {
			needed = intCell(*x.Result.Needed)
		}
		oc := components.TCell{Text: "—", Sort: "9"}
		if v := outlookView(l, x.Outlook); v != nil {
			oc = components.TCell{Text: v.Label, Sort: itoa(x.Outlook.Status.Rank()), Class: "outlook-label " + v.Class}
		}
		if !x.Reported {
			status, class = l.T("notreported"), "none"
		}
		c.Table.Rows = append(c.Table.Rows, []components.Cell{{Text: x.Name}, {Text: counts, Num: true}, {Text: pct(x.Result.Percent), Num: true},
			{Text: status}, {Text: needed.Text, Num: true}, {Text: oc.Text}})
		t.Rows = append(t.Rows, []components.TCell{
			{Text: x.Name, Sort: x.Name, URL: href(l, streetPath(x.Name), "year", itoa(year))},
			numCell(counts, float64(x.Result.Numerator)), pctCell(x.Result.Percent), textTarget(x.Result.Target),
			{Text: status, Sort: class, Class: "badge " + class}, needed, oc, intCell(x.Result.Unknown),
		})
	}
	c.Options = charts.Comparison(bars, target, charts.ComparisonLabels{Title: title, Met: l.T("met"), Unmet: l.T("unmet"),
		NoTarget: l.Pick("无节点目标", "no milestone"), Milestone: l.T("milestone")})
	if target != nil {
		c.Summary = l.F("cmp.summary", title, met, len(all), *target, unmet, behind)
	} else {
		c.Summary = l.F("cmp.summary.notarget", title, len(all))
	}
	if len(rows) < len(all) {
		c.Summary += l.F("cmp.shown", len(rows), len(all))
	}
	return c, t
}

func textTarget(t *int) components.TCell {
	if t == nil {
		return components.TCell{Text: "—", Sort: "-1", Num: true}
	}
	return numCell(itoa(*t)+"%", float64(*t))
}

// overviewStreets bounds the street comparison on the overview and in the
// printed report; /streets shows every street.
const overviewStreets = 30

// indicatorParam reads ?indicator= (default: the five-star share, or the
// program's first rating indicator).
func (s *Server) indicatorParam(r *http.Request) (metrics.Indicator, bool) {
	if k := r.URL.Query().Get("indicator"); k != "" {
		return s.program().Indicator(k)
	}
	if ind, ok := s.program().Indicator(metrics.FiveStarCompounds); ok {
		return ind, true
	}
	for _, ind := range s.program().Indicators {
		if ind.Kind == metrics.KindRating {
			return ind, true
		}
	}
	if len(s.program().Indicators) > 0 {
		return s.program().Indicators[0], true
	}
	return metrics.Indicator{}, false
}

func (s *Server) indicatorLinks(l i18n.Lang, path string, cur string, kv ...string) []components.Link {
	var out []components.Link
	for _, ind := range s.program().Indicators {
		out = append(out, components.Link{Label: label(l, ind), URL: href(l, path, append([]string{"indicator", ind.Key}, kv...)...), Current: ind.Key == cur})
	}
	return out
}

// completenessOf assesses a year of the snapshot.
func (s *Server) completenessOf(f *figures, year int) metrics.Completeness {
	names := make([]string, len(f.streets))
	by := map[string]metrics.Tally{}
	for i, st := range f.streets {
		names[i] = st.Name
		if t, ok := f.byStreet[st.ID][year]; ok {
			by[st.Name] = t
		}
	}
	return metrics.CompletenessOf(s.program(), year, names, by)
}

// districtMark marks district figures computed on incomplete data.
func districtMark(l i18n.Lang, c metrics.Completeness) func(metrics.Result) string {
	return func(r metrics.Result) string {
		var why []string
		if c.Reported < c.Streets {
			why = append(why, l.F("incomplete.streets", c.Reported, c.Streets))
		}
		if n := c.Unknown[r.Indicator]; n > 0 {
			why = append(why, l.F("incomplete.unknown", n))
		}
		if len(why) == 0 {
			return ""
		}
		return l.T("incomplete.short") + strings.Join(why, l.T("list.sep"))
	}
}

func reportedText(l i18n.Lang, c metrics.Completeness) (reported, missing string) {
	reported = l.F("reported.fmt", c.Reported, c.Streets)
	if len(c.Missing) > 0 {
		missing = l.F("missing.fmt", strings.Join(c.Missing, l.T("list.sep")))
	}
	return reported, missing
}

// showStreets renders the street comparison for a year and indicator, and
// the year's reporting completeness.
func (s *Server) showStreets(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ind, ok := s.indicatorParam(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, l.T("error.noindicator"))
		return
	}
	year, ok := s.pickYear(w, r, l, f.years)
	if !ok {
		return
	}
	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, l.T("nav.streets"))}
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(year))}, {Label: l.T("nav.streets")}}
	a.Heading = l.F("streets.heading", l.F("year.fmt", year))
	a.Years, a.YearsName = yearLinks(l, s.program(), "/streets", f.years, year, "indicator", ind.Key), l.T("year.select")
	a.Selectors = []components.Selector{{Label: l.T("indicator"), Links: s.indicatorLinks(l, "/streets", ind.Key, "year", itoa(year))}}
	chart, table := s.streetComparison(l, f, ind, year, 0)
	a.Sections = append(a.Sections, components.Section{ID: "comparison", Heading: l.T("cmp.heading"), Intro: l.T("cmp.intro"),
		Charts: []components.ChartLink{chart}, Tables: []components.SortTable{table}})
	a.Sections = append(a.Sections, s.completenessSection(l, f, year))
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}

// completenessSection shows which streets reported in a year and how many
// units left each indicator unreported.
func (s *Server) completenessSection(l i18n.Lang, f *figures, year int) components.Section {
	c := s.completenessOf(f, year)
	reported, missing := reportedText(l, c)
	sec := components.Section{ID: "completeness", Heading: l.T("completeness.heading"), Intro: reported}
	if missing != "" {
		sec.Notes = append(sec.Notes, missing)
	}
	t := components.SortTable{ID: "unknowntable", Caption: l.F("completeness.caption", l.F("year.fmt", year)),
		Cols: []components.Col{{Label: l.T("indicator")}, {Label: l.T("unknown"), Num: true}, {Label: l.T("counts"), Num: true}}}
	district := f.district[year]
	for _, ind := range s.program().Indicators {
		_, den := ind.Count(district)
		t.Rows = append(t.Rows, []components.TCell{textCell(label(l, ind)), intCell(c.Unknown[ind.Key]), intCell(den)})
	}
	sec.Tables = []components.SortTable{t}
	sec.Notes = append(sec.Notes, l.F("completeness.note", components.IncompleteMark))
	return sec
}

// dashboardAnalysis adds to the overview: each card's outlook (as of the
// viewed year) and completeness mark, the year's reporting, and the street
// comparison of the selected indicator (?indicator=, default 五星小区),
// whose bars open the street. All from the snapshot.
func (s *Server) dashboardAnalysis(r *http.Request, l i18n.Lang, f *figures, year int, all []metrics.Result) components.DashboardAnalysis {
	var a components.DashboardAnalysis
	outlooks := metrics.AssessAll(s.program(), upTo(all, year))
	c := s.completenessOf(f, year)
	mark := districtMark(l, c)
	for _, res := range ofYear(all, year) {
		a.Outlooks = append(a.Outlooks, outlookView(l, outlooks[res.Indicator]))
		a.Incomplete = append(a.Incomplete, mark(res))
	}
	a.Reported, a.Missing = reportedText(l, c)
	ind, ok := s.indicatorParam(r)
	if !ok {
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = ""
		ind, ok = s.indicatorParam(r2)
	}
	if !ok || len(f.streets) == 0 {
		return a
	}
	chart, _ := s.streetComparison(l, f, ind, year, overviewStreets)
	a.Comparison = &chart.Chart
	a.ChartLink, a.ChartQuery = chart.Link, chart.Query
	for _, x := range s.indicatorLinks(l, "/", ind.Key, "year", itoa(year)) {
		x.URL += "#comparison"
		a.Indicators = append(a.Indicators, x)
	}
	a.StreetsURL = href(l, "/streets", "year", itoa(year), "indicator", ind.Key)
	a.StreetsLabel = l.T("cmp.more")
	return a
}
