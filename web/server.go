// Package web is Jindu's HTTP adapter: routes, handlers (one file per page),
// headers and rendering. Handlers are methods on Server, which holds their
// dependencies.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"jindu/db"
	"jindu/metrics"
)

// Server serves Jindu's pages and API.
type Server struct {
	DB      *db.DB
	Program metrics.Program
	Logger  *slog.Logger
	Assets  *Assets

	ready atomic.Bool
	cache figureCache
}

// New returns a server for the database and program.
func New(d *db.DB, p metrics.Program, logger *slog.Logger) (*Server, error) {
	a, err := LoadAssets()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{DB: d, Program: p, Logger: logger, Assets: a}, nil
}

// SetReady marks the server ready (or not) for /healthz.
func (s *Server) SetReady(v bool) { s.ready.Store(v) }

// Handler returns every route, with the middleware applied visibly at the end.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.showDashboard)
	mux.HandleFunc("GET /api/metrics", s.apiMetrics)
	mux.HandleFunc("GET /api/metrics.csv", s.apiMetricsCSV)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/", s.Assets)
	mux.HandleFunc("GET /favicon.ico", s.favicon)
	return s.recoverPanics(s.logRequests(securityHeaders(s.notFoundPage(mux))))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting\n"))
		return
	}
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Logger.Error("healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// Shutdown hook for callers that need to flip readiness before draining.
func (s *Server) Shutdown(context.Context) { s.ready.Store(false) }

// favicon answers browsers that ask for /favicon.ico without reading the
// page's icon link.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.Assets.URL(AssetIcon), http.StatusMovedPermanently)
}
