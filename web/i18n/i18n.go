// Package i18n holds Jindu's user-interface strings in Simplified Chinese
// (the default) and English, and picks the language of a request.
package i18n

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a user-interface language.
type Lang string

// Supported languages.
const (
	Zh Lang = "zh"
	En Lang = "en"
)

// CookieName remembers the chosen language.
const CookieName = "jindu_lang"

// Parse returns the language named by s ("zh", "zh-CN", "en", "en-US"…).
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-"):
		return Zh, true
	case s == "en" || strings.HasPrefix(s, "en-"):
		return En, true
	}
	return "", false
}

// FromRequest picks the language: ?lang=, then the cookie, then the
// Accept-Language header matched by its q-values, then Chinese. The second result is true
// when ?lang= asked for a language, so the caller can remember it.
func FromRequest(r *http.Request) (Lang, bool) {
	if l, ok := Parse(r.URL.Query().Get("lang")); ok {
		return l, true
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if l, ok := Parse(c.Value); ok {
			return l, false
		}
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		return fromAcceptLanguage(al), false
	}
	return Zh, false
}

// supported are the languages in matcher order; the first is the default.
var (
	supported = []Lang{Zh, En}
	matcher   = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})
)

// fromAcceptLanguage picks the supported language the header prefers, by
// its q-values; Chinese when it names neither.
func fromAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Zh
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Zh
	}
	return supported[i]
}

// Tag is the BCP 47 tag for the html lang attribute.
func (l Lang) Tag() string {
	if l == En {
		return "en"
	}
	return "zh-CN"
}

// Other is the language the switcher offers.
func (l Lang) Other() Lang {
	if l == En {
		return Zh
	}
	return En
}

// T returns the string for key; a missing key shows as itself so it is
// noticed, never as an empty label.
func (l Lang) T(key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if l == En {
		return m[1]
	}
	return m[0]
}

// F formats the string for key with args.
func (l Lang) F(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// N formats the string for key with the count n as its first argument
// (and args after it), in English in the singular when n is 1.
func (l Lang) N(key string, n int, args ...any) string {
	text := l.T(key)
	if one, ok := englishOne[key]; ok && l == En && n == 1 {
		text = one
	}
	return fmt.Sprintf(text, append([]any{n}, args...)...)
}

// Pick returns zh or en by language, for labels that come with data.
func (l Lang) Pick(zh, en string) string {
	if l == En && en != "" {
		return en
	}
	return zh
}

// generalMessages are the layout's and every page's common strings.
var generalMessages = map[string][2]string{
	"app.name":          {"进度", "Jindu"},
	"app.tagline":       {"三年目标进度", "Three-year target progress"},
	"nav.dashboard":     {"总览", "Overview"},
	"lang.switch":       {"English", "中文"},
	"demo.banner":       {"示例数据 · 本页数据为系统生成的演示数据，不代表真实情况", "Demo data · generated for demonstration, not real figures"},
	"year":              {"年份", "Year"},
	"year.select":       {"选择年份", "Select year"},
	"year.fmt":          {"%d年", "%d"},
	"baseline":          {"基线", "baseline"},
	"met":               {"达标", "met"},
	"unmet":             {"未达标", "not met"},
	"nodata":            {"无数据", "no data"},
	"notarget":          {"无数值目标", "no numeric target"},
	"target":            {"目标", "Target"},
	"target.fmt":        {"目标 %d%%", "target %d%%"},
	"milestone":         {"节点目标", "Milestone"},
	"percent":           {"占比", "Share"},
	"counts":            {"数量", "Count"},
	"status":            {"状态", "Status"},
	"needed.fmt":        {"还需 %d %s", "%d more needed"},
	"unknown.fmt":       {"%d 个未填报", "%d not reported"},
	"headline":          {"%d年主要指标", "Key indicators, %d"},
	"ratings":           {"评级指标", "Ratings"},
	"completion":        {"完成类指标", "Completion"},
	"general.note":      {"方案要求“普遍”，未设数值目标", "The plan says \"generally\"; no numeric target set"},
	"nodata.title":      {"暂无数据", "No data yet"},
	"nodata.body":       {"数据库中还没有任何单位的状态数据。请由数据专干上传台账，或以 --demo 启动查看示例。", "The database holds no status data yet. Ask a data clerk to upload a ledger, or start with --demo to see an example."},
	"data.asof":         {"数据截至 %s · 数据版本 %s", "Data as of %s · version %s"},
	"data.none":         {"尚无数据", "no data yet"},
	"chart.summary.fmt": {"%s：%s", "%s: %s"},
	"table.caption":     {"%s（数据表）", "%s (data table)"},
	"download.csv":      {"下载 CSV", "Download CSV"},
	"street":            {"街道", "Street"},
	"district":          {"全区", "District"},
	"error.notfound":    {"这个地址没有页面，请检查链接。", "There is no page at this address; check the link."},
	"error.internal":    {"服务器内部错误，请稍后重试", "Internal server error; please try again later"},
	"error.badyear":     {"年份格式不正确", "Malformed year"},
	"milestone.none":    {"无节点目标", "no milestone"},
	"money.fmt":         {"%s 万元", "¥%s"},
	"skip.main":         {"跳到正文", "Skip to content"},
	"nav.main":          {"主导航", "Main"},
}
