package i18n

// authMessages are the strings of login, accounts and the audit log.
var authMessages = map[string][2]string{
	"login":              {"登录", "Log in"},
	"logout":             {"退出", "Log out"},
	"login.title":        {"登录进度", "Log in to Jindu"},
	"login.username":     {"用户名", "User name"},
	"login.password":     {"密码", "Password"},
	"login.failed":       {"用户名或密码错误，或账户已停用。", "Wrong user name or password, or the account is disabled."},
	"login.blocked":      {"登录失败次数过多，请 %d 秒后再试。", "Too many failed logins; try again in %d seconds."},
	"login.noaccounts":   {"尚未创建任何账户。请管理员在服务器上运行：jindu user add --db 数据库 --name admin --role admin --password-stdin", "No account exists yet. An administrator creates the first one on the server: jindu user add --db PATH --name admin --role admin --password-stdin"},
	"nav.users":          {"账户", "Accounts"},
	"nav.audit":          {"审计日志", "Audit log"},
	"error.forbidden":    {"您的角色无权执行此操作。", "Your role may not do this."},
	"users.title":        {"账户管理", "Accounts"},
	"users.name":         {"用户名", "Name"},
	"users.role":         {"角色", "Role"},
	"users.streets":      {"负责街道", "Streets"},
	"users.allstreets":   {"全区", "whole district"},
	"users.state":        {"状态", "State"},
	"users.active":       {"正常", "active"},
	"users.disabled":     {"已停用", "disabled"},
	"users.actions":      {"操作", "Actions"},
	"users.add":          {"新建账户", "New account"},
	"users.password":     {"密码（10–128 个字符）", "Password (10–128 characters)"},
	"users.streets.help": {"数据专干负责的街道，多个用逗号分隔；留空表示全区", "A clerk's streets, comma-separated; empty means the whole district"},
	"users.create":       {"创建", "Create"},
	"users.disable":      {"停用", "Disable"},
	"users.enable":       {"启用", "Enable"},
	"users.setpassword":  {"重设密码", "Set password"},
	"users.setrole":      {"修改角色", "Change role"},
	"users.done":         {"已保存。", "Saved."},
	"users.exists":       {"该用户名已存在。", "That name is taken."},
	"users.self":         {"不能停用或降级自己的账户。", "You cannot disable or demote your own account."},
	"audit.title":        {"审计日志", "Audit log"},
	"audit.at":           {"时间", "Time"},
	"audit.actor":        {"操作人", "Actor"},
	"audit.address":      {"地址", "Address"},
	"audit.action":       {"操作", "Action"},
	"audit.target":       {"对象", "Target"},
	"audit.detail":       {"详情", "Detail"},
	"audit.filter":       {"筛选", "Filter"},
	"audit.all":          {"全部", "all"},
	"audit.from":         {"起始日期", "From"},
	"audit.to":           {"截止日期", "To"},
	"audit.csv":          {"导出 CSV", "Export CSV"},
	"audit.none":         {"没有符合条件的记录。", "No entries match."},
	"audit.shown":        {"显示最近 %d 条", "Showing the latest %d"},
	"role.admin":         {"管理员", "administrator"},
	"role.clerk":         {"数据专干", "data clerk"},
	"role.viewer":        {"查看者", "viewer"},
}

func init() {
	for k, v := range authMessages {
		messages[k] = v
	}
}
