package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jindu/pdf"
)

// cliDir makes a scratch directory whose bin/jindu is this test binary
// acting as jindu (TestMain runs the command line when JINDU_TEST_CLI=1),
// and returns it with the environment to run shell lines in: bin/ first
// on PATH, so the installed name `jindu` works too, and no JINDU_*
// setting of the caller's.
func cliDir(t *testing.T) (string, []string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(dir, "bin", "jindu")); err != nil {
		t.Fatal(err)
	}
	env := []string{"JINDU_TEST_CLI=1"}
	for _, kv := range os.Environ() {
		switch {
		case strings.HasPrefix(kv, "JINDU_"):
		case strings.HasPrefix(kv, "PATH="):
			env = append(env, "PATH="+filepath.Join(dir, "bin")+string(os.PathListSeparator)+kv[len("PATH="):])
		default:
			env = append(env, kv)
		}
	}
	return dir, env
}

// shell runs one line with sh in dir, as a user types it there.
func shell(t *testing.T, dir string, env []string, line, stdin string) (int, string, string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("sh -c %q: %v", line, err)
	return 0, "", ""
}

// readmeBlocks returns the fenced code blocks of README.md with their info
// string (sh, text, json …) and the line before each.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []readmeBlock
	var cur *readmeBlock
	prev := ""
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\n")
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{info: strings.TrimPrefix(line, "```"), before: prev}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	return blocks
}

type readmeBlock struct {
	info, before string
	lines        []string
}

// jinduWord is a command position holding jindu: the start of a line or
// of a pipeline stage, possibly after `sudo -u USER`.
var jinduWord = regexp.MustCompile(`(^|[|;&]\s*)(sudo -u \S+ )?(bin/jindu|\./bin/jindu|jindu)\s`)

// readmeLines are the jindu command lines of the README's shell blocks,
// continuation lines joined and comments cut.
func readmeLines(t *testing.T) []string {
	var out []string
	for _, b := range readmeBlocks(t) {
		if b.info != "sh" {
			continue
		}
		var joined []string
		for i := 0; i < len(b.lines); i++ {
			l := b.lines[i]
			for strings.HasSuffix(l, `\`) && i+1 < len(b.lines) {
				i++
				l = strings.TrimSuffix(l, `\`) + " " + strings.TrimSpace(b.lines[i])
			}
			joined = append(joined, l)
		}
		for _, l := range joined {
			if i := strings.Index(l, " #"); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); jinduWord.MatchString(l + " ") {
				out = append(out, l)
			}
		}
	}
	return out
}

// readmeRewrites are the only changes made to a README line before it
// runs: absolute paths of a server's filesystem become paths in the
// scratch directory, and sudo to the service account is dropped.
var readmeRewrites = []struct{ from, to string }{
	{"sudo -u jindu ", ""},
	{"/var/lib/jindu/", "var/lib/jindu/"},
	{"/backup/", "backup/"},
}

// readmeSkips are the README lines that do not run here, and why.
func readmeSkip(line string) string {
	switch {
	case regexp.MustCompile(`jindu serve\b`).MatchString(line):
		return "runs a server until it is stopped (TestServeOperations and TestServeDemoHealthzAndShutdown run it)"
	case regexp.MustCompile(`jindu pdf\b`).MatchString(line):
		if testing.Short() {
			return "needs Chromium, which -short never starts"
		}
		if !pdf.New(pdf.Config{}).Available() && os.Getenv("CI") == "" {
			return "needs Chromium, which is not installed"
		}
	}
	return ""
}

// TestReadmeCommands runs every jindu command line of README.md's shell
// blocks, in order, in one scratch directory (with bin/jindu), as a user
// types them in the repository: each must exit 0. A line that reads a
// password from standard input without a pipe is given one, as a user
// would type it; readmeRewrites and readmeSkip list every other liberty.
func TestReadmeCommands(t *testing.T) {
	lines := readmeLines(t)
	if len(lines) < 15 {
		t.Fatalf("found only %d jindu lines in README.md's sh blocks:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	dir, env := cliDir(t)
	ran := 0
	for _, line := range lines {
		if why := readmeSkip(line); why != "" {
			t.Logf("skipped: %s (%s)", line, why)
			continue
		}
		run := line
		for _, r := range readmeRewrites {
			run = strings.ReplaceAll(run, r.from, r.to)
		}
		stdin := ""
		if strings.Contains(run, "--password-stdin") && !strings.Contains(run, "|") {
			stdin = "a long passphrase\n"
		}
		code, out, errOut := shell(t, dir, env, run, stdin)
		if code != 0 {
			t.Errorf("README line exits %d: %s\nstdout: %s\nstderr: %s", code, line, out, errOut)
			continue
		}
		t.Logf("ran: %s", run)
		ran++
	}
	t.Logf("ran %d of the README's %d jindu lines", ran, len(lines))
	// The lines did what they say.
	code, out, _ := shell(t, dir, env, "bin/jindu user list --db data/jindu.db", "")
	if code != 0 || !regexp.MustCompile(`(?m)^admin\s+admin\s`).MatchString(out) || !regexp.MustCompile(`(?m)^li\s+clerk\s+西大街道\s+active`).MatchString(out) {
		t.Errorf("accounts after the README's lines: %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "backup", "jindu-2024-12-31.db")); err != nil {
		t.Errorf("the README's backup line wrote no backup: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "var", "lib", "jindu", "jindu.db")); err != nil {
		t.Errorf("the README's service account line created no database: %v", err)
	}
}

// TestReadmeCommandList: the README's command list is exactly the
// synopses of `jindu help`, and every flag and environment variable there
// is also explained somewhere else in the README.
func TestReadmeCommandList(t *testing.T) {
	var list []string
	for _, b := range readmeBlocks(t) {
		if strings.Contains(b.before, "<!-- jindu help") {
			list = b.lines
		}
	}
	syn := synopses(context.Background())
	if !slices.Equal(list, syn) {
		t.Errorf("README's command list differs from `jindu help`; README:\n%s\njindu help:\n%s", strings.Join(list, "\n"), strings.Join(syn, "\n"))
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rest := strings.Replace(string(b), strings.Join(list, "\n"), "", 1)
	for _, s := range syn {
		words := strings.Fields(s)
		for _, w := range words {
			if f, ok := strings.CutPrefix(strings.Trim(w, "[]"), "--"); ok && !strings.Contains(rest, "`--"+f+"`") && !strings.Contains(rest, "--"+f+" ") {
				t.Errorf("README does not explain %s --%s outside the command list", strings.Join(words[:2], " "), f)
			}
		}
	}
	for _, env := range []string{"JINDU_ADDR", "JINDU_DB", "JINDU_CHROMIUM", "JINDU_BACKUP_DIR"} {
		if !strings.Contains(rest, "`"+env+"`") {
			t.Errorf("README does not explain %s", env)
		}
	}
}

// TestContract runs the contract lines through a shell: a user
// added into a directory that does not exist yet, and the help commands.
func TestContract(t *testing.T) {
	dir, env := cliDir(t)
	if code, out, errOut := shell(t, dir, env, `printf 'a-long-password-1\n' | bin/jindu user add --db DIR/x.db --name a --role admin --password-stdin`, ""); code != 0 {
		t.Errorf("user add into a new directory: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "DIR", "x.db")); err != nil {
		t.Error(err)
	}
	for _, line := range []string{"bin/jindu user --help", "bin/jindu help"} {
		if code, out, _ := shell(t, dir, env, line, ""); code != 0 || !strings.Contains(out, "jindu user add") {
			t.Errorf("%s: %d\n%s", line, code, out)
		}
	}
}
