package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"jindu/db"
	"jindu/ingest"
	"jindu/load"
	"jindu/web"
	"jindu/web/i18n"
)

// exitError carries a process exit code with its message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) ExitCode() int { return e.code }

// runImport imports ledger files from the shell, with the same rules and
// reports as the upload page. Every file is checked before any is applied,
// so an error in one leaves the database unchanged; each valid file then
// becomes its own batch.
func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	// A province year keeps about 80 MB of Go heap live (mostly the
	// duplicate check's million keys), and by default the heap may grow
	// to twice that: peak RSS was 192-199 MB. A soft limit of 120 MiB
	// keeps it near 165 MB at no measurable cost in time (GOGC 50 did
	// the same for about 8 % more time). It is soft: a larger file's heap
	// grows past it, with more collections. GOMEMLIMIT in the environment
	// wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(120 << 20))
	}
	fs := newFlags("import", stderr, "FILE...")
	dbPath := fs.String("db", envOr("JINDU_DB", "data/jindu.db"), "SQLite database file (env JINDU_DB)")
	dry := fs.Bool("dry-run", false, "check the files and report what would change; store nothing")
	as := fs.String("as", "", "record the batches as this account (a clerk's streets then apply)")
	maxRows := fs.Int("max-rows", ingest.DefaultMaxRows, "refuse files with more data rows")
	langFlag := fs.String("lang", "zh", "language of the problem messages: zh or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, ok := i18n.Parse(*langFlag)
	if !ok {
		fmt.Fprintf(stderr, "--lang %s: use zh or en\n", *langFlag)
		return errUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: jindu import --db PATH [--dry-run] [--as USER] [--lang zh|en] FILE...")
		return errUsage
	}
	ownerOnlyFiles()
	if err := makeParentDir(*dbPath); err != nil {
		return err
	}
	d, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	steps := newSteps(stdin, stderr)
	steps.step("opened")
	actor := cliActor()
	opts := ingest.Options{MaxRows: *maxRows}
	if *as != "" {
		u, _, err := d.UserByName(ctx, *as)
		if err != nil {
			return fmt.Errorf("--as %s: %w", *as, err)
		}
		if u.Disabled || !u.Role.CanUpload() {
			return fmt.Errorf("--as %s: the account is disabled or may not upload (role %s)", *as, u.Role)
		}
		actor, opts.StreetAllowed = u.Name, u.MayChangeStreet
	}
	// Check every file first, then apply them one by one. A single file
	// needs no separate check: its import is all or nothing by itself. The
	// check of several files only parses them (a dry run, which does all
	// the database work, only for --dry-run).
	checked := *dry || len(files) > 1
	bad := 0
	printProblems := func(res load.Result) {
		for _, p := range web.LocalizeProblems(lang, res.Report.Errors) {
			fmt.Fprintln(stderr, db.Printable(p.String()))
		}
	}
	printWarnings := func(res load.Result) {
		for _, p := range web.LocalizeProblems(lang, res.Report.Warnings) {
			fmt.Fprintln(stderr, "warning: "+db.Printable(p.String()))
		}
	}
	refused := func(bad int) error {
		return &exitError{1, fmt.Sprintf("%d of %d files have errors; nothing was imported / 有 %d 个文件有错误，未导入任何数据", bad, len(files), bad)}
	}
	for _, f := range files {
		if !checked {
			break
		}
		var res load.Result
		var err error
		if *dry {
			res, err = importOne(ctx, d, f, actor, opts, true, stderr, nil)
		} else {
			res, err = checkOne(ctx, f, opts, stderr)
		}
		if errors.Is(err, ingest.ErrInvalid) || errors.Is(err, ingest.ErrUnsupportedFormat) {
			printProblems(res)
			bad++
			continue
		}
		if err != nil {
			return err
		}
		printWarnings(res)
		if *dry {
			report(stdout, f, res, true)
		}
	}
	if bad > 0 {
		return refused(bad)
	}
	if *dry {
		return nil
	}
	for _, f := range files {
		res, err := importOne(ctx, d, f, actor, opts, false, stderr, steps)
		if !checked && (errors.Is(err, ingest.ErrInvalid) || errors.Is(err, ingest.ErrUnsupportedFormat)) {
			printProblems(res)
			return refused(1)
		}
		if err != nil {
			return err
		}
		if !checked {
			printWarnings(res)
		}
		report(stdout, f, res, false)
		if res.Batch.ID != 0 {
			steps.step("applied %d", res.Batch.ID)
			b := res.Batch
			d.Audit(ctx, db.AuditEntry{Actor: actor, Action: db.AuditUpload, Target: fmt.Sprintf("batch %d", b.ID),
				Detail: fmt.Sprintf("cli file=%s sha256=%s rows=%d new_units=%d changed=%d", b.FileName, b.SHA256, b.Rows, b.NewUnits, b.Changed)})
		}
	}
	return nil
}

