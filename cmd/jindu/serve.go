package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

// serveConfig is what `jindu serve` is told.
type serveConfig struct {
	addr, dbPath, program string
	demo, public, secure  bool
	idle, maxAge          time.Duration
}

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlags("serve", stderr)
	fs.StringVar(&c.addr, "addr", envOr("JINDU_ADDR", "127.0.0.1:8080"), "listen address (env JINDU_ADDR)")
	fs.StringVar(&c.dbPath, "db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file, created if missing (env JINDU_DB)")
	fs.StringVar(&c.program, "program", "", "program JSON file replacing the built-in 2022–2024 plan")
	fs.BoolVar(&c.demo, "demo", false, "fill an empty database with the built-in demo district and demo accounts (implies --public)")
	fs.BoolVar(&c.public, "public", false, "let anyone read dashboards, reports and /api/metrics without logging in")
	fs.BoolVar(&c.secure, "secure-cookies", false, "mark the session cookie Secure (__Host-) when TLS ends at a proxy in front")
	fs.DurationVar(&c.idle, "session-idle", 30*time.Minute, "end a session after this long without a request")
	fs.DurationVar(&c.maxAge, "session-max", 8*time.Hour, "end a session this long after login")
	if err := parse(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	program, err := loadProgram(c.program)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(c.dbPath); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	d, err := db.Open(ctx, c.dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	if c.demo {
		c.public = true
		if err := seedDemo(ctx, d, logger); err != nil {
			return err
		}
		if err := seedDemoAccounts(ctx, d, stdout); err != nil {
			return err
		}
	}
	srv, err := web.New(d, program, logger)
	if err != nil {
		return err
	}
	srv.Auth = web.AuthConfig{Public: c.public, SecureCookies: c.secure, IdleTimeout: c.idle, MaxAge: c.maxAge}
	if n, err := d.CountUsers(ctx); err == nil && n == 0 {
		logger.Warn("no account exists yet; create the first administrator with: " +
			"jindu user add --db " + c.dbPath + " --name admin --role admin --password-stdin")
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a 20 MiB upload on a slow link
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	srv.SetReady(true)
	logger.Info("jindu serving", "url", "http://"+ln.Addr().String()+"/", "db", c.dbPath, "program", program.Name, "version", version)
	fmt.Fprintf(stdout, "Jindu is running at http://%s/\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	srv.SetReady(false)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func loadProgram(path string) (metrics.Program, error) {
	if path == "" {
		return metrics.DefaultProgram(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return metrics.Program{}, err
	}
	defer f.Close()
	p, err := metrics.ParseProgram(f)
	if err != nil {
		return metrics.Program{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
