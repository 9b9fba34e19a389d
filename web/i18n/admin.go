package i18n

// adminMessages are the strings issue 19 added to the accounts, backups and
// targets pages (kept apart so the older tables stay as they were).
var adminMessages = map[string][2]string{
	"users.lastlogin":           {"上次登录", "Last login"},
	"users.never":               {"从未登录", "never"},
	"users.newpassword":         {"新密码（10–128 个字符）", "New password (10–128 characters)"},
	"users.relogin":             {"保存后该账户需要重新登录。", "The account will have to log in again."},
	"users.disable.what":        {"停用后 %s 将无法登录，已登录的会话立即结束；之后可以再启用。", "%s will no longer be able to log in, and their sessions end now; you can enable the account again later."},
	"users.disable.confirm":     {"确认停用 %s", "Disable %s"},
	"users.disable.unconfirmed": {"停用账户需要先确认。", "Disabling an account must be confirmed."},
	"users.scope":               {"负责街道（仅数据专干）", "Streets (data clerks only)"},
	"users.scope.help":          {"数据专干只能导入所选街道的数据。", "A data clerk may only import the chosen streets' data."},
	"users.scope.streets":       {"指定街道：", "These streets:"},
	"users.scope.district":      {"全区所有街道", "The whole district (every street)"},
	"users.scope.nostreets":     {"还没有街道数据：请先导入数据，或选择全区。", "No street is known yet: import data first, or choose the whole district."},
	"users.scope.none":          {"请为数据专干选择至少一个街道，或明确选择“全区所有街道”。", "Choose at least one street for a data clerk, or choose the whole district explicitly."},
	"users.scope.unknown":       {"没有名为“%s”的街道。", "There is no street named “%s”."},
	"users.badname":             {"用户名须为 1–64 个字符，角色须为查看者、数据专干或管理员。", "The name must be 1 to 64 characters and the role viewer, data clerk or administrator."},
	"backups.restoretitle":      {"恢复备份", "Restoring a backup"},
	"backups.lasttitle":         {"上次备份", "Last backup"},
	"backups.list":              {"全部备份", "All backups"},
	"backups.last":              {"%s，%s，写入时完整性与外键检查通过。", "%s, %s; its integrity and foreign-key checks passed when it was written."},
	"backups.lastfailed":        {"%s 的备份失败，详见服务器日志。", "The backup at %s failed; see the server log."},
	"backups.busy":              {"已有一个备份正在写入，请稍后刷新本页查看结果。", "A backup is being written already; reload this page shortly to see it."},
	"backups.badcheck":          {"备份失败：备份副本未通过完整性检查，未保存。请管理员运行 jindu check。", "The backup failed: the copy did not pass its integrity check and was not kept. An administrator should run jindu check."},
	"targets.cell":              {"%s %s 年目标（%%）", "%s target for %s (%%)"},
	"targets.preview":           {"预览影响", "Preview the effect"},
	"targets.preview.title":     {"修改后状态将变化的指标（尚未保存）", "Statuses these targets would change (not saved yet)"},
	"targets.preview.summary":   {"本次修改 %d 个目标，将改变 %d 项达标状态。核对后点“保存”。", "%d targets changed; %d statuses would change. Check them, then Save."},
	"targets.preview.more":      {"另有 %d 项未列出。", "%d more not listed."},
	"targets.preview.scope":     {"范围", "Scope"},
	"targets.preview.district":  {"全区", "District"},
	"targets.preview.change":    {"状态变化", "Status change"},
}

func init() { register(adminMessages) }
