package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
)

// buildJindu compiles this command once into dir and returns the binary.
func buildJindu(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "jindu")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeLedgerCSV writes a generated district as a clerk's CSV ledger.
func writeLedgerCSV(t *testing.T, path string, s demo.Scale, seed int64, years []int) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 256<<10)
	w.WriteString("年份,街道,社区,社区类型,小区,五好,星级,党群服务中心,小区党支部,业委会,物业服务\r\n")
	yn := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "是"
		}
		return "否"
	}
	n := 0
	err = demo.Generate(s, seed, years, func(r metrics.Record) error {
		u, st := r.Unit, r.Status
		ct := ""
		switch u.CommunityType {
		case metrics.CommunityUrban:
			ct = "城市"
		case metrics.CommunityRural:
			ct = "涉农"
		}
		stars := ""
		if st.Stars != nil {
			stars = strconv.Itoa(*st.Stars)
		}
		n++
		_, err := fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", r.Year, u.Street, u.Community, ct, u.Compound,
			yn(st.FiveGood), stars, yn(st.ServiceCenter), yn(st.PartyBranch), yn(st.OwnersCommittee), yn(st.PropertyService))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return n
}

// fingerprint hashes everything a batch stores (not the audit log, which
// is written after the batch commits, nor timestamps): batches, units and
// their statuses, compounds, the change log, the street tallies and the
// data version.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	h := sha256.New()
	for _, q := range []string{
		`SELECT b.id, b.kind, b.file_name, b.sha256, b.rows, b.new_units, b.changed, length(f.raw) FROM batches b LEFT JOIN batch_files f ON f.batch_id = b.id ORDER BY b.id`,
		`SELECT id, level, parent_id, street_id, name, community_type, created_batch FROM units ORDER BY id`,
		`SELECT * FROM statuses ORDER BY unit_id, year`,
		`SELECT * FROM compounds ORDER BY community_id, name, year`,
		`SELECT batch_id, seq, changes FROM change_log ORDER BY batch_id, seq`,
		`SELECT street_id, year, tally FROM street_tallies ORDER BY street_id, year`,
		`SELECT key, value FROM meta WHERE key = 'data_seq'`,
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// stepChild is `jindu import` run with JINDU_IMPORT_STEPS=1: it reports
// each step of the import on standard error and waits for a line on
// standard input before it goes on (see importSteps in import.go).
type stepChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines *bufio.Scanner
	tail  []string // its last lines of standard error, for failures
}

func startStepChild(t *testing.T, bin string, args ...string) *stepChild {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "JINDU_IMPORT_STEPS=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &stepChild{cmd: cmd, stdin: in, lines: bufio.NewScanner(errPipe)}
}

// next waits for the child's next step and returns it; "" when the child
// closed its standard error (it exited) first.
func (c *stepChild) next() string {
	for c.lines.Scan() {
		line := c.lines.Text()
		if step, ok := strings.CutPrefix(line, "jindu-step: "); ok {
			return step
		}
		c.tail = append(c.tail[max(0, len(c.tail)-20):], line)
	}
	return ""
}

// proceed lets the child go on from the step it waits at.
func (c *stepChild) proceed(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, "\n"); err != nil {
		t.Fatalf("the child is gone: %v\n%s", err, strings.Join(c.tail, "\n"))
	}
}

// kill ends the child with SIGKILL, as a power cut or the OOM killer
// would, and reaps it; it reports whether the signal ended it.
func (c *stepChild) kill() bool {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.stdin.Close()
	for c.lines.Scan() { // drain, so Wait does not wait on the pipe
	}
	c.cmd.Wait()
	return !c.cmd.ProcessState.Exited()
}

