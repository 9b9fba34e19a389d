package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/metrics"
	"jindu/web"
)

// loginFrom posts a login as a client behind a proxy that reports the
// client's address in X-Forwarded-For (believed only from a trusted
// proxy); xff "" sends none.
func loginFrom(t *testing.T, ts *testServer, c *http.Client, xff, name, pw string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(url.Values{"username": {name}, "password": {pw}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestProxyLockout is the finding behind the documented nginx: every
// client shares the proxy's address, and 11 failed logins by anyone made
// the administrator's correct password answer 429. An account without
// failures of its own is never refused because of its address.
func TestProxyLockout(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "v", Role: auth.Viewer})
	c := ts.client(t)
	for i := range 11 {
		if resp := ts.login(t, c, fmt.Sprintf("guess%d", i), "wrong password!"); resp.StatusCode != 401 && resp.StatusCode != 429 {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	// The address is past its allowance: a name that already failed from
	// it is refused, …
	if resp := ts.login(t, c, "guess0", "wrong password!"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a guessed name again from the blocked address: %d, want 429", resp.StatusCode)
	}
	// … but the administrator, who has not failed, logs in.
	if resp := ts.login(t, ts.client(t), "admin", testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the admin's correct password after 11 failures by others: %d, want 303", resp.StatusCode)
	}
	// A colleague's single mistake becomes the account's first failure;
	// from the blocked address the account then waits like the guesser.
	if resp := ts.login(t, c, "v", "a wrong password"); resp.StatusCode != 401 {
		t.Errorf("a fresh account's one try: %d, want 401", resp.StatusCode)
	}
	if resp := ts.login(t, c, "v", testPassword); resp.StatusCode != 429 {
		t.Errorf("the same account's second try from the blocked address: %d, want 429", resp.StatusCode)
	}
}

// TestTrustedProxy: X-Forwarded-For is believed only from --trusted-proxy
// peers, and then its rightmost untrusted hop is the client, for the
// throttle and the audit log.
func TestTrustedProxy(t *testing.T) {
	audited := func(ts *testServer) []string {
		entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditLoginFailed})
		var out []string
		for _, e := range entries {
			out = append(out, e.Address)
		}
		slices.Reverse(out)
		return out
	}
	// Not trusted (the default): a client cannot choose its address.
	ts, _ := privateServer(t)
	loginFrom(t, ts, ts.client(t), "6.6.6.6", "x", "wrong password!")
	if got := audited(ts); !slices.Equal(got, []string{"127.0.0.1"}) {
		t.Errorf("X-Forwarded-For from an untrusted peer was believed: %v", got)
	}

	prefixes, err := web.ParseTrustedProxies("127.0.0.0/8, 10.0.0.0/8,::1")
	if err != nil || len(prefixes) != 3 {
		t.Fatalf("parse: %v %v", prefixes, err)
	}
	if _, err := web.ParseTrustedProxies("127.0.0.1,nginx"); err == nil {
		t.Error("a bad --trusted-proxy value was accepted")
	}
	ts, _ = privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.TrustedProxies = prefixes
	for _, xff := range []string{
		"203.0.113.7",                      // nginx's $proxy_add_x_forwarded_for
		"6.6.6.6, 203.0.113.8",             // a client's own claim stays on the left
		"203.0.113.9, 10.1.2.3",            // two proxies, both trusted
		"203.0.113.10:5123",                // with a port
		"garbage, 203.0.113.11",            // junk left of the client
		"1.2.3.4, 203.0.113.12, not-an-ip", // junk from the trusted proxy: stop at it
	} {
		loginFrom(t, ts, ts.client(t), xff, "x"+xff, "wrong password!") // a name each: no account block
	}
	req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader("username=x&password=wrong+password%21"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Real-IP", "203.0.113.13")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{"203.0.113.7", "203.0.113.8", "203.0.113.9", "203.0.113.10", "203.0.113.11", "127.0.0.1", "203.0.113.13"}
	if got := audited(ts); !slices.Equal(got, want) {
		t.Errorf("addresses audited %v, want %v", got, want)
	}
	// The throttle counts the real client: one client's failures block
	// that client, not the others behind the same proxy.
	a, b := ts.client(t), ts.client(t)
	for i := range 10 {
		loginFrom(t, ts, a, "198.51.100.1", fmt.Sprintf("spray%d", i), "wrong password!")
	}
	if resp := loginFrom(t, ts, a, "198.51.100.1", "spray0", "wrong password!"); resp.StatusCode != 429 {
		t.Errorf("the spraying client: %d, want 429", resp.StatusCode)
	}
	if resp := loginFrom(t, ts, b, "198.51.100.2", "spray0", "wrong password!"); resp.StatusCode != 401 {
		t.Errorf("another client behind the proxy: %d, want 401 (checked)", resp.StatusCode)
	}
}

// hashes is how many argon2id computations the server has run.
func hashes(ts *testServer) int64 { return ts.Web.KDF.Stats().Hashes }

// TestConcurrentGuesses: guesses sent at once cannot slip past the
// throttle's count, since each is reserved before its password is hashed.
// On main, 40 concurrent guesses at one account were all checked.
func TestConcurrentGuesses(t *testing.T) {
	var users []auth.User
	for i := range 6 {
		users = append(users, auth.User{Name: fmt.Sprintf("acct%d", i), Role: auth.Viewer})
	}
	ts, _ := privateServer(t, append(users, auth.User{Name: "admin", Role: auth.Admin})...)
	ts.Web.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.1")
	ts.Web.KDF = auth.NewKDF(0, time.Hour) // the throttle is under test: no 503 on a slow machine

	run := func(n int, guess func(i int) (xff, name string)) map[int]int {
		statuses := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				xff, name := guess(i)
				resp := loginFrom(t, ts, ts.client(t), xff, name, fmt.Sprintf("wrong guess %d", i))
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		return statuses
	}
	before := hashes(ts)
	st := run(40, func(i int) (string, string) { return fmt.Sprintf("198.51.100.%d", i), "admin" })
	checked := hashes(ts) - before
	t.Logf("40 concurrent guesses at one account from 40 addresses: %d checked, statuses %v", checked, st)
	if checked > 5 || st[401] != int(checked) || st[401]+st[429] != 40 {
		t.Errorf("40 concurrent guesses at one account: %d checked, statuses %v; want at most 5 checked, the rest 429", checked, st)
	}
	before = hashes(ts)
	st = run(60, func(i int) (string, string) { return "198.51.100.200", fmt.Sprintf("acct%d", i%6) })
	checked = hashes(ts) - before
	t.Logf("60 concurrent guesses at 6 accounts from one address: %d checked, statuses %v", checked, st)
	// 10 for the address, then at most one each for accounts without a
	// failure of their own.
	if checked > 16 || st[401] != int(checked) || st[401]+st[429] != 60 {
		t.Errorf("60 concurrent guesses from one address: %d checked, statuses %v; want at most 10 + 6", checked, st)
	}
}

// peakRSS resets the process's peak resident size and returns a function
// reading how far it rose above the size at the reset (Linux; ok is false
// elsewhere).
func peakRSS(t *testing.T) (rise func() int64, ok bool) {
	read := func(field string) int64 {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			return -1
		}
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				return n << 10
			}
		}
		return -1
	}
	runtime.GC()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return nil, false
	}
	base := read("VmRSS")
	if base < 0 {
		return nil, false
	}
	return func() int64 { return read("VmHWM") - base }, true
}

