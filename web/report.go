package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/report"
	"jindu/web/components"
	"jindu/web/i18n"
)

// AssetPrintCSS is the report's print stylesheet, linked only from /report.
const AssetPrintCSS = "css/print.css"

// renderHeader carries the internal token with which the PDF renderer's
// browser opens /report: short-lived, per render, never a user's cookie.
const renderHeader = "X-Jindu-Render"

// grantTTL bounds a render token; a render that takes longer is cancelled
// by the renderer's timeout anyway.
const grantTTL = time.Minute

// reportState is the server's side of PDF rendering: the render tokens
// and the loopback listener the browser loads the report from.
type reportState struct {
	mu     sync.Mutex
	grants map[string]*renderGrant
	hs     *http.Server
	base   string // http://127.0.0.1:port, once listening
}

// renderGrant lets the renderer's browser read /report as the user who
// asked for the PDF.
type renderGrant struct {
	user    *auth.User // nil: an anonymous reader of a --public server
	at      time.Time  // generation time printed on the report
	expires time.Time

	mu      sync.Mutex
	version string // the data version the page was built from
}

type grantKey struct{}

// ReportRequest asks for one report PDF.
type ReportRequest struct {
	Year   int
	Street string // "" for the whole district
	Lang   i18n.Lang
	// User is who asks; the report names them. nil: an anonymous reader
	// of a --public server.
	User *auth.User
}

// RenderedReport is a printed report.
type RenderedReport struct {
	PDF         []byte
	DataVersion string // the data the PDF shows
	Blocked     []string
}

// errReportChanged: the data changed during every attempt to print.
var errReportChanged = errors.New("report: the data changed while printing")

// Close writes the blocked-login counts held in memory, and stops the
// loopback listener and the PDF renderer.
func (s *Server) Close() error {
	s.blocked.flush(s, context.Background(), true)
	s.reports.mu.Lock()
	hs := s.reports.hs
	s.reports.hs, s.reports.base = nil, ""
	s.reports.mu.Unlock()
	var errs []error
	if hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		errs = append(errs, hs.Shutdown(ctx))
	}
	if s.PDF != nil {
		errs = append(errs, s.PDF.Close())
	}
	return errors.Join(errs...)
}

// pdfAvailable reports whether PDF can be made, and if not, why.
func (s *Server) pdfAvailable() error {
	if s.PDF == nil {
		return report.ErrUnavailable
	}
	_, err := s.PDF.ExecPath()
	return err
}

