package web

import (
	"net/http"
	"net/url"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

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
		s.streetError(w, r, l, f, name)
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
	all := f.results(s.effectiveProgram(), st, 0)
	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, st.Name)}
	a.Locked = f.lockedNote(l, year, st.Name)
	a.CorrectURL = correctURL(r, l, year, st.Name, "")
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(year))},
		{Label: l.T("nav.streets"), URL: href(l, "/streets", "year", itoa(year))}, {Label: st.Name}}
	a.Heading = l.F("street.heading", st.Name, l.F("year.fmt", year))
	a.Subhead = l.T("street.subhead")
	a.Years, a.YearsName = yearLinks(l, s.effectiveProgram(), streetPath(st.Name), years, year), l.T("year.select")
	a.Cards = s.analysisCards(l, all, year, unknownMark(l))
	a.CardsHeading = l.F("headline", year)
	v := s.streetVerdict(st, units, all, year)
	for i, res := range ofYear(all, year) {
		if i < len(a.Cards) {
			a.Cards[i].WorkURL, a.Cards[i].WorkText = workLink(l, v, res.Indicator, st.Name)
		}
	}
	s.addStreetVerdict(&a, l, st, v)
	a.Sections = append(a.Sections,
		components.Section{ID: "trend", Heading: l.T("trend.heading"), Charts: []components.ChartLink{s.trendChart(l, st.Name, all, years, year)}},
		s.starsSection(l, "streetstars", tallies, years, year),
	)
	a.Sections = append(a.Sections, s.unitSections(l, st, units, "", year, r.URL.Query().Get("unmet") == "1")...)
	a.Selectors = []components.Selector{{Label: l.T("more.heading"), Links: []components.Link{
		{Label: l.T("nav.compare"), URL: href(l, "/compare", "street", st.Name, "to", itoa(year))},
		{Label: l.T("nav.stars"), URL: href(l, "/stars", "year", itoa(year))},
		{Label: l.T("api.street"), URL: "/api/metrics?" + url.Values{"street": {st.Name}, "year": {itoa(year)}}.Encode()},
		{Label: l.T("download.csv.street"), URL: csvURL(l, year, st.Name, false)},
	}}}
	s.drawSectionsOnServer(a.Sections)
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}
