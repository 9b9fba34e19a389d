package web

import (
	"context"
	"errors"
	"fmt"
	"jindu/auth"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web/i18n"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ReportRequest asks for one report PDF.
type ReportRequest struct {
	Year   int
	Street string // "" for the whole district
	Lang   i18n.Lang
	// User is who asks; the report names them. nil: an anonymous reader
	// of a --public server.
	User *auth.User
	// Page is the page printed: "" for the report, pageBrief for the
	// one-page brief.
	Page string
}

// RenderedReport is a printed report.
type RenderedReport struct {
	PDF         []byte
	DataVersion string // the data the PDF shows
	Blocked     []string
}

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
	path, title := "/report", l.F("report.title", s.scopeName(l, req.Street), req.Year)
	if req.Page == pageBrief {
		path, title = pageBrief, l.F("brief.title", s.scopeName(l, req.Street), req.Year)
	}
	page := base + reportURL(path, l, req.Year, req.Street)
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
			Header:  l.Pick(s.effectiveProgram().Name, s.effectiveProgram().NameEn) + " · " + title,
			Footer:  footerText(l, f.info, f.version, at, userName(req.User)),
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
