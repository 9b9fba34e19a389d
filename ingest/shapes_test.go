package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jindu/web/i18n"
)

// parseAll parses data and returns the emitted rows (formatRow) and the
// report.
func parseAll(t *testing.T, name string, data []byte, opts Options) ([]string, Report) {
	t.Helper()
	var rows []string
	rep, err := Parse(context.Background(), name, bytes.NewReader(data), opts, func(r Row) error {
		rows = append(rows, formatRow(r))
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkReport(t, rep, data)
	return rows, rep
}

// warning returns the first warning with the code, or fails.
func warning(t *testing.T, rep Report, code string) Problem {
	t.Helper()
	for _, w := range rep.Warnings {
		if w.Code == code {
			return w
		}
	}
	t.Fatalf("no warning %s in %v", code, codes(rep.Warnings))
	return Problem{}
}

func TestMatchHeader(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want field
	}{
		{"街道名称", fStreet}, {"所属街道", fStreet}, {"社区名称", fCommunity}, {"小区名称", fCompound},
		{"小区（院落）名称", fCompound}, {"是否五好", fFiveGood}, {"五好情况", fFiveGood}, {"星级（颗）", fStars},
		{"星级(颗)", fStars}, {"是否建成党群服务中心", fServiceCenter}, {"有无党群服务中心", fServiceCenter},
		{"党群服务\n中心", fServiceCenter}, {"党群服务\r\n中心", fServiceCenter}, {" 党 群 服 务 中 心 ", fServiceCenter},
		{"是否建立小区党支部", fPartyBranch}, {"是否成立业委会", fOwnersCommittee}, {"是否成立业主委员会", fOwnersCommittee},
		{"是否引进物业服务", fPropertyService}, {"是否引进物业服务企业", fPropertyService}, {"是否配备物业", fPropertyService},
		{"社区类型（城市/涉农）", fCommunityType}, {"年份", fYear}, {"Five Good", fFiveGood},
		{"序号", fieldIgnored}, {"备注", fieldIgnored}, {"备 注", fieldIgnored},
	} {
		if f, _, ok := matchHeader(tt.in); !ok || f != tt.want {
			t.Errorf("matchHeader(%q) = %v, %v; want %v", tt.in, f, ok, tt.want)
		}
	}
	// Wrappers that do not fit the field, and headers that name nothing.
	for _, h := range []string{"物业服务企业名称", "是否街道", "五好名称", "联系电话", "片区", "小区数", "是否", "名称"} {
		if f, _, ok := matchHeader(h); ok {
			t.Errorf("matchHeader(%q) = %v, want unknown", h, f)
		}
	}
}

func TestSimilarField(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want field
	}{
		{"是否建立小区党支布", fPartyBranch}, {"党群服务中新", fServiceCenter}, {"社区类别型", fCommunityType},
		{"美丽宜居性", fStar4}, {"是否成立业委员", fOwnersCommittee},
	} {
		if f, ok := similarField(tt.in); !ok || f != tt.want {
			t.Errorf("similarField(%q) = %v, %v; want %v", tt.in, f, ok, tt.want)
		}
	}
	for _, h := range []string{"片区", "联系电话", "物业服务企业名称", "小区地址", "负责人", "建成年代"} {
		if f, ok := similarField(h); ok {
			t.Errorf("similarField(%q) = %v, want none", h, f)
		}
	}
}

func TestNormName(t *testing.T) {
	for _, tt := range []struct {
		f       field
		in, out string
	}{
		{fStreet, "丁庄街道办事处", "丁庄街道"}, {fStreet, " 丁庄街道\u00a0", "丁庄街道"}, {fStreet, "\u3000丁庄街道\u200b", "丁庄街道"},
		{fStreet, "丁庄办事处", "丁庄办事处"}, {fStreet, "西 大街道", "西 大街道"},
		{fCommunity, "天宝社区居委会", "天宝社区"}, {fCommunity, "天宝社区居民委员会", "天宝社区"}, {fCommunity, "天宝居委会", "天宝居委会"},
		{fCompound, "建安小区办事处", "建安小区办事处"}, {fCompound, "ＡＢＣ小区", "ABC小区"},
	} {
		if got := normName(tt.f, tt.in); got != tt.out {
			t.Errorf("normName(%v, %q) = %q, want %q", tt.f, tt.in, got, tt.out)
		}
	}
	for s, want := range map[string]bool{"丁庄街道?": true, "丁庄？街道": true, "丁庄\uFFFD": true, "丁庄街道": false, "": false, "ＡＢ": false} {
		if got := lostCharacters(s); got != want {
			t.Errorf("lostCharacters(%q) = %v", s, got)
		}
	}
}

