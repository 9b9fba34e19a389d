package ingest

import (
	"fmt"
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
// whose header is not recognised.
const (
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
	fStreet:          {"街道", "street", []string{"街道办事处"}},
	fCommunity:       {"社区", "community", nil},
	fCommunityType:   {"社区类型", "community_type", nil},
	fCompound:        {"小区", "compound", nil},
	fFiveGood:        {"五好", "five_good", nil},
	fStars:           {"星级", "stars", nil},
	fServiceCenter:   {"党群服务中心", "service_center", nil},
	fPartyBranch:     {"小区党支部", "party_branch", []string{"党支部"}},
	fOwnersCommittee: {"业委会", "owners_committee", []string{"院委会", "物业管理委员会"}},
	fPropertyService: {"物业服务", "property_service", []string{"物业", "物业服务企业"}},
	fStar0:           {"党建引领星", metrics.StarNames[0], nil},
	fStar1:           {"便民服务星", metrics.StarNames[1], nil},
	fStar2:           {"文明风尚星", metrics.StarNames[2], nil},
	fStar3:           {"和谐稳定星", metrics.StarNames[3], nil},
	fStar4:           {"美丽宜居星", metrics.StarNames[4], nil},
}

// headerIndex maps a normalised header to its field.
var headerIndex = func() map[string]field {
	m := map[string]field{}
	for f := range numFields {
		fi := fieldInfo[f]
		for _, h := range append([]string{fi.zh, fi.en}, fi.aliases...) {
			m[normHeader(h)] = f
		}
	}
	return m
}()

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

// levelsText names the levels a field applies to, for messages.
func (f field) levelsText() string {
	switch f {
	case fFiveGood:
		return "街道和社区"
	case fCommunityType:
		return "社区"
	case fServiceCenter, fYear, fStreet, fCommunity, fCompound:
		return "所有"
	default:
		return "小区"
	}
}

// HeaderField returns the identifier (as in the English header, e.g.
// "stars") of the column a header names, after the normalisation Parse
// applies: NFKC, case and surrounding spaces ignored, a trailing remark in
// brackets such as "（0-5）" dropped. ok is false for unknown headers.
func HeaderField(header string) (id string, ok bool) {
	f, ok := headerIndex[normHeader(header)]
	if !ok {
		return "", false
	}
	return fieldInfo[f].en, true
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
// digits, brackets and the ideographic space become ASCII), trimmed, lower
// case, runs of space, '-' and '_' become one '_', and a trailing remark in
// brackets ("星级（0-5）") or a trailing '*' is dropped.
func normHeader(s string) string {
	s = trimCell(norm.NFKC.String(s))
	for {
		t := strings.TrimSpace(strings.TrimRight(s, "*"))
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndexByte(t, '('); i > 0 {
				t = strings.TrimSpace(t[:i])
			}
		}
		if t == s {
			break
		}
		s = t
	}
	s = strings.ToLower(s)
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r == ' ' || r == '_' || r == '-' || unicode.IsSpace(r) {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// trimCell trims white space (including U+3000), zero-width spaces and
// byte-order marks around s.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u00a0'
	})
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
var boolWords = map[string]bool{
	"是": true, "否": false,
	"y": true, "n": false,
	"yes": true, "no": false,
	"true": true, "false": false,
	"1": true, "0": false,
	"√": true, "×": false,
	"✓": true, "✗": false,
}

// ParseBool parses a yes/no cell: 是/否, Y/N, yes/no, true/false, 1/0,
// √/×, ✓/✗, in any letter case, after NFKC and trimming. ok is false for
// anything else, including the empty string.
func ParseBool(s string) (v, ok bool) {
	switch s {
	case "是":
		return true, true
	case "否":
		return false, true
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

// parseStars parses a star count: a number 0–5, "N星" with N a digit or
// 零一二三四五, or one to five ★. It tells an out-of-range count (6, "七星",
// six ★) from an unreadable cell.
func parseStars(s string) (int, starError) {
	s = normCell(s)
	if s == "" {
		return 0, starBad
	}
	if strings.Trim(s, "★") == "" {
		n := utf8.RuneCountInString(s)
		if n > 5 {
			return n, starOutOfRange
		}
		return n, starOK
	}
	num := strings.TrimSpace(strings.TrimSuffix(s, "星"))
	if num != s && utf8.RuneCountInString(num) == 1 {
		r, _ := utf8.DecodeRuneInString(num)
		if v, ok := chineseDigits[r]; ok {
			if v > 5 {
				return v, starOutOfRange
			}
			return v, starOK
		}
	}
	digits := strings.TrimPrefix(num, "-")
	if digits == "" || len(digits) > 6 || strings.TrimFunc(digits, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
		return 0, starBad
	}
	v, err := strconv.Atoi(num)
	if err != nil {
		return 0, starBad
	}
	if v < 0 || v > 5 {
		return v, starOutOfRange
	}
	return v, starOK
}

// ParseStars parses a 星级 cell: 0–5 as a digit, "N星" with N a digit or
// 零一二三四五, or one to five ★.
func ParseStars(s string) (int, error) {
	v, e := parseStars(s)
	switch e {
	case starOutOfRange:
		return v, fmt.Errorf("star count %d is outside 0–5", v)
	case starBad:
		return 0, fmt.Errorf("unreadable star count %q", s)
	}
	return v, nil
}

// yearError says why a year cell was rejected.
type yearError int

const (
	yearOK yearError = iota
	yearBad
	yearChinese
	yearOutOfRange
)

// parseYear parses "2023" or "2023年" (after NFKC, so full-width digits
// pass) within 2000–2100. A year in Chinese numerals ("二〇二三") is told
// apart so the clerk can be asked to write digits.
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

// ParseYear parses a 年份 cell: "2023" or "2023年", 2000–2100.
func ParseYear(s string) (int, error) {
	v, e := parseYear(s)
	switch e {
	case yearChinese:
		return 0, fmt.Errorf("year %q is in Chinese numerals; write digits such as 2023", s)
	case yearOutOfRange:
		return v, fmt.Errorf("year %d is outside 2000–2100", v)
	case yearBad:
		return 0, fmt.Errorf("unreadable year %q", s)
	}
	return v, nil
}

// ParseCommunityType parses a 社区类型 cell: 城市/城市社区/urban or
// 涉农/涉农社区/rural.
func ParseCommunityType(s string) (metrics.CommunityType, bool) {
	switch strings.ToLower(normCell(s)) {
	case "城市", "城市社区", "urban":
		return metrics.CommunityUrban, true
	case "涉农", "涉农社区", "rural":
		return metrics.CommunityRural, true
	}
	return "", false
}

// colName returns the spreadsheet column letters of the 0-based index i.
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
