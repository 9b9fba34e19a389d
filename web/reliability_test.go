package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
	"jindu/web"
)

// lockedBuffer collects a server's log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// opsServer is a --public server with the demo district, a logger whose
// output the test reads, and an administrator's logged-in client.
func opsServer(t *testing.T) (*testServer, *lockedBuffer, *http.Client) {
	t.Helper()
	logs := &lockedBuffer{}
	ts := newTestServer(t, func(s *web.Server) { s.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	ts.DB.Now = time.Now // sessions are checked against the server's real clock
	_, err := ts.DB.Apply(context.Background(), db.BatchInput{Kind: db.KindDemo, Actor: "demo"}, demo.Records(demo.District, 1, demo.Years))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.DB.AddUser(context.Background(), auth.User{Name: "admin", Role: auth.Admin}, hash); err != nil {
		t.Fatal(err)
	}
	c := ts.client(t)
	if resp := ts.login(t, c, "admin", testPassword); resp.StatusCode != 303 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return ts, logs, c
}

// ledger is a CSV of n compounds of one street for one year; v shifts the
// star counts, so that consecutive files change every row, and rotates the
// rows. The party-branch column of the first 63 rows spells v in binary,
// so that no two files are identical (a duplicate is not applied): the
// shift and the rotation alone repeat after n files.
func ledger(street string, year, n, v int) []byte {
	var b bytes.Buffer
	b.WriteString("年份,街道,社区,小区,星级,小区党支部\n")
	for i := range n {
		k := (i + v) % n
		branch := "否"
		if i < 63 && v>>i&1 == 1 {
			branch = "是"
		}
		fmt.Fprintf(&b, "%d,%s,负载社区%d,负载小区%d,%d,%s\n", year, street, k/50, k, (k+v)%6, branch)
	}
	return b.Bytes()
}

// firstStreet is the demo district's first street.
func firstStreet(t *testing.T) string {
	var name string
	errStop := fmt.Errorf("stop")
	err := demo.Generate(demo.District, 1, demo.Years, func(r metrics.Record) error {
		name = r.Unit.Street
		return errStop
	})
	if err != errStop || name == "" {
		t.Fatalf("demo: %v", err)
	}
	return name
}

type uploadResult struct {
	BatchID *int64 `json:"batch_id"`
	Rows    int    `json:"rows"`
	Errors  []any  `json:"errors"`
}

// postFile sends a file to POST /api/uploads.
func postFile(c *http.Client, base, name string, data []byte) (int, uploadResult, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		return 0, uploadResult{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var res uploadResult
	json.Unmarshal(raw, &res)
	return resp.StatusCode, res, nil
}

func busyLines(logs string) []string {
	var bad []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "SQLITE_BUSY") || strings.Contains(l, "database is locked") || strings.Contains(l, "level=ERROR") {
			bad = append(bad, l)
		}
	}
	return bad
}

// TestUnderLoad has one clerk uploading again and again while 50 readers
// load the dashboard, /api/metrics and a street page without pause (20 s,
// or JINDU_LOAD_SECONDS): no request may fail, no SQLITE_BUSY may appear,
// and the readers' latency is reported (logged, not judged: it says how
// loaded the machine was as much as how fast Jindu is). Not under -short.
func TestUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the load test runs 20 s")
	}
	const readers = 50
	dur := 20 * time.Second
	if s := os.Getenv("JINDU_LOAD_SECONDS"); s != "" {
		n, _ := strconv.Atoi(s)
		dur = time.Duration(n) * time.Second
	}
	ts, logs, clerk := opsServer(t)
	street := firstStreet(t)
	paths := []string{"/", "/api/metrics", "/streets/" + url.PathEscape(street)}

	tr := &http.Transport{MaxIdleConnsPerHost: readers + 4}
	defer tr.CloseIdleConnections()
	rc := &http.Client{Transport: tr, Timeout: waitLimit}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup
	lat := make([][]time.Duration, readers)
	var failures atomic.Int64
	var firstFailure atomic.Value
	for i := range readers {
		wg.Go(func() {
			for k := 0; ctx.Err() == nil; k++ {
				p := paths[(i+k)%len(paths)]
				start := time.Now()
				resp, err := rc.Get(ts.URL + p)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("GET %s: %v", p, err))
					continue
				}
				lat[i] = append(lat[i], time.Since(start))
			}
		})
	}
	var uploads int
	var uploadErr error
	wg.Go(func() {
		for v := 1; ctx.Err() == nil; v++ {
			status, res, err := postFile(clerk, ts.URL, fmt.Sprintf("load-%d.csv", v), ledger(street, 2025, 300, v))
			if err == nil && (status != 200 || res.BatchID == nil || res.Rows != 300) {
				err = fmt.Errorf("upload %d: status %d %+v", v, status, res)
			}
			if err != nil {
				uploadErr = err
				return
			}
			uploads++
		}
	})
	wg.Wait()

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		t.Fatal("no request completed")
	}
	p := func(q float64) time.Duration { return all[min(len(all)-1, int(q*float64(len(all))))] }
	t.Logf("load: %d readers × %v, %d reads (%.0f/s), %d uploads of 300 rows; errors %d; latency p50 %v p99 %v max %v",
		readers, dur, len(all), float64(len(all))/dur.Seconds(), uploads, failures.Load(),
		p(0.50).Round(time.Millisecond), p(0.99).Round(time.Millisecond), all[len(all)-1].Round(time.Millisecond))
	if n := failures.Load(); n > 0 {
		t.Errorf("%d reader requests failed, e.g. %v", n, firstFailure.Load())
	}
	if uploadErr != nil {
		t.Error(uploadErr)
	}
	if uploads == 0 {
		t.Error("the clerk applied no upload")
	}
	if bad := busyLines(logs.String()); len(bad) > 0 {
		t.Errorf("errors in the log (%d), e.g. %s", len(bad), bad[0])
	}
}