func TestRowsThatAreNotUnits(t *testing.T) {
	for s, want := range map[string]bool{
		"合计": true, "合 计": true, "小计": true, "总计": true, "汇总": true, "西大街道小计": true, "全区合计": true,
		"合计（13个街道）": true, "小计:": true, "会计小区": false, "合计小区": false, "统计局宿舍": false, "汇总楼": false, "西大街道": false,
	} {
		if got := totalCell(s); got != want {
			t.Errorf("totalCell(%q) = %v", s, got)
		}
	}
	for _, tt := range []struct {
		cells []string
		want  bool
	}{
		{[]string{"填报人：张三", "", "联系电话：13900000000"}, true},
		{[]string{"", "注：星级按实际评定填写"}, true},
		{[]string{"注1:以下为涉农社区"}, true},
		{[]string{"审核人：", "填报日期：2023年12月"}, true},
		{[]string{"2023", "西大街道"}, false},
		{[]string{"填报人：张三", "2023"}, false},
		{[]string{"说明"}, false},
		{[]string{"", ""}, false},
	} {
		if got := footnoteRow(tt.cells); got != tt.want {
			t.Errorf("footnoteRow(%q) = %v", tt.cells, got)
		}
	}
}

// The ledger of ingest/testdata/workbooks (make.sh), written by openpyxl
// and converted by LibreOffice: every format gives the same three
// compounds and notes.
func TestWorkbookFormats(t *testing.T) {
	want := []string{
		"西大街道:5 2023 西大街道 / 天宝社区 / 建安小区 stars=3 party_branch=true party_building_star=true convenience_star=true civility_star=true harmony_star=false livability_star=false",
		"西大街道:6 2023 西大街道 / 天宝社区 / 幸福小区 stars=5 party_branch=true party_building_star=true convenience_star=true civility_star=true harmony_star=true livability_star=true",
		"西大街道:7 2023 西大街道 / 八一社区 / 阳光小区 stars=0 party_branch=false party_building_star=false convenience_star=false civility_star=false harmony_star=false livability_star=false",
	}
	for _, name := range []string{"messy.xlsx", "messy.xls", "messy.ods"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "workbooks", name))
			if err != nil {
				t.Fatal(err)
			}
			rows, rep := parseAll(t, name, data, Options{})
			if len(rep.Errors) > 0 || strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Fatalf("rows\n%s\nerrors %v", strings.Join(rows, "\n"), codes(rep.Errors))
			}
			if rep.Format != strings.TrimPrefix(filepath.Ext(name), ".") {
				t.Errorf("format %q", rep.Format)
			}
			if w := warning(t, rep, "title_rows_skipped"); fmt.Sprint(w.Rows) != "[1 2]" || w.Params["rows"] != "1–2" {
				t.Errorf("title rows %+v", w)
			}
			if w := warning(t, rep, "total_row_skipped"); fmt.Sprint(w.Rows) != "[8 9]" {
				t.Errorf("totals %+v", w)
			}
			if w := warning(t, rep, "footnote_skipped"); fmt.Sprint(w.Rows) != "[11 12]" {
				t.Errorf("footnotes %+v", w)
			}
			if w := warning(t, rep, "hidden_rows"); fmt.Sprint(w.Rows) != "[7]" || w.Count != 1 {
				t.Errorf("hidden %+v", w)
			}
			merged := map[string]string{}
			for _, w := range rep.Warnings {
				if w.Code == "merged_filled" {
					merged[w.Column] = fmt.Sprint(w.Rows)
				}
			}
			if fmt.Sprint(merged) != "map[年份:[6 7] 社区名称:[6] 街道名称:[6 7]]" {
				t.Errorf("merged %v", merged)
			}
		})
	}
}

