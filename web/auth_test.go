package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/web"
)

// clock is a settable time for session expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testPassword = "correct horse battery"

// privateServer requires login (no --public) and has the given accounts.
func privateServer(t *testing.T, users ...auth.User) (*testServer, *clock) {
	t.Helper()
	return privateServerWith(t, nil, users...)
}

// privateServerWith is privateServer with the server adjusted by opt
// before it starts.
func privateServerWith(t *testing.T, opt func(*web.Server), users ...auth.User) (*testServer, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2024, 12, 20, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, func(s *web.Server) {
		s.Auth.Public = false
		s.Now = c.Now
		if opt != nil {
			opt(s)
		}
	})
	ts.DB.Now = c.Now
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := ts.DB.AddUser(context.Background(), u, hash); err != nil {
			t.Fatal(err)
		}
	}
	ts.apply(t, db.KindImport, smallDistrict())
	return ts, c
}

// client is a browser-like client with its own cookie jar that does not
// follow redirects.
func (ts *testServer) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (ts *testServer) login(t *testing.T, c *http.Client, name, pw string) *http.Response {
	t.Helper()
	return do(t, c, "POST", ts.URL+"/login", url.Values{"username": {name}, "password": {pw}})
}

func TestLoginLogout(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "viewer1", Role: auth.Viewer})
	c := ts.client(t)
	if resp := do(t, c, "GET", ts.URL+"/api/metrics", nil); resp.StatusCode != 401 {
		t.Fatalf("anonymous /api/metrics: %d, want 401", resp.StatusCode)
	}
	resp := do(t, c, "GET", ts.URL+"/?year=2022", nil)
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = ts.login(t, c, "viewer1", "wrong password!")
	if resp.StatusCode != 401 {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp = ts.login(t, c, "viewer1", testPassword)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		cookie = ck
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || len(cookie.Value) < 22 {
		t.Fatalf("session cookie %+v", cookie)
	}
	if resp := do(t, c, "GET", ts.URL+"/api/metrics", nil); resp.StatusCode != 200 {
		t.Fatalf("/api/metrics with session: %d", resp.StatusCode)
	}
	// A new login gets a new token.
	resp2 := ts.login(t, ts.client(t), "viewer1", testPassword)
	if resp2.Cookies()[0].Value == cookie.Value {
		t.Error("a login reused a session token")
	}
	if resp := do(t, c, "POST", ts.URL+"/logout", url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	// The old cookie no longer works, even if a client kept it.
	old := ts.client(t)
	old.Jar.SetCookies(mustURL(t, ts.URL), []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}})
	if resp := do(t, old, "GET", ts.URL+"/api/metrics", nil); resp.StatusCode != 401 {
		t.Errorf("revoked session still works: %d", resp.StatusCode)
	}
	// next= only accepts local paths.
	c = ts.client(t)
	resp = do(t, c, "POST", ts.URL+"/login", url.Values{"username": {"viewer1"}, "password": {testPassword}, "next": {"//evil.example/x"}})
	if resp.Header.Get("Location") != "/" {
		t.Errorf("open redirect: %s", resp.Header.Get("Location"))
	}
	entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{})
	got := map[string]int{}
	for _, e := range entries {
		got[e.Action]++
		if e.Address == "" {
			t.Errorf("audit entry without address: %+v", e)
		}
	}
	if got[db.AuditLogin] != 3 || got[db.AuditLoginFailed] != 1 || got[db.AuditLogout] != 1 {
		t.Errorf("audit counts %v", got)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionRevocationAndExpiry(t *testing.T) {
	ts, clk := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "v", Role: auth.Viewer})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	loggedIn := func(c *http.Client) bool { return do(t, c, "GET", ts.URL+"/api/metrics", nil).StatusCode == 200 }

	// Disable and password change revoke at once.
	for _, tc := range []struct {
		name string
		act  func()
	}{
		{"disable", func() { do(t, admin, "POST", ts.URL+"/admin/users/v/disable", url.Values{"confirm": {"1"}}) }},
		{"password", func() {
			do(t, admin, "POST", ts.URL+"/admin/users/v/password", url.Values{"password": {"another long password"}})
		}},
	} {
		do(t, admin, "POST", ts.URL+"/admin/users/v/enable", url.Values{})
		do(t, admin, "POST", ts.URL+"/admin/users/v/password", url.Values{"password": {testPassword}})
		v := ts.client(t)
		if resp := ts.login(t, v, "v", testPassword); resp.StatusCode != 303 || !loggedIn(v) {
			t.Fatalf("%s: could not log in: %d", tc.name, resp.StatusCode)
		}
		tc.act()
		if loggedIn(v) {
			t.Errorf("%s did not revoke the session", tc.name)
		}
	}
	// A disabled user cannot log in.
	do(t, admin, "POST", ts.URL+"/admin/users/v/disable", url.Values{"confirm": {"1"}})
	if resp := ts.login(t, ts.client(t), "v", "another long password"); resp.StatusCode != 401 {
		t.Errorf("disabled login: %d", resp.StatusCode)
	}

	// Idle timeout: 30 minutes without a request.
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	clk.Add(29 * time.Minute)
	if !loggedIn(c) {
		t.Fatal("session ended before the idle timeout")
	}
	clk.Add(31 * time.Minute)
	if loggedIn(c) {
		t.Error("session survived 31 idle minutes")
	}
	// Absolute timeout: 8 hours, however active.
	c = ts.client(t)
	ts.login(t, c, "admin", testPassword)
	for range 47 { // 47 × 10 min = 7 h 50 min
		clk.Add(10 * time.Minute)
		if !loggedIn(c) {
			t.Fatal("active session ended before 8 hours")
		}
	}
	clk.Add(11 * time.Minute)
	if loggedIn(c) {
		t.Error("session survived the 8-hour absolute limit")
	}
}

