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
	"jindu/web/charts"
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
		s.yearError(w, r, l, f.years, "year")
		return nil, 0, db.Unit{}, false
	}
	if name := r.URL.Query().Get("street"); name != "" {
		u, ok := f.street(name)
		if !ok {
			s.streetError(w, r, l, f, name)
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
		s.yearError(w, r, l, years, "year")
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
	parts := []string{l.F("data.asof", asOf, version), l.F("report.generated", at.Local().Format("2006-01-02 15:04"))}
	if user != "" {
		parts = append(parts, l.F("report.by", user))
	}
	return strings.Join(parts, " · ")
}

// userName is the name printed on a report: the signed-in user's, or none.
func userName(u *auth.User) string {
	if u == nil {
		return ""
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
	at, user, forPDF := s.printing(r, f)
	s.html(w, r, http.StatusOK, components.ReportPage(s.reportModel(r, l, f, year, street, at, user, forPDF)))
}

// reportModel builds the report's view model from the cached figures,
// with the dashboard's own builders (cards, rating charts, outlooks, the
// street comparison, the work list). Nothing after year is shown.
func (s *Server) reportModel(r *http.Request, l i18n.Lang, f *figures, year int, street db.Unit, at time.Time, user *auth.User, forPDF bool) components.Report {
	prog := s.effectiveProgram()
	scope := s.scopeName(l, street.Name)
	m := components.Report{Page: s.page(r.Context(), r, l, l.F("report.title", scope, year))}
	m.CSS = append(m.CSS, s.Assets.URL(AssetPrintCSS))
	m.JS = append(m.JS, s.Assets.URL(AssetPDFJS))
	m.Program = l.Pick(prog.Name, prog.NameEn)
	m.Heading = l.F("report.title", scope, year)
	m.ForPDF = forPDF
	m.BackURL = "/?" + url.Values{"year": {strconv.Itoa(year)}, "lang": {string(l)}}.Encode()
	if street.ID != 0 {
		m.BackURL = href(l, streetPath(street.Name), "year", itoa(year))
	}
	m.PDFURL, m.PDFNote = s.pdfLink(l, year, street.Name)
	m.BriefURL, m.SnapURL = briefURL(pageBrief, l, year, street.Name), href(l, "/snapshots")
	m.PrintHint = l.T("report.print")
	m.Footer = footerText(l, f.info, f.version, at, userName(user))
	if !forPDF {
		m.FooterCSS = "/report/footer.css?" + url.Values{"t": {m.Footer}}.Encode()
	}
	asOf := l.T("data.none")
	if !f.info.LastBatch.IsZero() {
		asOf = f.info.LastBatch.Local().Format("2006-01-02 15:04")
	}
	m.Meta = []string{l.F("report.scope", scope), l.F("data.asof", asOf, f.version),
		l.F("report.generated", at.Local().Format("2006-01-02 15:04"))}
	if name := userName(user); name != "" {
		m.Meta = append(m.Meta, l.F("report.by", name))
	}
	if n := f.lockedNote(l, year, street.Name); n != "" {
		m.Meta = append(m.Meta, n)
	}

	all := upTo(f.results(prog, street, 0), year)
	years := f.years
	if street.ID != 0 {
		years = metrics.YearsWithData(f.byStreet[street.ID])
	}
	years = slices.DeleteFunc(slices.Clone(years), func(y int) bool { return y > year })
	outlooks := metrics.AssessAll(prog, all)
	m.Headline = components.RTable{Caption: l.F("table.caption", l.F("headline", year)), Cols: []components.RCol{
		{Label: l.T("report.indicator")}, {Label: l.T("counts"), Num: true}, {Label: l.T("percent"), Num: true},
		{Label: l.T("target"), Num: true}, {Label: l.T("status")}, {Label: l.T("report.needed"), Num: true}, {Label: l.T("report.outlook")}}}
	m.Completion = components.RTable{Caption: l.F("table.caption", l.T("report.completion")), Cols: []components.RCol{
		{Label: l.T("report.indicator")}, {Label: l.T("counts"), Num: true}, {Label: l.T("percent"), Num: true},
		{Label: l.T("target"), Num: true}, {Label: l.T("status")}, {Label: l.T("report.needed"), Num: true}, {Label: l.T("report.note")}}}
	m.Outlook = components.RTable{Caption: l.F("table.caption", l.T("report.outlook")), Cols: []components.RCol{
		{Label: l.T("report.indicator")}, {Label: l.T("report.outlook")}, {Label: l.T("report.note")}}}
	var unknown []string
	for _, res := range ofYear(all, year) {
		ind, _ := prog.Indicator(res.Indicator)
		c := card(l, ind, res)
		ov := outlookView(l, outlooks[res.Indicator])
		outlook := "—"
		if ov != nil {
			outlook = ov.Label
			m.Outlook.Rows = append(m.Outlook.Rows, []components.Cell{{Text: c.Label}, {Text: ov.Label}, {Text: orDash(ov.Detail)}})
		}
		status := orDash(c.Status)
		target, needed := "—", "—"
		if res.Target != nil {
			target = strconv.Itoa(*res.Target) + "%"
		}
		if res.Needed != nil {
			needed = strconv.Itoa(*res.Needed)
		}
		m.Headline.Rows = append(m.Headline.Rows, []components.Cell{{Text: c.Label}, {Text: c.Counts},
			{Text: c.Percent}, {Text: target}, {Text: status}, {Text: needed}, {Text: outlook}})
		if ind.Kind == metrics.KindCompletion {
			var notes []string
			if res.Target == nil {
				notes = append(notes, l.T("general.note"))
			}
			if c.Unknown != "" {
				notes = append(notes, c.Unknown)
			}
			m.Completion.Rows = append(m.Completion.Rows, []components.Cell{{Text: c.Label}, {Text: c.Counts},
				{Text: c.Percent}, {Text: target}, {Text: status}, {Text: needed}, {Text: orDash(strings.Join(notes, l.T("report.join")))}})
		}
		if c.Unknown != "" {
			unknown = append(unknown, c.Label+" "+c.Unknown)
		}
	}
	if street.ID == 0 {
		if reported, missing := reportedText(l, s.completenessOf(f, year)); reported != "" {
			m.Notes = append(m.Notes, sentences(l, reported, missing))
		}
	}
	if len(unknown) > 0 {
		m.Notes = append(m.Notes, sentences(l, l.F("report.unknown", strings.Join(unknown, l.T("report.join")))))
	}
	m.Legend = []components.LegendItem{{Label: l.T("met"), Class: "met"}, {Label: l.T("unmet"), Class: "unmet"},
		{Label: l.T("milestone.none"), Class: "base"}, {Label: l.T("milestone"), Class: "goal"}}
	m.Ratings = components.RTable{Caption: l.F("table.caption", l.T("report.ratings")), Cols: []components.RCol{{Label: l.T("report.indicator")}}}
	for _, y := range years {
		m.Ratings.Cols = append(m.Ratings.Cols, components.RCol{Label: l.F("year.fmt", y), Num: true})
	}
	for i, ind := range prog.Indicators {
		if ind.Kind != metrics.KindRating {
			continue
		}
		row := []components.Cell{{Text: label(l, ind)}}
		for _, y := range years {
			row = append(row, components.Cell{Text: ratingCell(l, all, ind.Key, y)})
		}
		m.Ratings.Rows = append(m.Ratings.Rows, row)
		// A street is one unit of its own rating: a chart of 0% or 100%
		// says nothing the table does not.
		if street.ID != 0 && ind.Key == metrics.FiveGoodStreets {
			continue
		}
		c := s.ratingChartUpTo(l, i, ind, all, years, year, year)
		if o, ok := c.Options.(charts.Options); ok {
			c.Options = charts.Narrow(o)
		}
		m.Charts = append(m.Charts, c)
	}
	if street.ID == 0 && len(f.streets) > 0 {
		// The dashboard's default comparison indicator (五星小区).
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = ""
		if ind, ok := s.indicatorParam(r2); ok {
			chart, _ := s.streetComparison(l, f, ind, year, overviewStreets)
			m.Comparison = &chart.Chart
		}
		m.Streets = s.reportStreets(l, f, year)
	}
	if street.ID != 0 {
		m.Communities, m.Work = s.reportCommunities(r.Context(), l, f, street, year)
	}
	return m
}

// sentences joins parts, each ended as a sentence ("。", ". ").
func sentences(l i18n.Lang, parts ...string) string {
	var out []string
	end := l.T("report.fullstop")
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.HasSuffix(p, strings.TrimSpace(end)) {
			p += end
		}
		out = append(out, p)
	}
	return strings.TrimSpace(strings.Join(out, ""))
}

// ratingCell is one rating indicator's year in the ratings table:
// "61.5%（8/13）", "—" without data.
func ratingCell(l i18n.Lang, all []metrics.Result, key string, year int) string {
	for _, res := range all {
		if res.Indicator == key && res.Year == year {
			if res.Percent == nil {
				return "—"
			}
			return l.F("report.share", pct(res.Percent), res.Numerator, res.Denominator)
		}
	}
	return "—"
}
