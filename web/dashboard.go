package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/charts"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showDashboard renders the overview for the selected year (default: the
// latest year with data).
// The rendered page is kept for the data version, so a wall screen or a
// room of officials reloading it costs no recomputation.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := pageKeyOf(r, string(l))
	// Clerks', reviewers' and admins' pages carry to-dos, notices and the
	// queue's badge, which change without a new data version: not cached.
	u, _ := currentUser(r)
	personal := u.Role.CanUpload() || u.Role.CanReview()
	if p, ok := f.cachedPage(key); ok && !personal {
		p.write(w, r, http.StatusOK)
		return
	}
	year, asked, err := yearParam(r)
	if err != nil {
		s.yearError(w, r, l, f.years, "year")
		return
	}
	if !asked {
		year = f.latest
	}
	d := components.Dashboard{Page: s.page(r.Context(), r, l, l.T("nav.dashboard"))}
	d.Heading = l.Pick(s.effectiveProgram().Name, s.effectiveProgram().NameEn)
	if len(f.years) == 0 {
		d.Empty = true
		s.html(w, r, http.StatusOK, components.DashboardPage(d, components.DashboardAnalysis{}))
		return
	}
	if !slices.Contains(f.years, year) {
		s.yearError(w, r, l, f.years, "year")
		return
	}
	d.Heading = l.F("headline", year)
	d.Locked = f.lockedNote(l, year, "")
	d.CSVURL, d.CSVStreetsURL = csvURL(l, year, "", false), csvURL(l, year, "", true)
	d.ReportURL = reportURL("/report", l, year, "")
	d.BriefURL = briefURL(pageBrief, l, year, "")
	d.PDFURL, d.PDFNote = s.pdfLink(l, year, "")
	d.Page.Year = itoa(year)
	d.Years = yearLinks(l, s.effectiveProgram(), "/", f.years, year, "indicator", d.Page.Indicator)
	d.JS = append(d.JS, s.Assets.URL(AssetPDFJS))
	results := f.results(s.effectiveProgram(), db.Unit{}, year)
	for _, res := range results {
		ind, _ := s.effectiveProgram().Indicator(res.Indicator)
		c := card(l, ind, res)
		if ind.Kind == metrics.KindCompletion && res.Percent != nil {
			c.Bar = strconv.FormatFloat(*res.Percent, 'f', 1, 64) // the completion shown once: a bar in its card
		}
		d.Cards = append(d.Cards, c)
	}
	s.addVerdict(&d, l, f, year)
	all := f.results(s.effectiveProgram(), db.Unit{}, 0)
	for i, ind := range s.effectiveProgram().Indicators {
		if ind.Kind == metrics.KindRating {
			d.Charts = append(d.Charts, s.ratingChart(l, i, ind, all, f.years, year))
		}
	}
	a := s.dashboardAnalysis(r, l, f, year, all)
	for i, o := range a.Outlooks {
		if i < len(d.Cards) && judges(o) {
			d.Cards[i].Status = "" // one status per card: the outlook's
		}
	}
	// A page whose charts are still being drawn on the server is not kept.
	drawn := true
	for i := range d.Charts {
		drawn = s.drawOnServer(&d.Charts[i], false) && drawn
	}
	if a.Comparison != nil {
		drawn = s.drawOnServer(a.Comparison, true) && drawn
	}
	p, err := renderPage(r, components.DashboardPage(d, a))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Notice == "" && !personal && drawn { // a rollback notice is shown until seen, not kept
		f.storePage(key, p)
	}
	p.write(w, r, http.StatusOK)
}

func yearLabel(l i18n.Lang, y int, p metrics.Program) string {
	label := l.F("year.fmt", y)
	if y == p.BaselineYear {
		label += " (" + l.T("baseline") + ")"
	}
	return label
}

func label(l i18n.Lang, ind metrics.Indicator) string { return l.Pick(ind.Label, ind.LabelEn) }

func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return pctv(*p) // one percent format: one decimal and "%"
}

// verdict returns the localised status and its CSS class.
func verdict(l i18n.Lang, res metrics.Result) (string, string) {
	switch {
	case res.Percent == nil:
		return l.T("nodata"), "none"
	case res.Met == nil:
		return "", "none" // the target line already says there is none
	case *res.Met:
		return l.T("met"), "met"
	default:
		return l.T("unmet"), "unmet"
	}
}

func targetText(l i18n.Lang, res metrics.Result) string {
	if res.Target == nil {
		return l.T("notarget")
	}
	return l.F("target.fmt", *res.Target)
}

func neededText(l i18n.Lang, ind metrics.Indicator, res metrics.Result) string {
	if res.Needed == nil || *res.Needed == 0 {
		return ""
	}
	if l == i18n.En {
		return l.F("needed.fmt", *res.Needed) // English needs no measure word
	}
	return l.F("needed.fmt", *res.Needed, ind.Unit)
}

func unknownText(l i18n.Lang, res metrics.Result) string {
	if res.Unknown == 0 {
		return ""
	}
	return l.F("unknown.fmt", res.Unknown)
}

func card(l i18n.Lang, ind metrics.Indicator, res metrics.Result) components.Card {
	status, class := verdict(l, res)
	return components.Card{
		Label:   label(l, ind),
		Percent: pct(res.Percent),
		Counts:  frac(res.Numerator, res.Denominator),
		Target:  targetText(l, res),
		Status:  status,
		Class:   class,
		Needed:  neededText(l, ind, res),
		Unknown: unknownText(l, res),
	}
}

