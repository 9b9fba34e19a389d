package web

import (
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"strings"
)

// completenessOf assesses a year of the cached figures.
func (s *Server) completenessOf(f *figures, year int) metrics.Completeness {
	names := make([]string, len(f.streets))
	by := map[string]metrics.Tally{}
	for i, st := range f.streets {
		names[i] = st.Name
		if t, ok := f.byStreet[st.ID][year]; ok {
			by[st.Name] = t
		}
	}
	return metrics.CompletenessOf(s.effectiveProgram(), year, names, by)
}

func reportedText(l i18n.Lang, c metrics.Completeness) (reported, missing string) {
	reported = l.F("reported.fmt", c.Reported, c.Streets)
	if len(c.Missing) > 0 {
		missing = l.F("missing.fmt", strings.Join(c.Missing, l.T("list.sep")))
	}
	return reported, missing
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
	for _, ind := range s.effectiveProgram().Indicators {
		_, den := ind.Count(district)
		t.Rows = append(t.Rows, []components.TCell{textCell(label(l, ind)), intCell(c.Unknown[ind.Key]), intCell(den)})
	}
	sec.Tables = []components.SortTable{t}
	sec.Notes = append(sec.Notes, l.F("completeness.note", components.IncompleteMark))
	return sec
}
