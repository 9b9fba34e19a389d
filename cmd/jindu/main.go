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
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (默认命令)", runServe},
		{"import", "check and import ledger files (CSV, .xlsx) as batches", runImport},
		{"pdf", "write a report PDF (A4) without a running server", runPDF},
		{"gen", "write realistic ledger files (district, city or province scale)", runGen},
		{"user", "manage accounts: add, passwd, list, disable, enable", runUser},
		{"backup", "write an online, checked copy of the database", runBackup},
		{"check", "check a database or backup (integrity, foreign keys, schema)", runCheck},
		{"restore", "replace the database with a backup (server stopped; keeps the old file)", runRestore},
		{"version", "print the version", runVersion},
		{"service", serviceSummary, runService},
	}
}

// errUsage means the flags were wrong; the FlagSet has printed why.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdin, stdout, stderr)
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
	}
	fmt.Fprintf(stderr, "jindu: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "jindu (进度): progress against the district's three-year governance targets.")
	fmt.Fprintln(w, "\nUsage: jindu <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `jindu <command> --help` for a command's flags.")
}

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("jindu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
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
