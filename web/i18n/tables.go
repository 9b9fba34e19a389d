package i18n

// tableMessages serve the tables of every page (the "只看未达标" switch)
// and the wall screen (?tv=1).
var tableMessages = map[string][2]string{
	"table.all":    {"显示全部 %d 行", "Show all %d rows"},
	"table.unmet":  {"只看未达标（%d 个）", "Only those not yet met (%d)"},
	"table.scroll": {"← 左右滑动查看更多列 →", "← Swipe sideways for more columns →"},
	"tv.link":      {"大屏", "Wall screen"},
	"tv.exit":      {"退出大屏", "Leave wall screen"},
}
