#!/bin/sh
# Before the files are unpacked: on install (dpkg: install, rpm: 1) and on
# upgrade (dpkg: upgrade OLD-VERSION, rpm: 2 or more).
set -e

# The system account the service runs as; its home is the data folder.
getent group jindu >/dev/null || groupadd --system jindu
if ! getent passwd jindu >/dev/null; then
	useradd --system --gid jindu --home-dir /var/lib/jindu --no-create-home \
		--shell "$(command -v nologin || echo /bin/false)" --comment "Jindu" jindu
fi

# The data folder: the database and its backups; only the service's
# account may open it. The package never owns it, so removing the package
# keeps it.
install -d -o jindu -g jindu -m 0700 /var/lib/jindu

case "$1" in
install)
	# dpkg calls postinst "configure OLD-VERSION" both after an upgrade and
	# after a reinstall of a removed package: tell it which.
	: >/var/lib/jindu/.package-install
	;;
upgrade | [2-9]*)
	# The binary still installed is the old one: it backs the database up
	# before the new one may migrate it. A failed backup stops the upgrade.
	db=/var/lib/jindu/jindu.db
	if [ -f "$db" ] && [ -x /usr/bin/jindu ]; then
		out=/var/lib/jindu/backups/pre-upgrade-$(date -u +%Y%m%dT%H%M%SZ).db
		install -d -o jindu -g jindu -m 0700 /var/lib/jindu/backups
		if ! runuser -u jindu -- /usr/bin/jindu backup --db "$db" --out "$out"; then
			echo "jindu: 升级前备份失败，未做任何改动 / the backup before the upgrade failed; nothing was changed" >&2
			exit 1
		fi
		echo "jindu: 升级前已备份 / backed up before the upgrade: $out"
	fi
	;;
esac
exit 0