// checkOne parses a file without touching the database: its errors and
// warnings, as Import would report them.
func checkOne(ctx context.Context, path string, opts ingest.Options, stderr io.Writer) (load.Result, error) {
	r, done, err := openWithProgress(path, "检查", stderr)
	if err != nil {
		return load.Result{}, err
	}
	defer done()
	var res load.Result
	res.Report, err = ingest.Parse(ctx, filepath.Base(path), r, opts, nil)
	if err != nil {
		return res, err
	}
	if len(res.Report.Errors) > 0 {
		return res, ingest.ErrInvalid
	}
	return res, nil
}

func importOne(ctx context.Context, d *db.DB, path, actor string, opts ingest.Options, dry bool, stderr io.Writer, steps *importSteps) (load.Result, error) {
	label := "检查"
	if !dry {
		label = "导入"
	}
	r, done, err := openWithProgress(path, label, stderr)
	if err != nil {
		return load.Result{}, err
	}
	defer done()
	r = steps.reader(r, path)
	return load.File(ctx, d, load.Input{Name: filepath.Base(path), Kind: db.KindImport, Actor: actor,
		Source: "cli", DryRun: dry, Options: opts}, r)
}

// openWithProgress opens a file for reading; on a terminal its reads draw
// a progress bar labelled with label and the file's name. done finishes
// the bar and closes the file.
func openWithProgress(path, label string, stderr io.Writer) (r io.Reader, done func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || !isTerminal(stderr) {
		return f, func() { f.Close() }, nil
	}
	p := &progress{r: f, total: st.Size(), w: stderr, label: label + " " + db.Printable(filepath.Base(path))}
	return p, func() { p.done(); f.Close() }, nil
}

func report(w io.Writer, path string, res load.Result, dry bool) {
	name := db.Printable(filepath.Base(path))
	switch {
	case res.DuplicateOf != nil:
		fmt.Fprintf(w, "%s: identical to batch %d, still in effect; nothing to do\n", name, res.DuplicateOf.ID)
	case dry:
		fmt.Fprintf(w, "%s: valid, %d rows; would change %d unit-years and create %d units\n", name, res.Report.Rows, res.Batch.Changed, res.Batch.NewUnits)
	default:
		fmt.Fprintf(w, "%s: applied as batch %d: %d rows, %d unit-years changed, %d new units\n", name, res.Batch.ID, res.Batch.Rows, res.Batch.Changed, res.Batch.NewUnits)
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws a progress bar on a terminal as a file is read.
type progress struct {
	r           io.Reader
	w           io.Writer
	label       string
	total, read int64
	last        time.Time
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if time.Since(p.last) > 200*time.Millisecond {
		p.last = time.Now()
		p.draw()
	}
	return n, err
}

func (p *progress) draw() {
	pct := 100.0
	if p.total > 0 {
		pct = float64(p.read) * 100 / float64(p.total)
	}
	const width = 30
	fill := int(pct / 100 * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < fill {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %5.1f%%", p.label, bar, pct)
}

func (p *progress) done() {
	p.read = p.total
	p.draw()
	fmt.Fprintln(p.w)
}

// importSteps is a hook for the crash test (crash_test.go), on only when the
// environment has JINDU_IMPORT_STEPS=1: at each step of an import the
// command prints "jindu-step: STEP" on standard error, then waits for a
// line on standard input before it goes on, so that a test can kill it at
// a point the import itself reports. The steps: "opened" (the database is
// open), "read N/TOTAL" (the parser has been handed N of the file's TOTAL
// bytes; at every sixteenth), "read-done TOTAL" (the parser met the end of
// the file; the batch is not committed yet) and "applied ID" (batch ID is
// committed).
type importSteps struct {
	in  *bufio.Reader
	out io.Writer
}

func newSteps(stdin io.Reader, stderr io.Writer) *importSteps {
	if os.Getenv("JINDU_IMPORT_STEPS") != "1" || stdin == nil {
		return nil
	}
	return &importSteps{in: bufio.NewReader(stdin), out: stderr}
}

// step reports a step and waits for the go-ahead; nil steps do nothing.
func (s *importSteps) step(format string, args ...any) {
	if s == nil {
		return
	}
	fmt.Fprintf(s.out, "jindu-step: "+format+"\n", args...)
	s.in.ReadString('\n') // a closed standard input goes on at once
}

// reader reports the steps of reading the file at path through r.
func (s *importSteps) reader(r io.Reader, path string) io.Reader {
	if s == nil {
		return r
	}
	st, err := os.Stat(path)
	if err != nil {
		return r
	}
	total := st.Size()
	return &stepReader{r: r, s: s, total: total, every: max(1, total/16), next: max(1, total/16)}
}

type stepReader struct {
	r                        io.Reader
	s                        *importSteps
	read, total, every, next int64
	eof                      bool
}

func (sr *stepReader) Read(b []byte) (int, error) {
	n, err := sr.r.Read(b)
	sr.read += int64(n)
	if sr.read >= sr.next && sr.read < sr.total {
		sr.s.step("read %d/%d", sr.read, sr.total)
		for sr.next <= sr.read {
			sr.next += sr.every
		}
	}
	if err == io.EOF && !sr.eof {
		sr.eof = true
		sr.s.step("read-done %d", sr.total)
	}
	return n, err
}
