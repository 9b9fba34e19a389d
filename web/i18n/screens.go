package i18n

// screenMessages are the strings of the officials' screens (issue 18): a
// street's verdict, the graded outlook, error pages that point the way,
// and the export in the page's language.
var screenMessages = map[string][2]string{
	"verdict.behind.communities": {"未达标的社区（按差距从大到小）", "Communities behind (largest gap first)"},
	"verdict.more.communities":   {"另 %d 个社区", "and %d more"},

	"outlook.atrisk":       {"本年达标，但按此速度 %d 年预计 %s，需加快", "met this year, but at this pace %d is projected at %s: needs to speed up"},
	"outlook.unmet.prefix": {"本年未达标，", "not met this year, "},
	"outlook.close":        {"接近达标（差 ≤ %d 个）", "close (≤ %d short)"},
	"outlook.far":          {"差距较大（差 > %d 个）", "far behind (> %d short)"},
	"help.atrisk":          {"当年节点已达到，但按实际速度预计到最后节点年仍达不到最终目标：提示需要加快。", "this year's milestone is met, but at the observed pace the final target is not reached in the final milestone year: a prompt to speed up."},
	"help.close":           {"已到（或已过）最后节点年仍未达标，但只差不超过 %d 个单位：再评上几个即可。", "the final milestone year is here (or past) and the target is missed, but by at most %d units: a few more ratings close it."},
	"help.far":             {"已到最后节点年，差距超过 %d 个单位。", "the final milestone year is here and the target is missed by more than %d units."},
	"help.onestatus":       {"每张指标卡只显示一个状态：上面的研判结论已包含当年是否达标。", "Each indicator card shows one status: the outlook above already says whether this year's milestone is met."},

	"error.title.400":      {"请求有误", "Bad request"},
	"error.title.401":      {"需要登录", "Login required"},
	"error.title.403":      {"无权访问", "Forbidden"},
	"error.title.404":      {"页面不存在", "Not found"},
	"error.title.405":      {"不支持此操作", "Method not allowed"},
	"error.title.409":      {"操作冲突", "Conflict"},
	"error.title.413":      {"文件太大", "Too large"},
	"error.title.429":      {"请求过于频繁", "Too many requests"},
	"error.title.500":      {"服务器出错", "Server error"},
	"error.title.503":      {"暂时无法提供", "Service unavailable"},
	"error.noyear.list":    {"没有 %s 年的数据。", "No data for %s."},
	"error.years":          {"可查看的年份", "Years with data"},
	"error.streets":        {"全部街道", "All streets"},
	"error.nostreet.named": {"没有名为“%s”的街道。", "No street named “%s”."},
	"error.suggest":        {"您是否要找", "Did you mean "},
	"error.suggest.end":    {"？", "?"},
}
