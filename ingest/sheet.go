package ingest

import (
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jindu/metrics"
)

// ExampleStreet is the street name of the templates' example rows. Rows of
// this street are skipped with warning example_row, so an unedited template
// imports nothing.
const ExampleStreet = "示例街道"

// maxNameLen is the longest street, community or compound name accepted,
// in characters.
const maxNameLen = 100

// column is one column of a sheet's header.
type column struct {
	header string // as written, trimmed (two-row headers: the sub-header)
	field  field  // fieldNone for an empty header cell, fieldUnknown if not recognised
}

// Phases of reading a sheet.
const (
	seekHeader  = iota // before the header: title rows, or no table at all
	afterHeader        // the header was read; the next row may be a sub-header
	inTable
	inSummary // a summary sheet: rows are counts per street
	skipSheet // nothing more to read
)

// maxHeaderRow is the last row that can hold a sheet's header.
const maxHeaderRow = 20

// headerSlack is how many columns right of a workbook sheet's header are
// still read (values there are unnamed_column warnings); cells beyond are
// not read at all, so a row's work is bounded by the header's width.
const headerSlack = 16

// sheet is the state of one table: a CSV file or one worksheet.
type sheet struct {
	name      string // worksheet name; "" for CSV
	idx       int    // index into parser.sheets
	csv       bool   // rows must have exactly len(cols) fields
	phase     int
	headerRow int
	hdrCells  []string // the header row, until a sub-header is ruled out
	titleRows []int    // non-empty rows above the header
	gridRows  int      // rows above the header with three or more filled cells
	cols      []column
	// width is the header row's width once it is found (0 before);
	// maxCol the first column not read (a workbook's rows are cut there).
	width, maxCol int
	at            [numFields]int // column index of each field, -1 if absent
	serialCol     int            // the 序号 column, -1 if none
	broken        bool           // header errors: rows are checked but not emitted
	hasFlags      bool           // at least one of the five star columns is present
	aggs          []*agg
	aggIdx        map[aggKey]int
	// Each field's previous cell and its normal form: a street's or a
	// community's name repeats on row after row.
	lastRaw, lastNorm [numFields]string
	lastLost          [numFields]bool // lostCharacters of lastNorm
	lastYear          int             // parseYear of lastNorm[fYear]
	lastYearErr       yearError
	// The previous unit row's year, street and community cells, for
	// blank hierarchy cells.
	above [3]string

	// Merged ranges (workbooks) by top row, the next not yet started, the
	// active ones, and which cells of the current row they filled.
	merges  []cellRange
	nextM   int
	active  []activeMerge
	filled  []bool
	summary *summarySheet
}

// cellRange is a merged range: rows r0–r1 (as in Excel, 1-based) and
// columns c0–c1 (0-based), inclusive.
type cellRange struct{ r0, c0, r1, c1 int }

type activeMerge struct {
	cellRange
	value string
}

// aggKey identifies an aggregated warning: its code and the column index,
// or -1-field for a column the header lacks.
type aggKey struct {
	code string
	col  int
}

// agg is a warning reported once per sheet and column, listing rows.
type agg struct {
	key         aggKey
	column      string
	f           field
	count       int
	rows        []int
	first, last int
	runs        [][2]int // the rows as runs, at most maxRuns
	cut         bool     // more runs than maxRuns
}

// maxRuns bounds the runs of rows an aggregated warning lists in words.
const maxRuns = 200

func (p *parser) newSheet(name string, isCSV bool, merges []cellRange) *sheet {
	st := &sheet{name: name, csv: isCSV, serialCol: -1, aggIdx: map[aggKey]int{}, merges: merges, maxCol: maxSheetCols}
	for f := range st.at {
		st.at[f] = -1
	}
	return st
}

