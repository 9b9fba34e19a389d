package ingest

import (
	"testing"

	"jindu/metrics"
)

func TestParseBool(t *testing.T) {
	tests := []struct {
		in    string
		v, ok bool
	}{
		{"是", true, true}, {"否", false, true},
		{"Y", true, true}, {"n", false, true},
		{"yes", true, true}, {"NO", false, true}, {"Yes", true, true},
		{"TRUE", true, true}, {"false", false, true}, {"True", true, true},
		{"1", true, true}, {"0", false, true},
		{"√", true, true}, {"×", false, true},
		{"✓", true, true}, {"✗", false, true},
		{" 是 ", true, true}, {"\u3000否\u3000", false, true},
		{"ＹＥＳ", true, true}, {"１", true, true}, // full width, via NFKC
		{"有", true, true}, {"无", false, true}, {"已建", true, true}, {"未建", false, true},
		{"已建成", true, true}, {"未建成", false, true}, {"已成立", true, true}, {"未成立", false, true},
		{"已配备", true, true}, {"未配备", false, true}, {"已引进", true, true}, {"未引进", false, true},
		{"已建立", true, true}, {"未建立", false, true}, {" 有 ", true, true},
		{"", false, false}, {"有的", false, false}, {"无效", false, false}, {"建", false, false},
		{"2", false, false}, {"是的", false, false}, {"x", false, false}, {"ok", false, false},
	}
	for _, tt := range tests {
		v, ok := ParseBool(tt.in)
		if v != tt.v || ok != tt.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", tt.in, v, ok, tt.v, tt.ok)
		}
	}
}

func TestParseStars(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  starError
	}{
		{"0", 0, starOK}, {"5", 5, starOK}, {" 3 ", 3, starOK}, {"３", 3, starOK},
		{"3星", 3, starOK}, {"0星", 0, starOK}, {"五星", 5, starOK}, {"零星", 0, starOK}, {"二星", 2, starOK},
		{"三 星", 3, starOK},
		{"★", 1, starOK}, {"★★★★★", 5, starOK},
		{"6", 6, starOutOfRange}, {"-1", -1, starOutOfRange}, {"10", 10, starOutOfRange},
		{"6星", 6, starOutOfRange}, {"六星", 6, starOutOfRange}, {"★★★★★★", 6, starOutOfRange},
		{"3.0", 3, starOK}, {"5.0", 5, starOK}, {"5.00", 5, starOK}, {"五星级", 5, starOK}, {"三星级", 3, starOK},
		{"3星级", 3, starOK}, {"★★★☆☆", 3, starOK}, {"☆☆☆☆☆", 0, starOK}, {"★★★★★", 5, starOK}, {"4颗星", 4, starOK},
		{"3.5", 0, starBad}, {"★★☆", 0, starBad}, {"七星级", 7, starOutOfRange}, {"6.0", 6, starOutOfRange},
		{"", 0, starBad}, {"星", 0, starBad}, {"+3", 0, starBad}, {"级", 0, starBad},
		{"三", 0, starBad}, {"★☆", 0, starBad}, {"很好", 0, starBad}, {"99999999", 0, starBad},
	}
	for _, tt := range tests {
		got, err := parseStars(tt.in)
		if err != tt.err || (err != starBad && got != tt.want) {
			t.Errorf("parseStars(%q) = %d, %d; want %d, %d", tt.in, got, err, tt.want, tt.err)
		}
		_, e := starsOrError(tt.in)
		if (e == nil) != (tt.err == starOK) {
			t.Errorf("starsOrError(%q) error = %v", tt.in, e)
		}
	}
}

func TestParseYear(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  yearError
	}{
		{"2023", 2023, yearOK}, {"2023年", 2023, yearOK}, {" 2024 ", 2024, yearOK},
		{"２０２３", 2023, yearOK}, {"2000", 2000, yearOK}, {"2100", 2100, yearOK},
		{"二〇二三", 0, yearChinese}, {"二零二三年", 0, yearChinese},
		{"1999", 1999, yearOutOfRange}, {"2101", 2101, yearOutOfRange}, {"0", 0, yearOutOfRange},
		{"2023.0", 2023, yearOK}, {"2023-01-01", 2023, yearOK}, {"2023/1/1", 2023, yearOK}, {"2023年1月", 2023, yearOK},
		{"2023年12月31日", 2023, yearOK}, {"2023-06-30 00:00:00", 2023, yearOK}, {"2023.5", 0, yearBad},
		{"2023-13-01", 0, yearBad}, {"2023-", 0, yearBad}, {"1999-01-01", 1999, yearOutOfRange},
		{"", 0, yearBad}, {"23年度", 0, yearBad},
		{"-2023", 0, yearBad}, {"1e3", 0, yearBad}, {"20233333", 0, yearBad},
	}
	for _, tt := range tests {
		got, err := parseYear(tt.in)
		if err != tt.err || (err == yearOK && got != tt.want) {
			t.Errorf("parseYear(%q) = %d, %d; want %d, %d", tt.in, got, err, tt.want, tt.err)
		}
		if _, e := yearOrError(tt.in); (e == nil) != (tt.err == yearOK) {
			t.Errorf("yearOrError(%q) error = %v", tt.in, e)
		}
	}
}

