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
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"jindu/db"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web"
)

// serveConfig is what `jindu serve` is told.
type serveConfig struct {
	addr, dbPath, program string
	demo, public, secure  bool
	// trustedProxy: the peers whose X-Forwarded-For is believed.
	trustedProxy string
	idle, maxAge time.Duration
	// PDF renderer: how many at once, how long each, which browser.
	pdfConcurrency int
	pdfTimeout     time.Duration
	chromium       string
	// Automatic backups (off without a directory) and WAL checkpoints.
	backupDir       string
	backupEvery     time.Duration
	backupKeep      int
	checkpointEvery time.Duration
	// Bounds of the work per upload.
	parseTimeout, pendingTTL           time.Duration
	maxNewUnits, parsesPerUser, parses int
	pendingFiles, pendingMiB           int
}

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlags("serve", stderr)
	fs.StringVar(&c.addr, "addr", envOr("JINDU_ADDR", "127.0.0.1:8080"), "listen address (env JINDU_ADDR)")
	fs.StringVar(&c.dbPath, "db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file, created if missing (env JINDU_DB)")
	fs.StringVar(&c.program, "program", "", "program JSON file replacing the built-in 2022–2024 plan")
	fs.BoolVar(&c.demo, "demo", false, "fill an empty database with the built-in demo district and demo accounts, whose new passwords are printed at every start while the database holds only demo data (implies --public)")
	fs.BoolVar(&c.public, "public", false, "let anyone read dashboards, reports and /api/metrics without logging in")
	fs.StringVar(&c.trustedProxy, "trusted-proxy", envOr("JINDU_TRUSTED_PROXY", ""),
		"reverse proxies (`CIDR[,CIDR]`) whose X-Forwarded-For / X-Real-IP name the client (env JINDU_TRUSTED_PROXY; none by default)")
	fs.BoolVar(&c.secure, "secure-cookies", false, "mark the session cookie Secure (__Host-) when TLS ends at a proxy in front")
	fs.DurationVar(&c.idle, "session-idle", 30*time.Minute, "end a session after this long without a request")
	fs.DurationVar(&c.maxAge, "session-max", 8*time.Hour, "end a session this long after login")
	fs.IntVar(&c.pdfConcurrency, "pdf-concurrency", 2, "PDF reports rendered at once; others wait")
	fs.DurationVar(&c.pdfTimeout, "pdf-timeout", 60*time.Second, "cancel a PDF render that takes longer")
	fs.StringVar(&c.chromium, "chromium", envOr("JINDU_CHROMIUM", ""), "browser for PDF (default: chromium on PATH; env JINDU_CHROMIUM)")
	fs.StringVar(&c.backupDir, "backup-dir", envOr("JINDU_BACKUP_DIR", ""), "write automatic backups into this directory (env JINDU_BACKUP_DIR; off when empty)")
	fs.DurationVar(&c.backupEvery, "backup-every", 24*time.Hour, "interval between automatic backups")
	fs.IntVar(&c.backupKeep, "backup-keep", 14, "automatic backups kept; older ones are deleted")
	fs.DurationVar(&c.checkpointEvery, "checkpoint-every", time.Minute, "interval between WAL checkpoints (keeps the -wal file small)")
	parseTimeout, err1 := envDuration("JINDU_PARSE_TIMEOUT", web.DefaultParseTimeout)
	pendingTTL, err2 := envDuration("JINDU_PENDING_TTL", web.DefaultPendingTTL)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(stderr, err)
		return errUsage
	}
	fs.DurationVar(&c.parseTimeout, "parse-timeout", parseTimeout, "stop the parse and dry run of an upload that takes longer (env JINDU_PARSE_TIMEOUT)")
	fs.IntVar(&c.maxNewUnits, "max-new-units", web.DefaultMaxNewUnits, "refuse an upload that would create more units (streets, communities, compounds)")
	fs.IntVar(&c.parsesPerUser, "parses-per-user", web.DefaultParsesPerUser, "uploads one user may have parsed at once; more get 429")
	fs.IntVar(&c.parses, "parses", runtime.NumCPU(), "uploads parsed at once in all; more get 503")
	fs.DurationVar(&c.pendingTTL, "pending-ttl", pendingTTL, "delete an unconfirmed upload after this long (env JINDU_PENDING_TTL)")
	fs.IntVar(&c.pendingFiles, "pending-max-files", web.DefaultPendingFiles, "unconfirmed uploads one user may keep")
	fs.IntVar(&c.pendingMiB, "pending-max-mib", web.DefaultPendingBytes>>20, "MiB of unconfirmed uploads one user may keep")
	if err := parse(fs, args); err != nil {
		return err
	}
	if c.parseTimeout <= 0 || c.pendingTTL <= 0 || c.maxNewUnits < 1 || c.parsesPerUser < 1 || c.parses < 1 || c.pendingFiles < 1 || c.pendingMiB < 1 {
		fmt.Fprintln(stderr, "--parse-timeout and --pending-ttl must be positive, --max-new-units, --parses-per-user, --parses, --pending-max-files and --pending-max-mib at least 1")
		return errUsage
	}
	if c.backupDir != "" && (c.backupEvery < time.Minute || c.backupKeep < 1) {
		fmt.Fprintln(stderr, "--backup-every must be at least 1m and --backup-keep at least 1")
		return errUsage
	}
	if c.checkpointEvery <= 0 {
		fmt.Fprintln(stderr, "--checkpoint-every must be positive")
		return errUsage
	}
	if c.pdfConcurrency < 1 || c.pdfTimeout <= 0 {
		fmt.Fprintln(stderr, "--pdf-concurrency must be at least 1 and --pdf-timeout positive")
		return errUsage
	}
	trusted, err := web.ParseTrustedProxies(c.trustedProxy)
	if err != nil {
		fmt.Fprintln(stderr, "--trusted-proxy:", err)
		return errUsage
	}
	ownerOnlyFiles()
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	if err := web.CheckAssets(); err != nil {
		return fmt.Errorf("this binary was built without ECharts: %w, then build again (`make build` does both)", err)
	}
	program, err := loadProgram(c.program)
	if err != nil {
		return err
	}
	// The address first: a port in use is said at once, before any work.
	ln, err := listen(c.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := makeParentDir(c.dbPath); err != nil {
		return err
	}
	// One server per database; `jindu restore` refuses while it runs.
	lock, err := db.LockExclusive(c.dbPath)
	if err != nil {
		return err
	}
	defer lock.Release()
	d, err := db.Open(ctx, c.dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	if d.MigrationBackup != "" {
		logger.Info("schema upgraded; the database before the upgrade is kept", "backup", d.MigrationBackup, "schema", db.SchemaVersion())
	}
	if c.demo {
		public, err := demoSetup(ctx, d, c.dbPath, stdout, logger)
		if err != nil {
			return err
		}
		c.public = c.public || public
	}
	srv, err := web.New(d, program, logger)
	if err != nil {
		return err
	}
	if err := srv.LoadTargets(ctx); err != nil {
		return err
	}
	srv.Auth = web.AuthConfig{Public: c.public, SecureCookies: c.secure, IdleTimeout: c.idle, MaxAge: c.maxAge}
	srv.TrustedProxies = trusted
	srv.ServerCharts = true
	srv.ParseTimeout, srv.MaxNewUnits, srv.ParsesPerUser, srv.ParsesTotal = c.parseTimeout, c.maxNewUnits, c.parsesPerUser, c.parses
	srv.PendingTTL, srv.PendingMaxFiles, srv.PendingMaxBytes = c.pendingTTL, c.pendingFiles, int64(c.pendingMiB)<<20
	if len(trusted) > 0 {
		logger.Info("trusting X-Forwarded-For from", "proxies", c.trustedProxy)
	}
	// The browser starts on the first PDF; without one, PDF answers 503
	// with the install command and everything else works.
	srv.PDF = pdf.New(pdf.Config{ExecPath: c.chromium, Concurrency: c.pdfConcurrency, Timeout: c.pdfTimeout, Logger: logger})
	defer srv.Close()
	if !srv.PDF.Available() {
		logger.Warn("PDF reports are off: no Chromium found; install it with: " + pdf.InstallHint)
	}
	if n, err := d.CountUsers(ctx); err == nil && n == 0 {
		logger.Warn("no account exists yet; create the first administrator with: " +
			"jindu user add --db " + c.dbPath + " --name admin --role admin --password-stdin")
	}
	srv.BackupDir, srv.BackupKeep = c.backupDir, c.backupKeep
	hs := newHTTPServer(srv.Handler(), logger)
	bctx, stopLoops := context.WithCancel(context.Background())
	var loops sync.WaitGroup
	defer func() { stopLoops(); loops.Wait() }()
	loops.Go(func() { checkpointLoop(bctx, d, c.checkpointEvery, logger) })
	sweep(ctx, srv, logger)
	loops.Go(func() { repeat(bctx, time.Minute, func() { sweep(bctx, srv, logger) }) })
	if c.backupDir != "" {
		logger.Info("automatic backups on", "dir", c.backupDir, "every", c.backupEvery.String(), "keep", c.backupKeep)
		loops.Go(func() { backupLoop(bctx, d, c.backupDir, c.backupEvery, c.backupKeep, logger, srv.NoteBackup) })
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
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listen opens the server's address; an address in use gets an error
// that says how to choose another.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	other := "127.0.0.1:8081"
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if p, err := strconv.Atoi(port); err == nil && p > 0 && p < 65535 {
			other = net.JoinHostPort(host, strconv.Itoa(p+1))
		}
	}
	how := fmt.Sprintf("choose another address with --addr %s or JINDU_ADDR=%s (with make: make run ADDR=%s) / 请用 --addr 或 JINDU_ADDR 指定其他地址", other, other, other)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("address %s is already in use (another Jindu or another program listens there) / 地址 %s 已被占用: %s", addr, addr, how)
	}
	return nil, fmt.Errorf("cannot listen on %s: %w: %s", addr, err, how)
}

// Server limits. ReadTimeout bounds a whole request including its body: a
// 20 MiB upload at 1 Mbit/s takes under 3 minutes. WriteTimeout covers the
// slowest response, a PDF report (rendered within --pdf-timeout) or a large
// CSV export. A client that sends its headers slower than
// ReadHeaderTimeout is cut off (slowloris).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 5 * time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 30 * time.Second
)

// newHTTPServer wraps the handler in a server with Jindu's limits.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
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

// sweep deletes expired sessions and writes blocked-login counts.
func sweep(ctx context.Context, srv *web.Server, logger *slog.Logger) {
	n, err := srv.Sweep(ctx)
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		logger.Warn("session sweep failed", "err", err)
	case n > 0:
		logger.Info("expired sessions deleted", "sessions", n)
	}
}

// envDuration is the duration in the environment variable key, else def.
func envDuration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: not a positive duration such as 2m or 90s", key, v)
	}
	return d, nil
}
