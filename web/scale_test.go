package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jindu/db"
	"jindu/metrics"
)

// At city or province scale the overview stays bounded: the street
// comparison lists the streets furthest behind, and HTML is gzipped.
func TestOverviewBoundedAtScale(t *testing.T) {
	ts := newTestServer(t)
	var rs []metrics.Record
	for i := range 40 {
		name := fmt.Sprintf("街道%02d", i)
		rs = append(rs, metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: name}, Status: metrics.Status{FiveGood: metrics.Bool(i%3 == 0)}},
			metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: name, Community: "社区", Compound: "小区"},
				Status: metrics.Status{Stars: metrics.Int(i % 6)}})
	}
	ts.apply(t, db.KindImport, rs)
	_, body := ts.get(t, "/?year=2023")
	d := doc(t, body)
	cmp := d.Find(`#cmpchart`).Closest("figure")
	if n := cmp.Find("tbody tr").Length(); n != 30 {
		t.Errorf("overview comparison lists %d streets, want the 30 furthest behind", n)
	}
	if s := cmp.Find("figcaption").Text(); !strings.Contains(s, "30") || !strings.Contains(s, "40") {
		t.Errorf("summary does not say 30 of 40 are shown: %q", s)
	}
	_, body = ts.get(t, "/streets?year=2023")
	if n := doc(t, body).Find(`#streetstable tbody tr`).Length(); n != 40 {
		t.Errorf("/streets lists %d streets, want all 40", n)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/?year=2023", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := ts.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Error("HTML is not gzipped for a client that accepts it")
	}
}

// The district comparison of two years lists every unit that gained or
// lost a rating when the district is small enough to list.
func TestCompareListsDistrictUnits(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())
	resp, body := ts.get(t, "/compare?from=2022&to=2023")
	if resp.StatusCode != 200 {
		t.Fatalf("compare: %d", resp.StatusCode)
	}
	rows := doc(t, body).Find("#unitchanges tbody tr")
	text := rows.Text()
	// Streets 04–06 became 五好; 社区1 became 五好; 小区2-5 reached five stars.
	for _, want := range []string{"街道04", "街道05", "街道06", "社区1", "小区2-5"} {
		if !strings.Contains(text, want) {
			t.Errorf("changed units lack %s: %q", want, text)
		}
	}
	if rows.Length() != 5 {
		t.Errorf("%d changed units listed, want 5", rows.Length())
	}
}
