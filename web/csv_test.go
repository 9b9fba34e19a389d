package web_test

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func readCSV(t *testing.T, ts *testServer, path string) [][]string {
	t.Helper()
	resp, body := ts.get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return rows
}

// /api/metrics.csv keeps its contract (the JSON keys, true/false) without
// ?lang=; the page's links ask for it in the page's language (中文表头,
// 是/否) and offer every street's rows beside the district's, and a street
// page its own.
func TestMetricsCSVInThePagesLanguage(t *testing.T) {
	ts := workServer(t)
	contract := readCSV(t, ts, "/api/metrics.csv?year=2024")
	if got := strings.Join(contract[0], ","); got != "indicator,year,street,numerator,denominator,percent,target,met,needed" {
		t.Errorf("contract header %s", got)
	}
	if contract[1][0] != "five_good_streets" || (contract[1][7] != "true" && contract[1][7] != "false") {
		t.Errorf("contract row %v", contract[1])
	}

	d := ts.getDoc(t, "/?year=2024&lang=zh", 200)
	district, streets := d.Find(`[data-testid="csv-district"]`).AttrOr("href", ""), d.Find(`[data-testid="csv-streets"]`).AttrOr("href", "")
	zh := readCSV(t, ts, district)
	if got := strings.Join(zh[0], ","); got != "指标,年份,街道,达到数,总数,百分比（%）,目标（%）,是否达标,还需" {
		t.Errorf("zh header %s (link %s)", got, district)
	}
	if got := strings.Join(zh[1], ","); got != "“五好”街道党工委占比,2024,全区,1,2,50.0,60,否,1" {
		t.Errorf("zh first row %s", got)
	}
	if len(zh) != len(contract) {
		t.Errorf("zh has %d rows, the contract %d: the same rows", len(zh), len(contract))
	}
	by := readCSV(t, ts, streets)
	names := map[string]int{}
	for _, r := range by[1:] {
		names[r[2]]++
	}
	if len(names) != 2 || names["北大街道"] == 0 || names["文峰街道"] == 0 || by[1][2] != "北大街道" {
		t.Errorf("by street (link %s): streets %v, first %v", streets, names, by[1])
	}

	en := ts.getDoc(t, "/?year=2024&lang=en", 200)
	enRows := readCSV(t, ts, en.Find(`[data-testid="csv-district"]`).AttrOr("href", ""))
	if enRows[0][0] != "Indicator" || enRows[1][2] != "District" || enRows[1][7] != "no" {
		t.Errorf("en rows %v %v", enRows[0], enRows[1])
	}

	st := ts.getDoc(t, "/streets/"+url.PathEscape("文峰街道")+"?year=2024&lang=zh", 200)
	var link string
	st.Find(`a`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if a.Text() == "下载本街道 CSV" {
			link = a.AttrOr("href", "")
			return false
		}
		return true
	})
	rows := readCSV(t, ts, link)
	if rows[0][0] != "指标" || rows[1][2] != "文峰街道" {
		t.Errorf("street CSV (link %q) %v %v", link, rows[0], rows[1])
	}
}
