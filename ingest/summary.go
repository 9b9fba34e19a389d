package ingest

import (
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"jindu/metrics"
)

// A summary sheet (汇总) counts units per street instead of listing them:
// a 街道 column and columns such as 社区数, 五星小区数 or 五好社区占比, and
// no 社区 / 小区 name column. It is skipped with a note, and its counts are
// checked against what the detail sheets hold.

// Indicators a summary column can count.
const (
	countUnits = iota
	countFiveGood
	countFiveStar
	countServiceCenter
	countPartyBranch
	countOwnersCommittee
	countPropertyService
	numCounts
)

// countNames are the indicators' identifiers, for messages.
var countNames = [numCounts]string{"units", "five_good", "five_star", "service_center", "party_branch", "owners_committee", "property_service"}

// countSpec is what a summary column counts: units of a level holding an
// indicator; ok is false for a column that cannot be checked (a share, an
// unclear level).
type countSpec struct {
	level     metrics.Level
	indicator int
	ok        bool
}

// summaryColumn tells a summary sheet's column: count is set for a
// number of units (…数, …数量, …（个）), share for a percentage (…占比, …率,
// %); spec says what a count counts.
func summaryColumn(h string) (spec countSpec, count, share bool) {
	n := strings.ToLower(squeeze(norm.NFKC.String(h)))
	if n == "" {
		return spec, false, false
	}
	if strings.Contains(n, "占比") || strings.Contains(n, "比例") || strings.HasSuffix(trimRemark(n), "率") || strings.Contains(n, "%") {
		return spec, false, true
	}
	unit := false
	if i := strings.LastIndexByte(n, '('); i > 0 && strings.HasSuffix(n, ")") {
		switch n[i+1 : len(n)-1] {
		case "个", "家", "处", "户", "座":
			unit = true
		}
		n = n[:i]
	}
	for _, suf := range []string{"总数", "个数", "数量", "数"} {
		if t, ok := strings.CutSuffix(n, suf); ok && t != "" {
			n, unit = t, true
			break
		}
	}
	if !unit {
		return spec, false, false
	}
	switch {
	case strings.Contains(n, "五好"):
		spec.indicator = countFiveGood
	case strings.Contains(n, "五星"):
		spec.indicator = countFiveStar
	case strings.Contains(n, "党群服务中心"):
		spec.indicator = countServiceCenter
	case strings.Contains(n, "党支部"):
		spec.indicator = countPartyBranch
	case strings.Contains(n, "业委会") || strings.Contains(n, "院委会") || strings.Contains(n, "业主委员会") || strings.Contains(n, "物业管理委员会"):
		spec.indicator = countOwnersCommittee
	case strings.Contains(n, "物业"):
		spec.indicator = countPropertyService
	}
	switch {
	case strings.Contains(n, "小区"):
		spec.level, spec.ok = metrics.LevelCompound, true
	case strings.Contains(n, "社区"):
		spec.level, spec.ok = metrics.LevelCommunity, true
	case strings.Contains(n, "街道"):
		spec.level, spec.ok = metrics.LevelStreet, true
	case spec.indicator == countFiveStar || spec.indicator >= countPartyBranch:
		spec.level, spec.ok = metrics.LevelCompound, true
	}
	if spec.level == metrics.LevelCompound && spec.indicator == countFiveGood {
		spec.ok = false
	}
	if spec.level != metrics.LevelCompound && (spec.indicator == countFiveStar || spec.indicator >= countPartyBranch) {
		spec.ok = false
	}
	return spec, true, false
}

// summarySheet is a summary sheet being read: its street column and the
// columns it counts.
type summarySheet struct {
	street int
	cols   []summaryCol
	header []string
	rows   []int
}

type summaryCol struct {
	col  int
	spec countSpec
}

// summaryHeader recognises a summary sheet's header: a 街道 column, at
// least one count or share column, and no 社区 or 小区 name column. It
// returns nil for any other row.
func summaryHeader(cells []string) *summarySheet {
	sum := &summarySheet{street: -1}
	columns := 0
	for i, c := range cells {
		if c == "" || len(c) > 200 {
			continue
		}
		if f, _, ok := matchHeader(c); ok {
			switch f {
			case fStreet:
				if sum.street < 0 {
					sum.street = i
				}
			case fCommunity, fCompound:
				return nil
			}
			continue
		}
		spec, count, share := summaryColumn(c)
		if count || share {
			columns++
		}
		if count && spec.ok {
			sum.cols = append(sum.cols, summaryCol{i, spec})
		}
	}
	if sum.street < 0 || columns == 0 {
		return nil
	}
	sum.header = append([]string(nil), cells...)
	return sum
}