// sheetRow takes one row of a sheet (cells may be reused by the caller
// after it returns) and does what the phase asks: looks for the header,
// reads a sub-header, a data row or a summary row.
func (p *parser) sheetRow(st *sheet, cells []string, row int, hidden bool) []string {
	p.tick()
	if st.phase == skipSheet || p.stop {
		return cells
	}
	rawFilled := 0
	if st.phase == seekHeader {
		rawFilled = filledCells(cells)
	}
	if len(st.merges) > 0 || len(st.active) > 0 {
		cells = st.applyMerges(cells, row)
	}
	if isEmptyRow(cells) {
		return cells
	}
	switch st.phase {
	case seekHeader:
		if row > maxHeaderRow {
			p.noTable(st)
			return cells
		}
		if sum := summaryHeader(cells); sum != nil {
			st.phase, st.summary, st.headerRow = inSummary, sum, row
			st.width = max(len(cells), 1)
			return cells
		}
		if recognisedCells(cells) >= 2 {
			st.width = len(cells)
			st.headerRow = row
			st.hdrCells = append([]string(nil), cells...)
			st.phase = afterHeader
			return cells
		}
		st.titleRows = append(st.titleRows, row)
		if rawFilled >= 3 {
			st.gridRows++
		}
		return cells
	case afterHeader:
		combined, sub := subHeader(st.hdrCells, cells)
		p.startTable(st, combined)
		if sub {
			return cells
		}
	case inSummary:
		p.summaryRow(st, cells, row)
		return cells
	}
	if len(cells) < len(st.cols) && !st.csv {
		cells = append(cells, make([]string, len(st.cols)-len(cells))...)
	}
	p.dataRow(st, cells, row, hidden)
	return cells
}

// filledCells counts the cells that are not blank.
func filledCells(cells []string) int {
	n := 0
	for _, c := range cells {
		if c != "" && trimCell(c) != "" {
			n++
		}
	}
	return n
}

// recognisedCells counts the cells that name a field.
func recognisedCells(cells []string) int {
	n := 0
	for _, c := range cells {
		if c == "" || len(c) > 200 {
			continue
		}
		if f, _, ok := matchHeader(c); ok && f >= 0 {
			n++
		}
	}
	return n
}

// subHeader decides whether row is the second row of a two-row header
// below hdr (a group heading such as “五星创建情况” merged over the five
// star columns): at least one of its cells names a field and at least
// half of its filled cells do. It returns the header to use: per column
// the sub-header where it names a field, else the first row's cell.
func subHeader(hdr, row []string) ([]string, bool) {
	named, filled := 0, 0
	for _, c := range row {
		if trimCell(c) == "" {
			continue
		}
		filled++
		if f, _, ok := matchHeader(c); ok && f >= 0 {
			named++
		}
	}
	if named == 0 || named*2 < filled {
		return hdr, false
	}
	out := make([]string, max(len(hdr), len(row)))
	copy(out, hdr)
	for i, c := range row {
		if f, _, ok := matchHeader(c); ok && f >= 0 {
			out[i] = c
		} else if out[i] == "" {
			out[i] = c
		}
	}
	return out, true
}

// applyMerges gives every cell of a merged range the value of its top-left
// cell, and records in st.filled which cells it filled.
func (st *sheet) applyMerges(cells []string, row int) []string {
	for st.nextM < len(st.merges) && st.merges[st.nextM].r0 <= row {
		m := st.merges[st.nextM]
		st.nextM++
		if m.r0 < row { // its top row held nothing
			continue
		}
		v := ""
		if m.c0 < len(cells) {
			v = cells[m.c0]
		}
		if v != "" && (m.r1 > m.r0 || m.c1 > m.c0) {
			st.active = append(st.active, activeMerge{m, v})
		}
	}
	if cap(st.filled) < len(cells) {
		st.filled = make([]bool, len(cells))
	}
	st.filled = st.filled[:len(cells)]
	clear(st.filled)
	keep := st.active[:0]
	for _, m := range st.active {
		if m.r1 < row {
			continue
		}
		keep = append(keep, m)
		for c := m.c0; c <= m.c1 && c < st.maxCol; c++ {
			if c == m.c0 && row == m.r0 {
				continue
			}
			for len(cells) <= c {
				cells = append(cells, "")
				st.filled = append(st.filled, false)
			}
			if cells[c] == "" {
				cells[c] = m.value
				st.filled[c] = true
			}
		}
	}
	st.active = keep
	return cells
}

// noTable ends a sheet with no header in its first rows: an error if it
// holds a grid of data, else it is skipped with a warning.
func (p *parser) noTable(st *sheet) {
	if st.phase != seekHeader {
		return
	}
	st.phase = skipSheet
	if st.csv {
		p.error(Problem{Row: firstOr(st.titleRows, 1), Code: "no_header", Params: map[string]string{"reason": "csv"}})
		return
	}
	if st.gridRows >= 2 {
		p.error(Problem{Sheet: st.name, Row: firstOr(st.titleRows, 1), Code: "no_header", Params: map[string]string{"reason": "sheet"}})
		return
	}
	if len(st.titleRows) > 0 {
		p.warn(Problem{Sheet: st.name, Row: st.titleRows[0], Code: "sheet_skipped", Count: len(st.titleRows)})
	}
}

