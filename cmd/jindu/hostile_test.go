package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// maxServeRSS is the bound of issue 16: the server's peak RSS while it
// takes any of the hostile uploads.
const maxServeRSS = 300 << 20

// TestHostileUploadsBounded sends each hostile upload of issue 16 to the
// real `jindu serve` binary, a fresh process for each, and checks what it
// gets (the status and error code), that the database is unchanged (the
// data's fingerprint, and no pending upload kept) and the process's peak
// RSS (VmHWM in /proc, whatever the machine's speed) under 300 MB. The
// figures (peak RSS, wall time) are logged for the README.
func TestHostileUploadsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and sends about 300 MB of hostile uploads")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc for the peak RSS")
	}
	dir := t.TempDir()
	bin := buildJindu(t, dir)
	dbPath := filepath.Join(dir, "j.db")
	const pw = "a long enough passphrase"
	var out bytes.Buffer
	if code := run(context.Background(), []string{"user", "add", "--db", dbPath, "--name", "admin", "--role", "admin", "--password-stdin"},
		strings.NewReader(pw+"\n"), &out, &out); code != 0 {
		t.Fatalf("user add: %s", out.String())
	}
	ledger := filepath.Join(dir, "ledger.csv")
	os.WriteFile(ledger, []byte("年份,街道,五好\n2023,西大街道,是\n2023,东关街道,否\n"), 0o600)
	if code, _, e := runCmd(t, context.Background(), "import", "--db", dbPath, ledger); code != 0 {
		t.Fatalf("import: %s", e)
	}
	before := fingerprint(t, dbPath)

	type hostile struct {
		name, file string
		data       func() []byte
		page       bool // through the upload page (a pending upload), else POST /api/uploads
		times      int  // sent this many times (new data each time), once if 0
		status     int
		code       string // the error code the answer must hold ("" for the page)
	}
	cases := []hostile{
		{name: "xfd", file: "xfd.xlsx", data: func() []byte { return xfdXLSX(t, 80_000) }, status: 422, code: "header_only"},
		{name: "shared-strings", file: "sst.xlsx", data: func() []byte { return sstXLSX(t, 900_000) }, status: 422, code: "file_too_large"},
		{name: "zip-bomb", file: "bomb.xlsx", data: func() []byte { return bombXLSX(t, 256<<20) }, status: 422, code: "file_too_large"},
		{name: "ods-dimensions", file: "bomb.ods", data: func() []byte { return bombODS(t) }, status: 422, code: "duplicate_unit"},
		{name: "new-streets", file: "streets.csv", data: func() []byte { return newStreetsCSV(2_000_001) }, status: 422, code: "too_many_new_units"},
		{name: "new-streets-page", file: "streets.csv", data: func() []byte { return newStreetsCSV(2_000_001) }, page: true, status: 303},
		{name: "random-bytes", file: "noise.csv", data: func() []byte { return nil }, page: true, times: 12, status: 415},
	}
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) {
			srv := startServeChild(t, bin, dbPath)
			c := srv.login(t, "admin", pw)
			size := dbSize(t, dbPath)
			var status, sent int
			var body string
			var took time.Duration
			for i := range max(h.times, 1) {
				data, file := h.data(), h.file
				if h.times > 0 { // 20 MiB of noise, named .csv, .xlsx, .xls in turn
					data, file = randomBytes(20<<20, uint64(i)), "noise"+[]string{".csv", ".xlsx", ".xls"}[i%3]
				}
				sent += len(data)
				start := time.Now()
				status, body = srv.upload(t, c, h.page, file, data)
				took += time.Since(start)
				if status != h.status {
					break
				}
			}
			hwm := srv.peakRSS(t)
			srv.stop(t)
			grown := dbSize(t, dbPath) - size
			t.Logf("%s: %d × %d bytes → %d in %v; peak RSS %.0f MiB; database %+d KiB", h.name, max(h.times, 1), sent/max(h.times, 1), status,
				took.Round(time.Millisecond), float64(hwm)/(1<<20), grown/1024)
			if h.times > 0 && grown > 1<<20 {
				t.Errorf("the database grew by %d KiB", grown>>10)
			}
			if status != h.status {
				t.Errorf("status %d, want %d: %.500s", status, h.status, body)
			}
			if h.code != "" && !strings.Contains(body, `"code":"`+h.code+`"`) {
				t.Errorf("no %s in the answer: %.800s", h.code, body)
			}
			if hwm >= maxServeRSS {
				t.Errorf("peak RSS %d MiB, want under %d MiB", hwm>>20, maxServeRSS>>20)
			}
			if got := fingerprint(t, dbPath); got != before {
				t.Errorf("the data changed")
			}
			if n := pendingCount(t, dbPath); (n != 0) != (h.status == 303) {
				t.Errorf("%d pending uploads kept", n)
			}
			if h.status == 303 {
				clearPending(t, dbPath)
			}
		})
	}
}

// dbSize is the size of the database with its WAL.
func dbSize(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func pendingCount(t *testing.T, path string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM pending_uploads`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func clearPending(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`DELETE FROM pending_uploads`); err != nil {
		t.Fatal(err)
	}
}

// serveChild is `jindu serve` run as a child process.
type serveChild struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
}

var runningAtLine = regexp.MustCompile(`Jindu is running at (http://[^/\s]+)/`)

func startServeChild(t *testing.T, bin, dbPath string, args ...string) *serveChild {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath}, args...)...)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serveChild{cmd: cmd, logs: logs}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := runningAtLine.FindStringSubmatch(sc.Text()); m != nil {
			s.base = m[1]
			break
		}
	}
	if s.base == "" {
		t.Fatalf("serve did not say where it runs:\n%s", logs.String())
	}
	go io.Copy(io.Discard, stdout)
	return s
}

func (s *serveChild) login(t *testing.T, name, pw string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.base+"/login", url.Values{"username": {name}, "password": {pw}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("login: %v %v\n%s", resp, err, s.logs.String())
	}
	resp.Body.Close()
	return c
}

// upload posts a file to the API (dry_run off: it would be applied) or
// to the upload page, and returns the status and body.
func (s *serveChild) upload(t *testing.T, c *http.Client, page bool, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	path := "/api/uploads"
	if page {
		path = "/upload"
	}
	req, _ := http.NewRequest("POST", s.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("upload: %v\n%s", err, s.logs.String())
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !page {
		var v any // compact, so codes are found as "code":"…"
		if json.Unmarshal(raw, &v) == nil {
			raw, _ = json.Marshal(v)
		}
	}
	return resp.StatusCode, string(raw)
}

// peakRSS is the child's VmHWM: the most resident memory it ever had.
func (s *serveChild) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// stop ends the child as systemd would (SIGTERM) and waits for it.
func (s *serveChild) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("serve: %v\n%s", err, s.logs.String())
	}
}
