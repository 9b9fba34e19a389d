package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/web"
)

// matrixRow is how the role matrix calls one route. street, when set, is
// the street whose data the request changes: a clerk of another street
// must get 403.
type matrixRow struct {
	path   string
	form   url.Values
	street string
	status int // when allowed, the exact status expected (0: anything not denied)
}

// roleMatrix has one row per route. A route added without a row fails
// TestRoleMatrix, so nobody can add a route without deciding who may call it.
var roleMatrix = map[string]matrixRow{
	"GET /{$}":                         {path: "/"},
	"GET /api/metrics":                 {path: "/api/metrics"},
	"GET /api/metrics.csv":             {path: "/api/metrics.csv"},
	"GET /api/version":                 {path: "/api/version"},
	"GET /report":                      {path: "/report"},
	"GET /report.pdf":                  {path: "/report.pdf"},
	"GET /brief":                       {path: "/brief"},
	"GET /brief.pdf":                   {path: "/brief.pdf"},
	"GET /snapshots":                   {path: "/snapshots"},
	"POST /snapshots":                  {path: "/snapshots", form: url.Values{"year": {"1999"}}},
	"GET /snapshots/{id}":              {path: "/snapshots/1"},
	"GET /snapshots/{id}/pdf":          {path: "/snapshots/1/pdf"},
	"GET /snapshots/{id}/figures.json": {path: "/snapshots/1/figures.json"},
	"GET /healthz":                     {path: "/healthz"},
	"GET /readyz":                      {path: "/readyz"},
	"GET /static/":                     {path: "/static/none"},
	"GET /favicon.ico":                 {path: "/favicon.ico"},
	"GET /login":                       {path: "/login"},
	"POST /login":                      {path: "/login", form: url.Values{"username": {"nobody"}, "password": {"x"}}, status: 401},
	"POST /logout":                     {path: "/logout", form: url.Values{}},
	"GET /streets":                     {path: "/streets"},
	"GET /streets/{name}":              {path: "/streets/%E8%A1%97%E9%81%9301"},
	"GET /streets/{name}/communities/{community}": {path: "/streets/%E8%A1%97%E9%81%9301/communities/%E7%A4%BE%E5%8C%BA1"},
	"GET /stars":                        {path: "/stars"},
	"GET /worklist":                     {path: "/worklist?indicator=five_star_compounds&year=2024"},
	"GET /worklist.xlsx":                {path: "/worklist.xlsx?indicator=five_star_compounds&year=2024"},
	"GET /compare":                      {path: "/compare"},
	"GET /help":                         {path: "/help"},
	"GET /report/footer.css":            {path: "/report/footer.css?t=x"},
	"GET /upload":                       {path: "/upload"},
	"POST /upload":                      {path: "/upload", form: url.Values{}, status: 400},
	"GET /upload/{token}":               {path: "/upload/nosuchtoken", status: 404},
	"POST /upload/{token}/apply":        {path: "/upload/nosuchtoken/apply", form: url.Values{}, status: 404},
	"POST /upload/{token}/discard":      {path: "/upload/nosuchtoken/discard", form: url.Values{}, status: 404},
	"GET /upload/{token}/problems.csv":  {path: "/upload/nosuchtoken/problems.csv", status: 404},
	"POST /api/uploads":                 {path: "/api/uploads", form: url.Values{}, status: 400},
	"GET /history":                      {path: "/history"},
	"GET /history/{id}":                 {path: "/history/999", status: 404},
	"GET /history/{id}/changes.csv":     {path: "/history/999/changes.csv", status: 404},
	"GET /history/{id}/file":            {path: "/history/999/file", status: 404},
	"GET /history/{id}/rollback":        {path: "/history/999/rollback", status: 404},
	"POST /history/{id}/rollback":       {path: "/history/999/rollback", form: url.Values{}, status: 404},
	"GET /templates/blank.csv":          {path: "/templates/blank.csv"},
	"GET /templates/blank.xlsx":         {path: "/templates/blank.xlsx"},
	"GET /templates/prefilled.xlsx":     {path: "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9301&year=2024", street: "街道01"},
	"GET /admin/users":                  {path: "/admin/users"},
	"POST /admin/users":                 {path: "/admin/users", form: url.Values{"name": {""}}},
	"POST /admin/users/{name}/password": {path: "/admin/users/zed/password", form: url.Values{"password": {"zed's new password"}}},
	"POST /admin/users/{name}/role":     {path: "/admin/users/zed/role", form: url.Values{"role": {"viewer"}}},
	"POST /admin/users/{name}/disable":  {path: "/admin/users/zed/disable", form: url.Values{}},
	"POST /admin/users/{name}/enable":   {path: "/admin/users/zed/enable", form: url.Values{}},
	"GET /admin/audit":                  {path: "/admin/audit"},
	"GET /admin/targets":                {path: "/admin/targets"},
	"POST /admin/targets":               {path: "/admin/targets", form: url.Values{}},
	"GET /admin/audit.csv":              {path: "/admin/audit.csv"},
	"GET /admin/backups":                {path: "/admin/backups"},
	"POST /admin/backups":               {path: "/admin/backups", form: url.Values{}, status: 409},
	"GET /review":                       {path: "/review"},
	"GET /admin/workflow":               {path: "/admin/workflow"},
	"POST /admin/workflow":              {path: "/admin/workflow", form: url.Values{"action": {"lock"}, "year": {"1999"}}, status: 400},
	"GET /review/{id}":                  {path: "/review/999", status: 404},
	"POST /review/locks":                {path: "/review/locks", form: url.Values{"year": {"1999"}}, status: 400},
	"POST /review/{id}/approve":         {path: "/review/999/approve", form: url.Values{}, status: 404},
	"POST /review/{id}/reject":          {path: "/review/999/reject", form: url.Values{}, status: 404},
	"GET /api/batches":                  {path: "/api/batches?status=submitted"},
	"GET /correct":                      {path: "/correct?street=%E8%A1%97%E9%81%9301"},
	"POST /correct":                     {path: "/correct", form: url.Values{"year": {"2023"}, "street": {"街道01"}, "field": {"five_good"}, "value": {"是"}}, street: "街道01", status: 400},
	"POST /api/corrections":             {path: "/api/corrections", form: url.Values{"year": {"2023"}, "street": {"街道01"}, "field": {"five_good"}, "value": {"是"}}, street: "街道01", status: 400},
	"POST /api/batches/{id}/approve":    {path: "/api/batches/999/approve", form: url.Values{}, status: 404},
	"POST /api/batches/{id}/reject":     {path: "/api/batches/999/reject", form: url.Values{}, status: 404},
	"POST /api/locks":                   {path: "/api/locks", form: url.Values{"year": {"1999"}}, status: 400},
	"POST /api/locks/unlock":            {path: "/api/locks/unlock", form: url.Values{"year": {"1999"}}, status: 400},
}

