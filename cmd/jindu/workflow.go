package main

import (
	"context"
	"fmt"
	"io"

	"jindu/db"
)

// runWorkflow shows or sets whether uploads need a reviewer's approval
// (上报需审核).
func runWorkflow(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("workflow", stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB); may be in use by a server")
	review := fs.String("review", "", "on: a clerk's upload waits for a reviewer's approval before it counts; off: it counts at once (the default); empty: print the setting")
	if err := parse(fs, args); err != nil {
		return err
	}
	var on bool
	switch *review {
	case "", "on", "off":
		on = *review == "on"
	default:
		fmt.Fprintf(stderr, "--review must be on or off, not %q / --review 须为 on 或 off\n", *review)
		return errUsage
	}
	if err := existingDB(*dbPath); err != nil {
		return err
	}
	d, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	if *review != "" {
		was, err := d.Review(ctx)
		if err != nil {
			return err
		}
		if err := d.SetReview(ctx, on); err != nil {
			return err
		}
		if was != on {
			if err := d.Audit(ctx, db.AuditEntry{Actor: cliActor(), Action: db.AuditReviewSetting, Detail: "review=" + *review}); err != nil {
				return err
			}
		}
	}
	on, err = d.Review(ctx)
	if err != nil {
		return err
	}
	state := "off: uploads count at once / 关：上传即生效"
	if on {
		state = "on: uploads wait for a reviewer's approval / 开：上报需审核"
	}
	fmt.Fprintln(stdout, "review "+state)
	return nil
}