func firstOr(rows []int, def int) int {
	if len(rows) > 0 {
		return rows[0]
	}
	return def
}

// endSheet finishes a sheet: a header not followed by any row, a sheet
// without a table, the aggregated warnings.
func (p *parser) endSheet(st *sheet) {
	switch st.phase {
	case seekHeader:
		p.noTable(st)
	case afterHeader:
		p.startTable(st, st.hdrCells)
	case inSummary:
		p.endSummary(st)
	}
	p.finishSheet(st)
}

// startTable reads the header (after title rows were skipped).
func (p *parser) startTable(st *sheet, cells []string) {
	st.hdrCells = nil
	st.phase = inTable
	if len(st.titleRows) > 0 {
		p.warn(Problem{Sheet: st.name, Row: st.titleRows[0], Code: "title_rows_skipped", Count: len(st.titleRows),
			Rows: listRows(st.titleRows), Params: map[string]string{"rows": rowSpan(st.titleRows)}})
	}
	p.header(st, cells, st.headerRow)
}

// runsText writes runs of rows as Excel shows them: "5–9、12、15–22", with
// "…" when more were cut.
func runsText(runs [][2]int, cut bool) string {
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(strconv.Itoa(r[0]))
		if r[1] > r[0] {
			b.WriteString("–" + strconv.Itoa(r[1]))
		}
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

// listRows returns at most MaxListedRows of rows.
func listRows(rows []int) []int {
	return append([]int(nil), rows[:min(len(rows), MaxListedRows)]...)
}

// rowSpan writes rows (in order) as runs: "3", "1–2", "1、3、5–7".
func rowSpan(rows []int) string {
	var runs [][2]int
	for _, r := range rows {
		if n := len(runs); n > 0 && runs[n-1][1]+1 == r {
			runs[n-1][1] = r
			continue
		}
		runs = append(runs, [2]int{r, r})
	}
	return runsText(runs, false)
}

// header reads a header row, after reporting unknown, similar, duplicate
// and missing columns.
func (p *parser) header(st *sheet, cells []string, row int) {
	sheetName := st.name
	type dup struct{ col, first int }
	var dups []dup
	for i, c := range cells {
		h := trimCell(strings.ToValidUTF8(c, "\uFFFD"))
		col := column{header: h, field: fieldNone}
		if h != "" {
			col.field = fieldUnknown
			if f, _, ok := matchHeader(h); ok {
				col.field = f
				switch {
				case f == fieldIgnored:
					if normHeader(h) == "序号" && st.serialCol < 0 {
						st.serialCol = i
					}
				case st.at[f] >= 0:
					dups = append(dups, dup{i, st.at[f]})
				default:
					st.at[f] = i
				}
			}
		}
		st.cols = append(st.cols, col)
	}
	st.idx = len(p.sheets)
	p.sheets = append(p.sheets, sheetName)
	p.headers++
	if bad, i := badCells(cells); bad != "" {
		p.error(Problem{Sheet: sheetName, Row: row, Column: st.cols[i].header, Value: cells[i], Code: bad,
			Params: p.badCellParams(bad)})
		st.broken = true
	}
	for i, col := range st.cols {
		if col.field != fieldUnknown {
			continue
		}
		if f, ok := similarField(col.header); ok {
			p.error(Problem{Sheet: sheetName, Row: row, Column: col.header, Value: col.header, Code: "similar_column",
				Params: map[string]string{"col": colName(i), "field": fieldInfo[f].en}})
			st.broken = true
			continue
		}
		p.warn(Problem{Sheet: sheetName, Row: row, Column: col.header, Value: col.header, Code: "unknown_column",
			Params: map[string]string{"col": colName(i)}})
	}
	for _, d := range dups {
		f := st.cols[d.col].field
		p.error(Problem{Sheet: sheetName, Row: row, Column: st.cols[d.col].header, Value: st.cols[d.col].header, Code: "duplicate_header",
			Params: map[string]string{"col": colName(d.col), "first_col": colName(d.first), "first_header": st.cols[d.first].header, "field": fieldInfo[f].en}})
		st.broken = true
	}
	missing := func(f field, reason string) {
		p.error(Problem{Sheet: sheetName, Column: fieldInfo[f].zh, Code: "missing_column",
			Params: map[string]string{"field": fieldInfo[f].en, "reason": reason}})
		st.broken = true
	}
	if st.at[fYear] < 0 {
		missing(fYear, "year")
	}
	if st.at[fStreet] < 0 {
		missing(fStreet, "street")
	}
	if st.at[fCompound] >= 0 && st.at[fCommunity] < 0 {
		missing(fCommunity, "community")
	}
	for f := fStar0; f <= fStar4; f++ {
		if st.at[f] >= 0 {
			st.hasFlags = true
		}
	}
}

// badCells returns "nul_byte" or "bad_encoding" and the column of the first
// cell holding a NUL byte, invalid UTF-8 or U+FFFD; "" if all are fine.
func badCells(cells []string) (string, int) {
	enc := -1
	for i, c := range cells {
		if strings.IndexByte(c, 0) >= 0 {
			return "nul_byte", i
		}
		if enc < 0 && (!utf8.ValidString(c) || strings.Contains(c, "\uFFFD")) {
			enc = i
		}
	}
	if enc >= 0 {
		return "bad_encoding", enc
	}
	return "", 0
}

// badCellParams says which encoding a NUL byte or bad character was read
// in, for the message.
func (p *parser) badCellParams(code string) map[string]string {
	if code == "nul_byte" {
		return nil
	}
	enc := p.rep.Encoding
	switch enc {
	case "utf-8", "gb18030", "utf-16le", "utf-16be":
	default:
		enc = "other"
	}
	return map[string]string{"reason": enc}
}

// cellState says what a field's cell holds.
type cellState uint8

const (
	cellAbsent cellState = iota // the header has no such column
	cellBad                     // NUL or bad encoding, already reported
	cellEmpty
	cellFilled
)

type cellVal struct {
	raw    string
	v      string // normalised
	col    int
	state  cellState
	merged bool // filled from a merged range
}

// trimEdges reports whether s starts or ends with a character trimCell
// trims.
func trimEdges(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	l, _ := utf8.DecodeLastRuneInString(s)
	return isTrimmed(r) || isTrimmed(l)
}

// isEmptyRow reports whether every cell is blank.
func isEmptyRow(cells []string) bool {
	for _, c := range cells {
		if c != "" && trimCell(c) != "" {
			return false
		}
	}
	return true
}

// Words of rows that are not units.
var (
	totalWords    = []string{"合计", "总计", "小计", "汇总", "累计", "总数"}
	footnoteWords = []string{"填报单位", "填报人", "填表人", "制表人", "制表", "联系电话", "电话", "联系人", "审核人", "审核",
		"负责人", "单位负责人", "分管领导", "日期", "填报日期", "填表日期", "制表日期", "注", "说明", "备注", "签字", "签章", "盖章"}
)

// totalCell reports whether a cell says 合计 / 总计 / 小计 / 汇总: the word
// alone, or at the end ("西大街道小计", "全区合计"), or at the start
// followed by a remark ("合计（13个街道）", "小计:").
func totalCell(c string) bool {
	if len(c) < 6 || (!strings.Contains(c, "计") && !strings.Contains(c, "汇总") && !strings.Contains(c, "总数")) {
		return false
	}
	c = squeeze(c)
	for _, w := range totalWords {
		if strings.HasSuffix(c, w) {
			return true
		}
		if rest, ok := strings.CutPrefix(c, w); ok {
			if r, _ := utf8.DecodeRuneInString(rest); r == ':' || r == '(' || r == '[' || r == '【' || r == '-' || (r >= '0' && r <= '9') {
				return true
			}
		}
	}
	return false
}

// squeeze is a cell in NFKC without any white space.
func squeeze(c string) string {
	c = normCell(c)
	if strings.IndexFunc(c, unicode.IsSpace) < 0 {
		return c
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, c)
}

// footnoteRow reports whether every filled cell is a footnote such as
// “填报人：张三” or “注：…”. The first filled cell decides quickly: a data
// row's year or name has no colon.
func footnoteRow(cells []string) bool {
	seen := false
	for _, c := range cells {
		if c == "" {
			continue
		}
		if !seen && strings.IndexByte(c, ':') < 0 && !strings.Contains(c, "：") {
			return false
		}
		t := squeeze(c)
		if t == "" {
			continue
		}
		seen = true
		if !footnoteCell(t) {
			return false
		}
	}
	return seen
}

func footnoteCell(t string) bool {
	for _, w := range footnoteWords {
		rest, ok := strings.CutPrefix(t, w)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, "0123456789")
		if strings.HasPrefix(rest, ":") {
			return true
		}
	}
	return false
}

