package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showCompare puts two years side by side: each indicator's change for the
// district (or one street), each street's change in the rating indicators,
// and — for one street — which units gained or lost a rating. District
// figures come from the cached figures; units are read for one street only.
func (s *Server) showCompare(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(f.years) == 0 {
		s.errorPage(w, r, http.StatusNotFound, l.T("nodata.title"))
		return
	}
	q := r.URL.Query()
	var street db.Unit
	if name := q.Get("street"); name != "" {
		u, ok := f.street(name)
		if !ok {
			s.streetError(w, r, l, f, name)
			return
		}
		street = u
	}
	to := f.latest
	from := f.years[0]
	if len(f.years) > 1 {
		from = f.years[len(f.years)-2]
	}
	for _, p := range []struct {
		key string
		dst *int
	}{{"from", &from}, {"to", &to}} {
		v := q.Get(p.key)
		if v == "" {
			continue
		}
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			s.yearError(w, r, l, f.years, p.key)
			return
		}
		if !slices.Contains(f.years, y) {
			s.yearError(w, r, l, f.years, p.key)
			return
		}
		*p.dst = y
	}

	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, l.T("nav.compare"))}
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	scope := l.T("district")
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(to))}}
	if street.ID != 0 {
		scope = street.Name
		a.Crumbs = append(a.Crumbs, components.Crumb{Label: street.Name, URL: href(l, streetPath(street.Name), "year", itoa(to))})
	}
	a.Crumbs = append(a.Crumbs, components.Crumb{Label: l.T("nav.compare")})
	a.Heading = l.F("compare.heading", scope, l.F("year.fmt", from), l.F("year.fmt", to))
	form := &components.CompareForm{Action: "/compare", Lang: string(l), FromLabel: l.T("compare.from"), ToLabel: l.T("compare.to"),
		StreetLabel: l.T("street"), Submit: l.T("compare.submit"), From: itoa(from), To: itoa(to), Street: street.Name}
	for _, y := range f.years {
		form.Years = append(form.Years, components.Option{Value: itoa(y), Label: yearLabel(l, y, s.effectiveProgram())})
	}
	form.Streets = append(form.Streets, components.Option{Value: "", Label: l.T("district")})
	for _, st := range f.streets {
		form.Streets = append(form.Streets, components.Option{Value: st.Name, Label: st.Name})
	}
	a.Form = form

	// Each indicator's change.
	all := f.results(s.effectiveProgram(), street, 0)
	byKey := map[string]map[int]metrics.Result{}
	for _, res := range all {
		if byKey[res.Indicator] == nil {
			byKey[res.Indicator] = map[int]metrics.Result{}
		}
		byKey[res.Indicator][res.Year] = res
	}
	fy, ty := l.F("year.fmt", from), l.F("year.fmt", to)
	t := components.SortTable{ID: "changes", Caption: l.F("compare.caption", scope, fy, ty),
		Cols: []components.Col{{Label: l.T("indicator")}, {Label: fy, Num: true}, {Label: ty, Num: true},
			{Label: l.T("compare.change"), Num: true}, {Label: l.T("compare.counts"), Num: true}, {Label: l.F("status.in", ty)}}}
	for _, ind := range s.effectiveProgram().Indicators {
		a0, a1 := byKey[ind.Key][from], byKey[ind.Key][to]
		status, class := verdict(l, a1)
		t.Rows = append(t.Rows, []components.TCell{textCell(label(l, ind)),
			withCounts(a0), withCounts(a1), pointsCell(l, a0.Percent, a1.Percent),
			intCell(a1.Numerator - a0.Numerator), {Text: status, Sort: class, Class: "badge " + class}})
	}
	a.Sections = append(a.Sections, components.Section{ID: "changessec", Heading: l.T("compare.indicators"), Tables: []components.SortTable{t}})

	if street.ID == 0 {
		a.Sections = append(a.Sections, s.streetChanges(l, f, from, to))
		sec, ok, err := s.districtUnitChanges(r, l, f, from, to)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			a.Sections = append(a.Sections, sec)
		}
	} else {
		units, err := s.DB.StreetUnits(r.Context(), street.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a.Sections = append(a.Sections, unitChanges(l, street, units, from, to))
	}
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}

func withCounts(r metrics.Result) components.TCell {
	if r.Percent == nil {
		return pctCell(nil)
	}
	return numCell(fmt.Sprintf("%s (%d/%d)", pct(r.Percent), r.Numerator, r.Denominator), *r.Percent)
}

// pointsCell is a change in percentage points.
func pointsCell(l i18n.Lang, a, b *float64) components.TCell {
	if a == nil || b == nil {
		return components.TCell{Text: "—", Sort: "0", Num: true}
	}
	d := float64(tenthsOf(*b)-tenthsOf(*a)) / 10
	c := numCell(l.F("points.fmt", signed(d)), d)
	if d > 0 {
		c.Class = "gained"
	} else if d < 0 {
		c.Class = "lost"
	}
	return c
}

func tenthsOf(v float64) int { return int(v*10 + 0.5) }