// TestConcurrentLoginsBounded: 100 logins at once from 100 clients (no
// throttle in the way) hash at most one per core at a time; on main each
// took its own 19 MiB at once (150 concurrent logins: 2.9 GB of RSS). The
// rest wait for a slot or get 503 with Retry-After.
func TestConcurrentLoginsBounded(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.1")
	slots := ts.Web.KDF.Slots()
	rise, measured := peakRSS(t)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 100 {
		wg.Go(func() {
			<-start
			resp := loginFrom(t, ts, ts.client(t), fmt.Sprintf("198.51.%d.%d", i/250, i%250), fmt.Sprintf("user%d", i), "wrong password!")
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode == 503 && resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	close(start)
	wg.Wait()
	s := ts.Web.KDF.Stats()
	msg := fmt.Sprintf("100 concurrent logins: %d hashed, at most %d at once (%d slots), statuses %v", s.Hashes, s.Peak, slots, statuses)
	if measured {
		msg += fmt.Sprintf(", peak RSS rose %d MiB", rise()>>20)
	}
	t.Log(msg)
	if s.Peak > slots || statuses[401]+statuses[503] != 100 || int64(statuses[401]) > s.Hashes {
		t.Errorf("%s: want at most %d at once, each 401 or 503", msg, slots)
	}
	// 100 argon2id at once would take 100 × 19 MiB ≈ 1.9 GiB; one per
	// core, plus the test's own servers and the race detector, far less.
	if measured {
		if r := rise(); r > 600<<20 {
			t.Errorf("%s: peak RSS rose more than 600 MiB", msg)
		}
	}
}

// TestOverlongLoginNotHashed: a user name or password no account can
// have is refused (400) without hashing, counting or auditing.
func TestOverlongLoginNotHashed(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	before := hashes(ts)
	for _, f := range []url.Values{
		{"username": {strings.Repeat("u", 65)}, "password": {"wrong password!"}},
		{"username": {"admin"}, "password": {strings.Repeat("p", 129)}},
		{"username": {"admin"}, "password": {strings.Repeat("密", 129)}},
	} {
		if resp := do(t, ts.client(t), "POST", ts.URL+"/login", f); resp.StatusCode != 400 {
			t.Errorf("over-long login: %d, want 400", resp.StatusCode)
		}
	}
	entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{})
	if n := hashes(ts) - before; n != 0 || len(entries) != 0 {
		t.Errorf("over-long logins: %d hashes, %d audit entries; want none", n, len(entries))
	}
	if resp := ts.login(t, ts.client(t), "admin", testPassword); resp.StatusCode != 303 {
		t.Errorf("the admin afterwards: %d", resp.StatusCode)
	}
}

// auditSize is the audit log's rows and stored text bytes.
func auditSize(t *testing.T, ts *testServer) (rows int, bytes int64) {
	t.Helper()
	entries, err := ts.DB.AuditEntries(context.Background(), db.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		bytes += int64(len(e.Actor) + len(e.Address) + len(e.Action) + len(e.Target) + len(e.Detail))
	}
	return len(entries), bytes
}

// TestAuditFlood: on main, 212 anonymous requests in 15 s added 25 MB to
// the append-only audit log (each blocked login one entry, with the
// attacker's 64 KiB user name twice). Now blocked attempts are one entry
// per block period with a count, and names are trimmed.
func TestAuditFlood(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	c := ts.client(t)
	for i := range 5 {
		ts.login(t, c, "admin", fmt.Sprintf("wrong password %d", i))
	}
	rows0, bytes0 := auditSize(t, ts)
	long := strings.Repeat("A", 60<<10) // inside the 64 KiB form limit
	statuses := map[int]int{}
	for i := range 212 {
		name := "admin"
		if i%2 == 1 {
			name = long
		}
		statuses[ts.login(t, c, name, "wrong password!").StatusCode]++
	}
	if _, err := ts.Web.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, bytes := auditSize(t, ts)
	t.Logf("212 requests (%v): +%d audit rows, +%d bytes", statuses, rows-rows0, bytes-bytes0)
	if statuses[429] != 106 || statuses[400] != 106 {
		t.Errorf("statuses %v: want 106 × 429 (blocked) and 106 × 400 (over-long)", statuses)
	}
	if rows-rows0 != 1 || bytes-bytes0 > 300 {
		t.Errorf("212 requests added %d rows and %d bytes to the audit log; want 1 entry of a few hundred bytes", rows-rows0, bytes-bytes0)
	}
	blocked, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditLoginBlocked})
	if len(blocked) != 1 || blocked[0].Repeats != 106 || blocked[0].Target != "admin" {
		t.Errorf("blocked entries %+v: want one for admin counting 106", blocked)
	}
	// The count is shown on the audit page and exported.
	ts.DB.AddUser(context.Background(), auth.User{Name: "boss", Role: auth.Admin}, mustHash(t))
	boss := ts.client(t)
	ts.login(t, boss, "boss", testPassword)
	resp, err := boss.Get(ts.URL + "/admin/audit.csv")
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(csv), ",login_blocked,admin,") || !strings.Contains(string(csv), ",106,") {
		t.Errorf("audit.csv lacks the count:\n%s", csv)
	}
}