// TestConcurrentUploadsAllApply sends ten uploads at once: every one is
// applied as its own batch, one after another, and none is lost.
func TestConcurrentUploadsAllApply(t *testing.T) {
	ts, logs, clerk := opsServer(t)
	street := firstStreet(t)
	const n, rows = 10, 200
	// One clerk's parses are capped at one at a time by default (429 for
	// the others, see TestParseSlots); here they may all run.
	ts.Web.ParsesPerUser, ts.Web.ParsesTotal = n, n
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for j := range n {
		wg.Go(func() {
			status, res, err := postFile(clerk, ts.URL, fmt.Sprintf("c%d.csv", j), ledger(street, 2030+j, rows, j))
			switch {
			case err != nil:
				errs <- err
			case status != 200 || res.BatchID == nil || res.Rows != rows:
				errs <- fmt.Errorf("upload %d: %d %+v", j, status, res)
			default:
				ids[j] = *res.BatchID
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	seen := map[int64]bool{}
	for j, id := range ids {
		if seen[id] {
			t.Errorf("batch %d reported twice", id)
		}
		seen[id] = true
		b, err := ts.DB.BatchByID(context.Background(), id)
		if err != nil || b.Rows != rows || b.Changed != rows || b.FileName != fmt.Sprintf("c%d.csv", j) {
			t.Errorf("batch %d: %+v %v", id, b, err)
		}
	}
	if bad := busyLines(logs.String()); len(bad) > 0 {
		t.Errorf("errors in the log: %s", bad[0])
	}
}

// rawRequest sends bytes as they are (no client-side path cleaning) and
// returns the status line's code.
func rawRequest(t *testing.T, addr, req string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(waitLimit))
	io.WriteString(conn, req)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 200 && (bytes.Contains(body, []byte("module jindu")) || bytes.Contains(body, []byte("root:"))) {
		t.Errorf("%q served a file outside static/", req)
	}
	return resp.StatusCode
}

// TestBadRequests sends malformed and hostile requests: each gets the
// right 4xx, nothing changes, and no secret reaches the log.
func TestBadRequests(t *testing.T) {
	ts, logs, admin := opsServer(t)
	ctx := context.Background()
	before, _ := ts.DB.Info(ctx)
	const secret = "hunter2-Secret-Passphrase"
	const querySecret = "QuerySecret-0042"
	huge := strings.Repeat("街", 400_000) // 1.2 MB
	anon := ts.client(t)
	type req struct {
		c      *http.Client
		method string
		path   string
		ctype  string
		body   string
		want   int
	}
	form := "application/x-www-form-urlencoded"
	reqs := []req{
		// Malformed query strings.
		{anon, "GET", "/api/metrics?year=abc", "", "", 400},
		{anon, "GET", "/api/metrics?year=99999999999999999999999", "", "", 400},
		{anon, "GET", "/api/metrics?year=-1", "", "", 400},
		{anon, "GET", "/api/metrics?year=2023%00", "", "", 400},
		{anon, "GET", "/api/metrics?street=%E8%A1%97%E9%81%93%E4%B8%8D%E5%AD%98%E5%9C%A8", "", "", 404},
		{anon, "GET", "/api/metrics?street=" + strings.Repeat("x", 6000), "", "", 404},
		{anon, "GET", "/api/metrics.csv?year=x" + querySecret, "", "", 400},
		{anon, "GET", "/?year=abc", "", "", 400},
		{anon, "GET", "/streets/%E4%B8%8D%E5%AD%98%E5%9C%A8", "", "", 404},
		{anon, "GET", "/streets/%00", "", "", 404},
		// Unknown routes and wrong methods.
		{anon, "GET", "/no/such/page?token=" + querySecret, "", "", 404},
		{anon, "GET", "/api/nothing", "", "", 404},
		{anon, "GET", "/wp-login.php", "", "", 404},
		{anon, "DELETE", "/", "", "", 405},
		{anon, "PUT", "/api/metrics", "", "", 405},
		{anon, "POST", "/api/metrics", form, "x=1", 405},
		{anon, "PATCH", "/login", "", "", 405},
		{anon, "GET", "/logout", "", "", 405},
		{admin, "GET", "/history/abc/file", "", "", 404},
		{admin, "GET", "/history/-1/file", "", "", 404},
		{admin, "GET", "/upload/" + strings.Repeat("f", 2000), "", "", 404},
		{admin, "POST", "/history/abc/rollback", form, "", 404},
		// Huge or odd form fields.
		{anon, "POST", "/login", form, "username=admin&password=" + secret + huge, 413},
		{anon, "POST", "/login", form, "username=" + strings.Repeat("a", 100_000) + "&password=" + secret, 400},
		{anon, "POST", "/login", form, "username=%zz&password=" + secret, 400},
		{anon, "POST", "/login", form, "username=ad%00min&password=" + secret, 401},
		{anon, "POST", "/login", form, "username=\u202eadmin&password=" + secret, 401},
		{admin, "POST", "/admin/users", form, "name=" + url.QueryEscape("<script>x</script>") + "&role=root&password=" + secret, 400},
		{admin, "POST", "/admin/users/nobody/role", form, "role=" + strings.Repeat("admin", 1000), 400},
		{admin, "POST", "/api/uploads", "multipart/form-data", "--x--", 400},
		{admin, "POST", "/api/uploads", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno file name\r\n--x--\r\n", 400},
		{admin, "POST", "/api/uploads", "text/csv", "年份,街道\n2023,x\n", 400},
		{admin, "POST", "/upload", "multipart/form-data; boundary=x", huge, 400},
	}
	for _, r := range reqs {
		var body io.Reader
		if r.body != "" || r.method == "POST" {
			body = strings.NewReader(r.body)
		}
		hr, err := http.NewRequest(r.method, ts.URL+r.path, body)
		if err != nil {
			t.Fatal(err)
		}
		if r.ctype != "" {
			hr.Header.Set("Content-Type", r.ctype)
		}
		resp, err := r.c.Do(hr)
		if err != nil {
			t.Errorf("%s %.60s: %v", r.method, r.path, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != r.want {
			t.Errorf("%s %.60s (body %.40q): %d, want %d", r.method, r.path, r.body, resp.StatusCode, r.want)
		}
	}
	// A declared body larger than the upload limit is refused before it
	// is read.
	addr := strings.TrimPrefix(ts.URL, "http://")
	tooBig := fmt.Sprintf("POST /api/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", 100<<20)
	raw := []struct {
		req  string
		want []int
	}{
		{tooBig, []int{413}},
		// Path traversal on static files: cleaned by a redirect to a path
		// outside /static/ (then 404) or refused at once; never a file.
		{"GET /static/../go.mod HTTP/1.1\r\nHost: x\r\n\r\n", []int{301, 307, 404}},
		{"GET /static/..%2f..%2fgo.mod HTTP/1.1\r\nHost: x\r\n\r\n", []int{400, 404}},
		{"GET /static/%2e%2e/%2e%2e/go.mod HTTP/1.1\r\nHost: x\r\n\r\n", []int{301, 307, 404}},
		{"GET /static/css/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", []int{301, 307, 404}},
		{"GET /static/..\\..\\go.mod HTTP/1.1\r\nHost: x\r\n\r\n", []int{400, 404}},
		{"GET /static//etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", []int{301, 307, 404}},
		{"GET /static/%00 HTTP/1.1\r\nHost: x\r\n\r\n", []int{400, 404}},
		{"GET /static/js/../../server.go HTTP/1.1\r\nHost: x\r\n\r\n", []int{301, 307, 404}},
		// Malformed request lines and headers.
		{"GET /api/metrics?year=\x01 HTTP/1.1\r\nHost: x\r\n\r\n", []int{400}},
		{"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", []int{400}},
		{"GET / HTTP/1.1\r\n\r\n", []int{400}},
		{"GET / HTTP/9.9\r\nHost: x\r\n\r\n", []int{505, 400}},
	}
	for _, r := range raw {
		if got := rawRequest(t, addr, r.req); !slices.Contains(r.want, got) {
			t.Errorf("%.70q: %d, want %v", r.req, got, r.want)
		}
	}
	// Where a traversal is redirected, the target is not a file either.
	for _, p := range []string{"/go.mod", "/etc/passwd", "/server.go"} {
		if resp := do(t, anon, "GET", ts.URL+p, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	// Malformed files through the API: each refused, nothing stored.
	files, _ := filepath.Glob(filepath.Join("..", "ingest", "testdata", "*"))
	badFiles := 0
	for _, p := range files {
		base := filepath.Base(p)
		if !strings.HasPrefix(base, "bad") && !slices.Contains([]string{"empty.csv", "header_only.csv", "missing_column.csv",
			"no_header.csv", "nul_byte.csv", "ragged.csv", "stars_out_of_range.csv", "unclosed_quote.csv", "duplicate_unit.csv",
			"duplicate_unit.xlsx", "duplicate_header.csv"}, base) || strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".txt") {
			continue
		}
		data, _ := os.ReadFile(p)
		status, res, err := postFile(admin, ts.URL, base, data)
		if err != nil || status < 400 || status >= 500 || res.BatchID != nil {
			t.Errorf("bad file %s: %d %+v %v", base, status, res, err)
		}
		badFiles++
	}
	for i, data := range [][]byte{{0x50, 0x4b, 3, 4, 0, 0}, bytes.Repeat([]byte{0xff, 0xfe, 0}, 1000), []byte("\x00\x00\x00"), []byte(strings.Repeat("a,", 100_000))} {
		status, res, err := postFile(admin, ts.URL, fmt.Sprintf("garbage%d.csv", i), data)
		if err != nil || status < 400 || status >= 500 || res.BatchID != nil {
			t.Errorf("garbage file %d: %d %+v %v", i, status, res, err)
		}
		badFiles++
	}

	after, _ := ts.DB.Info(ctx)
	if after.DataSeq != before.DataSeq || after.Units != before.Units {
		t.Errorf("bad input changed the data: %+v → %+v", before, after)
	}
	log := logs.String()
	for _, s := range []string{secret, querySecret, "Cookie", "hunter2"} {
		if strings.Contains(log, s) {
			t.Errorf("the log contains %q", s)
		}
	}
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "level=ERROR") {
			t.Errorf("bad input logged an error: %s", l)
		}
	}
	t.Logf("malformed requests: %d (+%d raw), malformed files: %d; nothing changed, no secret logged", len(reqs), len(raw), badFiles)
}
