package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are set at build time by `make build` and
// `make release`: -ldflags "-X main.version=$(git describe …) -X main.commit=…".
// A plain `go build` leaves version "dev" and takes the commit from the
// build's VCS stamp when there is one.
var (
	version = "dev"
	commit  = ""
)

// buildCommit is the commit the binary was built from, or "unknown".
func buildCommit() string {
	if commit != "" {
		return commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if rev != "" {
			return rev + dirty
		}
	}
	return "unknown"
}

// runVersion prints the version alone on the first line, for scripts
// (`jindu version | head -n 1`), then what the binary was built from.
func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, version)
	fmt.Fprintf(stdout, "commit   %s\n", buildCommit())
	fmt.Fprintf(stdout, "go       %s\n", runtime.Version())
	fmt.Fprintf(stdout, "platform %s/%s\n", runtime.GOOS, runtime.GOARCH)
	return nil
}
