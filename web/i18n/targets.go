package i18n

// targetMessages are the strings of the targets page.
var targetMessages = map[string][2]string{
	"nav.targets":       {"目标设置", "Targets"},
	"targets.title":     {"目标设置", "Targets"},
	"targets.help":      {"每个指标每年的目标（百分比，0–100）。留空表示没有数值目标（方案中的“普遍”）；修改会记入审计日志，并立即反映在所有页面和报告中。", "Each indicator's target per year (percent, 0–100). Leave a cell empty for no numeric target (the plan's \"generally\"); changes are audited and apply at once to every page and report."},
	"targets.indicator": {"指标", "Indicator"},
	"targets.save":      {"保存", "Save"},
	"targets.saved":     {"已保存 %d 项修改。", "%d changes saved."},
	"targets.bad":       {"“%s” %d 年的目标“%s”无效：须为 0–100 的整数或留空。", "The %[1]s target for %[2]d, %[3]q, is invalid: a whole number 0–100, or empty."},
}
