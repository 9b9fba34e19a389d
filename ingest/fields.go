package ingest

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"jindu/metrics"
)

// field is a recognised column meaning.
type field int

const (
	fYear field = iota
	fStreet
	fCommunity
	fCommunityType
	fCompound
	fFiveGood
	fStars
	fServiceCenter
	fPartyBranch
	fOwnersCommittee
	fPropertyService
	fStar0 // 党建引领星; fStar0+i follows metrics.StarNames
	fStar1
	fStar2
	fStar3
	fStar4
	numFields
)

// fieldNone marks a column whose header cell is empty; fieldUnknown one
// whose header is not recognised; fieldIgnored a known column that holds
// nothing to import (序号, 备注).
const (
	fieldIgnored field = -3
	fieldNone    field = -2
	fieldUnknown field = -1
)

// fieldInfo describes each field: its canonical Chinese header (used by the
// templates and in messages), its English header and further accepted
// Chinese headers.
var fieldInfo = [numFields]struct {
	zh      string
	en      string
	aliases []string
}{
	fYear:            {"年份", "year", []string{"年度"}},
	fStreet:          {"街道", "street", []string{"街道办事处", "街道办"}},
	fCommunity:       {"社区", "community", []string{"社区居委会"}},
	fCommunityType:   {"社区类型", "community_type", []string{"社区类别"}},
	fCompound:        {"小区", "compound", []string{"小区(院落)", "院落"}},
	fFiveGood:        {"五好", "five_good", []string{"五好社区", "五好街道", "五好党组织"}},
	fStars:           {"星级", "stars", []string{"星级评定", "五星创建星级"}},
	fServiceCenter:   {"党群服务中心", "service_center", nil},
	fPartyBranch:     {"小区党支部", "party_branch", []string{"党支部"}},
	fOwnersCommittee: {"业委会", "owners_committee", []string{"院委会", "物业管理委员会", "业主委员会"}},
	fPropertyService: {"物业服务", "property_service", []string{"物业", "物业服务企业"}},
	fStar0:           {"党建引领星", metrics.StarNames[0], nil},
	fStar1:           {"便民服务星", metrics.StarNames[1], nil},
	fStar2:           {"文明风尚星", metrics.StarNames[2], nil},
	fStar3:           {"和谐稳定星", metrics.StarNames[3], nil},
	fStar4:           {"美丽宜居星", metrics.StarNames[4], nil},
}

// ignoredHeaders are known columns that hold nothing to import.
var ignoredHeaders = []string{"序号", "编号", "备注", "说明", "no", "no.", "remark", "remarks", "note", "notes"}

// headerIndex maps a normalised header to its field.
var headerIndex = func() map[string]field {
	m := map[string]field{}
	for f := range numFields {
		fi := fieldInfo[f]
		for _, h := range append([]string{fi.zh, fi.en}, fi.aliases...) {
			m[normHeader(h)] = f
		}
	}
	for _, h := range ignoredHeaders {
		m[normHeader(h)] = fieldIgnored
	}
	return m
}()

// Header wrappers clerks put around a column's name: "是否建立小区党支部",
// "有无党群服务中心", "五好情况", "街道名称". A wrapper only fits some
// fields: "名称" a name, "是否…" a yes/no or rating.
var (
	headerPrefixes = []string{"是否已", "是否", "有无", "有没有"}
	headerVerbs    = []string{"建立", "建成", "成立", "引进", "配备", "设立", "组建", "评为", "评定为", "达到", "创建", "为", "有", "已"}
	headerSuffixes = []string{"情况", "状态", "与否"}
	nameSuffixes   = []string{"名称", "名字", "全称"}
	namePrefixes   = []string{"所属", "所在"}
)

// matchHeader finds the field a header names: the normalised header
// itself, else once the usual wrappers are taken off, when the wrapper
// fits the field. core is the header without its wrappers (for
// suggestions).
func matchHeader(h string) (f field, core string, ok bool) {
	n := normHeader(h)
	if f, ok := headerIndex[n]; ok {
		return f, n, true
	}
	core, yesNo, name := stripWrappers(n)
	f, ok = headerIndex[core]
	switch {
	case !ok || core == n:
		return fieldUnknown, core, false
	case yesNo && name:
		return fieldUnknown, core, false
	case yesNo && !(f.isBool() || f == fStars):
		return fieldUnknown, core, false
	case name && f != fStreet && f != fCommunity && f != fCompound:
		return fieldUnknown, core, false
	}
	return f, core, true
}

