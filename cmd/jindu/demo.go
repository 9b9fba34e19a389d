package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
)

// demoSeed fixes the demo district, so every newcomer sees the same one.
const demoSeed = 2021

// seedDemo fills an empty database with the demo district. It never touches
// a database that holds other data, and loads the demo only once.
func seedDemo(ctx context.Context, d *db.DB, logger *slog.Logger) error {
	info, err := d.Info(ctx)
	if err != nil {
		return err
	}
	switch {
	case info.Demo:
		logger.Info("demo data already loaded")
		return nil
	case info.Units > 0:
		logger.Warn("--demo ignored: the database already holds real data, which demo data must never mix with", "units", info.Units)
		return nil
	}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindDemo, Actor: "demo", Source: "demo", Note: "示例数据 / demo data"},
		func(put func(metrics.Record) error) error {
			return demo.Generate(demo.District, demoSeed, demo.Years, put)
		})
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	logger.Info("demo data loaded", "records", b.Rows, "units", b.NewUnits)
	return nil
}

// demoSetup is what --demo does: it loads the demo district into an empty
// database and reports whether the database holds the demo data and
// nothing else. Only then is the server public and are the demo accounts
// created: a database with real data never becomes readable by anyone,
// nor gets accounts with printed passwords.
func demoSetup(ctx context.Context, d *db.DB, logger *slog.Logger, stdout io.Writer) (demoOnly bool, err error) {
	if err := seedDemo(ctx, d, logger); err != nil {
		return false, err
	}
	if demoOnly, err = d.DemoOnly(ctx); err != nil || !demoOnly {
		if err == nil {
			logger.Warn("--demo: the database holds other data than the demo's, so it is not made public and no demo accounts are created")
		}
		return false, err
	}
	return true, seedDemoAccounts(ctx, d, stdout)
}

// seedDemoAccounts creates the demo accounts admin, clerk (for the first
// street) and viewer with random passwords, printed once, when the
// database has no account yet.
func seedDemoAccounts(ctx context.Context, d *db.DB, stdout io.Writer) error {
	if n, err := d.CountUsers(ctx); err != nil || n > 0 {
		return err
	}
	streets, err := d.Streets(ctx)
	if err != nil {
		return err
	}
	var first []string
	if len(streets) > 0 {
		first = []string{streets[0].Name}
	}
	fmt.Fprintln(stdout, "Demo accounts (passwords are shown only this once):")
	for _, u := range []auth.User{{Name: "admin", Role: auth.Admin}, {Name: "clerk", Role: auth.Clerk, Streets: first}, {Name: "viewer", Role: auth.Viewer}} {
		pw := auth.RandomPassword()
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if _, err := d.AddUser(ctx, u, hash); err != nil {
			return err
		}
		scope := ""
		if len(u.Streets) > 0 {
			scope = "（" + strings.Join(u.Streets, "、") + "）"
		}
		fmt.Fprintf(stdout, "  %-7s %-16s %s%s\n", u.Name, pw, u.Role.Label(), scope)
	}
	return nil
}
