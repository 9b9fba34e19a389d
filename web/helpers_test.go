package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"jindu/internal/testdata/testutil"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

// waitLimit bounds every wait in these tests, for a page in the browser,
// a PDF or a response: far longer than any of them takes on a loaded
// machine under -race, it only keeps a broken build from hanging the
// suite. The tests wait for events (a chart's SVG, a path, an element, a
// response), never for a time.
const waitLimit = 3 * time.Minute

// testServer is a real Jindu server on a real SQLite file.
type testServer struct {
	*httptest.Server
	DB  *db.DB
	Web *web.Server
}

// newTestServer starts a server with --public behaviour (anyone reads),
// so page tests need no login; opts adjust it (auth tests turn Public off).
func newTestServer(t testing.TB, opts ...func(*web.Server)) *testServer {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "jindu.db"))
	if err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return time.Date(2024, 12, 20, 9, 30, 0, 0, time.UTC) }
	s, err := web.New(d, metrics.DefaultProgram(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Auth.Public = true
	for _, o := range opts {
		o(s)
	}
	s.SetReady(true)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); d.Close() })
	return &testServer{Server: ts, DB: d, Web: s}
}

// apply stores records as one batch.
func (ts *testServer) apply(t testing.TB, kind string, rs []metrics.Record) {
	t.Helper()
	_, err := ts.DB.Apply(context.Background(), db.BatchInput{Kind: kind, Actor: "test"}, testutil.Records(rs...))
	if err != nil {
		t.Fatal(err)
	}
}

func (ts *testServer) get(t testing.TB, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func (ts *testServer) getJSON(t testing.TB, path string, v any) *http.Response {
	t.Helper()
	resp, body := ts.get(t, path)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
	return resp
}

// smallDistrict: 13 streets, 3 of them 五好 in 2022 and 6 in 2023; street
// 1 has 2 communities and 10 compounds (1 five-star in 2022, 2 in 2023).
func smallDistrict() []metrics.Record {
	var rs []metrics.Record
	for _, year := range []int{2022, 2023} {
		good := map[int]int{2022: 3, 2023: 6}[year]
		for i := range 13 {
			rs = append(rs, metrics.Record{Year: year, Unit: metrics.UnitRef{Street: fmt.Sprintf("街道%02d", i+1)},
				Status: metrics.Status{FiveGood: metrics.Bool(i < good), ServiceCenter: metrics.Bool(true)}})
		}
		for c := range 2 {
			com := fmt.Sprintf("社区%d", c+1)
			rs = append(rs, metrics.Record{Year: year, Unit: metrics.UnitRef{Street: "街道01", Community: com, CommunityType: metrics.CommunityUrban},
				Status: metrics.Status{FiveGood: metrics.Bool(c == 0 && year == 2023), ServiceCenter: metrics.Bool(true)}})
			for k := range 5 {
				stars := k
				if k == 4 && (c == 0 || year == 2023) {
					stars = 5
				}
				rs = append(rs, metrics.Record{Year: year, Unit: metrics.UnitRef{Street: "街道01", Community: com, Compound: fmt.Sprintf("小区%d-%d", c+1, k+1)},
					Status: metrics.Status{Stars: metrics.Int(stars), PartyBranch: metrics.Bool(true), OwnersCommittee: metrics.Bool(k > 0)}})
			}
		}
	}
	return rs
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