// notUnit says why a row is not a unit: "total" (a 合计 / 小计 row in 序号,
// 街道 or a name column), "footnote", or "".
func (st *sheet) notUnit(cells []string) string {
	for _, i := range [...]int{st.serialCol, st.at[fStreet], st.at[fCommunity], st.at[fCompound]} {
		if i >= 0 && i < len(cells) && totalCell(cells[i]) {
			return "total"
		}
	}
	if footnoteRow(cells) {
		return "footnote"
	}
	return ""
}

// dataRow validates one row after the header and emits it when valid.
// The caller (sheetRow) has skipped blank rows.
func (p *parser) dataRow(st *sheet, cells []string, row int, hidden bool) {
	switch st.notUnit(cells) {
	case "total":
		p.aggregate(st, aggKey{"total_row_skipped", -1}, "", fieldNone, row)
		return
	case "footnote":
		p.aggregate(st, aggKey{"footnote_skipped", -1}, "", fieldNone, row)
		return
	}
	p.dataRows++
	if p.dataRows > p.opts.MaxRows {
		p.error(Problem{Sheet: st.name, Row: row, Code: "too_many_rows",
			Params: map[string]string{"limit": strconv.Itoa(p.opts.MaxRows)}})
		p.stop = true
		return
	}
	if hidden {
		p.aggregate(st, aggKey{"hidden_rows", -1}, "", fieldNone, row)
	}
	errsBefore := p.nErr
	defer func() {
		if p.nErr > errsBefore {
			p.rep.Invalid++
		}
	}()
	if st.csv && len(cells) != len(st.cols) {
		p.error(Problem{Sheet: st.name, Row: row, Code: "ragged_row", Value: strconv.Itoa(len(cells)),
			Params: map[string]string{"fields": strconv.Itoa(len(cells)), "want": strconv.Itoa(len(st.cols))}})
		return
	}
	badCol := -1
	if code, i := badCells(cells); code != "" {
		badCol = i
		hdr := ""
		if i < len(st.cols) {
			hdr = st.cols[i].header
		}
		p.error(Problem{Sheet: st.name, Row: row, Column: hdr, Value: cells[i], Code: code, Params: p.badCellParams(code)})
	}
	for i, c := range cells {
		if c != "" && (i >= len(st.cols) || st.cols[i].field == fieldNone) && trimCell(c) != "" && (i >= len(st.filled) || !st.filled[i]) {
			p.aggregate(st, aggKey{"unnamed_column", i}, "", fieldNone, row)
		}
	}
	var cs [numFields]cellVal
	for f := range numFields {
		i := st.at[f]
		cv := cellVal{col: i}
		switch {
		case i < 0:
			cv.state = cellAbsent
		case i >= len(cells):
			cv.state = cellEmpty
		default:
			cv.raw = cells[i]
			cv.merged = i < len(st.filled) && st.filled[i]
			if badCol >= 0 && (!utf8.ValidString(cv.raw) || strings.Contains(cv.raw, "\uFFFD") || strings.IndexByte(cv.raw, 0) >= 0) {
				cv.state = cellBad
				break
			}
			if f >= fFiveGood && cv.raw != "" && !trimEdges(cv.raw) {
				// A value, not a name: the parsers take it as written
				// first and normalise only what they do not know.
				cv.v, cv.state = cv.raw, cellFilled
				break
			}
			if cv.raw != st.lastRaw[f] {
				v := normName(f, cv.raw)
				st.lastRaw[f], st.lastNorm[f] = cv.raw, v
				switch f {
				case fStreet, fCommunity, fCompound:
					st.lastLost[f] = lostCharacters(v)
				case fYear:
					st.lastYear, st.lastYearErr = parseYear(v)
				}
			}
			cv.v = st.lastNorm[f]
			cv.state = cellEmpty
			if cv.v != "" {
				cv.state = cellFilled
			}
		}
		cs[f] = cv
	}
	p.fillHierarchy(st, &cs, row)
	rowErr := func(f field, code string, params map[string]string) {
		p.groupError(st, cs[f].col, Problem{Row: row, Column: st.header(f), Value: cs[f].raw, Code: code, Params: params})
	}
	reason := func(r string) map[string]string { return map[string]string{"reason": r} }

	var rec metrics.Record
	haveYear := false
	switch c := cs[fYear]; c.state {
	case cellEmpty:
		rowErr(fYear, "empty_required", reason("year"))
	case cellFilled:
		y, e := st.lastYear, st.lastYearErr
		if c.v != st.lastNorm[fYear] { // filled from the row above
			y, e = parseYear(c.v)
		}
		switch e {
		case yearOK:
			rec.Year, haveYear = y, true
		case yearChinese:
			rowErr(fYear, "bad_year", reason("chinese"))
		case yearOutOfRange:
			rowErr(fYear, "bad_year", reason("range"))
		default:
			rowErr(fYear, "bad_year", nil)
		}
	}

	namesOK := true
	name := func(f field) string {
		c := cs[f]
		if c.state == cellBad {
			namesOK = false
		}
		if c.state != cellFilled {
			return ""
		}
		if utf8.RuneCountInString(c.v) > maxNameLen {
			rowErr(f, "too_long", map[string]string{"field": fieldInfo[f].en, "limit": strconv.Itoa(maxNameLen)})
			namesOK = false
		} else if (c.v == st.lastNorm[f] && st.lastLost[f]) || (c.v != st.lastNorm[f] && lostCharacters(c.v)) {
			rowErr(f, "lost_characters", map[string]string{"field": fieldInfo[f].en})
			namesOK = false
		}
		return c.v
	}
	rec.Unit.Street = name(fStreet)
	rec.Unit.Community = name(fCommunity)
	rec.Unit.Compound = name(fCompound)
	if cs[fStreet].state == cellEmpty {
		rowErr(fStreet, "empty_required", reason("street"))
		namesOK = false
	}
	if rec.Unit.Street != "" && namesOK && p.opts.StreetAllowed != nil && !p.opts.StreetAllowed(rec.Unit.Street) {
		p.groupError(st, cs[fStreet].col, Problem{Row: row, Column: st.header(fStreet), Value: rec.Unit.Street, Code: "street_not_allowed"})
		namesOK = false
	}
	if rec.Unit.Compound != "" && cs[fCommunity].state == cellEmpty {
		rowErr(fCommunity, "empty_required", reason("compound"))
		namesOK = false
	}
	level := rec.Unit.Level()

	if c := cs[fCommunityType]; c.state == cellFilled {
		if !fCommunityType.appliesTo(level) {
			if !c.merged {
				p.aggregate(st, aggKey{"ignored_value", c.col}, st.header(fCommunityType), fCommunityType, row)
			}
		} else if t, ok := ParseCommunityType(c.v); ok {
			rec.Unit.CommunityType = t
		} else {
			rowErr(fCommunityType, "bad_community_type", nil)
		}
	}

	s := &rec.Status
	starsOK := true // the 星级 cell, if filled, is valid
	for f := fFiveGood; f < numFields; f++ {
		c := cs[f]
		switch c.state {
		case cellAbsent:
			continue
		case cellBad:
			if f == fStars {
				starsOK = false
			}
			continue
		case cellEmpty:
			if f.appliesTo(level) {
				p.aggregate(st, aggKey{"not_reported", c.col}, st.header(f), f, row)
			}
			continue
		}
		if !f.appliesTo(level) {
			if !c.merged {
				p.aggregate(st, aggKey{"ignored_value", c.col}, st.header(f), f, row)
			}
			continue
		}
		if f == fStars {
			v, e := parseStars(c.v)
			switch e {
			case starOK:
				s.Stars = metrics.Int(v)
			case starOutOfRange:
				starsOK = false
				rowErr(f, "stars_out_of_range", nil)
			default:
				starsOK = false
				rowErr(f, "bad_stars", nil)
			}
			continue
		}
		v, ok := ParseBool(c.v)
		if !ok {
			if f >= fStar0 {
				starsOK = false
			}
			rowErr(f, "bad_bool", map[string]string{"field": fieldInfo[f].en})
			continue
		}
		switch f {
		case fFiveGood:
			s.FiveGood = metrics.Bool(v)
		case fServiceCenter:
			s.ServiceCenter = metrics.Bool(v)
		case fPartyBranch:
			s.PartyBranch = metrics.Bool(v)
		case fOwnersCommittee:
			s.OwnersCommittee = metrics.Bool(v)
		case fPropertyService:
			s.PropertyService = metrics.Bool(v)
		default:
			s.StarFlags[f-fStar0] = metrics.Bool(v)
		}
	}
	// Columns a level needs but the header lacks: said once per file.
	switch level {
	case metrics.LevelStreet, metrics.LevelCommunity:
		if st.at[fFiveGood] < 0 {
			p.missingColumn(st, fFiveGood, row)
		}
	case metrics.LevelCompound:
		if st.at[fStars] < 0 && !st.hasFlags {
			p.missingColumn(st, fStars, row)
		}
		for _, f := range [...]field{fPartyBranch, fOwnersCommittee, fPropertyService} {
			if st.at[f] < 0 {
				p.missingColumn(st, f, row)
			}
		}
		if st.hasFlags && starsOK {
			p.checkStars(st, s, cs[fStars], row)
		}
	}
	if st.at[fServiceCenter] < 0 {
		p.missingColumn(st, fServiceCenter, row)
	}

	if haveYear && namesOK && rec.Unit.Street != "" {
		p.checkDuplicate(st, rec, row)
	}
	if rec.Unit.Street == ExampleStreet && p.nErr == errsBefore {
		p.warn(Problem{Sheet: st.name, Row: row, Column: st.header(fStreet), Value: ExampleStreet, Code: "example_row"})
		return
	}
	if p.nErr > errsBefore {
		return
	}
	if st.broken {
		p.rep.Invalid++
		return
	}
	p.rep.Rows++
	if !st.csv {
		p.countDetail(rec)
	}
	if p.emit != nil {
		p.inEmit = true
		err := p.emit(Row{Record: rec, File: p.name, Sheet: st.name, Line: row})
		p.inEmit = false
		if err != nil {
			p.emitEr = err
			p.stop = true
		}
	}
}

