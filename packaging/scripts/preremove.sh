#!/bin/sh
# Before the files are removed: dpkg "remove" or "upgrade NEW-VERSION",
# rpm 0 (erase) or 1 or more (upgrade). Only an erase stops the service.
set -e
case "$1" in
remove | 0)
	if [ -d /run/systemd/system ]; then
		systemctl stop jindu.service || true
	fi
	systemctl disable jindu.service >/dev/null 2>&1 || true
	;;
esac
exit 0