// TestCrashDuringImport kills `jindu import` of a large ledger with SIGKILL
// at every step the import reports, then opens the database as a
// restarted server would: it must pass the integrity and foreign-key
// checks, hold the file's rows all or not at all — none if the kill came
// before the batch was reported committed, all after — and keep the
// earlier batch exactly as it was. The kill points are the import's own
// steps (the database opened, each sixteenth of the file handed to the
// parser while the writer fills the transaction, the end of the file
// before the commit, the commit), so no verdict depends on how fast the
// machine is. A few more runs are killed right after being let go past the
// end of the file, somewhere in the commit's tail; they only need to be
// all or nothing.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the crash test runs a child process some 25 times")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildJindu(t, dir)

	// The earlier batch: the district's 2021–2022 ledger.
	early := filepath.Join(dir, "early.csv")
	writeLedgerCSV(t, early, demo.District, 1, []int{2021, 2022})
	base := filepath.Join(dir, "base.db")
	if code, out, errOut := runCmd(t, ctx, "import", "--db", base, early); code != 0 {
		t.Fatalf("import early: %d %s %s", code, out, errOut)
	}
	// The large file: a city-sized 2023–2024 ledger, other years, so it
	// changes none of the earlier batch's unit-years.
	big := filepath.Join(dir, "big.csv")
	rows := writeLedgerCSV(t, big, demo.City, 2, []int{2023, 2024})
	before := fingerprint(t, base)
	earlyStatuses := countWhere(t, base, `statuses WHERE batch_id = 1`)
	earlyCompounds := countWhere(t, base, `compounds WHERE batch_id = 1`)

	// A run let go at every step lists the steps and gives the "all
	// present" state.
	ref := filepath.Join(dir, "ref.db")
	copyFile(t, base, ref)
	c := startStepChild(t, bin, "import", "--db", ref, big)
	var steps []string
	for s := c.next(); s != ""; s = c.next() {
		steps = append(steps, s)
		c.proceed(t)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("reference import: %v\n%s", err, strings.Join(c.tail, "\n"))
	}
	after := fingerprint(t, ref)
	if before == after {
		t.Fatal("the large file changed nothing")
	}
	if len(steps) < 10 || steps[0] != "opened" || !strings.HasPrefix(steps[len(steps)-2], "read-done ") || !strings.HasPrefix(steps[len(steps)-1], "applied ") {
		t.Fatalf("steps %q: want opened, reads, read-done, applied", steps)
	}
	t.Logf("large file: %d rows; the import reports %d steps: %s", rows, len(steps), strings.Join(steps, ", "))

	// check opens the database after a kill and compares it with the
	// states before and after the file; it returns which it holds.
	check := func(p, at string) (present bool) {
		t.Helper()
		d, err := db.Open(ctx, p) // as the restarted server
		if err != nil {
			t.Fatalf("killed at %s: reopen: %v", at, err)
		}
		d.Close()
		rep, err := db.Check(ctx, p)
		if err != nil || !rep.OK() {
			t.Fatalf("killed at %s: check: %v %v", at, err, rep.Problems())
		}
		if n, m := countWhere(t, p, `statuses WHERE batch_id = 1`), countWhere(t, p, `compounds WHERE batch_id = 1`); n != earlyStatuses || m != earlyCompounds {
			t.Fatalf("killed at %s: the earlier batch has %d statuses and %d compounds, want %d and %d", at, n, m, earlyStatuses, earlyCompounds)
		}
		switch fp := fingerprint(t, p); fp {
		case before:
			return false
		case after:
			return true
		}
		t.Fatalf("killed at %s: the database holds part of the file", at)
		return false
	}

	runs, kills := 0, 0
	for k, at := range steps {
		p := filepath.Join(dir, fmt.Sprintf("crash%02d.db", k))
		copyFile(t, base, p)
		c := startStepChild(t, bin, "import", "--db", p, big)
		for i := 0; i < k; i++ {
			if s := c.next(); s != steps[i] {
				t.Fatalf("run %d: step %d is %q, want %q\n%s", k, i, s, steps[i], strings.Join(c.tail, "\n"))
			}
			c.proceed(t)
		}
		if s := c.next(); s != at {
			t.Fatalf("run %d: step %d is %q, want %q\n%s", k, k, s, at, strings.Join(c.tail, "\n"))
		}
		if c.kill() { // it waits at the step: the kill lands there
			kills++
		}
		runs++
		committed := strings.HasPrefix(at, "applied ")
		if present := check(p, at); present != committed {
			t.Errorf("killed at %s: the file's rows are present=%v, want %v", at, present, committed)
		}
		removeDBFiles(p)
	}

	// Kills somewhere after the end of the file: in the writer's last
	// chunks, the stored upload's hash, the commit or just after it.
	const tail = 4
	var absent, present int
	for r := range tail {
		p := filepath.Join(dir, fmt.Sprintf("tail%02d.db", r))
		copyFile(t, base, p)
		c := startStepChild(t, bin, "import", "--db", p, big)
		for s := c.next(); s != "" && !strings.HasPrefix(s, "read-done "); s = c.next() {
			c.proceed(t)
		}
		c.proceed(t)
		if c.kill() {
			kills++
		}
		runs++
		if check(p, "the commit's tail") {
			present++
		} else {
			absent++
		}
		removeDBFiles(p)
	}
	t.Logf("crash runs survived: %d/%d (%d ended by SIGKILL); %d at the import's steps, each all or nothing as its step says; %d in the commit's tail (file absent %d, all present %d); integrity ok, earlier batch intact in every run",
		runs, runs, kills, len(steps), tail, absent, present)
}

func countWhere(t *testing.T, path, from string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM ` + from).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func removeDBFiles(p string) {
	for _, s := range []string{"", "-wal", "-shm", ".lock"} {
		os.Remove(p + s)
	}
}