// fillHierarchy fills an empty 年份, 街道 or 社区 cell from the unit row
// above when the row is clearly a unit under it (merged cells exported
// without their merge, or typed once): a year for any unit, a street for a
// community or compound, a community for a compound of the same street.
// Cells filled by a merged range are counted as merged_filled.
func (p *parser) fillHierarchy(st *sheet, cs *[numFields]cellVal, row int) {
	for _, f := range [...]field{fYear, fStreet, fCommunity, fCommunityType} {
		if c := &cs[f]; c.merged && c.state == cellFilled && f != fCommunityType {
			p.aggregate(st, aggKey{"merged_filled", c.col}, st.header(f), f, row)
		}
	}
	fill := func(f field, i int) {
		c := &cs[f]
		if c.state != cellEmpty || st.above[i] == "" {
			return
		}
		c.raw, c.v, c.state = st.above[i], st.above[i], cellFilled
		p.aggregate(st, aggKey{"blank_filled", c.col}, st.header(f), f, row)
	}
	hasCommunity, hasCompound := cs[fCommunity].state == cellFilled, cs[fCompound].state == cellFilled
	if cs[fStreet].state == cellFilled || hasCommunity || hasCompound {
		fill(fYear, 0)
	}
	if hasCommunity || hasCompound {
		fill(fStreet, 1)
	}
	if hasCompound && (cs[fStreet].v == st.above[1] || cs[fStreet].state != cellFilled) {
		fill(fCommunity, 2)
	}
	for i, f := range [...]field{fYear, fStreet, fCommunity} {
		if cs[f].state == cellFilled {
			st.above[i] = cs[f].v
		} else if f == fCommunity {
			st.above[i] = ""
		}
	}
	if cs[fStreet].state == cellFilled && cs[fCommunity].state != cellFilled {
		st.above[2] = ""
	}
}

