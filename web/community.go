package web

import (
	"net/http"

	"jindu/metrics"
	"jindu/web/components"
)

// showCommunity renders one community: its indicators (the community's own
// rating and its compounds') and its compounds, with breadcrumbs back to
// the street and the district.
func (s *Server) showCommunity(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, st, ok := s.streetFigures(w, r, l, r.PathValue("name"))
	if !ok {
		return
	}
	units, err := s.DB.StreetUnits(r.Context(), st.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("community")
	var comm *int64
	for _, u := range units {
		if u.Level == metrics.LevelCommunity && u.Name == name {
			comm = &u.ID
			break
		}
	}
	if comm == nil {
		s.errorPage(w, r, http.StatusNotFound, l.T("error.nocommunity"))
		return
	}
	// The community's tallies per year: itself and its compounds.
	tallies := map[int]metrics.Tally{}
	for _, u := range units {
		if u.ID != *comm && u.ParentID != *comm {
			continue
		}
		for y, st := range u.Status {
			t := tallies[y]
			t.Count(u.Level, st)
			tallies[y] = t
		}
	}
	years := metrics.YearsWithData(tallies)
	year, ok := s.pickYear(w, r, l, years)
	if !ok {
		return
	}
	all := metrics.Compute(s.effectiveProgram(), st.Name, tallies)
	var scoped []metrics.Result
	for _, res := range all {
		if res.Denominator > 0 {
			scoped = append(scoped, res) // street-level indicators do not apply
		}
	}
	a := components.AnalysisPage{Page: s.page(r.Context(), r, l, name)}
	a.Locked = f.lockedNote(l, year, st.Name)
	a.CorrectURL = correctURL(r, l, year, st.Name, name)
	a.JS = append(a.JS, s.Assets.URL(assetTables))
	a.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(year))},
		{Label: st.Name, URL: href(l, streetPath(st.Name), "year", itoa(year))}, {Label: name}}
	a.Heading = l.F("street.heading", name, l.F("year.fmt", year))
	a.Subhead = l.F("community.subhead", st.Name)
	a.Years, a.YearsName = yearLinks(l, s.effectiveProgram(), communityPath(st.Name, name), years, year), l.T("year.select")
	a.Cards = s.analysisCards(l, scoped, year, unknownMark(l))
	a.CardsHeading = l.F("headline", year)
	a.Sections = append(a.Sections, s.starsSection(l, "communitystars", tallies, years, year))
	a.Sections = append(a.Sections, s.unitSections(l, st, units, name, year, r.URL.Query().Get("unmet") == "1")...)
	s.drawSectionsOnServer(a.Sections)
	s.html(w, r, http.StatusOK, components.AnalysisView(a))
}