// streetChanges lists each street's change in the rating indicators.
func (s *Server) streetChanges(l i18n.Lang, f *figures, from, to int) components.Section {
	t := components.SortTable{ID: "streetchanges", Caption: l.F("compare.streets.caption", l.F("year.fmt", from), l.F("year.fmt", to)),
		Filter: true, FilterLabel: l.T("filter"), Cols: []components.Col{{Label: l.T("street")}}}
	var inds []metrics.Indicator
	for _, ind := range s.effectiveProgram().Indicators {
		if ind.Kind == metrics.KindRating && ind.Key != metrics.FiveGoodStreets {
			inds = append(inds, ind)
			t.Cols = append(t.Cols, components.Col{Label: label(l, ind), Num: true}, components.Col{Label: l.T("compare.change"), Num: true})
		}
	}
	for _, st := range f.streets {
		row := []components.TCell{{Text: st.Name, Sort: st.Name, URL: href(l, "/compare", "street", st.Name, "from", itoa(from), "to", itoa(to))}}
		for _, ind := range inds {
			a0 := metrics.ComputeOne(ind, from, st.Name, f.byStreet[st.ID][from])
			a1 := metrics.ComputeOne(ind, to, st.Name, f.byStreet[st.ID][to])
			row = append(row, pctCell(a1.Percent), pointsCell(l, a0.Percent, a1.Percent))
		}
		t.Rows = append(t.Rows, row)
	}
	return components.Section{ID: "streetchangessec", Heading: l.T("compare.streets"), Tables: []components.SortTable{t},
		Notes: []string{l.T("compare.pickstreet")}}
}

// unitChanges lists a street's units whose rating differs between the
// years: 五好 for the street and its communities, 五星 for compounds.
func unitChanges(l i18n.Lang, st db.Unit, units []db.UnitHistory, from, to int) components.Section {
	return unitChangesOf(l, st.Name, []streetUnits{{st, units}}, from, to)
}

// streetUnits is one street's units with their yearly statuses.
type streetUnits struct {
	street db.Unit
	units  []db.UnitHistory
}

// maxDistrictUnitList bounds the district-wide list of changed units: a
// district (≈1,100 units) is listed whole, a province is listed per street.
const maxDistrictUnitList = 5000

// districtUnitChanges lists every unit that gained or lost a rating across
// the district's streets, when the district is small enough to list.
func (s *Server) districtUnitChanges(r *http.Request, l i18n.Lang, f *figures, from, to int) (components.Section, bool, error) {
	if f.district[to].Units() > maxDistrictUnitList {
		return components.Section{}, false, nil
	}
	var all []streetUnits
	for _, st := range f.streets {
		units, err := s.DB.StreetUnits(r.Context(), st.ID)
		if err != nil {
			return components.Section{}, false, err
		}
		all = append(all, streetUnits{st, units})
	}
	return unitChangesOf(l, l.T("district"), all, from, to), true, nil
}

func unitChangesOf(l i18n.Lang, scope string, streets []streetUnits, from, to int) components.Section {
	fy, ty := l.F("year.fmt", from), l.F("year.fmt", to)
	t := components.SortTable{ID: "unitchanges", Caption: l.F("compare.units.caption", scope, fy, ty), Filter: true, FilterLabel: l.T("filter"),
		Empty: l.T("compare.units.none"),
		Cols:  []components.Col{{Label: l.T("unit")}, {Label: l.T("level")}, {Label: l.T("parent")}, {Label: l.T("rating")}, {Label: fy}, {Label: ty}, {Label: l.T("compare.change")}}}
	gained, lost := 0, 0
	for _, su := range streets {
		st, units := su.street, su.units
		names := map[int64]string{}
		for _, u := range units {
			names[u.ID] = u.Name
		}
		for _, u := range units {
			s0, ok0 := u.Status[from]
			s1, ok1 := u.Status[to]
			if !ok0 || !ok1 {
				continue
			}
			var b0, b1 *bool
			var v0, v1, rating string
			if u.Level == metrics.LevelCompound {
				b0, b1 = metrics.FiveStar(s0.Stars), metrics.FiveStar(s1.Stars)
				v0, v1, rating = starsText(l, s0.Stars), starsText(l, s1.Stars), l.T("fivestar")
			} else {
				b0, b1 = s0.FiveGood, s1.FiveGood
				v0, v1, rating = boolText(l, b0), boolText(l, b1), l.T("fivegood")
			}
			switch metrics.Change(b0, b1) {
			case 0:
				continue
			case 1:
				gained++
			default:
				lost++
			}
			ch := ratingChange(l, b0, b1, true)
			name := nameCell(u.Name)
			switch u.Level {
			case metrics.LevelStreet:
				name.URL = href(l, streetPath(u.Name), "year", itoa(to))
			case metrics.LevelCommunity:
				name.URL = href(l, communityPath(st.Name, u.Name), "year", itoa(to))
			}
			t.Rows = append(t.Rows, []components.TCell{name, textCell(l.T("level." + string(u.Level))), textCell(names[u.ParentID]),
				textCell(rating), textCell(v0), textCell(v1), ch})
		}
	}
	return components.Section{ID: "unitchangessec", Heading: l.T("compare.units"), Intro: l.F("compare.units.summary", gained, lost),
		Tables: []components.SortTable{t}}
}