// stripWrappers takes the wrappers off a normalised header: yesNo says a
// yes/no wrapper was removed, name a name wrapper.
func stripWrappers(n string) (core string, yesNo, name bool) {
	cut := func(s, pre string) (string, bool) {
		if len(s) > len(pre) && strings.HasPrefix(s, pre) {
			return s[len(pre):], true
		}
		return s, false
	}
	cutSuffix := func(s, suf string) (string, bool) {
		if len(s) > len(suf) && strings.HasSuffix(s, suf) {
			return s[:len(s)-len(suf)], true
		}
		return s, false
	}
	core = n
	for changed := true; changed; {
		changed = false
		for _, pre := range headerPrefixes {
			if s, ok := cut(core, pre); ok {
				core, yesNo, changed = s, true, true
				for _, v := range headerVerbs {
					if s, ok := cut(core, v); ok {
						core = s
						break
					}
				}
			}
		}
		for _, suf := range headerSuffixes {
			if s, ok := cutSuffix(core, suf); ok {
				core, yesNo, changed = s, true, true
			}
		}
		for _, suf := range nameSuffixes {
			if s, ok := cutSuffix(core, suf); ok {
				core, name, changed = s, true, true
			}
		}
		for _, pre := range namePrefixes {
			if s, ok := cut(core, pre); ok {
				core, name, changed = s, true, true
			}
		}
		if t := trimRemark(core); t != core && t != "" {
			core, changed = t, true
		}
	}
	return core, yesNo, name
}

// similarField returns the field whose name is close to an unrecognised
// header (a likely typo: one character off for names of three or more
// characters, two for six or more), or false. Headers holding a wrapper
// the field does not take are not suggested: "物业服务企业名称" is a name,
// not the 物业服务 column.
func similarField(h string) (field, bool) {
	n := normHeader(h)
	core, _, _ := stripWrappers(n)
	if _, ok := headerIndex[core]; ok {
		return fieldUnknown, false
	}
	best, bestD := fieldUnknown, 1<<30
	for _, cand := range []string{n, core} {
		rc := []rune(cand)
		if len(rc) < 3 {
			continue
		}
		limit := 1
		if len(rc) >= 6 {
			limit = 2
		}
		for key, f := range headerIndex {
			if f < 0 || isASCII(key) {
				continue
			}
			rk := []rune(key)
			if len(rk) < 3 {
				continue
			}
			if d := metrics.EditDistance(rc, rk); d <= limit && d < bestD {
				best, bestD = f, d
			}
		}
	}
	return best, best >= 0
}

// isBool reports whether the field holds a yes/no value.
func (f field) isBool() bool {
	switch f {
	case fFiveGood, fServiceCenter, fPartyBranch, fOwnersCommittee, fPropertyService:
		return true
	}
	return f >= fStar0 && f <= fStar4
}

// appliesTo reports whether the field is meaningful for a unit of level l.
func (f field) appliesTo(l metrics.Level) bool {
	switch f {
	case fFiveGood:
		return l == metrics.LevelStreet || l == metrics.LevelCommunity
	case fCommunityType:
		return l == metrics.LevelCommunity
	case fServiceCenter, fYear, fStreet, fCommunity, fCompound:
		return true
	default: // stars, branch, committee, property, star flags
		return l == metrics.LevelCompound
	}
}

// levels names the levels a field applies to, for messages:
// "street_community", "community", "all" or "compound".
func (f field) levels() string {
	switch f {
	case fFiveGood:
		return "street_community"
	case fCommunityType:
		return "community"
	case fServiceCenter, fYear, fStreet, fCommunity, fCompound:
		return "all"
	default:
		return "compound"
	}
}

// TemplateHeaders returns the column headers of the templates, in order.
func TemplateHeaders() []string {
	hs := make([]string, numFields)
	for f := range numFields {
		hs[f] = fieldInfo[f].zh
	}
	return hs
}