type actor struct {
	name string // "" for anonymous
	role auth.Role
}

func allowed(r web.Route, a actor, row matrixRow) bool {
	switch r.Access {
	case web.AccessPublic:
		return true
	case web.AccessRead:
		return a.name != ""
	case web.AccessUpload:
		if !a.role.CanUpload() {
			return false
		}
		return row.street == "" || a.role == auth.Admin || a.name == "clerk01"
	case web.AccessAdmin:
		return a.role == auth.Admin
	case web.AccessReview:
		if !a.role.CanReview() {
			return false
		}
		return row.street == "" || a.role == auth.Admin || a.name == "reviewer01"
	}
	return false
}

func TestRoleMatrix(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "viewer", Role: auth.Viewer},
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "clerk02", Role: auth.Clerk, Streets: []string{"街道02"}},
		auth.User{Name: "admin", Role: auth.Admin},
		auth.User{Name: "zed", Role: auth.Viewer},
		auth.User{Name: "reviewer01", Role: auth.Reviewer, Streets: []string{"街道01"}},
		auth.User{Name: "reviewer", Role: auth.Reviewer},
	)
	routes := ts.Web.Routes()
	for _, r := range routes {
		if _, ok := roleMatrix[r.Pattern]; !ok {
			t.Errorf("route %q has no row in the role matrix: decide who may call it", r.Pattern)
		}
	}
	// Logging out ends the session: run it last.
	slices.SortStableFunc(routes, func(a, b web.Route) int {
		return boolInt(a.Pattern == "POST /logout") - boolInt(b.Pattern == "POST /logout")
	})
	actors := []actor{{"", ""}, {"viewer", auth.Viewer}, {"clerk01", auth.Clerk}, {"clerk02", auth.Clerk}, {"admin", auth.Admin},
		{"reviewer01", auth.Reviewer}, {"reviewer", auth.Reviewer}}
	for _, a := range actors {
		c := ts.client(t)
		if a.name != "" {
			if resp := ts.login(t, c, a.name, testPassword); resp.StatusCode != 303 {
				t.Fatalf("login %s: %d", a.name, resp.StatusCode)
			}
		}
		for _, r := range routes {
			row, ok := roleMatrix[r.Pattern]
			if !ok {
				continue
			}
			method, _, _ := strings.Cut(r.Pattern, " ")
			form := row.form
			if r.Pattern == "POST /login" {
				// A name of its own per actor: the login throttle refuses a
				// name's sixth failure.
				form = url.Values{"username": {"nobody-" + a.name}, "password": {"x"}}
			}
			resp := do(t, c, method, ts.URL+row.path, form)
			who := a.name
			if who == "" {
				who = "anonymous"
			}
			if row.status != 0 && allowed(r, a, row) {
				if resp.StatusCode != row.status {
					t.Errorf("%s as %s: status %d, want %d", r.Pattern, who, resp.StatusCode, row.status)
				}
				continue
			}
			toLogin := resp.StatusCode == 303 && strings.HasPrefix(resp.Header.Get("Location"), "/login")
			denied := resp.StatusCode == 401 || resp.StatusCode == 403 || (toLogin && r.Pattern != "POST /logout")
			if want := allowed(r, a, row); want == denied {
				t.Errorf("%s as %s: status %d (%s), allowed should be %v", r.Pattern, who, resp.StatusCode, resp.Header.Get("Location"), want)
			}
			if denied && a.name != "" && resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s as %s: logged-in but denied must be 403, got %d", r.Pattern, who, resp.StatusCode)
			}
			if denied && a.name == "" && !(resp.StatusCode == 401 || toLogin) {
				t.Errorf("%s as anonymous: want 401 or a redirect to login, got %d", r.Pattern, resp.StatusCode)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPublicReadsOnly: --public opens reading to anyone, never changes.
func TestPublicReadsOnly(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	for _, r := range ts.Web.Routes() {
		row, ok := roleMatrix[r.Pattern]
		if !ok || r.Access == web.AccessPublic || row.status != 0 {
			continue
		}
		method, _, _ := strings.Cut(r.Pattern, " ")
		resp := do(t, c, method, ts.URL+row.path, row.form)
		denied := resp.StatusCode == 401 || resp.StatusCode == 303
		if (r.Access == web.AccessRead) == denied {
			t.Errorf("--public %s as anonymous: %d", r.Pattern, resp.StatusCode)
		}
	}
}

// TestHeadersOnEveryHTMLRoute checks the security headers on every page.
func TestHeadersOnEveryHTMLRoute(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	for _, r := range ts.Web.Routes() {
		row := roleMatrix[r.Pattern]
		if !strings.HasPrefix(r.Pattern, "GET ") || row.path == "" {
			continue
		}
		resp := do(t, c, "GET", ts.URL+row.path, nil)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP lacks %q", r.Pattern, want)
			}
		}
		if strings.Contains(csp, "'unsafe-inline'") && !strings.Contains(csp, "style-src-attr 'unsafe-inline'") {
			t.Errorf("%s: unsafe-inline beyond style attributes: %s", r.Pattern, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: nosniff %q referrer %q", r.Pattern, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
	}
}

// TestBatchPageSameScopeAsFile: GET /history/{id} (and its CSV) answer 200
// exactly to those who may download the batch's file, 403 to the others
// (clerks outside the batch's streets, viewers), and the history links
// "变化 N" to the batch's page only for them.
func TestBatchPageSameScopeAsFile(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "admin", Role: auth.Admin},
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "clerk02", Role: auth.Clerk, Streets: []string{"街道02"}},
		auth.User{Name: "clerk12", Role: auth.Clerk, Streets: []string{"街道01", "街道02"}},
		auth.User{Name: "viewer", Role: auth.Viewer},
	)
	clients := map[string]*http.Client{}
	for _, n := range []string{"admin", "clerk01", "clerk02", "clerk12", "viewer"} {
		clients[n] = ts.client(t)
		if resp := ts.login(t, clients[n], n, testPassword); resp.StatusCode != 303 {
			t.Fatalf("login %s: %d", n, resp.StatusCode)
		}
	}
	upload := func(as string, content []byte) int64 {
		t.Helper()
		code, r, _ := postUpload(t, clients[as], ts, "台账.csv", content, nil)
		if code != 200 || r.BatchID == nil {
			t.Fatalf("upload as %s: %d %+v", as, code, r)
		}
		return *r.BatchID
	}
	own := upload("clerk01", ledgerOf("a", "街道01"))
	both := upload("admin", ledgerOf("b", "街道01", "街道02"))
	other := upload("clerk02", ledgerOf("c", "街道02"))
	want := map[string]map[int64]int{
		"admin":   {own: 200, both: 200, other: 200},
		"clerk01": {own: 200, both: 403, other: 403},
		"clerk02": {own: 403, both: 403, other: 200},
		"clerk12": {own: 200, both: 200, other: 200},
		"viewer":  {own: 403, both: 403, other: 403},
	}
	for who, batches := range want {
		c := clients[who]
		_, _, history := send(t, c, "GET", ts.URL+"/history?lang=zh", nil)
		for id, status := range batches {
			base := "/history/" + itoa(id)
			file, _, _ := send(t, c, "GET", ts.URL+base+"/file", nil)
			for _, p := range []string{base + "?lang=zh", base + "/changes.csv"} {
				code, _, body := send(t, c, "GET", ts.URL+p, nil)
				if code != status || code != file {
					t.Errorf("%s GET %s: %d, want %d (the file: %d)", who, p, code, status, file)
				}
				if code == 403 && strings.Contains(body, "小区") {
					t.Errorf("%s GET %s: the refusal shows the batch's units", who, p)
				}
			}
			if who == "viewer" {
				continue
			}
			link := `href="` + base + `" data-testid="batch-link">变化 `
			if strings.Contains(history, link) != (status == 200) {
				t.Errorf("%s: the history links batch %d's changes: %v, want %v", who, id, !(status == 200), status == 200)
			}
		}
	}
	if code, loc, _ := send(t, ts.client(t), "GET", ts.URL+"/history/"+itoa(own), nil); code != 303 || !strings.HasPrefix(loc, "/login") {
		t.Errorf("anonymous GET /history/{id}: %d %s", code, loc)
	}
}
