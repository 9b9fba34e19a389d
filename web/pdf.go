package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/auth"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web/i18n"
)

// ReportRequest asks for one report PDF.
type ReportRequest struct {
	// Page is the printable page: "/report" when empty. The page must
	// set the render grant's data version (renderGrant.shows) and be
	// listed in printablePages.
	Page   string
	Year   int
	Street string // "" for the whole district
	Lang   i18n.Lang
	// User is who asks; the report names them. nil: an anonymous reader
	// of a --public server.
	User *auth.User
	// Client is the address of an anonymous caller: their queue of
	// renders (a signed-in user's is theirs).
	Client string
	// Title is the PDF's document title; empty: the page's title.
	Title string
}

// RenderedReport is a printed report.
type RenderedReport struct {
	PDF         []byte
	DataVersion string // the data the PDF shows
	Blocked     []string
	Cached      bool // served from the cache, not printed for this request
}

// AssetPDFJS makes the "下载 PDF" links say "正在生成…" while the server
// prints; a page with components.PDFButton loads it.
const AssetPDFJS = "js/pdf.js"

// errReportChanged: the data changed during every attempt to print.
var errReportChanged = errors.New("report: the data changed while printing")

// pdfAvailable reports whether PDF can be made, and if not, why.
func (s *Server) pdfAvailable() error {
	if s.PDF == nil {
		return pdf.ErrUnavailable
	}
	_, err := s.PDF.ExecPath()
	return err
}

// reportFileName is e.g. 进度报告-2024-魏都区.pdf.
func (s *Server) reportFileName(l i18n.Lang, year int, street string) string {
	return l.T("report.file") + "-" + strconv.Itoa(year) + "-" + s.scopeName(l, street) + ".pdf"
}

// reportPDF answers GET /report.pdf?year=Y[&street=S] with the report as
// an A4 PDF.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	_, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	s.servePDF(w, r, l, ReportRequest{Year: year, Street: street.Name, Lang: l}, s.reportFileName(l, year, street.Name))
}

// servePDF prints a page for the caller (their name on it, their queue of
// renders) and sends it as an attachment named file.
func (s *Server) servePDF(w http.ResponseWriter, r *http.Request, l i18n.Lang, req ReportRequest, file string) {
	req.Client = clientAddress(r)
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
	h.Set("Content-Disposition", contentDisposition("attachment", file))
	h.Set("Cache-Control", "private, no-store") // it names the user
	h.Set("Content-Length", strconv.Itoa(len(out.PDF)))
	w.Write(out.PDF)
}

// printing is what a printable page shows of its printing: the time it
// is printed at (the render's, so the PDF's footer and page agree), who
// asked (nil: an anonymous reader), and whether the PDF renderer is
// printing it; a render learns the data version the page shows.
func (s *Server) printing(r *http.Request, f *figures) (at time.Time, user *auth.User, forPDF bool) {
	at = s.now()
	if u, ok := currentUser(r); ok {
		user = &u
	}
	g, forPDF := printGrant(r)
	if forPDF {
		at = g.at
		g.shows(f.version)
	}
	return at, user, forPDF
}

// pdfError answers a failed render: 503 with the reason when the renderer
// is missing, busy or too slow, a logged 500 otherwise.
func (s *Server) pdfError(w http.ResponseWriter, r *http.Request, l i18n.Lang, err error) {
	switch {
	case errors.Is(err, pdf.ErrUnavailable):
		s.errorPage(w, r, http.StatusServiceUnavailable, l.F("pdf.unavailable", pdf.InstallHint))
	case errors.Is(err, pdf.ErrBusy):
		w.Header().Set("Retry-After", "10")
		s.errorPage(w, r, http.StatusServiceUnavailable, l.T("pdf.busy"))
	case errors.Is(err, pdf.ErrTimeout):
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

// RenderReport returns the PDF of a printable page (the report unless
// req.Page says otherwise) for a year and scope: from the cache when the
// same PDF of the current data was printed before, otherwise printed in
// the caller's queue (pdfqueue.go).
func (s *Server) RenderReport(ctx context.Context, req ReportRequest) (RenderedReport, error) {
	if err := s.pdfAvailable(); err != nil {
		return RenderedReport{}, err
	}
	if req.Lang == "" {
		req.Lang = i18n.Zh
	}
	if req.Page == "" {
		req.Page = "/report"
	}
	f, err := s.figures(ctx)
	if err != nil {
		return RenderedReport{}, err
	}
	key := pdfKey{page: req.Page, year: req.Year, street: req.Street, lang: string(req.Lang), version: f.version, program: s.effective.Load()}
	who := "addr:" + req.Client
	if req.User != nil {
		key.user = req.User.Name
		who = "user:" + strconv.FormatInt(req.User.ID, 10) + ":" + req.User.Name
	}
	return s.pdfs.printed(ctx, key, who, func() (RenderedReport, error) {
		return s.printPage(ctx, req, who)
	})
}

// printPage prints a page to PDF. The browser loads it from the server's
// loopback listener with a one-minute render token that stands for
// req.User. The PDF shows one data version throughout: if the data change
// while it prints, it is printed again.
func (s *Server) printPage(ctx context.Context, req ReportRequest, who string) (RenderedReport, error) {
	l := req.Lang
	base, err := s.loopback()
	if err != nil {
		return RenderedReport{}, err
	}
	page := base + reportURL(req.Page, l, req.Year, req.Street)
	title := req.Title
	switch {
	case title == "" && req.Page == "/report":
		title = l.F("report.title", s.scopeName(l, req.Street), req.Year)
	case title == "" && req.Page == pageBrief:
		title = l.F("brief.title", s.scopeName(l, req.Street), req.Year)
	}
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
		res, err := s.PDF.Render(ctx, pdf.Job{
			URL:     page,
			Headers: map[string]string{renderHeader: tok},
			Header:  strings.TrimSuffix(l.Pick(s.effectiveProgram().Name, s.effectiveProgram().NameEn)+" · "+title, " · "),
			Footer:  footerText(l, f.info, f.version, at, userName(req.User)),
			PageOf:  pageOf(l),
			Info:    pdf.Info{Title: title, Created: at},
			Queued: func() {
				if s.onPDFQueue != nil {
					s.onPDFQueue(who)
				}
			},
			Started: func() {
				s.pdfRenders.Add(1)
				if s.onPDFRender != nil {
					s.onPDFRender(who)
				}
			},
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
