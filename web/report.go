package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web/components"
	"jindu/web/i18n"
)

// AssetPrintCSS is the report's print stylesheet, linked only from /report.
const AssetPrintCSS = "css/print.css"

// reportScope loads the figures and reads ?year= (default: the latest year
// with data) and ?street= against them; it answers 400/404/500 itself and
// returns ok false then.
func (s *Server) reportScope(w http.ResponseWriter, r *http.Request, l i18n.Lang) (f *figures, year int, street db.Unit, ok bool) {
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, 0, db.Unit{}, false
	}
	year, asked, err := yearParam(r)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, l.T("error.badyear"))
		return nil, 0, db.Unit{}, false
	}
	if name := r.URL.Query().Get("street"); name != "" {
		u, ok := f.street(name)
		if !ok {
			s.errorPage(w, r, http.StatusNotFound, l.T("error.nostreet"))
			return nil, 0, db.Unit{}, false
		}
		street = u
	}
	years := f.years
	if street.ID != 0 {
		years = metrics.YearsWithData(f.byStreet[street.ID])
	}
	if !asked {
		if len(years) == 0 {
			s.errorPage(w, r, http.StatusNotFound, l.T("nodata.title"))
			return nil, 0, db.Unit{}, false
		}
		year = years[len(years)-1]
	}
	if !slices.Contains(years, year) {
		s.errorPage(w, r, http.StatusNotFound, l.F("error.noyear", year))
		return nil, 0, db.Unit{}, false
	}
	return f, year, street, true
}

// districtName is the district the program is for, taken from the
// program's name ("魏都区“红色治理”…" → "魏都区"); "全区" when the name
// does not start with one.
func districtName(l i18n.Lang, p metrics.Program) string {
	name := p.Name
	if i := strings.IndexAny(name, "“\"（( 《"); i > 0 {
		name = name[:i]
	}
	if l == i18n.Zh && name != p.Name && (strings.HasSuffix(name, "区") || strings.HasSuffix(name, "县") || strings.HasSuffix(name, "市")) {
		return name
	}
	if l == i18n.En {
		if en, _, ok := strings.Cut(p.NameEn, " District"); ok && en != "" && !strings.Contains(en, " ") {
			return en + " District"
		}
	}
	return l.T("district")
}

// scopeName is the street, or the district.
func (s *Server) scopeName(l i18n.Lang, street string) string {
	if street != "" {
		return street
	}
	return districtName(l, s.effectiveProgram())
}

// reportURL is the report page or its PDF for a year and scope.
func reportURL(path string, l i18n.Lang, year int, street string) string {
	q := url.Values{"year": {strconv.Itoa(year)}, "lang": {string(l)}}
	if street != "" {
		q.Set("street", street)
	}
	return path + "?" + q.Encode()
}

// pdfLink is the "下载 PDF" target, or the reason there is none.
func (s *Server) pdfLink(l i18n.Lang, year int, street string) (href, note string) {
	if err := s.pdfAvailable(); err != nil {
		return "", l.F("pdf.unavailable", pdf.InstallHint)
	}
	return reportURL("/report.pdf", l, year, street), ""
}

// footerText is the line at the foot of every printed page.
func footerText(l i18n.Lang, info db.Info, version string, at time.Time, user string) string {
	asOf := l.T("data.none")
	if !info.LastBatch.IsZero() {
		asOf = info.LastBatch.Local().Format("2006-01-02 15:04")
	}
	return strings.Join([]string{l.F("data.asof", asOf, version), l.F("report.generated", at.Local().Format("2006-01-02 15:04")),
		l.F("report.by", user)}, " · ")
}

func userName(l i18n.Lang, u *auth.User) string {
	if u == nil {
		return l.T("report.anonymous")
	}
	return u.Name
}

// showReport renders the printable report (/report?year=Y[&street=S]).
func (s *Server) showReport(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	at := s.now()
	var user *auth.User
	if u, ok := currentUser(r); ok {
		user = &u
	}
	g, forPDF := r.Context().Value(grantKey{}).(*renderGrant)
	if forPDF {
		at = g.at
		g.mu.Lock()
		g.version = f.version
		g.mu.Unlock()
	}
	s.html(w, r, http.StatusOK, components.ReportPage(s.reportModel(r, l, f, year, street, at, user, forPDF)))
}

