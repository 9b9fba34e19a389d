package i18n

// screenMessages are the strings of the officials' screens (issue 18): a
// street's verdict, the graded outlook, error pages that point the way,
// and the export in the page's language.
var screenMessages = map[string][2]string{
	"verdict.behind.communities": {"未达标的社区（按差距从大到小）", "Communities behind (largest gap first)"},
	"verdict.more.communities":   {"另 %d 个社区", "and %d more"},
}
