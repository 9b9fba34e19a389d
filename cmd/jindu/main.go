// Command jindu serves Jindu, the three-year target dashboard, and runs its
// administrative tasks. It is the only place that reads flags and
// environment variables and wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
	// subs are a command's own subcommands (jindu user add …), each with
	// its flags.
	subs []string
}

func commands() []command {
	return []command{
		{"serve", "run the web server", runServe, nil},
		{"import", "check and import ledger files (CSV, .xlsx, .xls, .ods) as batches", runImport, nil},
		{"pdf", "write a report PDF (A4) without a running server", runPDF, nil},
		{"gen", "write realistic ledger files (district, city or province scale)", runGen, nil},
		{"user", "manage accounts: add, passwd, list, disable, enable", runUser, userSubcommands},
		{"workflow", "show or set whether uploads need a reviewer's approval (--review on|off)", runWorkflow, nil},
		{"backup", "write an online, checked copy of the database", runBackup, nil},
		{"check", "check a database or backup (integrity, foreign keys, schema)", runCheck, nil},
		{"restore", "replace the database with a backup (server stopped; keeps the old file)", runRestore, nil},
		{"version", "print the version", runVersion, nil},
		{"service", serviceSummary, runService, nil},
		{"help", "this help, or one command's flags explained", runHelp, nil},
	}
}

// errUsage means the flags were wrong; the FlagSet has printed why.
var errUsage = errors.New("usage")

func main() { os.Exit(cliMain()) }

// cliMain runs the command line of this process; the tests call it too,
// when they run their own binary as jindu.
func cliMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// run dispatches a subcommand and returns the process exit code. There is
// no default command: `jindu` alone prints the help.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelpFlag(args[0]) {
		usage(ctx, stdout)
		return 0
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "jindu: %s is not a command: flags follow their command, e.g. `jindu serve %s` (there is no default command; `jindu help` lists them all)\n", args[0], strings.Join(args, " "))
		return 2
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		// Help that was asked for goes to standard output, like `jindu
		// help`; a flag error's usage goes to standard error.
		errw := stderr
		if slices.ContainsFunc(args[1:], isHelpFlag) {
			errw = stdout
		}
		err := c.run(ctx, args[1:], stdin, stdout, errw)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "jindu %s: %v\n", c.name, err)
			var ec interface{ ExitCode() int }
			if errors.As(err, &ec) {
				return ec.ExitCode()
			}
			return 1
		}
	}
	fmt.Fprintf(stderr, "jindu: unknown command %q\n\n", args[0])
	usage(ctx, stderr)
	return 2
}

// isHelpFlag reports whether a is one of the spellings of --help.
func isHelpFlag(a string) bool {
	switch a {
	case "-h", "-help", "--h", "--help":
		return true
	}
	return false
}

func usage(ctx context.Context, w io.Writer) {
	fmt.Fprintln(w, "jindu (进度): progress against the district's three-year governance targets.")
	fmt.Fprintln(w, "\nUsage: jindu COMMAND [flags]")
	fmt.Fprintln(w, "There is no default command: `jindu` alone prints this help, `jindu serve` runs the server.")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command with every flag (`jindu help COMMAND` or `jindu COMMAND --help` explains them):")
	for _, s := range synopses(ctx) {
		fmt.Fprintln(w, "  "+s)
	}
}

// synopses lists every command (and every user subcommand) with all its
// flags, as each one's --help prints it first: the README's command list
// is compared with it.
func synopses(ctx context.Context) []string {
	var out []string
	for _, c := range commands() {
		if c.name == "help" {
			out = append(out, "jindu help [COMMAND]")
			continue
		}
		subs := [][]string{nil}
		if c.subs != nil {
			subs = nil
			for _, s := range c.subs {
				subs = append(subs, []string{s})
			}
		}
		for _, sub := range subs {
			var b strings.Builder
			c.run(ctx, append(sub, "--help"), nil, io.Discard, &b) // parses its flags and stops
			for line := range strings.Lines(b.String()) {
				if s, ok := strings.CutPrefix(line, "usage: "); ok {
					out = append(out, strings.TrimSpace(s))
					break
				}
			}
		}
	}
	return out
}

// runHelp prints the help, or one command's flags explained.
func runHelp(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelpFlag(args[0]) {
		usage(ctx, stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run(ctx, append(slices.Clone(args[1:]), "--help"), nil, stdout, stdout)
		}
	}
	fmt.Fprintf(stderr, "jindu help: unknown command %q\n", args[0])
	return errUsage
}

// newFlags returns a FlagSet that reports errors instead of exiting. Its
// usage starts with a synopsis naming every flag ("usage: jindu NAME
// --required VALUE [--flag VALUE] … ARGS"; a flag is required when its
// usage says "(required)"), then explains each. args names the positional
// arguments, if any.
func newFlags(name string, stderr io.Writer, args ...string) *flag.FlagSet {
	fs := flag.NewFlagSet("jindu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "usage: "+synopsis(fs, args))
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// synopsis is the one-line usage of a FlagSet: its required flags, then
// the others in brackets, then the positional arguments.
func synopsis(fs *flag.FlagSet, args []string) string {
	var req, opt []string
	fs.VisitAll(func(f *flag.Flag) {
		s := "--" + f.Name
		if v := valueName(f); v != "" {
			s += " " + v
		}
		if strings.Contains(f.Usage, "(required)") {
			req = append(req, s)
		} else {
			opt = append(opt, "["+s+"]")
		}
	})
	return strings.Join(slices.Concat([]string{fs.Name()}, req, opt, args), " ")
}

// valueNames name the values of the flags whose upper-cased name would
// say less.
var valueNames = map[string]string{
	"addr": "HOST:PORT", "db": "PATH", "program": "FILE", "chromium": "PATH", "backup-dir": "DIR",
	"as": "USER", "lang": "zh|en", "scale": "district|city|province", "years": "YEAR[-YEAR]",
	"from": "FILE", "out": "FILE", "role": "admin|clerk|reviewer|viewer", "review": "on|off", "year": "YEAR",
}

// valueName names a flag's value: the `quoted` word of its usage, one of
// valueNames, or one that says its type ("" for a switch).
func valueName(f *flag.Flag) string {
	if name, _ := flag.UnquoteUsage(f); name != "" && strings.Contains(f.Usage, "`") {
		return name
	}
	if v, ok := valueNames[f.Name]; ok {
		return v
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			return ""
		case int, int64, uint, uint64:
			return "N"
		case time.Duration:
			return "DURATION"
		}
	}
	return strings.ToUpper(f.Name)
}

// parse parses flags, mapping a bad flag to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 && fs.Name() != "jindu import" {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// makeParentDir creates the directory a file is to be written in, as
// `mkdir -p` would (mode 0700: a database holds password hashes), so that
// `--db data/jindu.db` works on a fresh checkout.
func makeParentDir(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

// existingDB refuses a database that is not there, for the commands that
// only read or change one: a mistyped path must not create an empty one.
func existingDB(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("database %s does not exist / 数据库不存在 (`jindu user add`, `jindu import` and `jindu serve` create one)", path)
		}
		return fmt.Errorf("database %s: %w", path, err)
	}
	return nil
}