// normHeader normalises a header for matching: NFKC (full-width letters,
// digits, brackets and the ideographic space become ASCII), lower case,
// white space and line breaks dropped (a separator between two ASCII
// letters or digits becomes one '_', as do '-' and '_'), and a trailing
// remark in brackets ("星级（0-5）", "星级（颗）") or a trailing '*' dropped.
func normHeader(s string) string {
	s = strings.ToLower(trimCell(norm.NFKC.String(s)))
	var b strings.Builder
	sep := false
	var last rune
	for _, r := range s {
		if r == ' ' || r == '_' || r == '-' || unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 && isWordASCII(last) && isWordASCII(r) {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
		last = r
	}
	return trimRemark(b.String())
}

func isWordASCII(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// trimRemark drops trailing '*' and a trailing remark in brackets.
func trimRemark(s string) string {
	for {
		t := strings.TrimRight(s, "*:：")
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndexByte(t, '('); i > 0 {
				t = t[:i]
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// trimCell trims white space (including U+3000), zero-width spaces and
// byte-order marks around s.
func trimCell(s string) string {
	return strings.TrimFunc(s, isTrimmed)
}

func isTrimmed(r rune) bool {
	switch {
	case r < 0x80:
		return r == ' ' || (r >= '\t' && r <= '\r')
	case r < 0x2000:
		return r == 0x85 || r == 0xA0 || r == 0x1680
	}
	return r <= 0x200B || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000 || r == 0xFEFF
}

// quickNormal reports, cheaply, that s is in NFKC already: ASCII and the
// CJK ideographs U+4000–U+9FFF (UTF-8 lead bytes E4–E9), which NFKC
// leaves alone, are most of a ledger's names. false means "maybe not".
func quickNormal(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x80:
			i++
		case c >= 0xE4 && c <= 0xE9 && i+2 < len(s):
			i += 3
		default:
			return false
		}
	}
	return true
}

// normCell normalises a cell value: NFKC and trimmed. Names are stored in
// this form.
func normCell(s string) string {
	switch s {
	case "", "是", "否": // most cells of a ledger
		return s
	}
	if isASCII(s) {
		// NFKC leaves ASCII as it is, and the only spaces trimCell
		// trims in ASCII are those TrimSpace trims.
		return strings.TrimSpace(s)
	}
	if quickNormal(s) || norm.NFKC.IsNormalString(s) { // most cells: no copy
		return trimCell(s)
	}
	return trimCell(norm.NFKC.String(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// boolWords are the accepted yes/no spellings, lower case after NFKC.
var boolWords = func() map[string]bool {
	m := map[string]bool{
		"是": true, "否": false,
		"y": true, "n": false,
		"yes": true, "no": false,
		"true": true, "false": false,
		"1": true, "0": false,
		"√": true, "×": false,
		"✓": true, "✗": false,
		"✔": true, "✘": false,
		"有": true, "无": false, "没有": false,
	}
	// 已建/未建, 已成立/未成立 …
	for _, v := range []string{"建", "建成", "成立", "配备", "引进", "建立", "设立", "组建", "评定", "达标"} {
		m["已"+v], m["未"+v] = true, false
	}
	return m
}()

// ParseBool parses a yes/no cell: 是/否, Y/N, yes/no, true/false, 1/0,
// √/×, ✓/✗, 有/无, 已建/未建, 已建成/未建成, 已成立/未成立, 已配备/未配备,
// 已引进/未引进, 已建立/未建立, in any letter case, after NFKC and
// trimming. ok is false for anything else, including the empty string.
func ParseBool(s string) (v, ok bool) {
	switch s { // the common spellings as written, without a map lookup
	case "是", "有", "√", "Y", "已建", "1":
		return true, true
	case "否", "无", "×", "N", "未建", "0":
		return false, true
	}
	if v, ok = boolWords[s]; ok { // 已成立, ✓ … as written
		return v, ok
	}
	v, ok = boolWords[strings.ToLower(normCell(s))]
	return v, ok
}

// chineseDigits maps 零一二三四五 to their values for star counts like "五星".
var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// starError says why a star cell was rejected.
type starError int

const (
	starOK starError = iota
	starBad
	starOutOfRange
)

// parseStars parses a star count: a number 0–5 (also "5.0"), "N星" or
// "N星级" with N a digit or 零一二三四五, one to five ★, or five of ★ and ☆
// ("★★★☆☆": the filled ones count). It tells an out-of-range count (6,
// "七星", six ★) from an unreadable cell.
func parseStars(s string) (int, starError) {
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' { // most cells
		if v := int(s[0] - '0'); v <= metrics.MaxStars {
			return v, starOK
		}
		return int(s[0] - '0'), starOutOfRange
	}
	// As written first ("三星级", "★★★☆☆"), then in NFKC ("３", " 3 ").
	v, e := starCount(s)
	if e == starBad {
		if n := normCell(s); n != s {
			return starCount(n)
		}
	}
	return v, e
}

func starCount(s string) (int, starError) {
	if s == "" {
		return 0, starBad
	}
	if strings.Trim(s, "★☆") == "" {
		n, filled := utf8.RuneCountInString(s), strings.Count(s, "★")
		switch {
		case filled == n && n > metrics.MaxStars:
			return n, starOutOfRange
		case filled != n && n != metrics.MaxStars: // ☆ only make sense on a scale of five
			return 0, starBad
		}
		return filled, starOK
	}
	num := strings.TrimSuffix(s, "级")
	for _, suf := range []string{"颗星", "星", "颗"} {
		if t := strings.TrimSuffix(num, suf); t != num {
			num = strings.TrimSpace(t)
			break
		}
	}
	if num != s && utf8.RuneCountInString(num) == 1 {
		r, _ := utf8.DecodeRuneInString(num)
		if v, ok := chineseDigits[r]; ok {
			if v > metrics.MaxStars {
				return v, starOutOfRange
			}
			return v, starOK
		}
	}
	num = trimPointZero(num)
	digits := strings.TrimPrefix(num, "-")
	if digits == "" || len(digits) > 6 || strings.TrimFunc(digits, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
		return 0, starBad
	}
	v, err := strconv.Atoi(num)
	if err != nil {
		return 0, starBad
	}
	if v < 0 || v > metrics.MaxStars {
		return v, starOutOfRange
	}
	return v, starOK
}

// trimPointZero turns a whole number written with decimals ("5.0",
// "2023.00": a CSV of a cell formatted 0.0) into its digits.
func trimPointZero(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 && i < len(s)-1 && strings.Trim(s[i+1:], "0") == "" {
		return s[:i]
	}
	return s
}

// yearError says why a year cell was rejected.
type yearError int

const (
	yearOK yearError = iota
	yearBad
	yearChinese
	yearOutOfRange
)

// parseYear parses a year within 2000–2100: "2023", "2023年", "2023.0",
// or a date ("2023-01-01", "2023/1/1", "2023年1月", which is how the
// workbook readers give a date cell): the date's year. It works after
// NFKC, so full-width digits pass. A year in Chinese numerals ("二〇二三")
// is told apart so the clerk can be asked to write digits.
func parseYear(s string) (int, yearError) {
	s = strings.TrimSpace(strings.TrimSuffix(normCell(s), "年"))
	if s == "" {
		return 0, yearBad
	}
	allChinese := true
	for _, r := range s {
		if _, ok := chineseDigits[r]; !ok && r != '○' {
			allChinese = false
			break
		}
	}
	if allChinese {
		return 0, yearChinese
	}
	if d, ok := dateYear(s); ok {
		s = d
	}
	s = trimPointZero(s)
	if len(s) > 6 {
		return 0, yearBad
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, yearBad
		}
	}
	v, _ := strconv.Atoi(s)
	if v < 2000 || v > 2100 {
		return v, yearOutOfRange
	}
	return v, yearOK
}

// dateYear returns the year digits of a date written Y-M-D, Y/M/D, Y.M.D
// or Y年M月[D日] (with an optional time after a space or 'T'), or false.
func dateYear(s string) (string, bool) {
	if len(s) < 6 || s[0] < '0' || s[0] > '9' {
		return "", false
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	y, rest, ok := strings.Cut(s, "年")
	dot := false
	if !ok {
		i := strings.IndexAny(s, "-/.")
		if i < 0 {
			return "", false
		}
		y, rest, dot = s[:i], s[i+1:], s[i] == '.'
	}
	if len(y) != 4 || rest == "" {
		return "", false
	}
	parts := strings.FieldsFunc(strings.TrimSuffix(rest, "日"), func(r rune) bool { return strings.ContainsRune("-/.月", r) })
	if len(parts) == 0 || len(parts) > 2 || (dot && len(parts) != 2) { // "2023.5" is a number
		return "", false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || (i == 0 && n > 12) || n > 31 {
			return "", false
		}
	}
	return y, true
}

// ParseCommunityType parses a 社区类型 cell: 城市/城市社区/urban or
// 涉农/涉农社区/农村/农村社区/rural.
func ParseCommunityType(s string) (metrics.CommunityType, bool) {
	switch strings.ToLower(normCell(s)) {
	case "城市", "城市社区", "urban":
		return metrics.CommunityUrban, true
	case "涉农", "涉农社区", "农村", "农村社区", "rural":
		return metrics.CommunityRural, true
	}
	return "", false
}

// normName is the stored form of a street's or community's name: normCell,
// then a street's "…街道办事处" becomes "…街道" and a community's
// "…社区居委会" / "…社区居民委员会" becomes "…社区".
func normName(f field, s string) string {
	s = normCell(s)
	switch f {
	case fStreet:
		if t, ok := strings.CutSuffix(s, "办事处"); ok && strings.HasSuffix(t, "街道") {
			return t
		}
	case fCommunity:
		for _, suf := range []string{"居民委员会", "居委会"} {
			if t, ok := strings.CutSuffix(s, suf); ok && strings.HasSuffix(t, "社区") {
				return t
			}
		}
	}
	return s
}

// lostCharacters reports whether a name holds "?", "？" or U+FFFD: what an
// export to GBK leaves of a character it cannot hold.
func lostCharacters(s string) bool {
	if strings.IndexByte(s, '?') >= 0 {
		return true
	}
	// "？" and U+FFFD both start with 0xEF in UTF-8, which few names hold.
	return strings.IndexByte(s, 0xEF) >= 0 && (strings.Contains(s, "？") || strings.Contains(s, "\uFFFD"))
}

// colName returns the spreadsheet column letters of the 0-based index i.
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
