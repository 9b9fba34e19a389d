package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

func TestAdminSetsTargets(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	type row struct {
		Indicator string
		Year      int
		Target    *int
		Met       *bool
		Needed    *int
	}
	metricsOf := func() (string, map[string]row) {
		var r struct {
			DataVersion string `json:"data_version"`
			Rows        []row
		}
		resp, err := c.Get(ts.URL + "/api/metrics?year=2023")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := jsonDecode(resp.Body, &r); err != nil {
			t.Fatal(err)
		}
		m := map[string]row{}
		for _, x := range r.Rows {
			m[x.Indicator] = x
		}
		return r.DataVersion, m
	}
	v0, m := metricsOf()
	if m["compound_property_services"].Target != nil {
		t.Fatal("the plan has no numeric target for property services")
	}
	// A number for a "普遍" indicator, and a milestone removed.
	resp := do(t, c, "POST", ts.URL+"/admin/targets", url.Values{
		"compound_property_services.2023": {"90"}, "five_star_compounds.2023": {""}, "five_good_streets.2023": {"40"}})
	if resp.StatusCode != 200 {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	v1, m := metricsOf()
	ps := m["compound_property_services"]
	if ps.Target == nil || *ps.Target != 90 || ps.Met == nil || *ps.Met || ps.Needed == nil || *ps.Needed != 9 {
		t.Errorf("property services after setting 90%%: %+v", ps)
	}
	if m["five_star_compounds"].Target != nil {
		t.Error("cleared target still applies")
	}
	if v1 == v0 {
		t.Error("a target change must change data_version")
	}
	entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditProgram})
	if len(entries) != 2 { // five_good_streets 2023 was already 40: not a change
		t.Errorf("audited target changes: %d (%+v)", len(entries), entries)
	}
	if resp := do(t, c, "POST", ts.URL+"/admin/targets", url.Values{"compound_property_services.2023": {"150"}}); resp.StatusCode != 400 {
		t.Errorf("target 150: %d", resp.StatusCode)
	}
	// Survives a restart: a new server on the same database loads them.
	s2, err := web.New(ts.DB, metrics.DefaultProgram(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.LoadTargets(context.Background()); err != nil {
		t.Fatal(err)
	}
	s2.Auth.Public = true
	ts2 := httptest.NewServer(s2.Handler())
	defer ts2.Close()
	var r struct{ Rows []row }
	resp, err = ts2.Client().Get(ts2.URL + "/api/metrics?year=2023")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	jsonDecode(resp.Body, &r)
	found := false
	for _, x := range r.Rows {
		if x.Indicator == "compound_property_services" && x.Target != nil && *x.Target == 90 {
			found = true
		}
	}
	if !found {
		t.Error("a restarted server lost the administrator's target")
	}
}
