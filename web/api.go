package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/i18n"
)

// metricRow is one row of /api/metrics (the contract other tools rely on).
type metricRow struct {
	Indicator   string   `json:"indicator"`
	Year        int      `json:"year"`
	Street      string   `json:"street"`
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Percent     *float64 `json:"percent"`
	Target      *int     `json:"target"`
	Met         *bool    `json:"met"`
	Needed      *int     `json:"needed"`
}

type metricsResponse struct {
	Program     string      `json:"program"`
	DataVersion string      `json:"data_version"`
	Rows        []metricRow `json:"rows"`
}

// apiQuery reads ?year= and ?street= and computes the rows. It writes the
// 400/404 itself and returns ok false then.
func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request, fail func(int, string)) (*figures, []metrics.Result, bool) {
	year, _, err := yearParam(r)
	if err != nil {
		fail(http.StatusBadRequest, "malformed year: want a number from 2000 to 2100 / 年份格式不正确")
		return nil, nil, false
	}
	f, err := s.figures(r.Context())
	if err != nil {
		s.Logger.Error("api metrics", "err", err)
		fail(http.StatusInternalServerError, "internal error / 服务器内部错误")
		return nil, nil, false
	}
	var street db.Unit
	if name := r.URL.Query().Get("street"); name != "" {
		u, ok := f.street(name)
		if !ok {
			fail(http.StatusNotFound, "unknown street / 没有这个街道")
			return nil, nil, false
		}
		street = u
	}
	return f, f.results(s.effectiveProgram(), street, year), true
}

func (s *Server) apiMetrics(w http.ResponseWriter, r *http.Request) {
	f, rs, ok := s.apiQuery(w, r, func(code int, msg string) { s.jsonError(w, code, msg) })
	if !ok {
		return
	}
	resp := metricsResponse{Program: s.effectiveProgram().Name, DataVersion: f.version, Rows: make([]metricRow, 0, len(rs))}
	for _, x := range rs {
		resp.Rows = append(resp.Rows, metricRow{x.Indicator, x.Year, x.Street, x.Numerator, x.Denominator, x.Percent, x.Target, x.Met, x.Needed})
	}
	w.Header().Set("ETag", `"`+f.version+`"`)
	s.jsonResponse(w, http.StatusOK, resp)
}

// apiMetricsCSV answers /api/metrics.csv. Without ?lang= it is the
// contract: the JSON rows' keys and values (true/false, indicator keys).
// With ?lang=zh or ?lang=en — the page's download links — it is for
// people: headers, indicator names and 是/否 in that language. ?by=street
// gives every street's rows instead of the district's (the per-street
// export beside the district one).
func (s *Server) apiMetricsCSV(w http.ResponseWriter, r *http.Request) {
	f, rs, ok := s.apiQuery(w, r, func(code int, msg string) { http.Error(w, msg, code) })
	if !ok {
		return
	}
	if r.URL.Query().Get("by") == "street" && r.URL.Query().Get("street") == "" {
		year, _, _ := yearParam(r)
		rs = nil
		for _, st := range sortedStreets(f) {
			rs = append(rs, f.results(s.effectiveProgram(), st, year)...)
		}
	}
	l, people := i18n.Zh, false
	switch r.URL.Query().Get("lang") {
	case "zh":
		people = true
	case "en":
		l, people = i18n.En, true
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "jindu-metrics.csv"))
	w.Write([]byte("\uFEFF")) // so Excel reads UTF-8
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if people {
		cw.Write([]string{l.T("csv.indicator"), l.T("csv.year"), l.T("csv.street"), l.T("csv.numerator"), l.T("csv.denominator"),
			l.T("csv.percent"), l.T("csv.target"), l.T("csv.met"), l.T("csv.needed")})
	} else {
		cw.Write([]string{"indicator", "year", "street", "numerator", "denominator", "percent", "target", "met", "needed"})
	}
	for _, x := range rs {
		ind, street, met := x.Indicator, safeCell(x.Street), fmtBool(x.Met)
		if people {
			if d, ok := s.effectiveProgram().Indicator(x.Indicator); ok {
				ind = label(l, d)
			}
			if x.Street == "" {
				street = l.T("district")
			}
			switch {
			case x.Met == nil:
			case *x.Met:
				met = l.T("value.yes")
			default:
				met = l.T("value.no")
			}
		}
		cw.Write([]string{safeCell(ind), strconv.Itoa(x.Year), street, strconv.Itoa(x.Numerator),
			strconv.Itoa(x.Denominator), fmtFloat(x.Percent), fmtInt(x.Target), met, fmtInt(x.Needed)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil && !errors.Is(err, http.ErrHandlerTimeout) {
		s.Logger.Warn("api metrics csv", "err", err)
	}
}

// sortedStreets are the figures' streets by name.
func sortedStreets(f *figures) []db.Unit {
	out := slices.Clone(f.streets)
	slices.SortFunc(out, func(a, b db.Unit) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// csvURL is the page's CSV download: in its language, for the district
// (street ""), one street, or every street (byStreet).
func csvURL(l i18n.Lang, year int, street string, byStreet bool) string {
	by := ""
	if byStreet {
		by = "street"
	}
	return href(l, "/api/metrics.csv", "year", itoa(year), "street", street, "by", by)
}

// safeCell neutralises a cell a spreadsheet would read as a formula: one
// starting with = + - @, a tab, a carriage return or a line feed.
func safeCell(v string) string {
	if v != "" && strings.ContainsAny(v[:1], "=+-@\t\r\n") {
		return "'" + v
	}
	return v
}

func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func fmtInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func fmtBool(v *bool) string {
	if v == nil {
		return ""
	}
	return strconv.FormatBool(*v)
}
