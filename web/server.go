// Package web is Jindu's HTTP adapter: routes, handlers (one file per page),
// headers and rendering. Handlers are methods on Server, which holds their
// dependencies.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/metrics"
	"jindu/pdf"
)

// Server serves Jindu's pages and API.
type Server struct {
	DB *db.DB
	// Program is the configured program, as given; handlers use
	// effectiveProgram, which adds the targets administrators set.
	Program metrics.Program
	Logger  *slog.Logger
	Assets  *Assets
	// Auth sets sessions and anonymous reading; New gives the defaults.
	Auth AuthConfig
	// Now is the clock for sessions and the audit log (tests set it).
	Now func() time.Time
	// MaxUploadBytes bounds an uploaded file (default 20 MiB); MaxRows
	// bounds its rows (default 2,000,000).
	MaxUploadBytes int64
	MaxRows        int
	// ParseTimeout bounds one parse and dry run (--parse-timeout, New:
	// 2 minutes); MaxNewUnits the units one file may create (200,000).
	ParseTimeout time.Duration
	MaxNewUnits  int
	// ParsesPerUser and ParsesTotal cap the parses running at once, for
	// one user (1) and for the server (0: one per core); a caller over a
	// cap gets 429 or 503 with Retry-After.
	ParsesPerUser, ParsesTotal int
	// PendingTTL is how long a pending upload is kept (24 h); a user may
	// hold PendingMaxFiles unconfirmed uploads of PendingMaxBytes in all.
	PendingTTL      time.Duration
	PendingMaxFiles int
	PendingMaxBytes int64
	// ParseProgress, if set, is called every 1,024 rows of every parse
	// with the request's context (tests hold a parse with it).
	ParseProgress func(ctx context.Context, dataRows int)
	// TVPoll is how often a wall screen (?tv=1) asks whether the data
	// changed (0: every 30 s).
	TVPoll time.Duration
	// PDF prints reports; nil (or no Chromium) turns PDF off and leaves
	// everything else working. Close stops it.
	PDF *pdf.Renderer
	// BackupDir is where automatic backups go ("" when they are off);
	// BackupKeep is how many are kept. The admin backups page lists them.
	BackupDir  string
	BackupKeep int
	// TrustedProxies are the peers whose X-Forwarded-For and X-Real-IP are
	// believed (--trusted-proxy); none by default.
	TrustedProxies []netip.Prefix
	// KDF bounds password hashing: logins and password changes wait for
	// one of its slots, or get 503 (New: one slot per core).
	KDF *auth.KDF
	// ServerCharts draws the overview's, streets' and stars' charts on
	// the server as SVG images (chart_images.go), so those pages load no
	// chart script until someone points at a chart; serve turns it on.
	ServerCharts bool

	throttle *auth.Throttle
	blocked  blockedLog // aggregated audit entries of blocked logins
	// parses counts the ledger files parsed (Parses).
	parses atomic.Int64
	// Parse slots, and the parses running and stopped early.
	parseSlots                  parseLimiter
	parsesActive, parsesStopped atomic.Int64

	ready atomic.Bool
	// effective is Program with the administrators' targets (LoadTargets).
	effective atomic.Pointer[metrics.Program]
	cache     figureCache
	// chartImages are the charts drawn on the server (chart_images.go).
	chartImages chartImageCache
	// reports holds render tokens and the loopback listener (rendergrant.go, loopback.go).
	reports reportState
	pdfs    pdfState
	// pdfRenders counts the renders started by the PDF renderer;
	// onPDFRender, if set (by tests), is called with the caller's lane as
	// each starts.
	pdfRenders  atomic.Int64
	onPDFRender func(who string)
	onPDFQueue  func(who string) // called as a render waits for the renderer
	// lastBackup is the last backup attempt's outcome (backups.go).
	lastBackup atomic.Pointer[backupAttempt]
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
	s := &Server{DB: d, Program: p, Logger: logger, Assets: a, Auth: DefaultAuthConfig(),
		MaxUploadBytes: DefaultMaxUploadBytes, MaxRows: ingest.DefaultMaxRows,
		ParseTimeout: DefaultParseTimeout, MaxNewUnits: DefaultMaxNewUnits, ParsesPerUser: DefaultParsesPerUser,
		PendingTTL: DefaultPendingTTL, PendingMaxFiles: DefaultPendingFiles, PendingMaxBytes: DefaultPendingBytes}
	s.throttle = auth.NewThrottle(s.now)
	s.KDF = auth.NewKDF(0, 0)
	return s, nil
}

// SetReady marks the server ready (or not) for /healthz.
func (s *Server) SetReady(v bool) { s.ready.Store(v) }

// Handler returns every route, with the middleware applied visibly at the end.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.Pattern, s.guard(rt.Access, rt.handler))
	}
	// Cross-origin protection rejects state-changing requests (POST …)
	// that a browser marks as coming from another site.
	cop := http.NewCrossOriginProtection()
	return s.recoverPanics(s.withClientAddress(s.logRequests(securityHeaders(s.limitBodies(cop.Handler(
		s.authenticate(s.renderAuth(s.privateResponses(s.notFoundPage(mux))))))))))
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

// favicon answers browsers that ask for /favicon.ico without reading the
// page's icon link.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.Assets.URL(AssetIcon), http.StatusMovedPermanently)
}

// Close writes the blocked-login counts held in memory, and stops the
// loopback listener and the PDF renderer.
func (s *Server) Close() error {
	s.blocked.flush(s, context.Background(), true)
	if s.KDF != nil && s.Logger != nil {
		// How busy password hashing was, for whoever sizes its slots.
		st := s.KDF.Stats()
		s.Logger.Debug("password hashing", "hashes", st.Hashes, "peak", st.Peak, "slots", s.KDF.Slots())
	}
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
