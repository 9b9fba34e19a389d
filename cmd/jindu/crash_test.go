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
	"syscall"
	"testing"
	"time"

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
// is written after the batch commits, nor timestamps).
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, kind, file_name, sha256, rows, new_units, changed, length(raw) FROM batches ORDER BY id`,
		`SELECT id, level, parent_id, street_id, name, community_type, created_batch FROM units ORDER BY id`,
		`SELECT * FROM statuses ORDER BY unit_id, year`,
		`SELECT batch_id, unit_id, year, old, new FROM status_changes ORDER BY batch_id, unit_id, year`,
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

// TestCrashDuringImport kills `jindu import` of a large ledger with SIGKILL
// at points spread over the whole import, then opens the database as a
// restarted server would: it must pass the integrity and foreign-key
// checks, hold the file's rows all or not at all, and keep the earlier
// batch exactly as it was.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the crash test runs a child process 24 times")
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

	// A full run gives the "all present" state and the import's duration.
	ref := filepath.Join(dir, "ref.db")
	copyFile(t, base, ref)
	start := time.Now()
	if out, err := exec.Command(bin, "import", "--db", ref, big).CombinedOutput(); err != nil {
		t.Fatalf("reference import: %v\n%s", err, out)
	}
	full := time.Since(start)
	after := fingerprint(t, ref)
	if before == after {
		t.Fatal("the large file changed nothing")
	}
	t.Logf("large file: %d rows, import takes %v", rows, full.Round(time.Millisecond))

	const runs = 24
	var absent, present, kills int
	for i := range runs {
		p := filepath.Join(dir, fmt.Sprintf("crash%02d.db", i))
		copyFile(t, base, p)
		// Kill points from 5% to 105% of the reference import: the check
		// pass, the transaction, its commit, and possibly after the exit.
		delay := time.Duration(float64(full) * (0.05 + float64(i)/float64(runs-1)))
		cmd := exec.Command(bin, "import", "--db", p, big)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		killed := !cmd.ProcessState.Exited()
		if killed {
			kills++
		}

		d, err := db.Open(ctx, p) // as the restarted server
		if err != nil {
			t.Fatalf("run %d (kill at %v): reopen: %v", i, delay, err)
		}
		d.Close()
		rep, err := db.Check(ctx, p)
		if err != nil || !rep.OK() {
			t.Fatalf("run %d (kill at %v): check: %v %v", i, delay, err, rep.Problems())
		}
		switch fp := fingerprint(t, p); fp {
		case before:
			absent++
		case after:
			present++
		default:
			t.Fatalf("run %d (kill at %v): the database holds part of the file", i, delay)
		}
		if n := countWhere(t, p, `statuses WHERE batch_id = 1`); n != earlyStatuses {
			t.Fatalf("run %d: earlier batch has %d statuses, want %d", i, n, earlyStatuses)
		}
		removeDBFiles(p)
	}
	t.Logf("crash runs survived: %d/%d (%d killed by SIGKILL, %d finished first; file absent %d, all present %d); integrity ok, earlier batch intact in every run",
		absent+present, runs, kills, runs-kills, absent, present)
	if kills < runs/2 {
		t.Errorf("only %d of %d runs were killed before they finished", kills, runs)
	}
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
