package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"jindu/auth"
	"jindu/db"
)

// streetList collects repeated --street flags.
type streetList []string

func (s *streetList) String() string     { return strings.Join(*s, ",") }
func (s *streetList) Set(v string) error { *s = append(*s, strings.TrimSpace(v)); return nil }

// runUser manages accounts from the server's shell: the way to create the
// first administrator.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: jindu user add|passwd|list|disable|enable --db PATH [--name NAME] …")
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags("user "+sub, stderr)
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB)")
	name := fs.String("name", "", "account name")
	var role string
	var streets streetList
	pwStdin := false
	switch sub {
	case "add":
		fs.StringVar(&role, "role", "", "admin, clerk or viewer")
		fs.Var(&streets, "street", "a clerk's street (repeatable); none means the whole district")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input (required)")
	case "passwd":
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input (required)")
	case "list", "disable", "enable":
	default:
		fmt.Fprintf(stderr, "jindu user: unknown subcommand %q (add, passwd, list, disable, enable)\n", sub)
		return errUsage
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "list" && *name == "" {
		fmt.Fprintln(stderr, "--name is required")
		return errUsage
	}
	if (sub == "add" || sub == "passwd") && !pwStdin {
		fmt.Fprintln(stderr, "--password-stdin is required: passwords are never taken from the command line, where other users can see them")
		return errUsage
	}
	d, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	actor := cliActor()
	switch sub {
	case "add":
		r, err := auth.ParseRole(role)
		if err != nil {
			return err
		}
		if r != auth.Clerk && len(streets) > 0 {
			return errors.New("--street applies to clerks only")
		}
		hash, err := hashFromStdin(stdin, *name)
		if err != nil {
			return err
		}
		if _, err := d.AddUser(ctx, auth.User{Name: *name, Role: r, Streets: streets}, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", *name, r)
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: db.AuditUserAdd, Target: *name, Detail: "role=" + string(r) + " streets=" + streets.String()})
	case "passwd":
		hash, err := hashFromStdin(stdin, *name)
		if err != nil {
			return err
		}
		if err := d.SetPassword(ctx, *name, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions are ended\n", *name)
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: db.AuditUserPassword, Target: *name, Detail: "sessions revoked"})
	case "disable", "enable":
		disable := sub == "disable"
		if err := d.SetDisabled(ctx, *name, disable); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, *name)
		action := db.AuditUserEnable
		if disable {
			action = db.AuditUserDisable
		}
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: action, Target: *name})
	default: // list
		users, err := d.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTREETS\tSTATE")
		for _, u := range users {
			st, state := "-", "active"
			if u.Role == auth.Clerk {
				st = "(district)"
				if len(u.Streets) > 0 {
					st = strings.Join(u.Streets, ",")
				}
			}
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", db.Printable(u.Name), u.Role, db.Printable(st), state)
		}
		return tw.Flush()
	}
}

// hashFromStdin reads one line (the password) and hashes it, if the
// policy accepts it for the account name.
func hashFromStdin(stdin io.Reader, name string) (string, error) {
	if stdin == nil {
		stdin = os.Stdin
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return auth.HashPassword(strings.TrimRight(line, "\r\n"), name)
}

// cliActor names who ran a command, for the audit log.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}
