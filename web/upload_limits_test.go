package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/web"
)

// bigLedger is a valid ledger of n compounds of one street (already in
// the test data): long enough that its parse is still running when the
// test acts on it.
func bigLedger(street string, n int) []byte {
	var b bytes.Buffer
	b.WriteString("年份,街道,社区,小区,星级,小区党支部,业委会,物业服务,党群服务中心\n")
	for i := range n {
		fmt.Fprintf(&b, "2024,%s,社区%d,小区%d,%d,是,否,是,否\n", street, i%50, i, i%6)
	}
	return b.Bytes()
}

// held lets a test hold parses where they report progress: each parse
// announces itself on started and waits until its request ends (or
// release is closed).
type held struct {
	started chan int
	release chan struct{}
	once    sync.Once
}

func holdParses(s *web.Server) *held {
	h := &held{started: make(chan int, 16), release: make(chan struct{})}
	s.ParseProgress = func(ctx context.Context, rows int) {
		select {
		case h.started <- rows:
		default:
		}
		select {
		case <-ctx.Done():
		case <-h.release:
		}
	}
	return h
}

func (h *held) let() { h.once.Do(func() { close(h.release) }) }

// waitUntil polls a counter the server exposes: the test waits for an
// event, not for time to pass.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v in vain for %s", waitLimit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func uploadRequest(t *testing.T, ctx context.Context, base, path, name string, data []byte) *http.Request {
	t.Helper()
	body, ct := multipartBody(t, name, data, nil)
	req, err := http.NewRequestWithContext(ctx, "POST", base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return req
}

// TestParseStopsWhenTheClientLeaves: on main a parse went on after the
// client left (54 s of CPU for one 394 KB file). Now the request's end
// stops it within 1,024 rows: a clerk starts uploads of a 200,000-row
// ledger (the API and the page), the parse reports that it runs, the
// client cancels, and the server's count of parses stopped early goes up,
// with nothing stored.
func TestParseStopsWhenTheClientLeaves(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	h := holdParses(ts.Web)
	defer h.let()
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	before := fingerprintDB(t, ts.DB)
	const rows = 200_000
	data := bigLedger(firstStreetOf(t, ts), rows)
	for i, path := range []string{"/api/uploads", "/upload"} {
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			resp, err := c.Do(uploadRequest(t, ctx, ts.URL, path, "big.csv", data))
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		at := <-h.started // the parse runs, held at its first progress report
		cancel()
		if err := <-errc; err == nil {
			t.Errorf("%s: the request was not cancelled", path)
		}
		waitUntil(t, "the parse to stop", func() bool { return ts.Web.ParsesStopped() == int64(i+1) && ts.Web.ParsesActive() == 0 })
		if at >= rows {
			t.Errorf("%s: the parse was at row %d of %d when held", path, at, rows)
		}
	}
	if after := fingerprintDB(t, ts.DB); after != before {
		t.Error("a cancelled upload changed the database")
	}
}

// TestParseTimeout: a parse longer than --parse-timeout stops with
// error parse_stopped (reason timeout), worded in Chinese, and nothing is
// imported.
func TestParseTimeout(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.ParseTimeout = time.Nanosecond // over before the first row
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	before := fingerprintDB(t, ts.DB)
	code, up, _ := postUpload(t, c, ts, "a.csv", bigLedger(firstStreetOf(t, ts), 10), nil)
	if code != 422 || len(up.Errors) == 0 || up.Errors[0]["code"] != "parse_stopped" || !strings.Contains(fmt.Sprint(up.Errors[0]["message"]), "时间上限") {
		t.Fatalf("upload past the time limit: %d %+v", code, up.Errors)
	}
	if fingerprintDB(t, ts.DB) != before {
		t.Error("the data changed")
	}
}

