package main

import (
	"flag"
	"fmt"
	"io"
)

// serviceUsage is the synopsis of `jindu service` on every system, so that
// `jindu help` lists the same commands everywhere.
const serviceUsage = "jindu service install [--addr ADDR] [--dir DIR] | uninstall | run"

// serviceHelp prints the synopsis: asked for (--help, exit 0) or because
// the subcommand is missing (a usage error).
func serviceHelp(args []string, w io.Writer) error {
	fmt.Fprintln(w, "usage: "+serviceUsage)
	fmt.Fprintln(w, "\n"+serviceSummary)
	fmt.Fprint(w, `
flags of install (more flags of jindu serve may follow after --):
  -addr ADDR
    	listen address (default 127.0.0.1:8080; 0.0.0.0:8080 serves other computers)
  -dir DIR
    	data folder: the database, backups and the log (default %ProgramData%\Jindu)
`)
	if len(args) == 0 {
		return errUsage
	}
	return flag.ErrHelp
}
