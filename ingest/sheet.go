package ingest

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
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
	header string // as written, trimmed
	field  field  // fieldNone for an empty header cell, fieldUnknown if not recognised
}

// sheet is the state of one table: a CSV file or one worksheet.
type sheet struct {
	name      string // worksheet name; "" for CSV
	idx       int    // index into parser.sheets
	headerRow int
	cols      []column
	at        [numFields]int // column index of each field, -1 if absent
	csv       bool           // rows must have exactly len(cols) fields
	broken    bool           // header errors: rows are checked but not emitted
	hasFlags  bool           // at least one of the five star columns is present
	aggs      []*agg
	aggIdx    map[aggKey]int
	// Each field's previous cell and its normal form: a street's or a
	// community's name repeats on row after row.
	lastRaw, lastNorm [numFields]string
}

// aggKey identifies an aggregated warning: its code and the column index,
// or -1-field for a column the header lacks.
type aggKey struct {
	code string
	col  int
}

// agg is a warning reported once per sheet and column, listing rows.
type agg struct {
	key    aggKey
	column string
	f      field
	count  int
	rows   []int
}

const aggRowsShown = 10

// header reads a header row. It returns nil when no cell is a recognised
// header; otherwise the sheet, after reporting unknown, duplicate and
// missing columns.
func (p *parser) header(sheetName string, cells []string, row int, isCSV bool) *sheet {
	st := &sheet{name: sheetName, headerRow: row, csv: isCSV, aggIdx: map[aggKey]int{}}
	for f := range st.at {
		st.at[f] = -1
	}
	recognised := 0
	type dup struct{ col, first int }
	var dups []dup
	for i, c := range cells {
		h := trimCell(strings.ToValidUTF8(c, "\uFFFD"))
		col := column{header: h, field: fieldNone}
		if h != "" {
			col.field = fieldUnknown
			if f, ok := headerIndex[normHeader(h)]; ok {
				col.field = f
				recognised++
				if st.at[f] >= 0 {
					dups = append(dups, dup{i, st.at[f]})
				} else {
					st.at[f] = i
				}
			}
		}
		st.cols = append(st.cols, col)
	}
	if recognised == 0 {
		return nil
	}
	st.idx = len(p.sheets)
	p.sheets = append(p.sheets, sheetName)
	p.headers++
	if bad, i := badCells(cells); bad != "" {
		p.error(Problem{Sheet: sheetName, Row: row, Column: st.cols[i].header, Value: cells[i], Code: bad,
			Message: p.badCellMessage(bad, row)})
		st.broken = true
	}
	for i, col := range st.cols {
		if col.field == fieldUnknown {
			p.warn(Problem{Sheet: sheetName, Row: row, Column: col.header, Value: col.header, Code: "unknown_column",
				Message: fmt.Sprintf("无法识别第 %s 列的列名“%s”，该列已忽略", colName(i), col.header)})
		}
	}
	for _, d := range dups {
		f := st.cols[d.col].field
		p.error(Problem{Sheet: sheetName, Row: row, Column: st.cols[d.col].header, Value: st.cols[d.col].header, Code: "duplicate_header",
			Message: fmt.Sprintf("第 %s 列“%s”与第 %s 列“%s”表示同一项（%s），只能保留一列；此表的数据未导入",
				colName(d.col), st.cols[d.col].header, colName(d.first), st.cols[d.first].header, fieldInfo[f].zh)})
		st.broken = true
	}
	missing := func(f field, why string) {
		p.error(Problem{Sheet: sheetName, Column: fieldInfo[f].zh, Code: "missing_column",
			Message: fmt.Sprintf("缺少“%s”列%s；此表的数据未导入", fieldInfo[f].zh, why)})
		st.broken = true
	}
	if st.at[fYear] < 0 {
		missing(fYear, "（也可写作“年度”或 year）")
	}
	if st.at[fStreet] < 0 {
		missing(fStreet, "（也可写作“街道办事处”或 street）")
	}
	if st.at[fCompound] >= 0 && st.at[fCommunity] < 0 {
		missing(fCommunity, "：有“小区”列时必须同时有“社区”列")
	}
	for f := fStar0; f <= fStar4; f++ {
		if st.at[f] >= 0 {
			st.hasFlags = true
		}
	}
	return st
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

func (p *parser) badCellMessage(code string, row int) string {
	if code == "nul_byte" {
		return fmt.Sprintf("第 %d 行含有 NUL 空字节，可能文件已损坏或不是文本文件", row)
	}
	switch p.rep.Encoding {
	case "utf-8":
		return fmt.Sprintf("第 %d 行含有无法识别的字符：文件开头是 UTF-8 编码，这一行却不是（或含有乱码“\uFFFD”）。请把整个文件另存为“CSV UTF-8”后重新上传", row)
	case "gb18030":
		return fmt.Sprintf("第 %d 行含有无法按 GBK/GB18030 编码识别的字符（乱码）。请在 Excel 或 WPS 中另存为“CSV UTF-8”后重新上传", row)
	case "utf-16le", "utf-16be":
		return fmt.Sprintf("第 %d 行含有无法按 UTF-16 编码识别的字符（乱码）", row)
	}
	return fmt.Sprintf("第 %d 行含有乱码字符“\uFFFD”，说明文件在之前的转换中已损坏", row)
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
	raw   string
	v     string // normalised
	col   int
	state cellState
}

// isEmptyRow reports whether every cell is blank.
func isEmptyRow(cells []string) bool {
	for _, c := range cells {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
}

// dataRow validates one row after the header and emits it when valid.
func (p *parser) dataRow(st *sheet, cells []string, row int) {
	if isEmptyRow(cells) {
		return
	}
	p.dataRows++
	if p.dataRows > p.opts.MaxRows {
		p.error(Problem{Sheet: st.name, Row: row, Code: "too_many_rows",
			Message: fmt.Sprintf("数据行超过 %d 行的上限，从第 %d 行起未读取；请拆分文件后分别上传", p.opts.MaxRows, row)})
		p.stop = true
		return
	}
	errsBefore := p.nErr
	defer func() {
		if p.nErr > errsBefore {
			p.rep.Invalid++
		}
	}()
	if st.csv && len(cells) != len(st.cols) {
		p.error(Problem{Sheet: st.name, Row: row, Code: "ragged_row", Value: strconv.Itoa(len(cells)),
			Message: fmt.Sprintf("第 %d 行有 %d 列，但表头有 %d 列；请检查是否多了或少了分隔符（逗号），含逗号的内容要用英文双引号括起", row, len(cells), len(st.cols))})
		return
	}
	badCol := -1
	if code, i := badCells(cells); code != "" {
		badCol = i
		hdr := ""
		if i < len(st.cols) {
			hdr = st.cols[i].header
		}
		p.error(Problem{Sheet: st.name, Row: row, Column: hdr, Value: cells[i], Code: code, Message: p.badCellMessage(code, row)})
	}
	for i, c := range cells {
		if (i >= len(st.cols) || st.cols[i].field == fieldNone) && trimCell(c) != "" {
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
			if badCol >= 0 && (!utf8.ValidString(cv.raw) || strings.Contains(cv.raw, "\uFFFD") || strings.IndexByte(cv.raw, 0) >= 0) {
				cv.state = cellBad
				break
			}
			if cv.raw != st.lastRaw[f] {
				st.lastRaw[f], st.lastNorm[f] = cv.raw, normCell(cv.raw)
			}
			cv.v = st.lastNorm[f]
			cv.state = cellEmpty
			if cv.v != "" {
				cv.state = cellFilled
			}
		}
		cs[f] = cv
	}
	rowErr := func(f field, code, msg string) {
		p.error(Problem{Sheet: st.name, Row: row, Column: st.header(f), Value: cs[f].raw, Code: code, Message: msg})
	}

	var rec metrics.Record
	haveYear := false
	switch c := cs[fYear]; c.state {
	case cellEmpty:
		rowErr(fYear, "empty_required", "年份不能为空")
	case cellFilled:
		y, e := parseYear(c.v)
		switch e {
		case yearOK:
			rec.Year, haveYear = y, true
		case yearChinese:
			rowErr(fYear, "bad_year", fmt.Sprintf("年份“%s”请用阿拉伯数字填写，例如 2023", c.v))
		case yearOutOfRange:
			rowErr(fYear, "bad_year", fmt.Sprintf("年份必须在 2000–2100 之间，实际为“%s”", c.v))
		default:
			rowErr(fYear, "bad_year", fmt.Sprintf("无法识别年份“%s”，请填写 4 位数字，例如 2023 或 2023年", c.v))
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
			rowErr(f, "too_long", fmt.Sprintf("%s名称过长（超过 %d 个字）", fieldInfo[f].zh, maxNameLen))
			namesOK = false
		}
		return c.v
	}
	rec.Unit.Street = name(fStreet)
	rec.Unit.Community = name(fCommunity)
	rec.Unit.Compound = name(fCompound)
	if cs[fStreet].state == cellEmpty {
		rowErr(fStreet, "empty_required", "街道不能为空")
		namesOK = false
	}
	if rec.Unit.Street != "" && p.opts.StreetAllowed != nil && !p.opts.StreetAllowed(rec.Unit.Street) {
		rowErr(fStreet, "street_not_allowed", fmt.Sprintf("你不能上传“%s”的数据：只能上传本人负责街道的台账。请检查街道名称是否写对", rec.Unit.Street))
		namesOK = false
	}
	if rec.Unit.Compound != "" && cs[fCommunity].state == cellEmpty {
		rowErr(fCommunity, "empty_required", fmt.Sprintf("填写了小区“%s”，还必须填写它所属的社区", rec.Unit.Compound))
		namesOK = false
	}
	level := rec.Unit.Level()

	if c := cs[fCommunityType]; c.state == cellFilled {
		if !fCommunityType.appliesTo(level) {
			p.aggregate(st, aggKey{"ignored_value", c.col}, st.header(fCommunityType), fCommunityType, row)
		} else if t, ok := ParseCommunityType(c.v); ok {
			rec.Unit.CommunityType = t
		} else {
			rowErr(fCommunityType, "bad_community_type", fmt.Sprintf("社区类型只能填“城市”或“涉农”，实际为“%s”", c.v))
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
			p.aggregate(st, aggKey{"ignored_value", c.col}, st.header(f), f, row)
			continue
		}
		if f == fStars {
			v, e := parseStars(c.v)
			switch e {
			case starOK:
				s.Stars = metrics.Int(v)
			case starOutOfRange:
				starsOK = false
				rowErr(f, "stars_out_of_range", fmt.Sprintf("星级必须是 0–5，实际为“%s”", c.v))
			default:
				starsOK = false
				rowErr(f, "bad_stars", fmt.Sprintf("无法识别星级“%s”：请填写 0–5 的数字，或“3星”“★★★”这样的写法", c.v))
			}
			continue
		}
		v, ok := ParseBool(c.v)
		if !ok {
			if f >= fStar0 {
				starsOK = false
			}
			rowErr(f, "bad_bool", fmt.Sprintf("“%s”只能填“是”或“否”（也可用 Y/N、√/×、1/0），实际为“%s”", st.header(f), c.v))
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
	// Columns a level needs but the header lacks.
	switch level {
	case metrics.LevelStreet, metrics.LevelCommunity:
		if st.at[fFiveGood] < 0 {
			p.aggregate(st, aggKey{"not_reported", -1 - int(fFiveGood)}, fieldInfo[fFiveGood].zh, fFiveGood, row)
		}
	case metrics.LevelCompound:
		if st.at[fStars] < 0 && !st.hasFlags {
			p.aggregate(st, aggKey{"not_reported", -1 - int(fStars)}, fieldInfo[fStars].zh, fStars, row)
		}
		if st.hasFlags && starsOK {
			p.checkStars(st, s, cs[fStars], row)
		}
	}

	if haveYear && namesOK && rec.Unit.Street != "" {
		p.checkDuplicate(st, rec, row)
	}
	if rec.Unit.Street == ExampleStreet && p.nErr == errsBefore {
		p.warn(Problem{Sheet: st.name, Row: row, Column: st.header(fStreet), Value: ExampleStreet, Code: "example_row",
			Message: "这是模板中的示例行，已跳过；请删除示例行，填写实际数据"})
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
		if known == 5 {
			s.Stars = metrics.Int(yes)
		}
		return
	}
	n := *s.Stars
	if n >= yes && n <= yes+5-known {
		return
	}
	msg := fmt.Sprintf("星级填写为 %d，但五颗星（党建引领星至美丽宜居星）中标为“是”的有 %d 颗", n, yes)
	if known < 5 {
		msg = fmt.Sprintf("星级填写为 %d，但五颗星中有 %d 颗为“是”、%d 颗未填，星级不可能是 %d", n, yes, 5-known, n)
	}
	p.error(Problem{Sheet: st.name, Row: row, Column: st.header(fStars), Value: stars.raw, Code: "stars_disagree", Message: msg})
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
		where := fmt.Sprintf("第 %d 行", uint32(first))
		if si := int(first >> 32); si != st.idx {
			where = fmt.Sprintf("工作表“%s”第 %d 行", p.sheets[si], uint32(first))
		}
		unit := rec.Unit.Path()
		p.error(Problem{Sheet: st.name, Row: row, Value: unit, Code: "duplicate_unit",
			Message: fmt.Sprintf("“%s”%d 年的数据与%s重复", unit, rec.Year, where)})
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
		st.aggs = append(st.aggs, &agg{key: k, column: column, f: f})
	}
	a := st.aggs[i]
	a.count++
	if len(a.rows) < aggRowsShown {
		a.rows = append(a.rows, row)
	}
}

// finishSheet reports the aggregated warnings of a sheet.
func (p *parser) finishSheet(st *sheet) {
	for _, a := range st.aggs {
		rows := make([]string, len(a.rows))
		for i, r := range a.rows {
			rows[i] = strconv.Itoa(r)
		}
		list := "第 " + strings.Join(rows, "、")
		if a.count > len(a.rows) {
			list += "、…"
		}
		list += " 行"
		var msg string
		switch {
		case a.key.code == "unnamed_column":
			msg = fmt.Sprintf("第 %s 列没有列名，其中 %d 行填写的内容已忽略（%s）", colName(a.key.col), a.count, list)
		case a.key.code == "ignored_value":
			msg = fmt.Sprintf("“%s”只适用于%s行，%d 行中填写的内容已忽略（%s）", a.column, a.f.levelsText(), a.count, list)
		case a.key.col < 0:
			msg = fmt.Sprintf("文件中没有“%s”列，%d 行的%s情况按未填报统计（%s）", a.column, a.count, fieldInfo[a.f].zh, list)
		default:
			msg = fmt.Sprintf("“%s”未填写 %d 行（%s），按未填报统计", a.column, a.count, list)
		}
		p.warn(Problem{Sheet: st.name, Row: a.rows[0], Column: a.column, Code: a.key.code, Message: msg})
	}
	st.aggs, st.aggIdx = nil, nil
}
