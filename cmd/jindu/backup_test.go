package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jindu/db"
)

func TestBackupCheckRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "j.db")
	ledger := filepath.Join(dir, "a.csv")
	os.WriteFile(ledger, []byte("年份,街道,五好\n2023,西大街道,是\n2023,东大街道,否\n"), 0o600)
	if code, _, e := runCmd(t, ctx, "import", "--db", p, ledger); code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	bak := filepath.Join(dir, "b.db")
	if code, out, e := runCmd(t, ctx, "backup", "--db", p, "--out", bak); code != 0 || !strings.Contains(out, "integrity and foreign keys ok") {
		t.Fatalf("backup: %d %q %s", code, out, e)
	}
	if code, out, e := runCmd(t, ctx, "check", "--db", bak); code != 0 || !strings.Contains(out, ": ok") {
		t.Fatalf("check: %d %q %s", code, out, e)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("junk"), 2048), 0o600)
	if code, _, e := runCmd(t, ctx, "check", "--db", junk); code != 1 {
		t.Errorf("check of junk: %d %s", code, e)
	}
	if code, _, _ := runCmd(t, ctx, "backup", "--db", p); code != 2 {
		t.Errorf("backup without --out: %d", code)
	}
	if code, _, e := runCmd(t, ctx, "restore", "--db", p, "--from", junk); code != 1 {
		t.Errorf("restore from junk: %d %s", code, e)
	}
	code, out, e := runCmd(t, ctx, "restore", "--db", p, "--from", bak)
	if code != 0 || !strings.Contains(out, "kept as "+p+".replaced-") {
		t.Fatalf("restore: %d %q %s", code, out, e)
	}
}

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeOperations runs `jindu serve` with automatic backups and checks
// the operational promises: an automatic backup at start, /readyz, the
// database lock (a second server and a restore are refused), and a
// graceful shutdown that lets an in-flight upload finish and apply.
func TestServeOperations(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "j.db")
	backups := filepath.Join(dir, "backups")
	var out bytes.Buffer
	const pw = "a long enough passphrase"
	if code := run(context.Background(), []string{"user", "add", "--db", p, "--name", "admin", "--role", "admin", "--password-stdin"},
		strings.NewReader(pw+"\n"), &out, &out); code != 0 {
		t.Fatalf("user add: %s", out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stdout, logs syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", p, "--backup-dir", backups, "--backup-every", "1h", "--backup-keep", "3"}, nil, &stdout, &logs)
	}()
	base := serving(t, &stdout, &logs, done)
	addr := strings.TrimPrefix(base, "http://")
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "ready", &logs)
	// The file is renamed into place before the line is logged: wait for
	// the line, then look at the file.
	waitFor(t, func() bool { return strings.Contains(logs.String(), "backup written") }, "the first automatic backup to be logged", &logs)
	if bs, err := db.ListBackups(backups); err != nil || len(bs) != 1 {
		t.Fatalf("backups after the first was logged: %v %v", bs, err)
	}

	// The database is held: a second server and a restore are refused.
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", p}, nil, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "in use") {
		t.Errorf("second serve: %d %s", code, errb.String())
	}
	bs, _ := db.ListBackups(backups)
	errb.Reset()
	if code := run(context.Background(), []string{"restore", "--db", p, "--from", bs[0].Path}, nil, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "in use") {
		t.Errorf("restore while serving: %d %s", code, errb.String())
	}

	// An upload whose body is still arriving when shutdown begins. The
	// request asks "Expect: 100-continue", and the client sends no byte of
	// the body before the server's handler has started reading it (the
	// handler's first read answers 100 Continue): the first write to the
	// pipe returns only then.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{ExpectContinueTimeout: 10 * time.Minute}}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {pw}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	var ledger strings.Builder
	ledger.WriteString("年份,街道,社区,小区,星级\n")
	for i := range 2000 {
		fmt.Fprintf(&ledger, "2024,西大街道,社区%d,小区%d,%d\n", i/100, i, i%6)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "slow.csv")
	io.WriteString(fw, ledger.String())
	mw.Close()
	pr, pwr := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/api/uploads", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Expect", "100-continue")
	req.ContentLength = int64(body.Len())
	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := c.Do(req)
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		resc <- result{status: resp.StatusCode, body: string(b)}
	}()
	raw := body.Bytes()
	half := len(raw) / 2
	wrote := make(chan error, 1)
	go func() { _, err := pwr.Write(raw[:half]); wrote <- err }() // returns once the handler reads the body
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatalf("first half of the upload: %v", err)
		}
	case r := <-resc:
		t.Fatalf("the server answered before it read the upload: %d %v %s", r.status, r.err, r.body)
	}
	cancel() // SIGTERM
	// Shutdown has begun once the listener is closed: a new connection
	// is refused. Only then does the rest of the body arrive.
	waitFor(t, func() bool {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
		}
		return err != nil
	}, "shutdown to close the listener", &logs)
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("the shutdown is not logged:\n%s", logs.String())
	}
	pwr.Write(raw[half:])
	pwr.Close()
	r := <-resc
	if r.err != nil || r.status != 200 {
		t.Fatalf("in-flight upload: %d %v %s", r.status, r.err, r.body)
	}
	var up struct {
		BatchID *int64 `json:"batch_id"`
		Rows    int    `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.body), &up); err != nil || up.BatchID == nil || up.Rows != 2000 {
		t.Fatalf("in-flight upload response: %s", r.body)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d:\n%s", code, logs.String())
		}
	case <-time.After(waitLimit):
		t.Fatalf("serve did not shut down within %v", waitLimit)
	}
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b, err := d.BatchByID(context.Background(), *up.BatchID)
	if err != nil || b.Rows != 2000 {
		t.Fatalf("batch %d after shutdown: %+v %v", *up.BatchID, b, err)
	}
	// After the server stopped, restore works and keeps the old file.
	d.Close()
	errb.Reset()
	if code := run(context.Background(), []string{"restore", "--db", p, "--from", bs[0].Path}, nil, io.Discard, &errb); code != 0 {
		t.Errorf("restore after stop: %d %s", code, errb.String())
	}
}

// waitLimit bounds every wait for an event in these tests. It is far
// longer than any event takes on a loaded machine: it only keeps a broken
// build from hanging until go test's own timeout.
const waitLimit = 3 * time.Minute

// waitFor polls until ok holds, failing with the logs after waitLimit.
func waitFor(t *testing.T, ok func() bool, what string, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v in vain for %s:\n%s", waitLimit, what, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
