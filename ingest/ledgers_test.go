package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"jindu/metrics"
	"jindu/web/i18n"
)

// The ledgers of testdata/ledgers were written by real spreadsheet programs
// (LibreOffice, openpyxl, SheetJS, exceljs) in the shapes clerks keep them;
// NAME.truth.json beside each says what a correct parse yields, counted by
// scripts/ledgers independently of this package. TestLedgers parses every
// one and checks the outcome, every record, the figures (district and each
// street, per year) and the warnings the truth requires.
//
// It runs when JINDU_LEDGERS=1 is set or testdata/ledgers/ENFORCE exists.

const ledgerDir = "testdata/ledgers"

type ledgerTruth struct {
	File     string               `json:"file"`
	Writer   string               `json:"writer"`
	Shapes   []string             `json:"shapes"`
	Outcome  string               `json:"outcome"`
	Errors   []truthProblem       `json:"errors"`
	Warnings []truthProblem       `json:"warnings"`
	Records  []truthRecord        `json:"records"`
	Figures  map[string]truthYear `json:"figures"`
}

// truthProblem is an expected error or warning; a field left out of the
// truth is not checked.
type truthProblem struct {
	Code   string  `json:"code"`
	Sheet  *string `json:"sheet"`
	Row    *int    `json:"row"`
	Column *string `json:"column"`
	Rows   []int   `json:"rows"`
}

type truthRecord struct {
	Year            int      `json:"year"`
	Street          string   `json:"street"`
	Community       string   `json:"community"`
	Compound        string   `json:"compound"`
	CommunityType   string   `json:"community_type"`
	FiveGood        *bool    `json:"five_good"`
	Stars           *int     `json:"stars"`
	StarFlags       [5]*bool `json:"star_flags"`
	ServiceCenter   *bool    `json:"service_center"`
	PartyBranch     *bool    `json:"party_branch"`
	OwnersCommittee *bool    `json:"owners_committee"`
	PropertyService *bool    `json:"property_service"`
}

type truthYear struct {
	District metrics.Tally            `json:"district"`
	Streets  map[string]metrics.Tally `json:"streets"`
}

func (tr truthRecord) record() metrics.Record {
	return metrics.Record{
		Year: tr.Year,
		Unit: metrics.UnitRef{Street: tr.Street, Community: tr.Community, Compound: tr.Compound,
			CommunityType: metrics.CommunityType(tr.CommunityType)},
		Status: metrics.Status{FiveGood: tr.FiveGood, Stars: tr.Stars, ServiceCenter: tr.ServiceCenter,
			PartyBranch: tr.PartyBranch, OwnersCommittee: tr.OwnersCommittee, PropertyService: tr.PropertyService,
			StarFlags: tr.StarFlags},
	}
}

func ledgersEnabled() bool {
	if os.Getenv("JINDU_LEDGERS") == "1" {
		return true
	}
	_, err := os.Stat(filepath.Join(ledgerDir, "ENFORCE"))
	return err == nil
}

