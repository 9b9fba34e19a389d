package web

import (
	"jindu/metrics"
	"jindu/web/charts"
	"jindu/web/components"
	"jindu/web/i18n"
	"slices"
	"strings"
)

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
	for _, y := range s.effectiveProgram().Years {
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
	for _, ind := range s.effectiveProgram().Indicators {
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
		for _, ind := range s.effectiveProgram().Indicators {
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