// loopback returns the address of a listener on 127.0.0.1 that serves this
// server's handler: the browser loads the report from it, whatever address
// (or proxy) users reach Jindu through, and so does `jindu pdf`.
func (s *Server) loopback() (string, error) {
	s.reports.mu.Lock()
	defer s.reports.mu.Unlock()
	if s.reports.base != "" {
		return s.reports.base, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("report: loopback listener: %w", err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	s.reports.hs, s.reports.base = hs, "http://"+ln.Addr().String()
	return s.reports.base, nil
}

// mint issues a render token.
func (rs *reportState) mint(u *auth.User, at time.Time) (string, *renderGrant) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	g := &renderGrant{user: u, at: at, expires: time.Now().Add(grantTTL)}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.grants == nil {
		rs.grants = map[string]*renderGrant{}
	}
	now := time.Now()
	for k, v := range rs.grants {
		if now.After(v.expires) {
			delete(rs.grants, k)
		}
	}
	rs.grants[tok] = g
	return tok, g
}

func (rs *reportState) revoke(tok string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	delete(rs.grants, tok)
}

func (rs *reportState) grant(tok string) (*renderGrant, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	g, ok := rs.grants[tok]
	if !ok || time.Now().After(g.expires) {
		return nil, false
	}
	return g, true
}

// renderAuth lets the renderer's browser in: a valid render token, on GET
// /report only and from the loopback interface only, stands for the user
// who asked for the PDF. The header is removed from every request, so a
// token is never seen by anything else.
func (s *Server) renderAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get(renderHeader)
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		r.Header.Del(renderHeader)
		if r.Method == http.MethodGet && r.URL.Path == "/report" && isLoopback(r.RemoteAddr) {
			if g, ok := s.reports.grant(tok); ok {
				ctx := context.WithValue(r.Context(), grantKey{}, g)
				if g.user != nil {
					ctx = context.WithValue(ctx, userKey, *g.user)
				}
				r = r.WithContext(ctx)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

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
		s.errorPage(w, r, http.StatusNotFound, l.Pick(fmt.Sprintf("%d年没有数据", year), fmt.Sprintf("No data for %d", year)))
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
	return districtName(l, s.program())
}

// reportFileName is e.g. 进度报告-2024-魏都区.pdf.
func (s *Server) reportFileName(l i18n.Lang, year int, street string) string {
	return l.T("report.file") + "-" + strconv.Itoa(year) + "-" + s.scopeName(l, street) + ".pdf"
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
		return "", l.F("pdf.unavailable", report.InstallHint)
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

// reportModel builds the report's view model from the snapshot of counts,
// with the dashboard's own builders (cards, rating charts, progress,
// outlooks, the street comparison).
func (s *Server) reportModel(r *http.Request, l i18n.Lang, f *figures, year int, street db.Unit, at time.Time, user *auth.User, forPDF bool) components.Report {
	scope := s.scopeName(l, street.Name)
	m := components.Report{Page: s.page(r.Context(), r, l, l.F("report.title", scope, year))}
	m.CSS = append(m.CSS, s.Assets.URL(AssetPrintCSS))
	m.Program = l.Pick(s.program().Name, s.program().NameEn)
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

	all := f.results(s.program(), street, 0)
	years := f.years
	if street.ID != 0 {
		years = metrics.YearsWithData(f.byStreet[street.ID])
	}
	outlooks := metrics.AssessAll(s.program(), upTo(all, year))
	m.Headline = components.Table{Caption: l.F("table.caption", l.F("headline", year)),
		Head: []string{l.T("report.indicator"), l.T("counts"), l.T("percent"), l.T("target"), l.T("status"), l.T("report.needed"), l.T("report.outlook")}}
	m.Completion = components.Table{Caption: l.F("table.caption", l.T("report.completion")),
		Head: []string{l.T("report.indicator"), l.T("counts"), l.T("percent"), l.T("target"), l.T("status"), l.T("report.needed"), l.T("report.note")}}
	m.Outlook = components.Table{Caption: l.F("table.caption", l.T("report.outlook")),
		Head: []string{l.T("report.indicator"), l.T("report.outlook"), l.T("report.note")}}
	var unknown []string
	for _, res := range ofYear(all, year) {
		ind, _ := s.program().Indicator(res.Indicator)
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
	for i, ind := range s.program().Indicators {
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

// reportPDF answers GET /report.pdf?year=Y[&street=S] with the report as
// an A4 PDF.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	_, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	req := ReportRequest{Year: year, Street: street.Name, Lang: l}
	if u, ok := currentUser(r); ok {
		req.User = &u
	}
	out, err := s.RenderReport(r.Context(), req)
	if err != nil {
		s.pdfError(w, r, l, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition("attachment", s.reportFileName(l, year, street.Name)))
	h.Set("Cache-Control", "private, no-store") // it names the user
	h.Set("Content-Length", strconv.Itoa(len(out.PDF)))
	w.Write(out.PDF)
}

// pdfError answers a failed render: 503 with the reason when the renderer
// is missing, busy or too slow, a logged 500 otherwise.
func (s *Server) pdfError(w http.ResponseWriter, r *http.Request, l i18n.Lang, err error) {
	switch {
	case errors.Is(err, report.ErrUnavailable):
		s.errorPage(w, r, http.StatusServiceUnavailable, l.F("pdf.unavailable", report.InstallHint))
	case errors.Is(err, report.ErrBusy):
		w.Header().Set("Retry-After", "10")
		s.errorPage(w, r, http.StatusServiceUnavailable, l.T("pdf.busy"))
	case errors.Is(err, report.ErrTimeout):
		s.Logger.Warn("pdf", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "30")
		s.errorPage(w, r, http.StatusServiceUnavailable, l.T("pdf.timeout"))
	case errors.Is(err, errReportChanged):
		w.Header().Set("Retry-After", "1")
		s.errorPage(w, r, http.StatusServiceUnavailable, l.T("pdf.changed"))
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		s.fail(w, r, err)
	}
}

// RenderReport prints the report of a year and scope to PDF. The browser
// loads the report from the server's loopback listener with a one-minute
// render token that stands for req.User. The PDF shows one data version
// throughout: if the data change while it prints, it is printed again.
func (s *Server) RenderReport(ctx context.Context, req ReportRequest) (RenderedReport, error) {
	if err := s.pdfAvailable(); err != nil {
		return RenderedReport{}, err
	}
	if req.Lang == "" {
		req.Lang = i18n.Zh
	}
	l := req.Lang
	base, err := s.loopback()
	if err != nil {
		return RenderedReport{}, err
	}
	page := base + reportURL("/report", l, req.Year, req.Street)
	for range 3 {
		f, err := s.figures(ctx)
		if err != nil {
			return RenderedReport{}, err
		}
		years := f.years
		if req.Street != "" {
			st, ok := f.street(req.Street)
			if !ok {
				return RenderedReport{}, fmt.Errorf("report: no street named %q", req.Street)
			}
			years = metrics.YearsWithData(f.byStreet[st.ID])
		}
		if !slices.Contains(years, req.Year) {
			return RenderedReport{}, fmt.Errorf("report: no data for %d", req.Year)
		}
		at := s.now()
		tok, g := s.reports.mint(req.User, at)
		res, err := s.PDF.Render(ctx, report.Job{
			URL:     page,
			Headers: map[string]string{renderHeader: tok},
			Header:  l.Pick(s.program().Name, s.program().NameEn) + " · " + l.F("report.title", s.scopeName(l, req.Street), req.Year),
			Footer:  footerText(l, f.info, f.version, at, userName(l, req.User)),
			PageOf:  pageOf(l),
		})
		s.reports.revoke(tok)
		if len(res.Blocked) > 0 {
			s.Logger.Warn("pdf: the report page asked for other hosts; blocked", "count", len(res.Blocked))
		}
		if err != nil {
			return RenderedReport{}, err
		}
		g.mu.Lock()
		used := g.version
		g.mu.Unlock()
		if used == f.version {
			return RenderedReport{PDF: res.PDF, DataVersion: used, Blocked: res.Blocked}, nil
		}
	}
	return RenderedReport{}, errReportChanged
}

// pageOf splits "第 | 页 / 共 | 页" into the renderer's three parts.
func pageOf(l i18n.Lang) [3]string {
	parts := strings.SplitN(l.T("report.pageof"), "|", 3)
	var out [3]string
	copy(out[:], parts)
	return out
}