func TestEncryptedAndDamagedWorkbooks(t *testing.T) {
	for _, name := range []string{"encrypted.xlsx", "encrypted.xls", "encrypted.ods"} {
		data, err := os.ReadFile(filepath.Join("testdata", "workbooks", name))
		if err != nil {
			t.Fatal(err)
		}
		_, rep := parseAll(t, name, data, Options{})
		if len(rep.Errors) != 1 || rep.Errors[0].Code != "encrypted_file" || rep.Rows != 0 || len(rep.Warnings) != 0 {
			t.Errorf("%s: errors %v warnings %v", name, codes(rep.Errors), codes(rep.Warnings))
		}
		if want := strings.TrimPrefix(filepath.Ext(name), "."); rep.Format != want {
			t.Errorf("%s: format %q", name, rep.Format)
		}
	}
	// Cut or spoilt copies: an error of their format, never a panic or
	// wrong rows.
	for _, name := range []string{"messy.xlsx", "messy.xls", "messy.ods"} {
		data, err := os.ReadFile(filepath.Join("testdata", "workbooks", name))
		if err != nil {
			t.Fatal(err)
		}
		code := "bad_" + strings.TrimPrefix(filepath.Ext(name), ".")
		for _, cut := range []int{len(data) / 4, len(data) / 2, len(data) - 600} {
			_, rep := parseAll(t, name, data[:cut], Options{})
			if rep.Rows != 0 || len(rep.Errors) == 0 || rep.Errors[0].Code != code {
				t.Errorf("%s cut at %d: rows %d errors %v (want %s)", name, cut, rep.Rows, codes(rep.Errors), code)
			}
		}
		spoilt := append([]byte(nil), data...)
		for i := len(spoilt) / 3; i < len(spoilt)/3+200 && i < len(spoilt); i++ {
			spoilt[i] ^= 0x5a
		}
		// Spoilt bytes in a part the reader does not need change nothing;
		// elsewhere they are an error: never other rows.
		good, _ := parseAll(t, name, data, Options{})
		if rows, rep := parseAll(t, name, spoilt, Options{}); len(rep.Errors) == 0 && strings.Join(rows, "\n") != strings.Join(good, "\n") {
			t.Errorf("%s spoilt: no error, rows %q", name, rows)
		}
	}
}

// sheetSpec builds a worksheet with excelize, with merged ranges and
// hidden rows.
type sheetSpec struct {
	name   string
	rows   [][]any
	merges []string
	hidden []int
}