// TestParseSlots: while one of a clerk's parses runs, the clerk's next
// upload gets 429 and, the server's slots all taken, another user's gets
// 503, both with Retry-After and the reason in Chinese; once the parse
// ends both may upload again.
func TestParseSlots(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "admin2", Role: auth.Admin})
	ts.Web.ParsesTotal = 1
	h := holdParses(ts.Web)
	defer h.let()
	a, b := ts.client(t), ts.client(t)
	ts.login(t, a, "admin", testPassword)
	ts.login(t, b, "admin2", testPassword)
	street := firstStreetOf(t, ts)
	done := make(chan int, 1)
	go func() {
		resp, err := a.Do(uploadRequest(t, context.Background(), ts.URL, "/api/uploads", "big.csv", bigLedger(street, 5000)))
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-h.started
	small := bigLedger(street, 3)
	for _, c := range []struct {
		who    string
		client *http.Client
		path   string
		status int
		words  string
	}{
		{"the same clerk (API)", a, "/api/uploads", 429, "上一个文件还在检查中"},
		{"the same clerk (page)", a, "/upload", 429, "上一个文件还在检查中"},
		{"another user (API)", b, "/api/uploads", 503, "服务器正在检查其他文件"},
		{"another user (page)", b, "/upload", 503, "服务器正在检查其他文件"},
	} {
		resp, err := c.client.Do(uploadRequest(t, context.Background(), ts.URL, c.path, "small.csv", small))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), c.words) {
			t.Errorf("%s: %d Retry-After %q, want %d and %q in %.300s", c.who, resp.StatusCode, resp.Header.Get("Retry-After"), c.status, c.words, body)
		}
	}
	h.let()
	if code := <-done; code != 200 {
		t.Fatalf("the held upload: %d", code)
	}
	waitUntil(t, "the slot to be free", func() bool { return ts.Web.ParsesActive() == 0 })
	if code, _, _ := postUpload(t, b, ts, "small.csv", small, map[string]string{"dry_run": "1"}); code != 200 {
		t.Errorf("after the parse ended: %d", code)
	}
}

// TestPendingUploadsBounded: on main pending uploads accepted any bytes,
// kept them as they were, never deleted them and audited nothing. Now
// random bytes are refused before anything is parsed or stored (415), a
// kept upload is stored compressed and audited, a clerk's unconfirmed
// uploads are capped (429 with the reason), a discarded one is deleted
// and audited, and the sweep deletes expired ones (24 h) and audits them.
func TestPendingUploadsBounded(t *testing.T) {
	ts, clk := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.PendingMaxFiles = 3
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	ctx := context.Background()
	parses := ts.Web.Parses()
	post := func(name string, data []byte) (*http.Response, string) {
		t.Helper()
		resp, err := c.Do(uploadRequest(t, ctx, ts.URL, "/upload", name, data))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	noise := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	for _, name := range []string{"noise.csv", "noise.xlsx", "noise.xls", "noise"} {
		if resp, body := post(name, noise); resp.StatusCode != 415 || !strings.Contains(body, "文件内容不是") {
			t.Errorf("random bytes as %s: %d %.200s", name, resp.StatusCode, body)
		}
	}
	if n := pendingRows(t, ts.DB); n != 0 || ts.Web.Parses() != parses {
		t.Fatalf("random bytes: %d pending uploads kept, %d parses", n, ts.Web.Parses()-parses)
	}

	street := firstStreetOf(t, ts)
	var tokens []string
	for i := range 3 {
		resp, body := post(fmt.Sprintf("l%d.csv", i), bigLedger(street, 2000+i))
		if resp.StatusCode != 303 {
			t.Fatalf("upload %d: %d %.300s", i, resp.StatusCode, body)
		}
		tokens = append(tokens, strings.TrimPrefix(resp.Header.Get("Location"), "/upload/"))
	}
	stored, size := storedPending(t, ts.DB)
	if stored >= size/3 {
		t.Errorf("pending uploads take %d bytes for %d of files: not compressed", stored, size)
	}
	if resp, body := post("l3.csv", bigLedger(street, 10)); resp.StatusCode != 429 || !strings.Contains(body, "未确认的上传") {
		t.Errorf("a fourth unconfirmed upload: %d %.300s", resp.StatusCode, body)
	}
	// The preview still reads the compressed file back whole.
	if resp := do(t, c, "GET", ts.URL+"/upload/"+tokens[0]+"/problems.csv", nil); resp.StatusCode != 200 {
		t.Errorf("problems.csv of a kept upload: %d", resp.StatusCode)
	}
	// The preview offers the discard as a form posting to that route.
	if resp, err := c.Get(ts.URL + "/upload/" + tokens[0]); err != nil || resp.StatusCode != 200 {
		t.Errorf("preview of a kept upload: %v %v", resp, err)
	} else {
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), `action="/upload/`+tokens[0]+`/discard"`) || !strings.Contains(string(page), `data-testid="discard"`) {
			t.Errorf("the preview has no discard button")
		}
	}
	if resp := do(t, c, "POST", ts.URL+"/upload/"+tokens[0]+"/discard", nil); resp.StatusCode != 303 {
		t.Errorf("discard: %d", resp.StatusCode)
	}
	if resp := do(t, c, "GET", ts.URL+"/upload/"+tokens[0], nil); resp.StatusCode != 404 {
		t.Errorf("a discarded upload's preview: %d", resp.StatusCode)
	}
	if resp, _ := post("l4.csv", bigLedger(street, 11)); resp.StatusCode != 303 {
		t.Errorf("an upload after one was discarded: %d", resp.StatusCode)
	}
	clk.Add(23 * time.Hour)
	if n, err := ts.Web.SweepPending(ctx); err != nil || n != 0 {
		t.Errorf("sweep after 23 h: %d %v", n, err)
	}
	clk.Add(2 * time.Hour)
	if n, err := ts.Web.SweepPending(ctx); err != nil || n != 3 {
		t.Errorf("sweep after 25 h: %d %v", n, err)
	}
	if n := pendingRows(t, ts.DB); n != 0 {
		t.Errorf("%d pending uploads after the sweep", n)
	}
	ts.login(t, c, "admin", testPassword) // the session ended meanwhile
	if resp := do(t, c, "GET", ts.URL+"/upload/"+tokens[1], nil); resp.StatusCode != 404 {
		t.Errorf("an expired upload's preview: %d", resp.StatusCode)
	}
	entries, err := ts.DB.AuditEntries(ctx, db.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		count[e.Action]++
	}
	if count[db.AuditPendingStored] != 4 || count[db.AuditPendingDiscarded] != 1 || count[db.AuditPendingExpired] != 3 {
		t.Errorf("audit: %v", count)
	}
}

