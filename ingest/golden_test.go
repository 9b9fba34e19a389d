package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"jindu/web/i18n"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"jindu/metrics"
)

var update = flag.Bool("update", false, "rewrite testdata fixtures and golden files")

// goodCSV is a valid ledger with street, community and compound rows, an
// unknown column and some cells left empty.
const goodCSV = "年份,街道,社区,社区类型,小区,五好,星级,党群服务中心,小区党支部,业委会,物业服务,备注\r\n" +
	"2023,西大街道,,,,是,,是,,,,\r\n" +
	"2023,西大街道,天宝社区,城市,,否,,是,,,,\r\n" +
	"2023,西大街道,天宝社区,,建安小区,,5,是,是,是,是,\r\n" +
	"2023,西大街道,天宝社区,,幸福小区,,3星,Y,N,√,×,\"老旧小区，2000年建\"\r\n" +
	"2023,西大街道,天宝社区,,阳光小区,,★★,,是,是,否,\r\n" +
	"2023年,丁庄街道,八一社区,涉农,,,,,,,,\r\n"

// fixture is one sample file with the options it is parsed with.
type fixture struct {
	name string
	data func() []byte
	opts Options
}

func text(s string) func() []byte { return func() []byte { return []byte(s) } }

func gbk(s string) func() []byte {
	return func() []byte {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return b
	}
}

func utf16(s string, e unicode.Endianness) func() []byte {
	return func() []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return b
	}
}

// workbook builds an .xlsx from sheets of rows; a nil cell is left out so
// rows can end early (trailing empty cells are absent).
func workbook(sheets ...sheetData) func() []byte {
	return func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		for i, sh := range sheets {
			if i == 0 {
				if err := f.SetSheetName("Sheet1", sh.name); err != nil {
					panic(err)
				}
			} else if _, err := f.NewSheet(sh.name); err != nil {
				panic(err)
			}
			for r, row := range sh.rows {
				for c, v := range row {
					if v == nil {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if err := f.SetCellValue(sh.name, cell, v); err != nil {
						panic(err)
					}
				}
			}
		}
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			panic(err)
		}
		return b.Bytes()
	}
}

type sheetData struct {
	name string
	rows [][]any
}