func buildWorkbook(t *testing.T, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", sh.name)
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(sh.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range sh.merges {
			a, b, _ := strings.Cut(m, ":")
			if err := f.MergeCell(sh.name, a, b); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range sh.hidden {
			if err := f.SetRowVisible(sh.name, r, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A workbook with a 填表说明 sheet, a 汇总 sheet, one sheet per street (one
// of them with a title row), merged 街道/社区 cells: every street is
// imported, the summary is checked.
func TestOneSheetPerStreetWithSummary(t *testing.T) {
	hdr := []any{"序号", "年份", "街道", "社区", "小区", "星级", "是否建立小区党支部"}
	data := buildWorkbook(t,
		sheetSpec{name: "填表说明", rows: [][]any{{"请每个街道填写一个工作表"}, {"星级填 0–5"}}, merges: []string{"A1:F1"}},
		sheetSpec{name: "汇总", rows: [][]any{
			{"街道", "小区数", "五星小区数", "五星小区占比"},
			{"西大街道", 2, 1, "50%"},
			{"丁庄街道", 2, 2, "100%"},
			{"合计", 4, 3, "75%"},
		}},
		sheetSpec{name: "西大街道", rows: [][]any{
			hdr,
			{1, 2023, "西大街道", "天宝社区", "建安小区", 5, "是"},
			{2, nil, nil, nil, "幸福小区", 3, "否"},
			{"小计", nil, nil, nil, nil, nil, nil},
		}, merges: []string{"B2:B3", "C2:C3", "D2:D3"}},
		sheetSpec{name: "丁庄街道", rows: [][]any{
			{"丁庄街道2023年台账"},
			hdr,
			{1, 2023, "丁庄街道办事处", "八一社区居委会", "和平小区", 5, "有"},
			{2, 2023, "丁庄街道办事处", "八一社区居委会", "阳光小区", 4, "无"},
		}, merges: []string{"A1:G1"}, hidden: []int{4}},
	)
	rows, rep := parseAll(t, "streets.xlsx", data, Options{})
	want := []string{
		"西大街道:2 2023 西大街道 / 天宝社区 / 建安小区 stars=5 party_branch=true",
		"西大街道:3 2023 西大街道 / 天宝社区 / 幸福小区 stars=3 party_branch=false",
		"丁庄街道:3 2023 丁庄街道 / 八一社区 / 和平小区 stars=5 party_branch=true",
		"丁庄街道:4 2023 丁庄街道 / 八一社区 / 阳光小区 stars=4 party_branch=false",
	}
	if len(rep.Errors) > 0 || strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows\n%s\nerrors %v", strings.Join(rows, "\n"), localize(i18n.Zh, rep.Errors))
	}
	for _, code := range []string{"sheet_skipped", "summary_sheet_skipped", "title_rows_skipped", "merged_filled", "total_row_skipped", "hidden_rows"} {
		warning(t, rep, code)
	}
	// The summary says 西大街道 has one five-star compound (right), 丁庄街道
	// two (the detail has one), the total three (the detail has two).
	var mismatches []string
	for _, w := range rep.Warnings {
		if w.Code == "summary_mismatch" {
			mismatches = append(mismatches, fmt.Sprintf("%d %s %s %s", w.Row, w.Column, w.Params["summary"], w.Params["detail"]))
		}
	}
	sort.Strings(mismatches)
	if fmt.Sprint(mismatches) != "[3 五星小区数 2 1 4 五星小区数 3 2]" {
		t.Errorf("mismatches %q", mismatches)
	}
	msg := localize(i18n.Zh, []Problem{warning(t, rep, "summary_mismatch")})[0].Message
	if msg != "汇总表“汇总”第 3 行“五星小区数”为 2，但明细中“丁庄街道”为 1" {
		t.Errorf("message %q", msg)
	}
}

// A sheet that holds a grid of data without a recognised header is an
// error, never skipped silently.
func TestSheetWithDataButNoHeader(t *testing.T) {
	data := buildWorkbook(t,
		sheetSpec{name: "西大街道", rows: [][]any{{"年份", "街道", "社区"}, {2023, "西大街道", "甲"}}},
		sheetSpec{name: "东大街道", rows: [][]any{{"Y", "S", "C"}, {2023, "东大街道", "乙"}, {2023, "东大街道", "丙"}}},
	)
	_, rep := parseAll(t, "two.xlsx", data, Options{})
	if len(rep.Errors) == 0 || rep.Errors[0].Code != "no_header" || rep.Errors[0].Sheet != "东大街道" {
		t.Errorf("errors %v", rep.Errors)
	}
}

// A header close to a known one is an error with the suggestion, not a
// silent 0 %; values refused are grouped per column and value.
func TestSimilarColumnAndGroupedErrors(t *testing.T) {
	csv := "年份,街道,社区,小区,是否建立小区党支布\n2023,西大街道,天宝社区,甲小区,是\n"
	_, rep := parseAll(t, "a.csv", []byte(csv), Options{})
	if len(rep.Errors) != 1 || rep.Errors[0].Code != "similar_column" {
		t.Fatalf("errors %v", codes(rep.Errors))
	}
	if m := localize(i18n.Zh, rep.Errors)[0].Message; !strings.Contains(m, "第 E 列“是否建立小区党支布”无法识别：是否就是“小区党支部”？") {
		t.Errorf("message %q", m)
	}
	var b strings.Builder
	b.WriteString("年份,街道,社区,小区,星级,小区党支部\n")
	for i := range 352 {
		fmt.Fprintf(&b, "2023,西大街道,天宝社区,小区%d,3,可能\n", i)
	}
	b.WriteString("2023,西大街道,天宝社区,小区x,七,可能\n")
	_, rep = parseAll(t, "b.csv", []byte(b.String()), Options{})
	if len(rep.Errors) != 2 || rep.Errors[0].Count != 353 || fmt.Sprint(rep.Errors[0].Rows) != "[2 3 4 5 6 7 8 9 10 11]" || rep.Invalid != 353 {
		t.Fatalf("errors %+v invalid %d", rep.Errors, rep.Invalid)
	}
	zh := localize(i18n.Zh, rep.Errors)[0].Message
	en := localize(i18n.En, rep.Errors)[0].Message
	if !strings.HasPrefix(zh, "“可能”出现 353 次（第 2、3、4、5、6、7、8、9、10、11… 行）：“小区党支部”只能填") ||
		!strings.HasPrefix(en, "“可能” appears 353 times (rows 2、3、4、5、6、7、8、9、10、11…): “小区党支部” takes 是 or 否") {
		t.Errorf("messages\n%s\n%s", zh, en)
	}
}

// A GBK export turns a non-breaking space into "?": refused as lost
// characters, never a phantom street. Blank 街道/社区 under filled ones
// are filled, with one warning per column.
func TestLostCharactersAndBlankFill(t *testing.T) {
	csv := "魏都区2023年小区台账,,,,\n" +
		"年份,街道,社区,小区,星级\n" +
		"2023,丁庄街道\u00a0,八一社区,和平小区,3\n" +
		",,,幸福小区,4\n" +
		",,,阳光小区,5\n"
	enc := simplifiedchinese.GBK.NewEncoder()
	var out []byte
	for _, r := range csv {
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			b = []byte("?") // what Excel and LibreOffice write for a character GBK lacks
		}
		out = append(out, b...)
	}
	_, rep := parseAll(t, "gbk.csv", out, Options{})
	if len(rep.Errors) != 1 || rep.Errors[0].Code != "lost_characters" || rep.Errors[0].Count != 3 || rep.Errors[0].Value != "丁庄街道?" {
		t.Fatalf("errors %+v", rep.Errors)
	}
	if w := warning(t, rep, "blank_filled"); w.Count != 2 || w.Params["rows"] != "4–5" {
		t.Errorf("blank_filled %+v", w)
	}
	fixed := strings.ReplaceAll(csv, "\u00a0", "")
	rows, rep := parseAll(t, "utf8.csv", []byte(fixed), Options{})
	if len(rep.Errors) != 0 || len(rows) != 3 || rows[2] != ":5 2023 丁庄街道 / 八一社区 / 阳光小区 stars=5" {
		t.Errorf("rows %q errors %v", rows, codes(rep.Errors))
	}
}

// Every problem code the parser reports is worded in both languages.
func TestProblemWording(t *testing.T) {
	p := Problem{Code: "title_rows_skipped", Count: 2, Rows: []int{1, 2}, Params: map[string]string{"rows": "1–2"}}
	if zh, en := localize(i18n.Zh, []Problem{p})[0].Message, localize(i18n.En, []Problem{p})[0].Message; zh != "已跳过第 1–2 行（标题）" || en != "Rows 1–2 skipped (title)." {
		t.Errorf("%q / %q", zh, en)
	}
	p = Problem{Code: "not_reported", Column: "小区党支部", Count: 86, Params: map[string]string{"field": "party_branch", "reason": "missing"}}
	if zh, en := localize(i18n.Zh, []Problem{p})[0].Message, localize(i18n.En, []Problem{p})[0].Message; zh != "文件中没有“小区党支部”列：86 个单位的这一指标按未填报统计" ||
		en != "The file has no “compound party branch (小区党支部)” column: this indicator of 86 units counts as not reported." {
		t.Errorf("%q / %q", zh, en)
	}
}