func TestLedgers(t *testing.T) {
	if !ledgersEnabled() {
		t.Skip("set JINDU_LEDGERS=1 (or create testdata/ledgers/ENFORCE) to check the real-ledger fixtures")
	}
	truths, err := filepath.Glob(filepath.Join(ledgerDir, "*.truth.json"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no truth files in %s (%v)", ledgerDir, err)
	}
	type tally struct{ pass, total int }
	byShape := map[string]*tally{}
	passed, ran := 0, 0
	for _, tf := range truths {
		tr := readTruth(t, tf)
		run := false
		ok := t.Run(tr.File, func(t *testing.T) {
			run = true
			checkLedger(t, tr)
		})
		if !run {
			continue // not selected by -run
		}
		ran++
		if ok {
			passed++
		}
		for _, s := range tr.Shapes {
			if byShape[s] == nil {
				byShape[s] = &tally{}
			}
			byShape[s].total++
			if ok {
				byShape[s].pass++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "real ledgers: %d of %d files right\n", passed, ran)
	for _, s := range slices.Sorted(maps.Keys(byShape)) {
		fmt.Fprintf(&b, "  %-24s %2d of %2d\n", s, byShape[s].pass, byShape[s].total)
	}
	t.Log(b.String())
}

func readTruth(t *testing.T, path string) ledgerTruth {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var tr ledgerTruth
	if err := dec.Decode(&tr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if tr.File+".truth.json" != filepath.Base(path) {
		t.Fatalf("%s names file %q", path, tr.File)
	}
	if tr.Outcome != "accepted" && tr.Outcome != "refused" {
		t.Fatalf("%s: outcome %q", path, tr.Outcome)
	}
	return tr
}

func checkLedger(t *testing.T, tr ledgerTruth) {
	f, err := os.Open(filepath.Join(ledgerDir, tr.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []metrics.Record
	rep, err := Parse(context.Background(), tr.File, f, Options{}, func(r Row) error {
		got = append(got, r.Record)
		return nil
	})
	if err != nil && !errors.Is(err, ErrUnsupportedFormat) {
		t.Fatalf("Parse: %v", err)
	}
	// Problems carry codes and parameters; their rows are said in words
	// (as the web layer and the CLI word them).
	rep.Errors, rep.Warnings = localize(i18n.Zh, rep.Errors), localize(i18n.Zh, rep.Warnings)
	t.Logf("%s (%s): %d rows, %d errors, %d warnings", tr.File, tr.Writer, rep.Rows, len(rep.Errors), len(rep.Warnings))

	if tr.Outcome == "refused" {
		if len(rep.Errors) == 0 {
			t.Errorf("accepted with %d records; want it refused with %s", len(got), codesOf(tr.Errors))
		}
		for _, e := range tr.Errors {
			if msg := findProblem(e, rep.Errors); msg != "" {
				t.Errorf("error %s: %s; the errors were:\n%s", describe(e), msg, listProblems(rep.Errors))
			}
		}
		return
	}

	if len(rep.Errors) > 0 {
		t.Errorf("refused with %d errors; want it accepted:\n%s", len(rep.Errors), listProblems(rep.Errors))
	}
	want := make([]metrics.Record, len(tr.Records))
	for i, r := range tr.Records {
		want[i] = r.record()
	}
	if d := diffRecords(want, got); d != "" {
		t.Errorf("records differ from the truth (%d in truth, %d parsed):\n%s", len(want), len(got), d)
	}
	if d := diffFigures(tr.Figures, figuresOf(got)); d != "" {
		t.Errorf("figures differ from the truth:\n%s", d)
	}
	summaryMismatch := false
	for _, w := range tr.Warnings {
		if w.Code == "summary_mismatch" {
			summaryMismatch = true
		}
		if msg := findProblem(w, rep.Warnings); msg != "" {
			t.Errorf("warning %s: %s; the warnings were:\n%s", describe(w), msg, listProblems(rep.Warnings))
		}
	}
	if !summaryMismatch {
		for _, w := range rep.Warnings {
			if w.Code == "summary_mismatch" {
				t.Errorf("summary_mismatch on a file whose summary matches its details: %s", w)
			}
		}
	}
}

// ---------------------------------------------------------------- records

// recordKey names a record's unit and year.
func recordKey(r metrics.Record) string {
	return fmt.Sprintf("%d %s", r.Year, r.Unit.Path())
}

// canonRecord spells a record for comparison; the community type only
// counts on community rows, where it is kept.
func canonRecord(r metrics.Record) string {
	ct := ""
	if r.Unit.Level() == metrics.LevelCommunity {
		ct = string(r.Unit.CommunityType)
	}
	return recordKey(r) + " | " + strings.Join(statusFields(r, ct), " ")
}

func statusFields(r metrics.Record, ct string) []string {
	s := r.Status
	flags := make([]string, 5)
	for i, f := range s.StarFlags {
		flags[i] = fmtBool(f)
	}
	return []string{
		"社区类型=" + orDash(ct), "五好=" + fmtBool(s.FiveGood), "星级=" + fmtInt(s.Stars),
		"五星=" + strings.Join(flags, ","), "党群服务中心=" + fmtBool(s.ServiceCenter),
		"小区党支部=" + fmtBool(s.PartyBranch), "业委会=" + fmtBool(s.OwnersCommittee),
		"物业服务=" + fmtBool(s.PropertyService),
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fmtBool(b *bool) string {
	if b == nil {
		return "-"
	}
	if *b {
		return "是"
	}
	return "否"
}

func fmtInt(i *int) string {
	if i == nil {
		return "-"
	}
	return strconv.Itoa(*i)
}

const diffLines = 12

// diffRecords compares two multisets of records and describes the first
// differences: a unit in both with other values field by field, then the
// units only one side has.
func diffRecords(want, got []metrics.Record) string {
	remain := map[string]int{}
	for _, r := range want {
		remain[canonRecord(r)]++
	}
	var missing, extra []metrics.Record
	for _, r := range got {
		if c := canonRecord(r); remain[c] > 0 {
			remain[c]--
		} else {
			extra = append(extra, r)
		}
	}
	for _, r := range want {
		if c := canonRecord(r); remain[c] > 0 {
			remain[c]--
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	var lines []string
	extraByKey := map[string][]int{}
	for i, r := range extra {
		extraByKey[recordKey(r)] = append(extraByKey[recordKey(r)], i)
	}
	used := map[int]bool{}
	var onlyTruth []metrics.Record
	for _, w := range missing {
		idx := extraByKey[recordKey(w)]
		if len(idx) == 0 {
			onlyTruth = append(onlyTruth, w)
			continue
		}
		g := extra[idx[0]]
		extraByKey[recordKey(w)] = idx[1:]
		used[idx[0]] = true
		wf, gf := statusFields(w, ctOf(w)), statusFields(g, ctOf(g))
		var d []string
		for i := range wf {
			if wf[i] != gf[i] {
				d = append(d, fmt.Sprintf("%s, parsed %s", wf[i], gf[i][strings.IndexByte(gf[i], '=')+1:]))
			}
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", recordKey(w), strings.Join(d, "; ")))
	}
	for _, w := range onlyTruth {
		lines = append(lines, "  missing:    "+canonRecord(w))
	}
	for i, g := range extra {
		if !used[i] {
			lines = append(lines, "  unexpected: "+canonRecord(g))
		}
	}
	summary := fmt.Sprintf("  (%d records of the truth not parsed as such, %d parsed records not in the truth)", len(missing), len(extra))
	if len(lines) > diffLines {
		lines = append(lines[:diffLines], fmt.Sprintf("  … and %d more", len(lines)-diffLines))
	}
	return strings.Join(append(lines, summary), "\n")
}

func ctOf(r metrics.Record) string {
	if r.Unit.Level() == metrics.LevelCommunity {
		return string(r.Unit.CommunityType)
	}
	return ""
}

// ---------------------------------------------------------------- figures

type yearFigures struct {
	district metrics.Tally
	streets  map[string]*metrics.Tally
}

// figuresOf counts the parsed records as the database would: each unit
// into its street's tally and into the district's, per year.
func figuresOf(recs []metrics.Record) map[int]*yearFigures {
	out := map[int]*yearFigures{}
	for _, r := range recs {
		y := out[r.Year]
		if y == nil {
			y = &yearFigures{streets: map[string]*metrics.Tally{}}
			out[r.Year] = y
		}
		lv := r.Unit.Level()
		y.district.Count(lv, r.Status)
		st := y.streets[r.Unit.Street]
		if st == nil {
			st = &metrics.Tally{}
			y.streets[r.Unit.Street] = st
		}
		st.Count(lv, r.Status)
	}
	return out
}

func diffFigures(want map[string]truthYear, got map[int]*yearFigures) string {
	var lines []string
	years := map[int]bool{}
	for y := range want {
		n, err := strconv.Atoi(y)
		if err != nil {
			return "truth: bad year " + y
		}
		years[n] = true
	}
	for y := range got {
		years[y] = true
	}
	for _, y := range slices.Sorted(maps.Keys(years)) {
		w, inTruth := want[strconv.Itoa(y)]
		g := got[y]
		if g == nil {
			g = &yearFigures{streets: map[string]*metrics.Tally{}}
		}
		if !inTruth {
			lines = append(lines, fmt.Sprintf("  %d: parsed, but the ledger holds no such year", y))
			continue
		}
		lines = append(lines, diffTally(fmt.Sprintf("%d 全区", y), w.District, g.district)...)
		names := map[string]bool{}
		for s := range w.Streets {
			names[s] = true
		}
		for s := range g.streets {
			names[s] = true
		}
		for _, s := range slices.Sorted(maps.Keys(names)) {
			wt, ok := w.Streets[s]
			gt := g.streets[s]
			switch {
			case !ok:
				lines = append(lines, fmt.Sprintf("  %d %s: a street the ledger does not have (%d units)", y, s, gt.Units()))
			case gt == nil:
				lines = append(lines, fmt.Sprintf("  %d %s: street lost (%d units in the truth)", y, s, wt.Units()))
			default:
				lines = append(lines, diffTally(fmt.Sprintf("%d %s", y, s), wt, *gt)...)
			}
		}
	}
	if len(lines) > diffLines {
		lines = append(lines[:diffLines], fmt.Sprintf("  … and %d more", len(lines)-diffLines))
	}
	return strings.Join(lines, "\n")
}

// diffTally compares two tallies field by field.
func diffTally(what string, want, got metrics.Tally) []string {
	var out []string
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := 0; i < wv.NumField(); i++ {
		a, b := wv.Field(i).Interface(), gv.Field(i).Interface()
		if !reflect.DeepEqual(a, b) {
			out = append(out, fmt.Sprintf("  %s: %s truth %v, parsed %v", what, wv.Type().Field(i).Name, a, b))
		}
	}
	return out
}

// --------------------------------------------------------------- problems

func describe(e truthProblem) string {
	var parts []string
	if e.Sheet != nil {
		parts = append(parts, "sheet "+strconv.Quote(*e.Sheet))
	}
	if e.Column != nil {
		parts = append(parts, "column "+strconv.Quote(*e.Column))
	}
	if e.Row != nil {
		parts = append(parts, "row "+strconv.Itoa(*e.Row))
	}
	if len(e.Rows) > 0 {
		parts = append(parts, "rows "+rowRanges(e.Rows))
	}
	if len(parts) == 0 {
		return e.Code
	}
	return e.Code + " (" + strings.Join(parts, ", ") + ")"
}

func codesOf(ps []truthProblem) string {
	var cs []string
	for _, p := range ps {
		cs = append(cs, p.Code)
	}
	return strings.Join(cs, ", ")
}

func listProblems(ps []Problem) string {
	if len(ps) == 0 {
		return "  (none)"
	}
	var lines []string
	for i, p := range ps {
		if i == diffLines {
			lines = append(lines, fmt.Sprintf("  … and %d more", len(ps)-diffLines))
			break
		}
		lines = append(lines, "  "+p.Code+": "+p.String())
	}
	return strings.Join(lines, "\n")
}

// normColumn compares headers without their white space and line breaks
// (a header wrapped with Alt+Enter may be reported either way).
func normColumn(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' {
			return -1
		}
		return r
	}, s)
}

// findProblem returns "" when ps holds the expected problem e: its code,
// and its sheet, column and row when the truth gives them; the rows the
// truth lists must all be covered by the problems of that code.
func findProblem(e truthProblem, ps []Problem) string {
	var cands []Problem
	for _, p := range ps {
		if p.Code != e.Code {
			continue
		}
		if e.Sheet != nil && p.Sheet != *e.Sheet {
			continue
		}
		if e.Column != nil && normColumn(p.Column) != normColumn(*e.Column) {
			continue
		}
		cands = append(cands, p)
	}
	if len(cands) == 0 {
		return "missing"
	}
	covered := map[int]bool{}
	for _, p := range cands {
		for _, r := range problemRows(p) {
			covered[r] = true
		}
	}
	if e.Row != nil && !covered[*e.Row] {
		return fmt.Sprintf("not at row %d", *e.Row)
	}
	var lost []int
	for _, r := range e.Rows {
		if !covered[r] {
			lost = append(lost, r)
		}
	}
	if len(lost) > 0 {
		return fmt.Sprintf("does not name rows %s", rowRanges(lost))
	}
	return ""
}

var rowListRE = regexp.MustCompile(`第\s*([0-9][0-9\s、,，\-–—~至]*)\s*行`)

// problemRows lists the rows a problem names: its Row; a Rows field, if
// the Problem type has one ([]int, or a string such as "3–86、90"); and
// the row lists of its message ("第 3–86、90 行").
func problemRows(p Problem) []int {
	var rows []int
	if p.Row > 0 {
		rows = append(rows, p.Row)
	}
	if f := reflect.ValueOf(p).FieldByName("Rows"); f.IsValid() {
		switch v := f.Interface().(type) {
		case []int:
			rows = append(rows, v...)
		case string:
			rows = append(rows, parseRowList(v)...)
		}
	}
	for _, m := range rowListRE.FindAllStringSubmatch(p.Message, -1) {
		rows = append(rows, parseRowList(m[1])...)
	}
	return rows
}

// parseRowList reads "3–86、90, 92-94" into rows.
func parseRowList(s string) []int {
	var rows []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
		part = strings.TrimSpace(part)
		lo, hi := part, part
		for _, sep := range []string{"–", "—", "-", "~", "至"} {
			if i := strings.Index(part, sep); i > 0 {
				lo, hi = strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+len(sep):])
				break
			}
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || b < a || b-a > 1_000_000 {
			continue
		}
		for r := a; r <= b; r++ {
			rows = append(rows, r)
		}
	}
	return rows
}

// rowRanges writes rows compactly: 3–9、12、15–20.
func rowRanges(rows []int) string {
	rs := append([]int(nil), rows...)
	sort.Ints(rs)
	var parts []string
	for i := 0; i < len(rs); {
		j := i
		for j+1 < len(rs) && rs[j+1] <= rs[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", rs[i], rs[j]))
		} else {
			parts = append(parts, strconv.Itoa(rs[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}

// TestLedgerHarness checks the harness's own matching, so that a wrong
// parse cannot pass TestLedgers by a fault of the harness.
func TestLedgerHarness(t *testing.T) {
	if got := parseRowList("3–6、9, 12-13，20"); !reflect.DeepEqual(got, []int{3, 4, 5, 6, 9, 12, 13, 20}) {
		t.Errorf("parseRowList = %v", got)
	}
	if got := rowRanges([]int{9, 3, 4, 5, 12}); got != "3–5、9、12" {
		t.Errorf("rowRanges = %q", got)
	}
	sheet, col, row := "台账", "街道", 3
	w := []Problem{{Sheet: sheet, Row: 3, Column: "街道", Code: "merged_filled", Message: "第 3–86 行的“街道”为空，已按上方单元格填充（合并单元格）"}}
	cases := []struct {
		e    truthProblem
		want bool
	}{
		{truthProblem{Code: "merged_filled", Sheet: &sheet, Column: &col, Rows: []int{4, 86}}, true},
		{truthProblem{Code: "merged_filled", Rows: []int{87}}, false},
		{truthProblem{Code: "merged_filled", Row: &row}, true},
		{truthProblem{Code: "blank_filled"}, false},
		{truthProblem{Code: "merged_filled", Sheet: new(string)}, false},
	}
	for _, c := range cases {
		if got := findProblem(c.e, w) == ""; got != c.want {
			t.Errorf("findProblem(%s) found = %v, want %v", describe(c.e), got, c.want)
		}
	}
	wrapped := "党群服务\n中心"
	if findProblem(truthProblem{Code: "bad_bool", Column: &wrapped}, []Problem{{Code: "bad_bool", Column: "党群服务中心"}}) != "" {
		t.Error("a wrapped header does not match its unwrapped form")
	}
	a := metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "丁庄街道", Community: "八一社区", Compound: "幸福小区"},
		Status: metrics.Status{Stars: metrics.Int(5)}}
	b := a
	b.Status.Stars = metrics.Int(4)
	if diffRecords([]metrics.Record{a, a}, []metrics.Record{a, a}) != "" {
		t.Error("equal multisets differ")
	}
	if d := diffRecords([]metrics.Record{a, a}, []metrics.Record{a}); !strings.Contains(d, "missing") {
		t.Errorf("a lost duplicate is not reported: %q", d)
	}
	if d := diffRecords([]metrics.Record{a}, []metrics.Record{b}); !strings.Contains(d, "星级=5, parsed 4") {
		t.Errorf("a changed star count is not shown field by field: %q", d)
	}
	var tl metrics.Tally
	tl.Count(metrics.LevelCompound, a.Status)
	if lines := diffTally("x", tl, metrics.Tally{}); len(lines) == 0 {
		t.Error("different tallies compare equal")
	}
}
