#!/bin/sh
# After the files are removed: dpkg "remove", "purge", "upgrade" …, rpm 0
# (erase) or 1 or more (upgrade). The data, and the account that owns it,
# are kept even on purge: they are a district's records.
set -e
case "$1" in
remove | purge | 0)
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
	echo "jindu: 数据库和备份保留在 /var/lib/jindu，不再需要时请自行删除 / the database and backups in /var/lib/jindu are kept; delete them yourself when no longer needed"
	;;
esac
exit 0
