package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"jindu/auth"
	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// html renders a component into a buffer first, so a rendering error still
// gets a clean 500 instead of half a page.
func (s *Server) html(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	p, err := renderPage(r, c)
	if err != nil {
		s.Logger.Error("render", "path", r.URL.Path, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	p.write(w, r, status)
}

// renderedPage is a rendered HTML page, with its gzip form made on first
// need; cached pages are shared between requests.
type renderedPage struct {
	plain  []byte
	gzOnce sync.Once
	gz     []byte
	// etag names the content, so that a browser revalidating a page
	// (Cache-Control: no-cache) gets 304 when nothing changed.
	etagOnce sync.Once
	etag     string
}

func renderPage(r *http.Request, c templ.Component) (*renderedPage, error) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return nil, err
	}
	return &renderedPage{plain: buf.Bytes()}, nil
}

func (p *renderedPage) write(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// A default only: a handler's own Cache-Control (no-store on private
	// pages) stands. privateResponses makes every logged-in response
	// no-store anyway.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	if status == http.StatusOK {
		p.etagOnce.Do(func() {
			sum := sha256.Sum256(p.plain)
			// Weak: the gzip and plain forms share it.
			p.etag = `W/"` + hex.EncodeToString(sum[:12]) + `"`
		})
		h.Set("ETag", p.etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == p.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body := p.plain
	if len(body) > 1400 && acceptsGzip(r) {
		p.gzOnce.Do(func() {
			var zb bytes.Buffer
			// The default level: a page with chart images is a third
			// smaller than at the fastest, for about a millisecond.
			zw, _ := gzip.NewWriterLevel(&zb, gzip.DefaultCompression)
			zw.Write(p.plain)
			zw.Close()
			p.gz = zb.Bytes()
		})
		body = p.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// jsonResponse writes v as JSON.
func (s *Server) jsonResponse(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.Logger.Error("json", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// jsonError writes {"error": message}.
func (s *Server) jsonError(w http.ResponseWriter, status int, message string) {
	s.jsonResponse(w, status, map[string]string{"error": message})
}

// lang picks the request's language and remembers an explicit ?lang=.
func lang(w http.ResponseWriter, r *http.Request) i18n.Lang {
	l, explicit := i18n.FromRequest(r)
	if explicit {
		http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	return l
}

// page fills the layout's view model for a request.
func (s *Server) page(ctx context.Context, r *http.Request, l i18n.Lang, title string) components.Page {
	q := r.URL.Query()
	q.Set("lang", string(l.Other()))
	p := components.Page{
		Lang:        l,
		Title:       title,
		CSS:         []string{s.Assets.URL(AssetCSS)},
		Icon:        s.Assets.URL(AssetIcon),
		JS:          []string{s.Assets.URL(AssetCharts)}, // it loads ECharts where a chart is
		LangURL:     sameSitePath(r.URL.EscapedPath()) + "?" + q.Encode(),
		Path:        r.URL.Path,
		ProgramName: l.Pick(s.effectiveProgram().Name, s.effectiveProgram().NameEn),
		LoginURL:    "/login?" + url.Values{"next": {r.URL.RequestURI()}, "lang": {string(l)}}.Encode(),
		TV:          wallScreen(r),
		PollMS:      s.tvPoll().Milliseconds(),
	}
	p.TVURL, p.TVExit = tvURLs(r)
	if p.TV {
		p.TVScript = s.Assets.URL(AssetTV)
	}
	if y, ok, err := yearParam(r); err == nil && ok {
		p.Year = itoa(y)
	} else if to, err := strconv.Atoi(r.URL.Query().Get("to")); err == nil && to >= 2000 && to <= 2100 {
		p.Year = itoa(to)
	}
	if ind, ok := s.effectiveProgram().Indicator(r.URL.Query().Get("indicator")); ok {
		p.Indicator = ind.Key
	}
	if u, ok := currentUser(r); ok {
		p.User, p.RoleLabel = u.Name, l.T("role."+string(u.Role))
		p.CanUpload, p.CanAdmin, p.CanReview = u.Role.CanUpload(), u.Role == auth.Admin, u.Role.CanReview()
		if p.CanReview {
			if bs, err := s.DB.BatchesByStatus(ctx, db.StatusSubmitted, maxQueue); err == nil {
				for _, b := range bs {
					if mayReview(u, b) {
						p.Queue++
					}
				}
			}
		}
		if p.CanUpload {
			if ns, err := s.DB.RollbackNotices(ctx, u.ID); err == nil && len(ns) > 0 {
				p.Notice = l.F("rollback.pending", len(ns), rollbackNotice(l, ns[len(ns)-1]))
			} else if ns, err := s.DB.RejectionNotices(ctx, u.Name); err == nil && len(ns) > 0 {
				p.Notice = l.F("review.pending", len(ns), rejectionNotice(l, ns[len(ns)-1]))
			}
		}
	}
	if info, err := s.DB.Info(ctx); err == nil {
		p.Demo = info.Demo
		asOf := l.T("data.none")
		if !info.LastBatch.IsZero() {
			asOf = info.LastBatch.Local().Format("2006-01-02 15:04")
		}
		p.DataAsOf = l.F("data.asof", asOf, s.dataVersion(info))
		p.Version = s.dataVersion(info)
	}
	return p
}

// dataVersion changes whenever units, statuses or the program change.
func (s *Server) dataVersion(info db.Info) string {
	return strconv.FormatInt(info.DataSeq, 10) + "-" + s.effectiveProgram().Fingerprint()
}

// fail answers an unexpected error with a logged 500 page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.Logger.Error("handler", "path", r.URL.Path, "err", err)
	l, _ := i18n.FromRequest(r)
	s.errorPage(w, r, http.StatusInternalServerError, l.T("error.internal"))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	l, _ := i18n.FromRequest(r)
	s.errorPage(w, r, http.StatusNotFound, l.T("error.notfound"))
}

var errBadYear = errors.New("malformed year")

// yearParam reads ?year=; ok is false when absent.
func yearParam(r *http.Request) (year int, ok bool, err error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return 0, false, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, false, errBadYear
	}
	return y, true, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
