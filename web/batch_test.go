package web_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
)

// TestBatchPageChanges: a batch's page lists each changed field as unit,
// field, old → new; the filters narrow it; the CSV has the same lines,
// with formula-like cells neutralised.
func TestBatchPageChanges(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	apply := func(rs ...metrics.Record) int64 {
		t.Helper()
		b, err := ts.DB.Apply(context.Background(), db.BatchInput{Kind: db.KindUpload, Actor: "admin"}, func(yield func(metrics.Record, error) bool) {
			for _, r := range rs {
				if !yield(r, nil) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	compound := func(street, name string, stars int, branch bool) metrics.Record {
		return metrics.Record{Year: 2024, Unit: metrics.UnitRef{Street: street, Community: "社区1", Compound: name},
			Status: metrics.Status{Stars: metrics.Int(stars), PartyBranch: metrics.Bool(branch)}}
	}
	apply(compound("街道01", "南湖小区", 3, false), compound("=SUM(1)", "北湖小区", 2, true))
	id := itoa(apply(compound("街道01", "南湖小区", 5, true), compound("=SUM(1)", "北湖小区", 4, true)))

	_, _, page := send(t, admin, "GET", ts.URL+"/history/"+id+"?lang=zh", nil)
	for _, want := range []string{
		"街道01 / 社区1 / 南湖小区", "3★ → <strong>5★</strong>", "否 → <strong>是</strong>", "小区党支部",
		"共 3 处变化。", `href="/history/` + id + `/changes.csv"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("batch page lacks %q", want)
		}
	}
	_, _, page = send(t, admin, "GET", ts.URL+"/history/"+id+"?lang=zh&field=stars&street=%3DSUM(1)", nil)
	if !strings.Contains(page, "共 1 处变化。") || !strings.Contains(page, "2★ → <strong>4★</strong>") || strings.Contains(page, "南湖小区") ||
		!strings.Contains(page, `href="/history/`+id+`/changes.csv?field=stars&amp;street=`) {
		t.Errorf("filtered by street and field:\n%s", page)
	}
	if _, _, page = send(t, admin, "GET", ts.URL+"/history/"+id+"?lang=zh&q=%E5%8D%97%E6%B9%96", nil); !strings.Contains(page, "共 2 处变化。") {
		t.Errorf("filtered by name: %s", page)
	}

	code, _, body := send(t, admin, "GET", ts.URL+"/history/"+id+"/changes.csv?lang=zh", nil)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if code != 200 || err != nil || len(rows) != 4 {
		t.Fatalf("csv: %d %v %q", code, err, rows)
	}
	if strings.Join(rows[0], ",") != "批次,街道,单位,层级,年份,项目,原值,新值" {
		t.Errorf("csv header %q", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if strings.Contains(r[1], "SUM") {
			found = true
			if r[1] != "'=SUM(1)" || r[2] != "'=SUM(1) / 社区1 / 北湖小区" {
				t.Errorf("cells not neutralised: %q", r)
			}
			if r[6] != "2★" || r[7] != "4★" || r[5] != "星级" {
				t.Errorf("csv line %q", r)
			}
		}
	}
	if !found {
		t.Errorf("csv lacks =SUM(1)'s change: %q", rows)
	}
	_, _, body = send(t, admin, "GET", ts.URL+"/history/"+id+"/changes.csv?lang=en&field=party_branch", nil)
	if rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll(); len(rows) != 2 || rows[1][6] != "no" || rows[1][7] != "yes" {
		t.Errorf("english csv of party_branch: %q", rows)
	}
}