func TestLoginThrottle(t *testing.T) {
	ts, clk := privateServer(t, auth.User{Name: "v", Role: auth.Viewer})
	c := ts.client(t)
	// Five failures are checked; the sixth attempt is not.
	for i := range 5 {
		if resp := ts.login(t, c, "v", "wrong password "+string(rune('a'+i))); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := ts.login(t, c, "v", testPassword)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" {
		t.Fatalf("blocked login: %d retry %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	clk.Add(31 * time.Second)
	if resp := ts.login(t, c, "v", testPassword); resp.StatusCode != 303 {
		t.Errorf("after the block: %d", resp.StatusCode)
	}
	entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditLoginBlocked})
	if len(entries) != 1 {
		t.Errorf("blocked attempts audited: %d", len(entries))
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/admin/users", strings.NewReader(url.Values{
			"name": {"mallory"}, "role": {"admin"}, "password": {"mallory's password"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST with %v: %d, want 403", h, resp.StatusCode)
		}
	}
	if _, _, err := ts.DB.UserByName(context.Background(), "mallory"); err == nil {
		t.Error("a cross-origin POST created an account")
	}
	// Same-origin works.
	resp := do(t, c, "POST", ts.URL+"/admin/users", url.Values{"name": {"carol"}, "role": {"clerk"}, "scope": {"streets"},
		"street": {"街道01", "街道02"}, "password": {"a clerk's long passphrase"}})
	if resp.StatusCode != 303 {
		t.Fatalf("same-origin add user: %d", resp.StatusCode)
	}
	u, _, err := ts.DB.UserByName(context.Background(), "carol")
	if err != nil || u.Role != auth.Clerk || len(u.Streets) != 2 {
		t.Errorf("carol = %+v %v", u, err)
	}
}

func TestNoAccountYetShowsHowToCreateOne(t *testing.T) {
	ts, _ := privateServer(t)
	resp, body := ts.get(t, "/login")
	if resp.StatusCode != 200 || !strings.Contains(string(body), "jindu user add") {
		t.Errorf("login page without accounts: %d", resp.StatusCode)
	}
}
