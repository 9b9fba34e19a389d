package web

import (
	"jindu/metrics"
	"jindu/web/charts"
	"jindu/web/components"
	"jindu/web/i18n"
	"net/url"
)

// streetComparison builds the comparison of every street for one indicator
// and year from the cached figures (no unit scan): the chart, with bars that open
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
	rows := metrics.Standings(s.effectiveProgram(), ind, year, scopes)
	all := rows
	if limit > 0 && len(rows) > limit {
		rows = rows[len(rows)-limit:]
	}
	title := l.F("cmp.title", label(l, ind), l.F("year.fmt", year))
	c := components.ChartLink{Chart: components.Chart{ID: "cmpchart", Title: title}, Link: "/streets/",
		Query: "?" + url.Values{"year": {itoa(year)}, "lang": {string(l)}}.Encode(), Tall: true}
	t := components.SortTable{ID: "streetstable", Caption: l.F("table.caption", title), Filter: true, FilterLabel: l.T("filter"),
		Cols: []components.Col{{Label: l.T("street")}, {Label: l.T("counts"), Num: true}, {Label: l.T("percent"), Num: true},
			{Label: l.T("target"), Num: true}, {Label: l.T("status")}, {Label: l.T("needed"), Num: true, Gap: true},
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
		counts := frac(x.Result.Numerator, x.Result.Denominator)
		b := charts.StreetBar{Name: x.Name, Percent: x.Result.Percent, Met: x.Result.Met, Label: pct(x.Result.Percent) + " · " + counts,
			Link: href(l, streetPath(x.Name), "year", itoa(year))}
		b.Tip = []string{x.Name, l.F("chart.tip.share", pct(x.Result.Percent), counts)}
		if x.Result.Target != nil {
			b.Tip = append(b.Tip, l.F("target.fmt", *x.Result.Target))
		}
		switch {
		case x.Result.Met == nil:
		case *x.Result.Met:
			b.Label += " ✓"
			b.Tip = append(b.Tip, l.T("met"))
		default:
			b.Label += " · " + l.F("needed.short", *x.Result.Needed)
			b.Tip = append(b.Tip, l.F("needed.short", *x.Result.Needed))
			// An unmet bar opens the street's work list: who is closest.
			b.Link = href(l, "/worklist", "indicator", ind.Key, "year", itoa(year), "street", x.Name)
		}
		bars = append(bars, b)
		status, class := verdict(l, x.Result)
		needed := components.TCell{Text: "—", Sort: "-1", Num: true}
		if x.Result.Needed != nil {
			needed = intCell(*x.Result.Needed)
		}
		oc := components.TCell{Text: "—", Sort: "9"}
		if v := outlookView(l, x.Outlook); v != nil {
			oc = components.TCell{Text: v.Short, Sort: itoa(x.Outlook.Status.Rank()), Class: "outlook-label " + v.Class}
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
		t.Unmet = append(t.Unmet, x.Result.Met != nil && !*x.Result.Met)
	}
	c.Options = charts.Comparison(bars, target, charts.ComparisonLabels{Title: title, Met: l.T("met"), Unmet: l.T("unmet"),
		NoTarget: l.T("milestone.none"), Milestone: l.T("milestone")})
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

// overviewStreets bounds the street comparison on the overview and in the
// printed report; /streets shows every street.
const overviewStreets = 30
