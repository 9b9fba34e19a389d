package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jindu/db"
	"jindu/metrics"
)

func TestAPIMetricsContract(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())

	resp, body := ts.get(t, "/api/metrics?year=2022")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var raw struct {
		Program     string                       `json:"program"`
		DataVersion string                       `json:"data_version"`
		Rows        []map[string]json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Program == "" || raw.DataVersion == "" || len(raw.Rows) != 8 {
		t.Fatalf("program %q version %q rows %d", raw.Program, raw.DataVersion, len(raw.Rows))
	}
	want := []string{"indicator", "year", "street", "numerator", "denominator", "percent", "target", "met", "needed"}
	for _, row := range raw.Rows {
		if len(row) != len(want) {
			t.Errorf("row has fields %v, want exactly %v", keys(row), want)
		}
		for _, k := range want {
			if _, ok := row[k]; !ok {
				t.Errorf("row lacks %q: %v", k, keys(row))
			}
		}
	}
	byKey := map[string]string{}
	for _, row := range raw.Rows {
		var ind string
		json.Unmarshal(row["indicator"], &ind)
		b, _ := json.Marshal(row)
		byKey[ind] = string(b)
	}
	checks := map[string]string{
		"five_good_streets":          `{"denominator":13,"indicator":"five_good_streets","met":true,"needed":0,"numerator":3,"percent":23.1,"street":"","target":20,"year":2022}`,
		"five_star_compounds":        `{"denominator":10,"indicator":"five_star_compounds","met":false,"needed":1,"numerator":1,"percent":10,"street":"","target":20,"year":2022}`,
		"compound_owners_committees": `{"denominator":10,"indicator":"compound_owners_committees","met":false,"needed":2,"numerator":8,"percent":80,"street":"","target":100,"year":2022}`,
		"compound_property_services": `{"denominator":10,"indicator":"compound_property_services","met":null,"needed":null,"numerator":0,"percent":0,"street":"","target":null,"year":2022}`,
	}
	for k, w := range checks {
		if byKey[k] != w {
			t.Errorf("%s:\n got %s\nwant %s", k, byKey[k], w)
		}
	}

	// A street's figures cover its units only; a street without communities has no data there.
	var st struct {
		Rows []struct {
			Indicator   string   `json:"indicator"`
			Year        int      `json:"year"`
			Street      string   `json:"street"`
			Denominator int      `json:"denominator"`
			Percent     *float64 `json:"percent"`
			Met         *bool    `json:"met"`
			Needed      *int     `json:"needed"`
		} `json:"rows"`
	}
	ts.getJSON(t, "/api/metrics?street="+"街道02", &st)
	if len(st.Rows) != 16 {
		t.Fatalf("street rows = %d, want 8 indicators × 2 years", len(st.Rows))
	}
	for _, r := range st.Rows {
		if r.Street != "街道02" {
			t.Errorf("street = %q", r.Street)
		}
		if r.Indicator == "five_good_communities" && (r.Denominator != 0 || r.Percent != nil || r.Met != nil || r.Needed != nil) {
			t.Errorf("no communities must be null, got %+v", r)
		}
		if r.Indicator == "five_good_streets" && r.Denominator != 1 {
			t.Errorf("street denominator = %d", r.Denominator)
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestAPIMetricsErrors(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/api/metrics?street=%E6%97%A0%E6%AD%A4%E8%A1%97%E9%81%93", http.StatusNotFound},
		{"/api/metrics?year=abc", http.StatusBadRequest},
		{"/api/metrics?year=20233", http.StatusBadRequest},
		{"/api/metrics?year=1999", http.StatusBadRequest},
		{"/api/metrics.csv?year=x", http.StatusBadRequest},
	} {
		resp, body := ts.get(t, tc.path)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		if strings.HasPrefix(tc.path, "/api/metrics?") {
			var e map[string]string
			if err := json.Unmarshal(body, &e); err != nil || e["error"] == "" {
				t.Errorf("%s: body %s is not {\"error\": …}", tc.path, body)
			}
		}
	}
	// A year without data is not an error: no rows.
	var r struct{ Rows []any }
	if resp := ts.getJSON(t, "/api/metrics?year=2030", &r); resp.StatusCode != 200 || len(r.Rows) != 0 {
		t.Errorf("year without data: %d rows", len(r.Rows))
	}
}

func TestDataVersionChangesOnlyWithData(t *testing.T) {
	ts := newTestServer(t)
	version := func() string {
		var r struct {
			DataVersion string `json:"data_version"`
		}
		ts.getJSON(t, "/api/metrics", &r)
		return r.DataVersion
	}
	v0 := version()
	ts.apply(t, db.KindImport, smallDistrict())
	v1 := version()
	if v1 == v0 {
		t.Fatal("data_version unchanged after an applied batch")
	}
	ts.apply(t, db.KindImport, smallDistrict()) // same data again: nothing changes
	if v2 := version(); v2 != v1 {
		t.Errorf("data_version changed on a no-op batch: %s → %s", v1, v2)
	}
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2023, Unit: metrics.UnitRef{Street: "街道13"},
		Status: metrics.Status{FiveGood: metrics.Bool(true)}}})
	if v3 := version(); v3 == v1 {
		t.Error("data_version unchanged after a status change")
	}
}

func TestMetricsCSV(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, []metrics.Record{
		{Year: 2022, Unit: metrics.UnitRef{Street: "=HYPERLINK(\"http://x\")"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}},
	})
	resp, body := ts.get(t, "/api/metrics.csv?street=%3DHYPERLINK(%22http%3A%2F%2Fx%22)")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Error("CSV lacks the UTF-8 BOM")
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition = %q", resp.Header.Get("Content-Disposition"))
	}
	lines := strings.Split(strings.TrimSpace(string(body[3:])), "\r\n")
	if lines[0] != "indicator,year,street,numerator,denominator,percent,target,met,needed" || len(lines) != 9 {
		t.Fatalf("csv = %q", lines)
	}
	if !strings.Contains(lines[1], `"'=HYPERLINK(""http://x"")"`) {
		t.Errorf("formula cell not neutralised: %s", lines[1])
	}
	if lines[1] != `five_good_streets,2022,"'=HYPERLINK(""http://x"")",1,1,100.0,20,true,0` {
		t.Errorf("row = %s", lines[1])
	}
}
