package web

import (
	"net/http"
	"strconv"

	"jindu/metrics"
	"jindu/web/components"
)

// showHelp explains how Jindu judges progress: the outlook rule and its
// thresholds (metrics.Assess), the completeness mark, counting and rewards.
// finalYear is the program's last year, for the examples on /help.
func (s *Server) finalYear() int {
	p := s.effectiveProgram()
	if len(p.Years) == 0 {
		return 0
	}
	return p.Years[len(p.Years)-1]
}

func (s *Server) showHelp(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	p := s.page(r.Context(), r, l, l.T("nav.help"))
	sep := l.Pick("：", ": ")
	ratio := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	sections := []components.HelpSection{
		{ID: "outlook", Heading: l.T("help.outlook"), Paras: []string{l.T("help.outlook.p1"), l.T("help.outlook.p2")},
			Items: []string{
				l.T("outlook.met") + sep + l.T("help.met"),
				l.F("outlook.atrisk", s.finalYear(), "54.1%") + sep + l.T("help.atrisk"),
				l.T("outlook.ontrack") + sep + l.F("help.ontrack", ratio(metrics.OnTrackRatio)),
				l.T("outlook.accelerate") + sep + l.F("help.accelerate", ratio(metrics.AccelerateRatio), ratio(metrics.OnTrackRatio)),
				l.F("outlook.close", metrics.CloseUnits) + sep + l.F("help.close", metrics.CloseUnits),
				l.F("outlook.far", metrics.CloseUnits) + sep + l.F("help.far", metrics.CloseUnits),
				l.T("outlook.offtrack") + sep + l.F("help.offtrack", ratio(metrics.AccelerateRatio)),
				l.T("outlook.unknown") + sep + l.T("help.unknown"),
				l.T("help.onestatus"),
			}},
		{ID: "why", Heading: l.T("help.why"), Paras: []string{l.T("help.why.p1"), l.F("help.why.p2", ratio(metrics.AccelerateRatio))}},
		{ID: "projection", Heading: l.T("help.projection"), Paras: []string{l.T("help.projection.p1")}},
		{ID: "completeness", Heading: l.T("completeness.heading"), Paras: []string{l.F("help.completeness", components.IncompleteMark)}},
		{ID: "counting", Heading: l.T("help.counting"), Paras: []string{l.T("help.counting.p1")}},
		{ID: "rewards", Heading: l.T("help.rewards"), Paras: []string{l.F("help.rewards.p1", money(l, s.effectiveProgram().RewardPerStar), money(l, metrics.MaxStars*s.effectiveProgram().RewardPerStar))}},
	}
	s.html(w, r, http.StatusOK, components.HelpPage(p, l.T("help.heading"), sections))
}
