package ingest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jindu/metrics"
)

func TestTemplateCSVRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTemplateCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF年份,街道,社区,社区类型,小区,五好,星级,党群服务中心,小区党支部,业委会,物业服务,党建引领星,便民服务星,文明风尚星,和谐稳定星,美丽宜居星\r\n")) {
		t.Fatalf("header: %q", b.String()[:80])
	}
	if n := strings.Count(b.String(), "\r\n"); n != 3 {
		t.Errorf("%d lines, want header and two examples", n)
	}
	rep, err := Parse(context.Background(), "模板.csv", &b, Options{}, func(r Row) error {
		t.Errorf("example row emitted: %+v", r)
		return nil
	})
	if err != nil || len(rep.Errors) != 0 {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	if got := codes(rep.Warnings); strings.Join(got, " ") != "example_row example_row" {
		t.Errorf("warnings %v", got)
	}
}

// allRecords is a street's ledger exercising every field.
func allRecords() []metrics.Record {
	t, f := metrics.Bool(true), metrics.Bool(false)
	return []metrics.Record{
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道"}, Status: metrics.Status{FiveGood: t, ServiceCenter: t}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "天宝社区", CommunityType: metrics.CommunityUrban},
			Status: metrics.Status{FiveGood: f, ServiceCenter: t}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "八一社区", CommunityType: metrics.CommunityRural},
			Status: metrics.Status{FiveGood: t}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "天宝社区", Compound: "建安小区"},
			Status: metrics.Status{Stars: metrics.Int(4), ServiceCenter: t, PartyBranch: t, OwnersCommittee: f, PropertyService: t,
				StarFlags: [5]*bool{t, t, t, t, f}}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "天宝社区", Compound: "0001号院"},
			Status: metrics.Status{Stars: metrics.Int(0)}},
		{Year: 2024, Unit: metrics.UnitRef{Street: "西大街道", Community: "天宝社区", Compound: "幸福小区"}},
	}
}

func TestTemplateXLSXRoundTrip(t *testing.T) {
	want := allRecords()
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, want); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	var got []metrics.Record
	rep, err := Parse(context.Background(), "西大街道.xlsx", bytes.NewReader(data), Options{}, func(r Row) error {
		if r.Sheet != TemplateSheet {
			t.Errorf("sheet %q", r.Sheet)
		}
		got = append(got, r.Record)
		return nil
	})
	if err != nil || len(rep.Errors) != 0 {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Year != want[i].Year || got[i].Unit != want[i].Unit || !got[i].Status.Equal(want[i].Status) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	// The workbook carries the drop-downs and the frozen header.
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs, err := f.GetDataValidations(TemplateSheet)
	if err != nil {
		t.Fatal(err)
	}
	var lists, stars int
	for _, dv := range dvs {
		switch {
		case strings.Contains(dv.Formula1, "是,否"):
			lists++
		case dv.Type == "whole" && strings.HasPrefix(dv.Sqref, "G2:"):
			stars++
			if !strings.Contains(dv.Formula1, "0") || !strings.Contains(dv.Formula2, "5") {
				t.Errorf("stars rule %+v", dv)
			}
		}
	}
	if lists != 10 || stars != 1 {
		t.Errorf("%d yes/no drop-downs (want 10), %d star rules (want 1): %+v", lists, stars, dvs)
	}
	panes, err := f.GetPanes(TemplateSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v", panes, err)
	}
	if w, err := f.GetColWidth(TemplateSheet, "E"); err != nil || w < 15 {
		t.Errorf("compound column width %v %v", w, err)
	}
}

func TestTemplateXLSXExamples(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Parse(context.Background(), "模板.xlsx", &b, Options{}, func(r Row) error {
		t.Errorf("example row emitted: %+v", r)
		return nil
	})
	if err != nil || len(rep.Errors) != 0 {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	if got := codes(rep.Warnings); strings.Join(got, " ") != "example_row example_row" {
		t.Errorf("warnings %v", got)
	}
}