func TestHeaderField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"年份", "year"}, {"年度", "year"}, {"Year", "year"}, {" YEAR ", "year"}, {"\u3000年份\u3000", "year"},
		{"街道", "street"}, {"街道办事处", "street"}, {"Street", "street"},
		{"社区", "community"}, {"社区类型", "community_type"}, {"Community Type", "community_type"},
		{"community-type", "community_type"},
		{"小区", "compound"}, {"五好", "five_good"}, {"Five_Good", "five_good"}, {"五好（是/否）", "five_good"},
		{"星级", "stars"}, {"星级(0-5)", "stars"}, {"星级*", "stars"}, {"STARS", "stars"},
		{"党群服务中心", "service_center"}, {"党支部", "party_branch"}, {"小区党支部", "party_branch"},
		{"业委会", "owners_committee"}, {"院委会", "owners_committee"}, {"物业管理委员会", "owners_committee"},
		{"物业服务", "property_service"}, {"物业", "property_service"},
		{"党建引领星", "party_building_star"}, {"便民服务星", "convenience_star"}, {"文明风尚星", "civility_star"},
		{"和谐稳定星", "harmony_star"}, {"美丽宜居星", "livability_star"}, {"Livability Star", "livability_star"},
		{"ｙｅａｒ", "year"}, // full-width letters
		{"备注", ""}, {"序号", ""}, {"", ""}, {"年", ""}, {"(年份)", ""},
	}
	for _, tt := range tests {
		got, ok := headerField(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("headerField(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseCommunityType(t *testing.T) {
	tests := []struct {
		in   string
		want metrics.CommunityType
		ok   bool
	}{
		{"城市", metrics.CommunityUrban, true}, {"城市社区", metrics.CommunityUrban, true}, {"Urban", metrics.CommunityUrban, true},
		{"涉农", metrics.CommunityRural, true}, {" 涉农社区 ", metrics.CommunityRural, true}, {"rural", metrics.CommunityRural, true},
		{"农村", metrics.CommunityRural, true}, {"农村社区", metrics.CommunityRural, true},
		{"乡村", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCommunityType(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCommunityType(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

func TestNormCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 西大街道 ", "西大街道"}, {"\u3000西大街道\u3000", "西大街道"}, {"\ufeff西大街道\u200b", "西大街道"},
		{"ＡＢＣ小区", "ABC小区"}, {"（一期）", "(一期)"}, {"", ""},
	}
	for _, tt := range tests {
		if got := normCell(tt.in); got != tt.want {
			t.Errorf("normCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := colName(i); got != want {
			t.Errorf("colName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestSniffEncoding(t *testing.T) {
	full := make([]byte, 0, sniffSize)
	for len(full) < sniffSize-1 {
		full = append(full, 'a')
	}
	cut := append(full[:len(full):len(full)], "街"[:2]...) // prefix ends inside a character
	tests := []struct {
		name  string
		head  []byte
		atEOF bool
		want  string
		bom   int
	}{
		{"ascii", []byte("a,b\n"), true, "utf-8", 0},
		{"bom", []byte("\xEF\xBB\xBFa,b"), true, "utf-8-bom", 3},
		{"utf16le", []byte("\xFF\xFEa\x00"), true, "utf-16le", 0},
		{"utf16be", []byte("\xFE\xFF\x00a"), true, "utf-16be", 0},
		{"gbk", []byte("\xc4\xea\xb7\xdd"), true, "gb18030", 0}, // 年份
		{"cut at boundary", cut, false, "utf-8", 0},
		{"cut at EOF is invalid", cut, true, "gb18030", 0},
	}
	for _, tt := range tests {
		enc, bom := sniffEncoding(tt.head, tt.atEOF)
		if enc != tt.want || bom != tt.bom {
			t.Errorf("%s: sniffEncoding = %q, %d; want %q, %d", tt.name, enc, bom, tt.want, tt.bom)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"年份,街道\n2023,a\n", ','},
		{"年份;街道\n2023;a\n", ';'},
		{"年份\t街道\n2023\ta\n", '\t'},
		{"年份;街道;社区,备注\n2023;a;b,c\n", ';'}, // more recognised headers with semicolons
		{"a;b;c\n1;2;3\n4;5;6\n", ';'},
		{"a,b;c\n1,2;3\n4,5;6\n", ','},
		{"x\ny\n", ','},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.in), true); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
