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
	view := verdictView(l, v, func(g metrics.VerdictGap) (string, string) {
		if g.Indicator.Kind == metrics.KindRating {
			return workListURL(l, "/worklist", g.Indicator.Key, year, ""), l.T("verdict.wl") + " ›"
		}
		return href(l, "/streets", "indicator", g.Indicator.Key, "year", itoa(year)), l.T("nav.streets") + " ›"
	}, func(g metrics.VerdictGap, name string) string {
		if g.Indicator.Kind == metrics.KindRating {
			return workListURL(l, "/worklist", g.Indicator.Key, year, name)
		}
		return href(l, streetPath(name), "year", itoa(year))
	})
	for i, ind := range s.effectiveProgram().Indicators {
		if i < len(d.Cards) {
			d.Cards[i].WorkURL, d.Cards[i].WorkText = workLink(l, v, ind.Key, "")
		}
	}
	d.Verdict = &view
	d.CSS = append(d.CSS, s.Assets.URL(assetWorkListCSS))
}

// workLink is the work-list link of a card when its rating target (key)
// is missed in the scope or by some unit inside it (street "" for the
// district); empty otherwise.
func workLink(l i18n.Lang, v metrics.Verdict, key, street string) (string, string) {
	for _, g := range v.Gaps {
		if g.Indicator.Key == key && g.Indicator.Kind == metrics.KindRating {
			return workListURL(l, "/worklist", key, v.Year, street), l.T("verdict.card")
		}
	}
	return "", ""
}

// verdictView localises a verdict: its sentence and, per missed target,
// the units behind (at most maxBehind), worst first. group gives a target's
// link and its text; unit the link of one unit behind.
func verdictView(l i18n.Lang, v metrics.Verdict, group func(metrics.VerdictGap) (string, string), unit func(metrics.VerdictGap, string) string) components.VerdictView {
	view := components.VerdictView{Label: l.T("verdict.label"), Behind: l.T("verdict.behind"), Sentence: v.Sentence()}
	more := "verdict.more"
	if v.Sub == metrics.LevelCommunity {
		view.Behind, more = l.T("verdict.behind.communities"), "verdict.more.communities"
	}
	if l == i18n.En {
		view.Sentence = v.SentenceEn()
	}
	for _, g := range v.Gaps {
		if len(g.Streets) == 0 {
			continue
		}
		vg := components.VerdictGroup{Name: metrics.ShortName(g.Indicator, l == i18n.En)}
		vg.URL, vg.URLText = group(g)
		for i, st := range g.Streets {
			if i == maxBehind {
				vg.More = l.F(more, len(g.Streets)-maxBehind)
				break
			}
			p := st.Percent
			vg.Streets = append(vg.Streets, components.VerdictStreet{Name: st.Street, URL: unit(g, st.Street), Percent: pct(&p),
				Needs: l.F("verdict.needs", st.Needed)})
		}
		view.Groups = append(view.Groups, vg)
	}
	return view
}

// streetVerdict is one street's verdict in year: its own results against
// those of its communities (each counted with its compounds).
func (s *Server) streetVerdict(st db.Unit, units []db.UnitHistory, own []metrics.Result, year int) metrics.Verdict {
	p := s.effectiveProgram()
	names := map[int64]string{}
	tallies := map[int64]metrics.Tally{}
	for _, u := range units {
		if u.Level == metrics.LevelCommunity {
			if _, ok := u.Status[year]; ok {
				names[u.ID] = u.Name
			}
		}
	}
	for _, u := range units {
		id := u.ID
		if u.Level == metrics.LevelCompound {
			id = u.ParentID
		}
		if _, ok := names[id]; !ok || u.Level == metrics.LevelStreet {
			continue
		}
		if status, ok := u.Status[year]; ok {
			t := tallies[id]
			t.Count(u.Level, status)
			tallies[id] = t
		}
	}
	subs := make(map[string][]metrics.Result, len(names))
	for id, name := range names {
		subs[name] = metrics.Compute(p, name, map[int]metrics.Tally{year: tallies[id]})
	}
	return metrics.VerdictWithin(p, year, metrics.LevelCommunity, ofYear(own, year), subs)
}

// addStreetVerdict puts a street's verdict at the top of its page: the
// communities behind link to their pages, a missed rating target to the
// street's work list, and so do the cards of missed rating targets.
func (s *Server) addStreetVerdict(a *components.AnalysisPage, l i18n.Lang, st db.Unit, v metrics.Verdict) {
	year := v.Year
	view := verdictView(l, v, func(g metrics.VerdictGap) (string, string) {
		if g.Indicator.Kind == metrics.KindRating {
			return workListURL(l, "/worklist", g.Indicator.Key, year, st.Name), l.T("verdict.wl") + " ›"
		}
		return "", ""
	}, func(_ metrics.VerdictGap, name string) string {
		return href(l, communityPath(st.Name, name), "year", itoa(year))
	})
	a.Verdict = &view
	a.CSS = append(a.CSS, s.Assets.URL(assetWorkListCSS))
}
