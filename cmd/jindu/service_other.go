//go:build !windows

package main

import (
	"context"
	"errors"
	"io"
)

const serviceSummary = "Windows service: install, uninstall (Windows only; the Linux packages use systemd)"

func runService(_ context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	if len(args) == 0 || isHelpFlag(args[0]) {
		return serviceHelp(args, stderr)
	}
	return errors.New("jindu service 仅用于 Windows；Linux 上请安装 .deb/.rpm 软件包，它带有 systemd 服务 / " +
		"jindu service is for Windows; on Linux, install the .deb or .rpm package, which installs a systemd unit")
}

// The Windows service's helpers (service_sid.go, logfile.go) are portable
// on purpose, so that their tests run on every platform. Elsewhere only
// those tests call them; this reference says so to deadcode, which
// analyses the build of the platform it runs on.
var _ = []any{serviceSID, openLogFile}
