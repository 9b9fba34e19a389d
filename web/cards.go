package web

import (
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"strings"
)

// analysisCards builds the headline cards of one scope and year, with the
// outlook (as of that year) of every indicator that has a target.
// incomplete returns the completeness mark's text for a result, or "".
func (s *Server) analysisCards(l i18n.Lang, all []metrics.Result, year int, incomplete func(metrics.Result) string) []components.AnalysisCard {
	outlooks := metrics.AssessAll(s.effectiveProgram(), upTo(all, year))
	var cards []components.AnalysisCard
	for _, res := range ofYear(all, year) {
		ind, _ := s.effectiveProgram().Indicator(res.Indicator)
		c := components.AnalysisCard{Card: card(l, ind, res), Outlook: outlookView(l, outlooks[ind.Key])}
		if judges(c.Outlook) {
			c.Status = "" // one status per card: the outlook's
		}
		if incomplete != nil {
			c.Incomplete = incomplete(res)
		}
		cards = append(cards, c)
	}
	return cards
}

// unknownMark marks a result with unreported values.
func unknownMark(l i18n.Lang) func(metrics.Result) string {
	return func(r metrics.Result) string {
		if r.Unknown > 0 {
			return l.T("incomplete.short") + l.N("incomplete.unknown", r.Unknown)
		}
		return ""
	}
}

// districtMark marks district figures computed on incomplete data.
func districtMark(l i18n.Lang, c metrics.Completeness) func(metrics.Result) string {
	return func(r metrics.Result) string {
		if !c.Incomplete(r.Indicator) {
			return ""
		}
		var why []string
		if c.Reported < c.Streets {
			why = append(why, l.F("incomplete.streets", c.Reported, c.Streets))
		}
		if n := c.Unknown[r.Indicator]; n > 0 {
			why = append(why, l.N("incomplete.unknown", n))
		}
		return l.T("incomplete.short") + strings.Join(why, l.T("list.sep"))
	}
}