// missingColumn counts a row whose level needs a column the header lacks:
// one not_reported warning per field for the whole file.
func (p *parser) missingColumn(st *sheet, f field, row int) {
	if i, ok := p.missing[f]; ok {
		if i >= 0 {
			w := &p.rep.Warnings[i]
			w.Count++
		}
		return
	}
	p.missing[f] = -1
	if len(p.rep.Warnings) < MaxStoredProblems {
		p.missing[f] = len(p.rep.Warnings)
	}
	p.warn(Problem{Sheet: st.name, Row: row, Column: fieldInfo[f].zh, Code: "not_reported", Count: 1,
		Params: map[string]string{"field": fieldInfo[f].en, "reason": "missing"}})
}

// checkStars derives the star count from the five star columns and checks
// it against 星级.
func (p *parser) checkStars(st *sheet, s *metrics.Status, stars cellVal, row int) {
	yes, known := 0, 0
	for _, f := range s.StarFlags {
		if f != nil {
			known++
			if *f {
				yes++
			}
		}
	}
	if s.Stars == nil {
		if known == metrics.MaxStars {
			s.Stars = metrics.Int(yes)
		}
		return
	}
	n := *s.Stars
	if n >= yes && n <= yes+metrics.MaxStars-known {
		return
	}
	params := map[string]string{"stars": strconv.Itoa(n), "yes": strconv.Itoa(yes), "unknown": strconv.Itoa(metrics.MaxStars - known)}
	if known < metrics.MaxStars {
		params["reason"] = "partial"
	}
	p.error(Problem{Sheet: st.name, Row: row, Column: st.header(fStars), Value: stars.raw, Code: "stars_disagree", Params: params})
}

