package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/demo"
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
		demo.Records(demo.District, demoSeed, demo.Years))
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	logger.Info("demo data loaded", "records", b.Rows, "units", b.NewUnits)
	return nil
}

// demoUsers are the demo's accounts; the clerk's street is the first.
var demoUsers = []auth.User{{Name: "admin", Role: auth.Admin}, {Name: "clerk", Role: auth.Clerk}, {Name: "viewer", Role: auth.Viewer}}

// onlyDemo reports whether a database holds only what --demo put there,
// and if not, why: the demo filled it (the demo batch sets meta demo = 1),
// that batch is its only batch (no import, upload or rollback since), and
// its only accounts are the demo's admin, clerk and viewer (or none yet),
// none of them added by anyone but the demo (the audit log says who added
// each account).
func onlyDemo(ctx context.Context, d *db.DB) (bool, string, error) {
	info, err := d.Info(ctx)
	if err != nil {
		return false, "", err
	}
	if !info.Demo {
		return false, "it held other data before the demo", nil
	}
	batches, err := d.Batches(ctx, 0)
	if err != nil {
		return false, "", err
	}
	for _, b := range batches {
		if b.Kind != db.KindDemo {
			return false, fmt.Sprintf("batch %d (%s, %s) is not the demo's", b.ID, b.Kind, b.FileName), nil
		}
	}
	users, err := d.Users(ctx)
	if err != nil {
		return false, "", err
	}
	for _, u := range users {
		if !slices.ContainsFunc(demoUsers, func(du auth.User) bool { return du.Name == u.Name }) {
			return false, fmt.Sprintf("account %s is not a demo account", u.Name), nil
		}
	}
	adds, err := d.AuditEntries(ctx, db.AuditFilter{Action: db.AuditUserAdd})
	if err != nil {
		return false, "", err
	}
	for _, e := range adds {
		if e.Actor != "demo" {
			return false, fmt.Sprintf("account %s was added by %s", e.Target, e.Actor), nil
		}
	}
	return true, "", nil
}

// demoSetup is what --demo does. It loads the demo district into an empty
// database; then, while the database holds only demo data, it gives the
// demo accounts admin, clerk (for the first street) and viewer new random
// passwords, creating them if need be, and prints them — so `make run`
// always says how to log in — and reports that the server may be public.
// A database with anything else in it keeps its accounts as they are, gets
// none, and is never made readable by anyone.
func demoSetup(ctx context.Context, d *db.DB, dbPath string, stdout io.Writer, logger *slog.Logger) (public bool, err error) {
	if err := seedDemo(ctx, d, logger); err != nil {
		return false, err
	}
	ok, why, err := onlyDemo(ctx, d)
	if err != nil {
		return false, err
	}
	if !ok {
		logger.Warn("--demo: the database holds more than the demo data, so it is not made public and its accounts are left as they are", "why", why)
		fmt.Fprintf(stdout, "Demo accounts not reset: %s holds more than the demo data (%s).\n"+
			"Log in with its own accounts (bin/jindu user passwd --db %s --name NAME --password-stdin sets a password),\n"+
			"or remove %s to start the demo afresh.\n", dbPath, why, dbPath, dbPath)
		return false, nil
	}
	streets, err := d.Streets(ctx)
	if err != nil {
		return false, err
	}
	fmt.Fprintln(stdout, "Demo accounts (new passwords at every start, while the database holds only demo data):")
	for _, u := range demoUsers {
		pw := auth.RandomPassword()
		hash, err := auth.HashPassword(pw, u.Name)
		if err != nil {
			return false, err
		}
		action := db.AuditUserPassword
		existing, _, err := d.UserByName(ctx, u.Name)
		switch {
		case err == nil:
			u = existing
			if err := d.SetPassword(ctx, u.Name, hash); err != nil {
				return false, err
			}
			if u.Disabled {
				if err := d.SetDisabled(ctx, u.Name, false); err != nil {
					return false, err
				}
			}
		case errors.Is(err, db.ErrNotFound):
			action = db.AuditUserAdd
			if u.Role == auth.Clerk && len(streets) > 0 {
				u.Streets = []string{streets[0].Name}
			}
			if _, err := d.AddUser(ctx, u, hash); err != nil {
				return false, err
			}
		default:
			return false, err
		}
		if err := d.Audit(ctx, db.AuditEntry{Actor: "demo", Action: action, Target: u.Name, Detail: "demo account, new random password"}); err != nil {
			return false, err
		}
		scope := ""
		if len(u.Streets) > 0 {
			scope = "（" + strings.Join(u.Streets, "、") + "）"
		}
		fmt.Fprintf(stdout, "  %-7s %-16s %s%s\n", u.Name, pw, u.Role.Label(), scope)
	}
	return true, nil
}
