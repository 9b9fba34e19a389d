package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/pdf"
	"jindu/web"
	"jindu/web/i18n"
)

// runPDF writes a report PDF without a running server: it serves the web
// handler on a loopback port inside this process and prints from it, so
// the PDF is the one GET /report.pdf gives.
func runPDF(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("pdf", stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB)")
	year := fs.Int("year", 0, "the report's year (default: the latest year with data)")
	street := fs.String("street", "", "one street's report instead of the district's")
	out := fs.String("out", "", "the PDF file to write, its directory created if need be (required)")
	langFlag := fs.String("lang", "zh", "language: zh or en")
	program := fs.String("program", "", "program JSON file replacing the built-in 2022–2024 plan")
	chromium := fs.String("chromium", envOr("JINDU_CHROMIUM", ""), "browser binary (default: chromium on PATH; env JINDU_CHROMIUM)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "--out is required")
		return errUsage
	}
	if err := web.CheckAssets(); err != nil {
		return fmt.Errorf("this binary was built without ECharts: %w, then build again (`make build` does both)", err)
	}
	l, ok := i18n.Parse(*langFlag)
	if !ok {
		fmt.Fprintf(stderr, "--lang %q: want zh or en\n", *langFlag)
		return errUsage
	}
	// A mistyped path must not create an empty database.
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("database %s: %w", *dbPath, err)
	}
	p, err := loadProgram(*program)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := web.New(d, p, logger)
	if err != nil {
		return err
	}
	if err := srv.LoadTargets(ctx); err != nil {
		return err
	}
	srv.PDF = pdf.New(pdf.Config{ExecPath: *chromium, Concurrency: 1, Timeout: *timeout, Logger: logger})
	defer srv.Close()
	srv.SetReady(true)

	y := *year
	if y == 0 {
		if y, err = latestYear(ctx, d, *street); err != nil {
			return err
		}
	}
	who := "cli"
	if u, err := user.Current(); err == nil {
		who = "cli:" + u.Username
	}
	rctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := srv.RenderReport(rctx, web.ReportRequest{Year: y, Street: *street, Lang: l, User: &auth.User{Name: who, Role: auth.Viewer}})
	if err != nil {
		return err
	}
	if err := makeParentDir(*out); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".jindu-pdf-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(res.PDF); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, data version %s)\n", *out, len(res.PDF), res.DataVersion)
	return nil
}

// latestYear is the latest year with data for the district or a street.
func latestYear(ctx context.Context, d *db.DB, street string) (int, error) {
	tallies, err := d.StreetTallies(ctx)
	if err != nil {
		return 0, err
	}
	var only int64
	if street != "" {
		u, err := d.StreetByName(ctx, street)
		if err != nil {
			return 0, fmt.Errorf("street %q: %w", street, err)
		}
		only = u.ID
	}
	latest := 0
	for id, years := range tallies {
		if only != 0 && id != only {
			continue
		}
		for y, t := range years {
			if t.Units() > 0 && y > latest {
				latest = y
			}
		}
	}
	if latest == 0 {
		return 0, errors.New("the database holds no data yet")
	}
	return latest, nil
}
