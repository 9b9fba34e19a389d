package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"jindu/auth"
	"jindu/db"
)

// streetList collects repeated --street flags.
type streetList []string

func (s *streetList) String() string     { return strings.Join(*s, ",") }
func (s *streetList) Set(v string) error { *s = append(*s, strings.TrimSpace(v)); return nil }

// userSubcommands are the subcommands of jindu user.
var userSubcommands = []string{"add", "passwd", "list", "disable", "enable"}

// userFlags are the flags of one user subcommand.
type userFlags struct {
	fs             *flag.FlagSet
	dbPath, name   *string
	role           string
	streets        streetList
	passwordStdin  bool
	needsName, pwd bool
}

func newUserFlags(sub string, stderr io.Writer) (*userFlags, bool) {
	u := &userFlags{fs: newFlags("user "+sub, stderr)}
	u.dbPath = u.fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB)")
	switch sub {
	case "add", "passwd", "disable", "enable":
		u.needsName = true
		u.name = u.fs.String("name", "", "account name (required)")
	case "list":
	default:
		return nil, false
	}
	if sub == "add" {
		u.fs.StringVar(&u.role, "role", "", "admin, clerk, reviewer or viewer (required)")
		u.fs.Var(&u.streets, "street", "a clerk's or reviewer's street (repeatable); none means the whole district")
	}
	if sub == "add" || sub == "passwd" {
		u.pwd = true
		u.fs.BoolVar(&u.passwordStdin, "password-stdin", false,
			"read the password from standard input: one line from a pipe, or asked twice without echo on a terminal (required unless standard input is a terminal)")
	}
	return u, true
}

// runUser manages accounts from the server's shell: the way to create the
// first administrator.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelpFlag(args[0]) {
		fmt.Fprintln(stderr, "usage: jindu user SUBCOMMAND [flags]: manage accounts")
		fmt.Fprintln(stderr, "Passwords are never taken from the command line, where other users can see them.")
		for _, sub := range userSubcommands {
			fmt.Fprintln(stderr)
			u, _ := newUserFlags(sub, stderr)
			u.fs.Usage()
		}
		if len(args) == 0 {
			return errUsage
		}
		return flag.ErrHelp
	}
	sub, args := args[0], args[1:]
	u, ok := newUserFlags(sub, stderr)
	if !ok {
		fmt.Fprintf(stderr, "jindu user: unknown subcommand %q (%s)\n", sub, strings.Join(userSubcommands, ", "))
		return errUsage
	}
	if err := parse(u.fs, args); err != nil {
		return err
	}
	if u.needsName && *u.name == "" {
		fmt.Fprintln(stderr, "--name is required")
		return errUsage
	}
	_, tty := terminal(stdin)
	if u.pwd && !u.passwordStdin && !tty {
		fmt.Fprintln(stderr, "--password-stdin is required: passwords are never taken from the command line, where other users can see them")
		return errUsage
	}
	var r auth.Role
	if sub == "add" {
		var err error
		if r, err = auth.ParseRole(u.role); err != nil {
			return err
		}
		if !r.Scoped() && len(u.streets) > 0 {
			return errors.New("--street applies to clerks and reviewers only")
		}
		// The first account may be made before the server ever ran.
		if err := makeParentDir(*u.dbPath); err != nil {
			return err
		}
	} else if err := existingDB(*u.dbPath); err != nil {
		return err
	}
	d, err := db.Open(ctx, *u.dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	actor := cliActor()
	name := ""
	if u.name != nil {
		name = *u.name
	}
	switch sub {
	case "add":
		if _, _, err := d.UserByName(ctx, name); err == nil {
			return fmt.Errorf("add user %q: %w", name, db.ErrExists)
		}
		hash, err := readPassword(stdin, stderr, name)
		if err != nil {
			return err
		}
		if _, err := d.AddUser(ctx, auth.User{Name: name, Role: r, Streets: u.streets}, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", name, r)
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: db.AuditUserAdd, Target: name, Detail: "role=" + string(r) + " streets=" + u.streets.String()})
	case "passwd":
		if _, _, err := d.UserByName(ctx, name); err != nil {
			return err
		}
		hash, err := readPassword(stdin, stderr, name)
		if err != nil {
			return err
		}
		if err := d.SetPassword(ctx, name, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions are ended\n", name)
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: db.AuditUserPassword, Target: name, Detail: "sessions revoked"})
	case "disable", "enable":
		disable := sub == "disable"
		if err := d.SetDisabled(ctx, name, disable); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, name)
		action := db.AuditUserEnable
		if disable {
			action = db.AuditUserDisable
		}
		return d.Audit(ctx, db.AuditEntry{Actor: actor, Action: action, Target: name})
	default: // list
		users, err := d.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTREETS\tSTATE")
		for _, u := range users {
			st, state := "-", "active"
			if u.Role.Scoped() {
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

// terminal returns the file descriptor of r when r is a terminal.
func terminal(r io.Reader) (int, bool) {
	f, ok := r.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// readPassword reads the new password and hashes it. On a terminal it
// asks on stderr, without echo, and asks again to catch a typing
// mistake; otherwise it reads one line. The policy is checked with the
// account name (a password must not contain it).
func readPassword(stdin io.Reader, stderr io.Writer, name string) (string, error) {
	if stdin == nil {
		stdin = os.Stdin
	}
	fd, tty := terminal(stdin)
	if !tty {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return auth.HashPassword(strings.TrimRight(line, "\r\n"), name)
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	pw, err := ask("新密码 / New password: ")
	if err != nil {
		return "", err
	}
	if err := auth.CheckPasswordPolicy(pw, name); err != nil {
		return "", err
	}
	again, err := ask("再输入一次 / Repeat it: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", errors.New("the two passwords differ; nothing was changed / 两次输入的密码不一致，未作更改")
	}
	return auth.HashPassword(pw, name)
}

// cliActor names who ran a command, for the audit log.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}