// checkDuplicate reports a unit seen before in the file for the same year.
func (p *parser) checkDuplicate(st *sheet, rec metrics.Record, row int) {
	var h maphash.Hash
	h.SetSeed(p.seed)
	var y [4]byte
	y[0], y[1], y[2], y[3] = byte(rec.Year), byte(rec.Year>>8), byte(rec.Year>>16), byte(rec.Year>>24)
	h.Write(y[:])
	for _, s := range []string{rec.Unit.Street, rec.Unit.Community, rec.Unit.Compound} {
		h.WriteString(s)
		h.WriteByte(0xff) // never in UTF-8: separates names unambiguously
	}
	key := h.Sum64()
	if first, ok := p.seen[key]; ok {
		if len(p.rep.Errors) >= MaxStoredProblems { // counted, not worded
			p.nErr++
			p.nLines++
			return
		}
		params := map[string]string{"year": strconv.Itoa(rec.Year), "first_row": strconv.Itoa(int(uint32(first)))}
		if si := int(first >> 32); si != st.idx {
			params["first_sheet"], params["reason"] = p.sheets[si], "sheet"
		}
		p.error(Problem{Sheet: st.name, Row: row, Value: rec.Unit.Path(), Code: "duplicate_unit", Params: params})
		return
	}
	p.seen[key] = uint64(st.idx)<<32 | uint64(uint32(row))
}

