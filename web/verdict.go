package web

import (
	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// The verdict at the top of the dashboard: one sentence on how the district
// stands in the year, then the streets behind, worst first, each with its
// percent and "还需 N 个" (metrics.VerdictOf has the rule).

type verdictKey struct{ year int }

// maxBehind bounds the streets listed per target on the dashboard, so the
// first phone screen still shows more than one target; the rest are one
// link away.
const maxBehind = 6

// verdict computes the year's verdict once per data version.
func (s *Server) verdict(f *figures, year int) metrics.Verdict {
	return cached(f, verdictKey{year}, func() metrics.Verdict {
		byStreet := make(map[string][]metrics.Result, len(f.streets))
		for _, st := range f.streets {
			byStreet[st.Name] = f.results(s.effectiveProgram(), st, year)
		}
		return metrics.VerdictOf(s.effectiveProgram(), year, f.results(s.effectiveProgram(), db.Unit{}, year), byStreet)
	})
}

// addVerdict puts the year's verdict on the dashboard, with its stylesheet,
// and links the cards of missed rating targets to their work lists.
func (s *Server) addVerdict(d *components.Dashboard, l i18n.Lang, f *figures, year int) {
	v := s.verdict(f, year)
	view := components.VerdictView{Label: l.T("verdict.label"), Behind: l.T("verdict.behind"), Sentence: v.Sentence()}
	if l == i18n.En {
		view.Sentence = v.SentenceEn()
	}
	for _, g := range v.Gaps {
		if len(g.Streets) == 0 {
			continue
		}
		vg := components.VerdictGroup{Name: metrics.ShortName(g.Indicator, l == i18n.En)}
		rating := g.Indicator.Kind == metrics.KindRating
		if rating {
			vg.URL, vg.URLText = workListURL(l, "/worklist", g.Indicator.Key, year, ""), l.T("verdict.wl")+" ›"
		} else {
			vg.URL, vg.URLText = href(l, "/streets", "indicator", g.Indicator.Key, "year", itoa(year)), l.T("nav.streets")+" ›"
		}
		for i, st := range g.Streets {
			if i == maxBehind {
				vg.More = l.F("verdict.more", len(g.Streets)-maxBehind)
				break
			}
			u := href(l, streetPath(st.Street), "year", itoa(year))
			if rating {
				u = workListURL(l, "/worklist", g.Indicator.Key, year, st.Street)
			}
			p := st.Percent
			vg.Streets = append(vg.Streets, components.VerdictStreet{Name: st.Street, URL: u, Percent: pct(&p),
				Needs: l.F("verdict.needs", st.Needed)})
		}
		view.Groups = append(view.Groups, vg)
	}
	// Each card of a missed rating target links to its work list (the
	// cards follow the program's indicators).
	for _, g := range v.Gaps {
		if g.Indicator.Kind != metrics.KindRating {
			continue
		}
		for i, ind := range s.effectiveProgram().Indicators {
			if ind.Key == g.Indicator.Key && i < len(d.Cards) {
				d.Cards[i].WorkURL, d.Cards[i].WorkText = workListURL(l, "/worklist", ind.Key, year, ""), l.T("verdict.card")
			}
		}
	}
	d.Verdict = &view
	d.CSS = append(d.CSS, s.Assets.URL(assetWorkListCSS))
}