// ratingChart builds one rating indicator's chart over the years with data
// and the program's milestone years, with its table and summary.
func (s *Server) ratingChart(l i18n.Lang, i int, ind metrics.Indicator, all []metrics.Result, dataYears []int, year int) components.Chart {
	return s.ratingChartUpTo(l, i, ind, all, dataYears, year, 0)
}

// ratingChartUpTo is ratingChart without the years after until (0: all
// years), for a report that shows nothing after its year.
func (s *Server) ratingChartUpTo(l i18n.Lang, i int, ind metrics.Indicator, all []metrics.Result, dataYears []int, year, until int) components.Chart {
	byYear := map[int]metrics.Result{}
	for _, r := range all {
		if r.Indicator == ind.Key {
			byYear[r.Year] = r
		}
	}
	years := slices.Clone(dataYears)
	for _, y := range s.effectiveProgram().Years {
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	if until != 0 {
		years = slices.DeleteFunc(years, func(y int) bool { return y > until })
	}
	title := label(l, ind)
	c := components.Chart{ID: "chart" + strconv.Itoa(i), Title: title}
	c.Table = components.Table{Caption: l.F("table.caption", title),
		Head: []string{l.T("year"), l.T("counts"), l.T("percent"), l.T("target"), l.T("status")}}
	var points []charts.RatingPoint
	for _, y := range years {
		res, ok := byYear[y]
		if !ok {
			res = metrics.Result{Indicator: ind.Key, Year: y}
			if t, has := ind.Target(y); has {
				res.Target = &t
			}
		}
		status, _ := verdict(l, res)
		pt := charts.RatingPoint{Year: y, Label: l.F("year.fmt", y), Percent: res.Percent, Target: res.Target, Met: res.Met}
		if res.Percent != nil {
			pt.Count = frac(res.Numerator, res.Denominator)
			pt.Tip = []string{l.F("year.fmt", y), l.F("chart.tip.share", pct(res.Percent), pt.Count)}
			if res.Target != nil {
				pt.Tip = append(pt.Tip, l.F("target.fmt", *res.Target))
			}
			if n := neededText(l, ind, res); n != "" {
				pt.Tip = append(pt.Tip, n)
			} else if status != "" {
				pt.Tip = append(pt.Tip, status)
			}
		}
		points = append(points, pt)
		counts := "—"
		if ok {
			counts = frac(res.Numerator, res.Denominator)
		}
		target := "—"
		if res.Target != nil {
			target = strconv.Itoa(*res.Target) + "%"
		}
		c.Table.Rows = append(c.Table.Rows, []components.Cell{{Text: l.F("year.fmt", y)}, {Text: counts, Num: true},
			{Text: pct(res.Percent), Num: true}, {Text: target, Num: true}, {Text: status}})
	}
	c.Options = charts.Rating(points, charts.RatingLabels{
		Title: title, Met: l.T("met"), Unmet: l.T("unmet"), Baseline: l.T("milestone.none"),
		Milestone: l.T("milestone"), MetMark: "✓", UnmetMark: "✗",
	})
	cur := byYear[year]
	status, _ := verdict(l, cur)
	// One sentence: "title：2024年61.1%，目标 60%，达标。" / "title: 2024 61.1%, target 60%, met"
	year1, sep, end := l.F("year.fmt", year)+" "+pct(cur.Percent), ", ", ""
	if l == i18n.Zh {
		year1, sep, end = l.F("year.fmt", year)+pct(cur.Percent), "，", "。"
	}
	// Empty parts (no status without a target) leave no stray "，".
	var parts []string
	for _, p := range []string{year1, targetText(l, cur), status, neededText(l, ind, cur)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	c.Summary = l.F("chart.summary.fmt", title, strings.Join(parts, sep)) + end
	return c
}

// dashboardAnalysis adds to the overview: each card's outlook (as of the
// viewed year) and completeness mark, the year's reporting, and the street
// comparison of the selected indicator (?indicator=, default 五星小区),
// whose bars open the street. All from the cached figures.
func (s *Server) dashboardAnalysis(r *http.Request, l i18n.Lang, f *figures, year int, all []metrics.Result) components.DashboardAnalysis {
	var a components.DashboardAnalysis
	outlooks := metrics.AssessAll(s.effectiveProgram(), upTo(all, year))
	c := s.completenessOf(f, year)
	mark := districtMark(l, c)
	for _, res := range ofYear(all, year) {
		a.Outlooks = append(a.Outlooks, outlookView(l, outlooks[res.Indicator]))
		a.Incomplete = append(a.Incomplete, mark(res))
	}
	a.Reported, a.Missing = reportedText(l, c)
	a.Reported, a.Missing = s.deadlineText(r, l, f, year, a.Reported, a.Missing)
	a.Todos = s.todos(r, l, f, year)
	ind, ok := s.indicatorParam(r)
	if !ok {
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = ""
		ind, ok = s.indicatorParam(r2)
	}
	if !ok || len(f.streets) == 0 {
		return a
	}
	chart, _ := s.streetComparison(l, f, ind, year, overviewStreets)
	a.Comparison = &chart.Chart
	a.ChartLink, a.ChartQuery = chart.Link, chart.Query
	for _, x := range s.indicatorLinks(l, "/", ind.Key, "year", itoa(year)) {
		x.URL += "#comparison"
		a.Indicators = append(a.Indicators, x)
	}
	a.StreetsURL = href(l, "/streets", "year", itoa(year), "indicator", ind.Key)
	a.StreetsLabel = l.T("cmp.more")
	return a
}
