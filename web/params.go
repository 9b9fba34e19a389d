package web

import (
	"jindu/metrics"
	"jindu/web/i18n"
	"net/http"
	"slices"
)

// pickYear reads ?year= against the years with data: the latest by
// default. It writes the 400/404 page itself and returns ok false then.
func (s *Server) pickYear(w http.ResponseWriter, r *http.Request, l i18n.Lang, years []int) (int, bool) {
	year, asked, err := yearParam(r)
	if err != nil {
		s.yearError(w, r, l, years, "year")
		return 0, false
	}
	if len(years) == 0 {
		s.errorPage(w, r, http.StatusNotFound, l.T("nodata.title"))
		return 0, false
	}
	if !asked {
		return years[len(years)-1], true
	}
	if !slices.Contains(years, year) {
		s.yearError(w, r, l, years, "year")
		return 0, false
	}
	return year, true
}

// indicatorParam reads ?indicator= (default: the five-star share, or the
// program's first rating indicator).
func (s *Server) indicatorParam(r *http.Request) (metrics.Indicator, bool) {
	if k := r.URL.Query().Get("indicator"); k != "" {
		return s.effectiveProgram().Indicator(k)
	}
	if ind, ok := s.effectiveProgram().Indicator(metrics.FiveStarCompounds); ok {
		return ind, true
	}
	for _, ind := range s.effectiveProgram().Indicators {
		if ind.Kind == metrics.KindRating {
			return ind, true
		}
	}
	if len(s.effectiveProgram().Indicators) > 0 {
		return s.effectiveProgram().Indicators[0], true
	}
	return metrics.Indicator{}, false
}
