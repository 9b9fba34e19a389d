package web

import (
	"jindu/web/components"
	"net/http"
)

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
	a.Years, a.YearsName = yearLinks(l, s.effectiveProgram(), "/streets", f.years, year, "indicator", ind.Key), l.T("year.select")
	a.Selectors = []components.Selector{{Label: l.T("indicator"), Links: s.indicatorLinks(l, "/streets", ind.Key, "year", itoa(year))}}
	chart, table := s.streetComparison(l, f, ind, year, 0)
	a.Sections = append(a.Sections, components.Section{ID: "comparison", Heading: l.T("cmp.heading"), Intro: l.T("cmp.intro"),
		Charts: []components.ChartLink{chart}, Tables: []components.SortTable{table}})
	a.Sections = append(a.Sections, s.completenessSection(l, f, year))
	s.drawSectionsOnServer(a.Sections)
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}
