package web

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// contentSecurityPolicy allows only Jindu's own files and no inline script:
// chart options travel as JSON data blocks, run by the static charts.js.
// The one loosening is style-src-attr 'unsafe-inline': ECharts builds its
// tooltip as markup with style attributes (innerHTML), which CSP would block
// otherwise (the browser test proves both directions). It allows style
// attributes only — not <style> elements, not stylesheets from elsewhere —
// and style attributes cannot run script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests writes one structured line per request. The query string is
// left out: it may carry names, and logs should not collect them.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.Logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "addr", clientAddress(r),
			"status", rec.status, "bytes", rec.bytes, "dur_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// recoverPanics turns a panic into a logged 500 instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// notFoundPage shows Jindu's own 404 page where the mux has no route, and
// leaves the mux's 405 (a known path, wrong method) as it is.
func (s *Server) notFoundPage(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		nf := &notFoundWriter{ResponseWriter: w}
		mux.ServeHTTP(nf, r)
		if nf.notFound {
			s.notFound(w, r)
		}
	})
}

// notFoundWriter swallows a 404 so a page can replace it.
type notFoundWriter struct {
	http.ResponseWriter
	notFound bool
}

func (w *notFoundWriter) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.notFound = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.notFound {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// privateResponses keeps what a logged-in user sees out of every cache:
// each response to a request with a session gets Cache-Control: no-store,
// private, whatever the handler set, so that after logout Back shows no
// page from the browser's cache and no proxy keeps one. Every response but
// a static file carries Vary: Cookie, since with --public one URL serves
// anonymous readers and users differently. Static files (content-hashed
// URLs, the same for everyone) may be cached.
func (s *Server) privateResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		_, private := currentUser(r)
		next.ServeHTTP(&cacheControlWriter{ResponseWriter: w, private: private}, r)
	})
}

// cacheControlWriter sets the caching headers as the response starts.
type cacheControlWriter struct {
	http.ResponseWriter
	private bool
	started bool
}

func (w *cacheControlWriter) WriteHeader(code int) {
	if !w.started {
		w.started = true
		h := w.Header()
		if w.private {
			h.Set("Cache-Control", "no-store, private")
		}
		h.Add("Vary", "Cookie")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *cacheControlWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *cacheControlWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