func firstStreetOf(t *testing.T, ts *testServer) string {
	t.Helper()
	var name string
	if err := queryRow(t, ts.DB, `SELECT name FROM units WHERE level = 'street' ORDER BY id LIMIT 1`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func pendingRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := queryRow(t, d, `SELECT count(*) FROM pending_uploads`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedPending is what the pending uploads take in the database and
// their files' sizes.
func storedPending(t *testing.T, d *db.DB) (stored, size int64) {
	t.Helper()
	if err := queryRow(t, d, `SELECT coalesce(sum(length(raw)), 0), coalesce(sum(size), 0) FROM pending_uploads`).Scan(&stored, &size); err != nil {
		t.Fatal(err)
	}
	return stored, size
}

// fingerprintDB is the data a batch changes: units, statuses, compounds,
// batches and the data version.
func fingerprintDB(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT count(*), coalesce(max(id), 0) FROM batches`, `SELECT count(*) FROM units`, `SELECT count(*), coalesce(sum(stars), 0) FROM statuses`,
		`SELECT count(*) FROM compounds`, `SELECT count(*) FROM street_tallies`, `SELECT value FROM meta WHERE key = 'data_seq'`, `SELECT count(*) FROM pending_uploads`,
	} {
		var v1, v2 any
		row := queryRow(t, d, q)
		if strings.Count(q, ",") > 0 && strings.HasPrefix(q, "SELECT count(*),") {
			if err := row.Scan(&v1, &v2); err != nil {
				t.Fatal(err)
			}
		} else if err := row.Scan(&v1); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, q, v1, v2)
	}
	return b.String()
}

// queryRow runs a query on its own read-only connection to the database.
func queryRow(t *testing.T, d *db.DB, q string) *sql.Row {
	t.Helper()
	conn, err := sqlOpen("file:" + d.Path + "?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	conn.SetMaxOpenConns(1)
	t.Cleanup(func() { conn.Close() })
	return conn.QueryRow(q)
}
