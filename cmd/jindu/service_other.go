//go:build !windows

package main

import (
	"context"
	"errors"
	"io"
)

const serviceSummary = "Windows service: install, uninstall (Windows only; the Linux packages use systemd)"

func runService(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
	return errors.New("jindu service 仅用于 Windows；Linux 上请安装 .deb/.rpm 软件包，它带有 systemd 服务 / " +
		"jindu service is for Windows; on Linux, install the .deb or .rpm package, which installs a systemd unit")
}
