package web

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// The report's tables below its scope: every street of the district
// against the three rating targets, or every community of a street with
// its gaps and the street's work list.

// reportWorkItems bounds the units a street report lists per rating target.
const reportWorkItems = 10

// targetName is a rating target's short name (“五好”社区), for column heads.
func targetName(l i18n.Lang, ind metrics.Indicator) string {
	switch ind.Key {
	case metrics.FiveGoodStreets:
		return l.T("report.target.streets")
	case metrics.FiveGoodCommunities:
		return l.T("report.target.communities")
	case metrics.FiveStarCompounds:
		return l.T("report.target.compounds")
	}
	return label(l, ind)
}

// ratingIndicators are the program's rating indicators, in its order.
func ratingIndicators(p metrics.Program) []metrics.Indicator {
	var out []metrics.Indicator
	for _, ind := range p.Indicators {
		if ind.Kind == metrics.KindRating {
			out = append(out, ind)
		}
	}
	return out
}

// resultCells are a result's count, share and units still needed.
func resultCells(res metrics.Result) []components.Cell {
	needed := "—"
	if res.Needed != nil {
		needed = strconv.Itoa(*res.Needed)
	}
	return []components.Cell{{Text: fmt.Sprintf("%d/%d", res.Numerator, res.Denominator)}, {Text: pct(res.Percent)}, {Text: needed}}
}

// yesNo is a single unit's rating: 是, 否, or 未填报.
func yesNo(l i18n.Lang, v *bool) string {
	switch {
	case v == nil:
		return l.T("value.unknown")
	case *v:
		return l.T("value.yes")
	}
	return l.T("value.no")
}

// reportStreets is every street with data in year against each rating
// target: its own rating (a street is one unit of 五好街道), and for the
// targets below it the count, share and the units still needed.
func (s *Server) reportStreets(l i18n.Lang, f *figures, year int) components.RTable {
	prog := s.effectiveProgram()
	inds := ratingIndicators(prog)
	t := components.RTable{Caption: l.F("table.caption", l.F("report.streets.caption", l.F("year.fmt", year))),
		Cols: []components.RCol{{Label: l.T("street")}}}
	for _, ind := range inds {
		name := targetName(l, ind)
		if ind.Key == metrics.FiveGoodStreets {
			t.Cols = append(t.Cols, components.RCol{Label: name})
			continue
		}
		t.Cols = append(t.Cols, components.RCol{Label: name, Num: true}, components.RCol{Label: l.T("percent"), Num: true},
			components.RCol{Label: l.T("report.needed"), Num: true})
	}
	for _, st := range f.streets {
		tally, ok := f.byStreet[st.ID][year]
		if !ok || tally.Units() == 0 {
			continue
		}
		row := []components.Cell{{Text: st.Name}}
		for _, ind := range inds {
			res := metrics.ComputeOne(ind, year, st.Name, tally)
			if ind.Key == metrics.FiveGoodStreets {
				var rated *bool
				if res.Denominator > 0 && res.Unknown == 0 {
					rated = metrics.Bool(res.Numerator == res.Denominator)
				}
				row = append(row, components.Cell{Text: yesNo(l, rated)})
				continue
			}
			row = append(row, resultCells(res)...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// reportCommunities is, for a street's report, every community with a
// status in year (its own 五好 rating, its compounds' 五星 count, share and
// gap to the year's target) and the street's work list of each rating
// target below the street.
func (s *Server) reportCommunities(ctx context.Context, l i18n.Lang, f *figures, st db.Unit, year int) (components.RTable, []components.ReportWork) {
	prog := s.effectiveProgram()
	t := components.RTable{Caption: l.F("table.caption", l.F("communities.caption", st.Name, l.F("year.fmt", year)))}
	units, err := s.DB.StreetUnits(ctx, st.ID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		s.Logger.Warn("report: the street's units", "street", st.Name, "err", err)
	}
	stars, hasStars := prog.Indicator(metrics.FiveStarCompounds)
	_, hasGood := prog.Indicator(metrics.FiveGoodCommunities)
	t.Cols = []components.RCol{{Label: l.T("community")}}
	if hasGood {
		t.Cols = append(t.Cols, components.RCol{Label: l.T("report.target.communities")})
	}
	if hasStars {
		t.Cols = append(t.Cols, components.RCol{Label: l.T("report.target.compounds"), Num: true},
			components.RCol{Label: l.T("percent"), Num: true}, components.RCol{Label: l.T("report.needed"), Num: true})
	}
	compounds := map[int64]metrics.Tally{}
	for _, u := range units {
		if status, ok := u.Status[year]; ok && u.Level == metrics.LevelCompound {
			c := compounds[u.ParentID]
			c.Count(u.Level, status)
			compounds[u.ParentID] = c
		}
	}
	for _, u := range units {
		status, ok := u.Status[year]
		if !ok || u.Level != metrics.LevelCommunity {
			continue
		}
		row := []components.Cell{{Text: u.Name}}
		if hasGood {
			row = append(row, components.Cell{Text: yesNo(l, status.FiveGood)})
		}
		if hasStars {
			row = append(row, resultCells(metrics.ComputeOne(stars, year, st.Name, compounds[u.ID]))...)
		}
		t.Rows = append(t.Rows, row)
	}
	var work []components.ReportWork
	for _, ind := range ratingIndicators(prog) {
		if ind.Key == metrics.FiveGoodStreets {
			continue
		}
		w := components.ReportWork{Heading: label(l, ind)}
		wl := s.workList(ctx, f, workQuery{ind: ind, year: year, street: st})
		switch {
		case errors.Is(wl.err, metrics.ErrNoTarget):
			w.Sentence = l.T("notarget")
		case wl.err != nil:
			s.Logger.Warn("report: work list", "street", st.Name, "indicator", ind.Key, "err", wl.err)
			continue
		default:
			g := wl.list.District
			v := itemsGroup(l, wl.list, "rw"+strconv.Itoa(len(work)), st.Name, g, reportWorkItems, "")
			w.Sentence = v.Sentence
			if v.More != "" {
				// Its colon leads to the work list's link, which paper has not.
				w.More = sentences(l, strings.TrimRight(v.More, "：: "))
			}
			w.Table = plainTable(v.Table)
		}
		work = append(work, w)
	}
	return t, work
}

// plainTable is a sortable table as a report table.
func plainTable(t components.SortTable) components.RTable {
	out := components.RTable{Caption: t.Caption}
	for _, c := range t.Cols {
		out.Cols = append(out.Cols, components.RCol{Label: c.Label, Num: c.Num})
	}
	for _, row := range t.Rows {
		cells := make([]components.Cell, len(row))
		for i, c := range row {
			cells[i] = components.Cell{Text: c.Text, Num: c.Num}
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}
