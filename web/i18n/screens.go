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
}
