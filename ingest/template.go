package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"jindu/metrics"
)

// TemplateSheet is the worksheet name of the .xlsx template.
const TemplateSheet = "台账"

// templateRows is how many rows of the .xlsx template get drop-downs.
const templateRows = 5000

// exampleRecords are the template's two example rows: a community and a
// compound of ExampleStreet, so that they are skipped on upload.
func exampleRecords() []metrics.Record {
	y := time.Now().Year()
	t, f := metrics.Bool(true), metrics.Bool(false)
	return []metrics.Record{
		{Year: y, Unit: metrics.UnitRef{Street: ExampleStreet, Community: "示例社区", CommunityType: metrics.CommunityUrban},
			Status: metrics.Status{FiveGood: t, ServiceCenter: t}},
		{Year: y, Unit: metrics.UnitRef{Street: ExampleStreet, Community: "示例社区", Compound: "示例小区"},
			Status: metrics.Status{Stars: metrics.Int(3), ServiceCenter: t, PartyBranch: t, OwnersCommittee: t,
				PropertyService: f, StarFlags: [metrics.MaxStars]*bool{t, t, t, f, f}}},
	}
}

// recordCells returns a record's cells in template column order.
func recordCells(r metrics.Record) []string {
	c := make([]string, numFields)
	c[fYear] = strconv.Itoa(r.Year)
	c[fStreet] = r.Unit.Street
	c[fCommunity] = r.Unit.Community
	c[fCompound] = r.Unit.Compound
	switch r.Unit.CommunityType {
	case metrics.CommunityUrban:
		c[fCommunityType] = "城市"
	case metrics.CommunityRural:
		c[fCommunityType] = "涉农"
	}
	yn := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "是"
		}
		return "否"
	}
	s := r.Status
	c[fFiveGood] = yn(s.FiveGood)
	if s.Stars != nil {
		c[fStars] = strconv.Itoa(*s.Stars)
	}
	c[fServiceCenter] = yn(s.ServiceCenter)
	c[fPartyBranch] = yn(s.PartyBranch)
	c[fOwnersCommittee] = yn(s.OwnersCommittee)
	c[fPropertyService] = yn(s.PropertyService)
	for i, b := range s.StarFlags {
		c[fStar0+field(i)] = yn(b)
	}
	return c
}

// WriteTemplateCSV writes an empty ledger template as CSV: UTF-8 with a
// BOM, the Chinese headers and two example rows (of ExampleStreet, skipped
// on upload).
func WriteTemplateCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(TemplateHeaders()); err != nil {
		return err
	}
	for _, r := range exampleRecords() {
		if err := cw.Write(recordCells(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTemplateXLSX writes a ledger template as .xlsx: the headers, then
// rows (a street's records for a pre-filled template; when rows is empty,
// two example rows of ExampleStreet, skipped on upload), with drop-downs
// 是/否 on yes/no columns, 城市/涉农 on 社区类型 and a 0–5 whole number rule
// on 星级, a frozen header row and column widths.
func WriteTemplateXLSX(w io.Writer, rows []metrics.Record) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return err
	}
	sh := TemplateSheet
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDE9D9"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": names stay text
	if err != nil {
		return err
	}
	hs := TemplateHeaders()
	hdr := make([]any, len(hs))
	for i, h := range hs {
		hdr[i] = h
	}
	if err := f.SetSheetRow(sh, "A1", &hdr); err != nil {
		return err
	}
	last := colName(int(numFields) - 1)
	if err := f.SetCellStyle(sh, "A1", last+"1", bold); err != nil {
		return err
	}
	if len(rows) == 0 {
		rows = exampleRecords()
	}
	for i, r := range rows {
		cells := recordCells(r)
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		vals[fYear] = r.Year
		if r.Status.Stars != nil {
			vals[fStars] = *r.Status.Stars
		}
		if err := f.SetSheetRow(sh, "A"+strconv.Itoa(i+2), &vals); err != nil {
			return err
		}
	}
	end := max(templateRows, len(rows)+1000)
	rng := func(f field) string {
		c := colName(int(f))
		return fmt.Sprintf("%s2:%s%d", c, c, end)
	}
	for _, fl := range []field{fStreet, fCommunity, fCompound} {
		c := colName(int(fl))
		if err := f.SetColStyle(sh, c, text); err != nil {
			return err
		}
	}
	for fl := range numFields {
		if !fl.isBool() {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rng(fl)
		if err := dv.SetDropList([]string{"是", "否"}); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "请选择", "请选择“是”或“否”，未知可留空")
		if err := f.AddDataValidation(sh, dv); err != nil {
			return err
		}
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = rng(fStars)
	if err := dv.SetRange(0, metrics.MaxStars, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "星级", "星级必须是 0–5 的整数，未知可留空")
	dv.SetInput("星级", "小区星级 0–5；填了五颗星各列时须与之一致")
	if err := f.AddDataValidation(sh, dv); err != nil {
		return err
	}
	dv = excelize.NewDataValidation(true)
	dv.Sqref = rng(fCommunityType)
	if err := dv.SetDropList([]string{"城市", "涉农"}); err != nil {
		return err
	}
	if err := f.AddDataValidation(sh, dv); err != nil {
		return err
	}
	dv = excelize.NewDataValidation(true)
	dv.Sqref = rng(fYear)
	if err := dv.SetRange(2000, 2100, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "年份", "请填写 4 位数字年份，例如 2023")
	if err := f.AddDataValidation(sh, dv); err != nil {
		return err
	}
	widths := map[field]float64{fYear: 8, fStreet: 14, fCommunity: 16, fCommunityType: 10, fCompound: 22,
		fFiveGood: 7, fStars: 7, fServiceCenter: 14, fPartyBranch: 12, fOwnersCommittee: 9, fPropertyService: 10}
	for fl := range numFields {
		wd, ok := widths[fl]
		if !ok {
			wd = 12
		}
		c := colName(int(fl))
		if err := f.SetColWidth(sh, c, c, wd); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