func mustHash(t *testing.T) string {
	h, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// ledgerOf is a small valid ledger of the given streets' compounds.
func ledgerOf(tag string, streets ...string) []byte {
	var b strings.Builder
	b.WriteString("年份,街道,社区,小区,星级,手机号\n")
	for _, st := range streets {
		fmt.Fprintf(&b, "2024,%s,社区1,小区%s,3,13800000000\n", st, tag)
	}
	return []byte(b.String())
}

// TestBatchFilesOnlyForThoseAllowed: on main any clerk downloaded any
// batch file (other streets' ledgers, with their phone numbers). Now a
// batch, its file and its history line are for an administrator, its
// uploader and clerks whose scope covers all its streets (Contract: 403
// for the file otherwise).
func TestBatchFilesOnlyForThoseAllowed(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "admin", Role: auth.Admin},
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "clerk02", Role: auth.Clerk, Streets: []string{"街道02"}},
		auth.User{Name: "clerk12", Role: auth.Clerk, Streets: []string{"街道01", "街道02"}},
		auth.User{Name: "district", Role: auth.Clerk},
		auth.User{Name: "viewer", Role: auth.Viewer},
	)
	clients := map[string]*http.Client{}
	for _, n := range []string{"admin", "clerk01", "clerk02", "clerk12", "district", "viewer"} {
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
	own := upload("clerk01", ledgerOf("a", "街道01"))        // clerk01's own street
	both := upload("admin", ledgerOf("b", "街道01", "街道02")) // two streets, by the admin
	other := upload("clerk02", ledgerOf("c", "街道02"))      // clerk02's
	old := upload("district", ledgerOf("d", "街道01"))       // streets not recorded (before schema 11)
	raw, err := sqlOpen(ts.DB.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE batches SET streets = NULL WHERE id = ?`, old); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[int64]int{
		"admin":    {own: 200, both: 200, other: 200, old: 200},
		"clerk01":  {own: 200, both: 403, other: 403, old: 403},
		"clerk02":  {own: 403, both: 403, other: 200, old: 403},
		"clerk12":  {own: 200, both: 200, other: 200, old: 403},
		"district": {own: 200, both: 200, other: 200, old: 200}, // the uploader of old
		"viewer":   {own: 403, both: 403, other: 403, old: 403},
	}
	for who, batches := range want {
		c := clients[who]
		history := ""
		if who != "viewer" {
			resp, err := c.Get(ts.URL + "/history")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			history = string(b)
		}
		for id, status := range batches {
			path := "/history/" + strconv.FormatInt(id, 10) + "/file"
			resp, err := c.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != status {
				t.Errorf("%s GET %s: %d, want %d", who, path, resp.StatusCode, status)
			}
			if status == 403 && bytes.Contains(body, []byte("13800000000")) {
				t.Errorf("%s GET %s: the refusal carries the file", who, path)
			}
			if who != "viewer" && strings.Contains(history, `href="`+path+`"`) != (status == 200) {
				t.Errorf("%s: the history lists batch %d: %v, want %v", who, id, !(status == 200), status == 200)
			}
		}
	}
	// The pre-filled template of a street, and a pending upload's problem
	// report, are likewise the clerk's own.
	for _, tc := range []struct {
		who, path string
		status    int
	}{
		{"clerk01", "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9301&year=2024", 200},
		{"clerk02", "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9301&year=2024", 403},
		{"district", "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9301&year=2024", 200},
	} {
		if resp := do(t, clients[tc.who], "GET", ts.URL+tc.path, nil); resp.StatusCode != tc.status {
			t.Errorf("%s GET %s: %d, want %d", tc.who, tc.path, resp.StatusCode, tc.status)
		}
	}
	body, ct := multipartBody(t, "台账.csv", ledgerOf("e", "街道01"), nil)
	req, _ := http.NewRequest("POST", ts.URL+"/upload", body)
	req.Header.Set("Content-Type", ct)
	resp, err := clients["clerk01"].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pending := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(pending, "/upload/") {
		t.Fatalf("pending upload: %d %s", resp.StatusCode, pending)
	}
	for who, status := range map[string]int{"clerk01": 200, "admin": 200, "clerk02": 404, "clerk12": 404} {
		if resp := do(t, clients[who], "GET", ts.URL+pending+"/problems.csv", nil); resp.StatusCode != status {
			t.Errorf("%s GET %s/problems.csv: %d, want %d", who, pending, resp.StatusCode, status)
		}
	}
}

// TestNoStoreOnEveryPrivateRoute: on main the shared render code replaced
// the handlers' no-store with no-cache, so after logout Back showed the
// audit log from the cache. Every response to a logged-in user, from
// every route, downloads included, is no-store, private; static files may
// be cached.
func TestNoStoreOnEveryPrivateRoute(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "zed", Role: auth.Viewer})
	ctx := context.Background()
	if _, err := ts.DB.AddSnapshot(ctx, db.Snapshot{Actor: "admin", Year: 2023, DataVersion: "x", Figures: []byte(`{}`), PDF: []byte("%PDF-1.7")}, ""); err != nil {
		t.Fatal(err)
	}
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	code, up, _ := postUpload(t, c, ts, "台账.csv", ledgerOf("a", "街道01"), nil)
	if code != 200 || up.BatchID == nil {
		t.Fatalf("upload: %d", code)
	}
	check := func(name, method, path string, form url.Values) {
		t.Helper()
		resp := do(t, c, method, ts.URL+path, form)
		cc := resp.Header.Get("Cache-Control")
		if !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
			t.Errorf("%s (%s %s → %d) as admin: Cache-Control %q, want no-store, private", name, method, path, resp.StatusCode, cc)
		}
	}
	routes := ts.Web.Routes()
	slices.SortStableFunc(routes, func(a, b web.Route) int { // logging out last
		return boolInt(a.Pattern == "POST /logout") - boolInt(b.Pattern == "POST /logout")
	})
	n := 0
	for _, r := range routes {
		row, ok := roleMatrix[r.Pattern]
		if !ok || r.Pattern == "GET /static/" {
			continue
		}
		method, _, _ := strings.Cut(r.Pattern, " ")
		check(r.Pattern, method, row.path, row.form)
		n++
	}
	if n < len(routes)-1 {
		t.Errorf("checked %d of %d routes", n, len(routes))
	}
	c = ts.client(t)
	ts.login(t, c, "admin", testPassword)
	for _, p := range []string{"/history/" + strconv.FormatInt(*up.BatchID, 10) + "/file", "/snapshots/1/pdf", "/snapshots/1/figures.json",
		"/admin/audit.csv", "/api/metrics.csv", "/api/metrics", "/templates/blank.xlsx", "/nosuchpage"} {
		check("download", "GET", p, nil)
	}
	// Static files may be cached by anyone.
	d := ts.getDocAs(t, c, "/")
	css, _ := d.Find(`link[rel="stylesheet"]`).Attr("href")
	resp := do(t, c, "GET", ts.URL+css, nil)
	if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || strings.Contains(cc, "no-store") || !strings.Contains(cc, "max-age") {
		t.Errorf("static %s: %d, Cache-Control %q, want cacheable", css, resp.StatusCode, cc)
	}
	// An anonymous reader of a --public server gets a revalidated page
	// that varies by cookie, so no cache mixes it up with a user's.
	pub := newTestServer(t)
	resp, _ = pub.get(t, "/")
	if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || strings.Contains(cc, "private") || !slices.Contains(resp.Header.Values("Vary"), "Cookie") {
		t.Errorf("anonymous public page: Cache-Control %q, Vary %q", cc, resp.Header.Values("Vary"))
	}
}

// getDocAs reads a page with a client.
func (ts *testServer) getDocAs(t *testing.T, c *http.Client, path string) *goquery.Document {
	t.Helper()
	resp, err := c.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	d, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOpenRedirect: on main the 404 page's language link for
// /%2F%2Fevil pointed at //evil. The next parameter and the language link
// accept only same-site paths.
func TestOpenRedirect(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "v", Role: auth.Viewer})
	c := ts.client(t)
	ts.login(t, c, "v", testPassword)
	for _, p := range []string{"/%2F%2Fevil.example", "/%2F%5Cevil.example", "/%5C%5Cevil.example", "/streets/%2F%2Fevil.example"} {
		resp, err := c.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := goquery.NewDocumentFromReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		href, ok := d.Find("a.lang").Attr("href")
		if !ok {
			t.Errorf("GET %s (%d): no language link", p, resp.StatusCode)
			continue
		}
		u, err := url.Parse(href)
		if err != nil || u.Host != "" || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, `\`) || !strings.HasPrefix(href, "/") {
			t.Errorf("GET %s: language link %q leaves the site", p, href)
		}
	}
	for _, next := range []string{"/%2F%2Fevil.example", "//evil.example", `/\evil.example`, "https://evil.example", `/%5Cevil.example`,
		"/\t/evil.example", "http:/evil.example", "evil.example", "javascript:alert(1)"} {
		resp := do(t, ts.client(t), "POST", ts.URL+"/login", url.Values{"username": {"v"}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/" {
			t.Errorf("next=%q: %d Location %q, want /", next, resp.StatusCode, loc)
		}
	}
	resp := do(t, ts.client(t), "POST", ts.URL+"/login", url.Values{"username": {"v"}, "password": {testPassword}, "next": {"/streets/%E8%A1%97%E9%81%9301?year=2023"}})
	if loc := resp.Header.Get("Location"); loc != "/streets/%E8%A1%97%E9%81%9301?year=2023" {
		t.Errorf("a same-site next: Location %q", loc)
	}
}

// TestWeakPasswordsRefused: the admin UI refuses a common password, one
// with the user name and one with "jindu", saying why in the page's
// language.
func TestWeakPasswordsRefused(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	for _, tc := range []struct{ name, pw, lang, want string }{
		{"wang", "1234567890", "zh", "最常见的密码"},
		{"wang", "iloveyou2024", "en", "most common"},
		{"wang", "wang's long password", "zh", "不能包含用户名"},
		{"wang", "Jindu-admin-2024", "en", "must not contain the user name or the name of this system"},
		{"wang", "aaaaaaaaaaaa", "zh", "重复"},
	} {
		resp, err := c.PostForm(ts.URL+"/admin/users?lang="+tc.lang, url.Values{"name": {tc.name}, "role": {"viewer"}, "password": {tc.pw}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(body), tc.want) {
			t.Errorf("password %q: %d, want 400 saying %q", tc.pw, resp.StatusCode, tc.want)
		}
	}
	if _, _, err := ts.DB.UserByName(context.Background(), "wang"); err == nil {
		t.Error("an account with a weak password was created")
	}
	resp := do(t, c, "POST", ts.URL+"/admin/users/admin/password", url.Values{"password": {"password12345"}})
	if resp.StatusCode != 400 {
		t.Errorf("a common password set for an existing account: %d", resp.StatusCode)
	}
}

// TestSnapshotDamagedNotServed: a PDF that no longer matches its SHA-256
// is not downloaded (500 with the reason).
func TestSnapshotDamagedNotServed(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	if _, err := ts.DB.AddSnapshot(context.Background(), db.Snapshot{Actor: "admin", Year: 2023, DataVersion: "x", Figures: []byte(`{}`), PDF: []byte("%PDF-1.7 frozen")}, ""); err != nil {
		t.Fatal(err)
	}
	raw, err := sqlOpen(ts.DB.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER snapshots_no_update`, `UPDATE snapshots SET pdf = CAST('%PDF-1.7 forged' AS BLOB)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	resp, err := c.Get(ts.URL + "/snapshots/1/pdf")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || bytes.Contains(body, []byte("forged")) || !strings.Contains(string(body), "jindu check") {
		t.Errorf("damaged snapshot: %d %q", resp.StatusCode, body)
	}
}

// TestExpiredSessionsSwept: sessions nobody uses again are deleted by the
// sweep that `jindu serve` runs every minute.
func TestExpiredSessionsSwept(t *testing.T) {
	ts, clk := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.login(t, ts.client(t), "admin", testPassword)
	ts.login(t, ts.client(t), "admin", testPassword)
	if n, err := ts.Web.Sweep(context.Background()); err != nil || n != 0 {
		t.Fatalf("sweep of live sessions: %d %v", n, err)
	}
	clk.Add(31 * time.Minute)
	if n, err := ts.Web.Sweep(context.Background()); err != nil || n != 2 {
		t.Errorf("sweep after 31 idle minutes: %d %v, want 2", n, err)
	}
}

// TestCSVLineFeedNeutralised: a cell starting with a line feed is
// neutralised like one starting with = + - @, a tab or a carriage return,
// in metrics.csv (safeCell, also audit.csv) and in problem reports.
func TestCSVLineFeedNeutralised(t *testing.T) {
	const hostile = "\n=HYPERLINK(\"http://evil.example\")"
	cells := func(t *testing.T, b []byte) []string {
		t.Helper()
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r...)
		}
		return out
	}
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2023, Unit: metrics.UnitRef{Street: hostile},
		Status: metrics.Status{FiveGood: metrics.Bool(true)}}})
	resp, body := ts.get(t, "/api/metrics.csv?street="+url.QueryEscape(hostile))
	found := 0
	for _, c := range cells(t, body) {
		if strings.Contains(c, "HYPERLINK") {
			found++
			if !strings.HasPrefix(c, "'") {
				t.Errorf("metrics.csv cell %q is not neutralised", c)
			}
		}
	}
	if resp.StatusCode != 200 || found == 0 {
		t.Fatalf("metrics.csv of the street: %d, %d cells with it:\n%s", resp.StatusCode, found, body)
	}
	var buf bytes.Buffer
	if err := ingest.WriteProblemsCSV(&buf, []string{"文件", "工作表", "行", "列", "值", "代码", "说明"}, []ingest.Problem{{File: "a.csv", Row: 2, Column: "街道", Value: hostile, Code: "x"}}); err != nil {
		t.Fatal(err)
	}
	if got := cells(t, buf.Bytes()); !slices.Contains(got, "'"+strings.ReplaceAll(hostile, "\n", "\r\n")) && !slices.Contains(got, "'"+hostile) {
		t.Errorf("problems.csv: a value starting with a line feed is not neutralised: %q", got)
	}
}

func sqlOpen(p string) (*sql.DB, error) { return sql.Open("sqlite", p) }