func csvRows(s string) [][]any {
	var out [][]any
	for _, line := range strings.Split(strings.TrimRight(s, "\r\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		var row []any
		if line != "" {
			for _, c := range strings.Split(line, ",") {
				row = append(row, c)
			}
		}
		out = append(out, row)
	}
	return out
}

var onlyXida = Options{StreetAllowed: func(s string) bool { return s == "西大街道" }}

var fixtures = []fixture{
	{name: "good_utf8.csv", data: text(goodCSV)},
	{name: "good_utf8_bom.csv", data: text("\uFEFF" + goodCSV)},
	{name: "good_gbk.csv", data: gbk(goodCSV)},
	{name: "good_utf16le.csv", data: utf16(goodCSV, unicode.LittleEndian)},
	{name: "good_utf16be.csv", data: utf16(goodCSV, unicode.BigEndian)},
	{name: "good_semicolon.csv", data: text(strings.ReplaceAll(goodCSV, ",", ";"))},
	{name: "good_tab.txt", data: text(strings.ReplaceAll(goodCSV, ",", "\t"))},
	{name: "good_english.csv", data: text(
		" Year ,STREET,Community,\u3000Five Good\u3000,compound,Stars,Service_Center,PARTY_BRANCH,owners-committee,property_service,Community Type\n" +
			"2024,西大街道,,TRUE,,,FALSE,,,,\n" +
			"２０２４,西大街道,天宝社区,yes,,,no,,,,rural\n" +
			"2024,西大街道,天宝社区,,建安小区,五星,✓,✓,✗,1,\n")},
	{name: "good_star_columns.csv", data: text(
		"年份,街道,社区,小区,党建引领星,便民服务星,文明风尚星,和谐稳定星,美丽宜居星,星级（0-5）\n" +
			"2024,西大街道,天宝社区,建安小区,是,是,是,是,是,\n" +
			"2024,西大街道,天宝社区,幸福小区,是,否,否,是,否,2\n" +
			"2024,西大街道,天宝社区,阳光小区,是,,否,,否,\n" +
			"2024,西大街道,天宝社区,和平小区,是,,否,,否,3\n")},
	{name: "good.xlsx", data: workbook(
		sheetData{"填写说明", [][]any{{"请在“2023”工作表中填写"}, {"年份写 4 位数字"}}},
		sheetData{"2023", [][]any{
			{"年份", "街道", "社区", "小区", "五好", "星级", "党群服务中心", "小区党支部", "业委会", "物业服务"},
			{2023, "西大街道", nil, nil, true, nil, "是"},
			{2023, "西大街道", "天宝社区", nil, "否"},
			{},
			{2023, "西大街道", "天宝社区", "建安小区", nil, 5, "是", "是", "是", "是"},
			{"2023", "西大街道", "天宝社区", "幸福小区", nil, "★★★"},
		}},
		sheetData{"空表", nil},
		sheetData{"2024", [][]any{
			{nil, nil},
			{"年份", "街道", "社区", "小区", "星级"},
			{2024, "西大街道", "天宝社区", "建安小区", 5},
		}},
	)},
	{name: "row_numbers.csv", data: text(
		"\r\n年份,街道,社区,小区,星级,备注\r\n" +
			"2023,西大街道,天宝社区,甲小区,1,\"第一行\r\n第二行\"\r\n" +
			"\r\n\r\n" +
			",,,,,\r\n" +
			"2023,西大街道,天宝社区,乙小区,七,\r\n")},
	{name: "cr_only.csv", data: text("年份,街道,社区,小区,星级\r2023,西大街道,天宝社区,甲小区,1\r2023,西大街道,天宝社区,乙小区,9\r")},
	{name: "ragged.csv", data: text("年份,街道,五好\n2023,西大街道,是\n2023,东大街道\n2023,南关街道,是,多余\n")},
	{name: "unclosed_quote.csv", data: text("年份,街道,五好\n2023,西大街道,是\n2023,\"东大街道,是\n2023,南关街道,是\n")},
	{name: "bad_quote.csv", data: text("年份,街道,五好\n2023,西\"大\"街道,是\n2023,\"东大\"街道,是\n2023,南关街道,是\n2023,\"北大\"x,是")},
	{name: "nul_byte.csv", data: text("年份,街道,五好\n2023,西大街道,是\n2023,东大\x00街道,是\n")},
	{name: "header_only.csv", data: text("年份,街道,社区,小区,星级\r\n")},
	{name: "empty.csv", data: text("")},
	{name: "no_header.csv", data: text("2023,西大街道,是\n2023,东大街道,否\n")},
	{name: "duplicate_header.csv", data: text("年份,街道,社区,小区,业委会,院委会\n2023,西大街道,天宝社区,建安小区,是,是\n")},
	{name: "missing_column.csv", data: text("年度,社区,小区,星级\n2023,天宝社区,建安小区,5\n")},
	{name: "street_not_allowed.csv", data: text("年份,街道,五好\n2023,西大街道,是\n2023,东大街道,是\n2023,西大街道 ,否\n"), opts: onlyXida},
	{name: "stars_out_of_range.csv", data: text("年份,街道,社区,小区,星级\n2023,西大街道,天宝社区,建安小区,6\n2023,西大街道,天宝社区,幸福小区,★★★★★★\n2023,西大街道,天宝社区,阳光小区,七星\n2023,西大街道,天宝社区,和平小区,-1\n2023,西大街道,天宝社区,春晖小区,很好\n")},
	{name: "bad_year.csv", data: text("年份,街道,五好\n二〇二三,西大街道,是\n1999,东大街道,是\n2023.5,南关街道,是\n2023年,北大街道,是\n,五一路街道,是\n")},
	{name: "duplicate_unit.csv", data: text("年份,街道,社区,小区,星级\n2023,西大街道,天宝社区,建安小区,5\n2024,西大街道,天宝社区,建安小区,5\n2023,西大街道,天宝社区,幸福小区,1\n2023,西大街道,天宝社区,建安小区,4\n2023,西大街道,天宝社区 ,建安小区,4\n2023,西大街道,,,\n")},
	{name: "duplicate_unit.xlsx", data: workbook(
		sheetData{"一", csvRows("年份,街道,社区,小区,星级\n2023,西大街道,天宝社区,建安小区,5\n")},
		sheetData{"二", csvRows("年份,街道,社区,小区,星级\n2023,西大街道,天宝社区,建安小区,5\n")},
	)},
	{name: "stars_disagree.csv", data: text(
		"年份,街道,社区,小区,星级,党建引领星,便民服务星,文明风尚星,和谐稳定星,美丽宜居星\n" +
			"2023,西大街道,天宝社区,建安小区,5,是,是,是,是,是\n" +
			"2023,西大街道,天宝社区,幸福小区,5,是,是,否,是,是\n" +
			"2023,西大街道,天宝社区,阳光小区,1,是,是,,,\n" +
			"2023,西大街道,天宝社区,和平小区,6,是,是,是,是,是\n")},
	{name: "bad_encoding_gbk.csv", data: func() []byte {
		b := gbk("年份,街道,五好\n2023,西大街道,是\n2023,东大街道,是\n2023,")()
		b = append(b, 0x81, 0x20) // a lead byte without its trail byte
		return append(b, gbk("街道,是\n")()...)
	}},
	{name: "bad_values.csv", data: text(
		"年份,街道,社区,社区类型,小区,五好,星级,党群服务中心,小区党支部\n" +
			"2023,西大街道,,,,可能,,是,\n" +
			"2023,西大街道,天宝社区,城镇,,是,,是,\n" +
			"2023,,天宝社区,,,是,,是,\n" +
			"2023,西大街道,,,建安小区,,5,是,是\n" +
			"2023,西大街道,天宝社区,,幸福小区,是,5,是,有\n" +
			"2023,西大街道,,城市,,是,3,是,否\n" +
			"2023,西大街道,天宝社区,," + strings.Repeat("长", 101) + ",,5,是,是\n" +
			"2023,示例街道,示例社区,,示例小区,,5,是,是\n")},
	{name: "bad.xlsx", data: workbook(
		sheetData{"台账", [][]any{
			{"年份", "街道", "社区", "小区", "星级", nil, "备注"},
			{2023, "西大街道", "天宝社区", "建安小区", 6},
			{2023, "西大街道", "天宝社区", "幸福小区", 3, "多出", "x", "无表头"},
			{"二〇二三", "东大街道"},
		}},
	)},
	{name: "too_many_rows.csv", data: text("年份,街道\n2023,甲街道\n2023,乙街道\n2023,丙街道\n2023,丁街道\n"), opts: Options{MaxRows: 3}},
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			path := filepath.Join("testdata", fx.name)
			if *update {
				if err := os.WriteFile(path, fx.data(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ingest -update)", err)
			}
			var rows []Row
			rep, err := Parse(context.Background(), fx.name, bytes.NewReader(data), fx.opts, func(r Row) error {
				rows = append(rows, r)
				return nil
			})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkReport(t, rep, data)
			if rep.Rows != len(rows) {
				t.Errorf("Report.Rows = %d, emitted %d", rep.Rows, len(rows))
			}
			rep.Errors, rep.Warnings = localize(i18n.Zh, rep.Errors), localize(i18n.Zh, rep.Warnings)
			compareGolden(t, filepath.Join("testdata", fx.name+".golden.json"), rep)
			var b strings.Builder
			for _, r := range rows {
				if r.File != fx.name {
					t.Errorf("row file %q, want %q", r.File, fx.name)
				}
				b.WriteString(formatRow(r) + "\n")
			}
			compareGoldenBytes(t, filepath.Join("testdata", fx.name+".rows.txt"), []byte(b.String()))
		})
	}
}

