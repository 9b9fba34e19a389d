package i18n

// opsMessages are the strings of the administrators' backups page.
var opsMessages = map[string][2]string{
	"backups.title":   {"数据备份", "Backups"},
	"nav.backups":     {"备份", "Backups"},
	"backups.off":     {"未开启自动备份。启动服务时加上 --backup-dir 目录（以及 --backup-every、--backup-keep）即可开启。", "Automatic backups are off. Start the server with --backup-dir DIR (and --backup-every, --backup-keep) to turn them on."},
	"backups.dir":     {"备份目录 %s，保留最近 %d 份。", "Backups go to %s; the newest %d are kept."},
	"backups.none":    {"还没有备份。", "No backup yet."},
	"backups.name":    {"文件", "File"},
	"backups.time":    {"时间", "Time"},
	"backups.size":    {"大小", "Size"},
	"backups.now":     {"立即备份", "Back up now"},
	"backups.done":    {"已写入备份 %s（%s），完整性检查通过。", "Backup %s written (%s); integrity check passed."},
	"backups.failed":  {"备份失败，详见服务器日志。", "The backup failed; see the server log."},
	"backups.restore": {"先停止服务，再在服务器上运行下面的命令（换成要恢复的备份文件）；被替换的数据库文件会保留。", "Stop the server, then run this command on it (with the backup you want); the replaced database file is kept."},
}
