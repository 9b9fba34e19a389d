package i18n

// auditMessages say the audit log's entries in words, and name its
// actions.
var auditMessages = map[string][2]string{
	"audit.event":             {"记录", "Event"},
	"audit.w.login":           {"%s 登录", "%s logged in"},
	"audit.w.logout":          {"%s 退出登录", "%s logged out"},
	"audit.w.loginfailed":     {"以 %s 登录失败（%s）", "A login as %s failed (%s)"},
	"audit.w.wrongpassword":   {"用户名或密码错误", "wrong user name or password"},
	"audit.w.accountdisabled": {"账户已停用", "account disabled"},
	"audit.w.blocked":         {"%s 的登录尝试过多，已被暂时拦截", "Too many login attempts for %s: blocked for a while"},
	"audit.w.useradd":         {"%s 新建了账户 %s（%s）", "%s created the account %s (%s)"},
	"audit.w.useradd.plain":   {"%s 新建了账户 %s", "%s created the account %s"},
	"audit.w.userrole":        {"%s 将 %s 的角色改为%s", "%s made %s a %s"},
	"audit.w.userrole.plain":  {"%s 修改了 %s 的角色", "%s changed the role of %s"},
	"audit.w.password":        {"%s 重设了 %s 的密码（其会话已结束）", "%s set a new password for %s (their sessions ended)"},
	"audit.w.disable":         {"%s 停用了账户 %s", "%s disabled the account %s"},
	"audit.w.enable":          {"%s 启用了账户 %s", "%s enabled the account %s"},
	"audit.w.upload":          {"%s 上传了第 %d 批（%s，%d 行）", "%s uploaded batch %d (%s, %d rows)"},
	"audit.w.rollback":        {"%s 撤销了第 %d 批（%d 个单位年度；原因：%s）", "%s rolled back batch %d (%d unit-years; reason: %s)"},
	"audit.w.target":          {"%s 将 %s %s 年的目标由 %s 改为 %s", "%s changed the %[3]s target of “%[2]s” from %[4]s to %[5]s"},
	"audit.a.login":           {"登录", "login"},
	"audit.a.login_failed":    {"登录失败", "failed login"},
	"audit.a.login_blocked":   {"登录被拦截", "blocked login"},
	"audit.a.logout":          {"退出", "logout"},
	"audit.a.user_add":        {"新建账户", "new account"},
	"audit.a.user_password":   {"重设密码", "password set"},
	"audit.a.user_disable":    {"停用账户", "account disabled"},
	"audit.a.user_enable":     {"启用账户", "account enabled"},
	"audit.a.user_role":       {"修改角色", "role changed"},
	"audit.a.upload":          {"导入数据", "data upload"},
	"audit.a.rollback":        {"撤销批次", "rollback"},
	"audit.a.program_change":  {"修改目标", "target changed"},
}

func init() { register(auditMessages) }
