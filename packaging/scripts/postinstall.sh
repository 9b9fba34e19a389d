#!/bin/sh
# After the files are unpacked: dpkg "configure [OLD-VERSION]" (an old
# version means an upgrade), rpm 1 (install) or 2 or more (upgrade).
set -e

first=yes
case "$1" in
configure) [ -z "$2" ] || [ -e /var/lib/jindu/.package-install ] || first=no ;;
1) ;;
[2-9]*) first=no ;;
*) exit 0 ;; # dpkg's abort-* calls: nothing to undo
esac
rm -f /var/lib/jindu/.package-install

running=no
[ -d /run/systemd/system ] && running=yes
[ $running = no ] || systemctl daemon-reload || true

if [ $first = no ]; then
	# An upgrade: a running server restarts on the new binary, which
	# migrates the database (writing jindu.db.pre-vN.bak first).
	[ $running = no ] || systemctl try-restart jindu.service || true
	exit 0
fi

# Enabled (it starts at boot), but the unit starts only once the database
# exists, i.e. once an administrator has been created.
systemctl enable jindu.service >/dev/null 2>&1 || true
if [ -f /var/lib/jindu/jindu.db ]; then
	if [ $running = yes ] && systemctl start jindu.service; then
		echo "jindu: 已用现有数据库 /var/lib/jindu/jindu.db 启动 / started with the existing database"
	else
		echo "jindu: 已启用，使用现有数据库 /var/lib/jindu/jindu.db / enabled with the existing database: systemctl start jindu"
	fi
	exit 0
fi
cat <<'MSG'

Jindu 已安装，已设为开机启动；创建第一个管理员后即可启动。
创建管理员（输入至少 10 个字符的口令后回车）并启动服务：
Jindu is installed and enabled; it starts once an administrator exists.
Create one (type a passphrase of at least 10 characters, then Enter) and start it:

  runuser -u jindu -- jindu user add --db /var/lib/jindu/jindu.db --name admin --role admin --password-stdin && systemctl start jindu

It listens on 127.0.0.1:8080, behind nginx with TLS (docs/ops/nginx.conf);
change its flags with `systemctl edit jindu`. Data and backups: /var/lib/jindu.
MSG
exit 0