// header returns the header text of field f's column, or its canonical
// name when the column is absent.
func (st *sheet) header(f field) string {
	if i := st.at[f]; i >= 0 {
		return st.cols[i].header
	}
	return fieldInfo[f].zh
}

// aggregate counts a row into a per-column warning.
func (p *parser) aggregate(st *sheet, k aggKey, column string, f field, row int) {
	i, ok := st.aggIdx[k]
	if !ok {
		i = len(st.aggs)
		st.aggIdx[k] = i
		st.aggs = append(st.aggs, &agg{key: k, column: column, f: f, first: row})
	}
	a := st.aggs[i]
	switch {
	case a.count > 0 && row == a.last+1:
		a.runs[len(a.runs)-1][1] = row
	case len(a.runs) < maxRuns:
		a.runs = append(a.runs, [2]int{row, row})
	default:
		a.cut = true
	}
	a.count++
	a.last = row
	if len(a.rows) < MaxListedRows {
		a.rows = append(a.rows, row)
	}
}

// finishSheet reports the aggregated warnings of a sheet.
func (p *parser) finishSheet(st *sheet) {
	for _, a := range st.aggs {
		span := runsText(a.runs, a.cut)
		params := map[string]string{"rows": span}
		if a.f >= 0 {
			params["field"] = fieldInfo[a.f].en
		}
		pr := Problem{Sheet: st.name, Row: a.first, Column: a.column, Code: a.key.code, Count: a.count, Rows: a.rows, Params: params}
		switch a.key.code {
		case "unnamed_column":
			params["col"] = colName(a.key.col)
		case "ignored_value":
			params["levels"] = a.f.levels()
		}
		p.warn(pr)
	}
	st.aggs, st.aggIdx = nil, nil
}