// summaryCell is one count of a summary sheet, to be checked.
type summaryCell struct {
	sheet, column string
	row           int
	street        string // "" for the district's total row
	spec          countSpec
	value         int
}

// maxSummaryCells bounds the counts kept from summary sheets.
const maxSummaryCells = 10_000

// summaryRow keeps the counts of one row of a summary sheet.
func (p *parser) summaryRow(st *sheet, cells []string, row int) {
	sum := st.summary
	if sum.street >= len(cells) {
		return
	}
	street := normName(fStreet, cells[sum.street])
	switch {
	case street == "" || footnoteRow(cells):
		return
	case totalCell(street):
		street = ""
	}
	sum.rows = append(sum.rows, row)
	for _, sc := range sum.cols {
		i, spec := sc.col, sc.spec
		if i >= len(cells) || len(p.summaries) >= maxSummaryCells {
			continue
		}
		v, err := strconv.Atoi(trimPointZero(normCell(cells[i])))
		if err != nil {
			continue
		}
		p.summaries = append(p.summaries, summaryCell{sheet: st.name, column: trimCell(sum.header[i]), row: row, street: street, spec: spec, value: v})
	}
}

// endSummary reports a summary sheet as skipped.
func (p *parser) endSummary(st *sheet) {
	p.warn(Problem{Sheet: st.name, Row: st.headerRow, Code: "summary_sheet_skipped", Count: len(st.summary.rows)})
}

// detailCounts are a street's detail rows counted as summary sheets count
// them: per level, units and units holding each indicator.
type detailCounts [3][numCounts]int

func levelIndex(l metrics.Level) int {
	switch l {
	case metrics.LevelStreet:
		return 0
	case metrics.LevelCommunity:
		return 1
	}
	return 2
}

// countDetail counts an emitted row of a workbook.
func (p *parser) countDetail(rec metrics.Record) {
	if p.counts == nil {
		p.counts = map[string]*detailCounts{}
	}
	c := p.counts[rec.Unit.Street]
	if c == nil {
		c = &detailCounts{}
		p.counts[rec.Unit.Street] = c
	}
	l := &c[levelIndex(rec.Unit.Level())]
	s := rec.Status
	yes := func(b *bool) bool { return b != nil && *b }
	l[countUnits]++
	for i, b := range [...]bool{
		countFiveGood:        yes(s.FiveGood),
		countFiveStar:        s.Stars != nil && metrics.IsFiveStar(*s.Stars),
		countServiceCenter:   yes(s.ServiceCenter),
		countPartyBranch:     yes(s.PartyBranch),
		countOwnersCommittee: yes(s.OwnersCommittee),
		countPropertyService: yes(s.PropertyService),
	} {
		if b {
			l[i]++
		}
	}
}

// checkSummaries compares each summary count with the detail rows: a
// mismatch is a warning naming both figures.
func (p *parser) checkSummaries() {
	if len(p.summaries) == 0 || p.rep.Rows == 0 {
		return
	}
	for _, sc := range p.summaries {
		got := 0
		li := levelIndex(sc.spec.level)
		if sc.street == "" {
			for _, c := range p.counts {
				got += c[li][sc.spec.indicator]
			}
		} else if c := p.counts[sc.street]; c != nil {
			got = c[li][sc.spec.indicator]
		}
		if got == sc.value {
			continue
		}
		params := map[string]string{"summary": strconv.Itoa(sc.value), "detail": strconv.Itoa(got),
			"street": sc.street, "level": string(sc.spec.level), "indicator": countNames[sc.spec.indicator]}
		if sc.street == "" {
			params["reason"] = "district"
		}
		p.warn(Problem{Sheet: sc.sheet, Row: sc.row, Column: sc.column, Value: strconv.Itoa(sc.value), Code: "summary_mismatch", Params: params})
	}
}