// formatRow writes an emitted row on one line: where, year, unit and the
// reported values.
func formatRow(r Row) string {
	rec := r.Record
	s := fmt.Sprintf("%s:%d %d %s", r.Sheet, r.Line, rec.Year, rec.Unit.Path())
	if rec.Unit.CommunityType != "" {
		s += " (" + string(rec.Unit.CommunityType) + ")"
	}
	yn := func(name string, b *bool) {
		if b != nil {
			s += fmt.Sprintf(" %s=%t", name, *b)
		}
	}
	st := rec.Status
	yn("five_good", st.FiveGood)
	if st.Stars != nil {
		s += fmt.Sprintf(" stars=%d", *st.Stars)
	}
	yn("service_center", st.ServiceCenter)
	yn("party_branch", st.PartyBranch)
	yn("owners_committee", st.OwnersCommittee)
	yn("property_service", st.PropertyService)
	for i, f := range st.StarFlags {
		yn(metrics.StarNames[i], f)
	}
	return s
}

func compareGolden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	compareGoldenBytes(t, path, append(got, '\n'))
}

func compareGoldenBytes(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the parse (run go test ./ingest -update and review the diff):\n--- got\n%s", path, got)
	}
}

// csvHeader is the Chinese header of problems.csv.
var csvHeader = []string{"文件", "工作表", "行", "列", "值", "代码", "说明"}

// localize words problems in l, as the web layer and the CLI do.
func localize(l i18n.Lang, ps []Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		p.Message = l.Problem(i18n.ProblemFields{Code: p.Code, Sheet: p.Sheet, Column: p.Column, Value: p.Value,
			Row: p.Row, Count: p.Count, Rows: p.Rows, Params: p.Params})
		out[i] = p
	}
	return out
}

// checkReport asserts invariants every report must hold, among them that
// every problem has a code and is worded in Chinese and in English with
// all its parameters.
func checkReport(t *testing.T, rep Report, data []byte) {
	t.Helper()
	lines := max(bytes.Count(data, []byte{'\n'}), bytes.Count(data, []byte{'\r'})) + 1
	for _, ps := range [][]Problem{rep.Errors, rep.Warnings} {
		for _, p := range ps {
			if p.Code == "" {
				t.Errorf("problem without code: %+v", p)
			}
			for _, l := range []i18n.Lang{i18n.Zh, i18n.En} {
				m := localize(l, []Problem{p})[0].Message
				if m == "" || m == p.Code || strings.Contains(m, "{") || strings.Contains(m, "field.") || strings.Contains(m, "levels.") {
					t.Errorf("problem %s (%v) worded in %s as %q", p.Code, p.Params, l, m)
				}
			}
			if p.Row < 0 || (rep.Format == "csv" && p.Row > lines) {
				t.Errorf("row %d outside the file's %d lines: %+v", p.Row, lines, p)
			}
		}
	}
}