// reportModel builds the report's view model from the cached figures,
// with the dashboard's own builders (cards, rating charts, progress,
// outlooks, the street comparison).
func (s *Server) reportModel(r *http.Request, l i18n.Lang, f *figures, year int, street db.Unit, at time.Time, user *auth.User, forPDF bool) components.Report {
	scope := s.scopeName(l, street.Name)
	m := components.Report{Page: s.page(r.Context(), r, l, l.F("report.title", scope, year))}
	m.CSS = append(m.CSS, s.Assets.URL(AssetPrintCSS))
	m.Program = l.Pick(s.effectiveProgram().Name, s.effectiveProgram().NameEn)
	m.Heading = l.F("report.title", scope, year)
	m.ForPDF = forPDF
	m.BackURL = "/?" + url.Values{"year": {strconv.Itoa(year)}, "lang": {string(l)}}.Encode()
	if street.ID != 0 {
		m.BackURL = href(l, streetPath(street.Name), "year", itoa(year))
	}
	m.PDFURL, m.PDFNote = s.pdfLink(l, year, street.Name)
	m.PrintHint = l.T("report.print")
	m.Footer = footerText(l, f.info, f.version, at, userName(l, user))
	if !forPDF {
		m.FooterCSS = "/report/footer.css?" + url.Values{"t": {m.Footer}}.Encode()
	}
	asOf := l.T("data.none")
	if !f.info.LastBatch.IsZero() {
		asOf = f.info.LastBatch.Local().Format("2006-01-02 15:04")
	}
	m.Meta = []string{l.F("report.scope", scope), l.F("data.asof", asOf, f.version),
		l.F("report.generated", at.Local().Format("2006-01-02 15:04")), l.F("report.by", userName(l, user))}
	if n := f.lockedNote(l, year, street.Name); n != "" {
		m.Meta = append(m.Meta, n)
	}

	all := f.results(s.effectiveProgram(), street, 0)
	years := f.years
	if street.ID != 0 {
		years = metrics.YearsWithData(f.byStreet[street.ID])
	}
	outlooks := metrics.AssessAll(s.effectiveProgram(), upTo(all, year))
	m.Headline = components.Table{Caption: l.F("table.caption", l.F("headline", year)),
		Head: []string{l.T("report.indicator"), l.T("counts"), l.T("percent"), l.T("target"), l.T("status"), l.T("report.needed"), l.T("report.outlook")}}
	m.Completion = components.Table{Caption: l.F("table.caption", l.T("report.completion")),
		Head: []string{l.T("report.indicator"), l.T("counts"), l.T("percent"), l.T("target"), l.T("status"), l.T("report.needed"), l.T("report.note")}}
	m.Outlook = components.Table{Caption: l.F("table.caption", l.T("report.outlook")),
		Head: []string{l.T("report.indicator"), l.T("report.outlook"), l.T("report.note")}}
	var unknown []string
	for _, res := range ofYear(all, year) {
		ind, _ := s.effectiveProgram().Indicator(res.Indicator)
		c := card(l, ind, res)
		ov := outlookView(l, outlooks[res.Indicator])
		outlook := "—"
		if ov != nil {
			outlook = ov.Label
			m.Outlook.Rows = append(m.Outlook.Rows, []components.Cell{{Text: c.Label}, {Text: ov.Label}, {Text: ov.Detail}})
		}
		status := c.Status
		if status == "" {
			status = "—"
		}
		needed := "—"
		if res.Needed != nil {
			needed = strconv.Itoa(*res.Needed)
		}
		m.Headline.Rows = append(m.Headline.Rows, []components.Cell{{Text: c.Label}, {Text: c.Counts, Num: true},
			{Text: c.Percent, Num: true}, {Text: c.Target}, {Text: status}, {Text: needed, Num: true}, {Text: outlook}})
		if ind.Kind == metrics.KindCompletion {
			p := progress(l, ind, res)
			note := p.Note
			if c.Unknown != "" {
				note = strings.TrimSpace(note + " " + c.Unknown)
			}
			m.Completion.Rows = append(m.Completion.Rows, []components.Cell{{Text: p.Label}, {Text: p.Counts, Num: true},
				{Text: p.Percent, Num: true}, {Text: p.Target}, {Text: status}, {Text: needed, Num: true}, {Text: note}})
		}
		if c.Unknown != "" {
			unknown = append(unknown, c.Label+"："+c.Unknown)
		}
	}
	if street.ID == 0 {
		if reported, missing := reportedText(l, s.completenessOf(f, year)); reported != "" {
			m.Notes = append(m.Notes, strings.TrimSpace(reported+" "+missing))
		}
	}
	if len(unknown) > 0 {
		m.Notes = append(m.Notes, strings.Join(unknown, l.T("list.sep")))
	}
	for i, ind := range s.effectiveProgram().Indicators {
		if ind.Kind == metrics.KindRating {
			m.Charts = append(m.Charts, s.ratingChart(l, i, ind, all, years, year))
		}
	}
	if street.ID == 0 && len(f.streets) > 0 {
		// The dashboard's default comparison indicator (五星小区).
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = ""
		if ind, ok := s.indicatorParam(r2); ok {
			chart, _ := s.streetComparison(l, f, ind, year, overviewStreets)
			m.Comparison = &chart.Chart
		}
	}
	return m
}
