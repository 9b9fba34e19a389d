package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// releaseArchs are the Linux architectures of the release: GOARCH, the
// qemu-user program that runs it on another machine, and the names dpkg
// and rpm give it.
var releaseArchs = []struct{ goarch, qemu, deb, rpm string }{
	{"amd64", "", "amd64", "x86_64"}, // run natively
	{"arm64", "qemu-aarch64", "arm64", "aarch64"},
	{"loong64", "qemu-loongarch64", "loong64", "loongarch64"},
}

// TestRelease runs `make release`'s script into a temporary folder and
// checks what it wrote: the files the Contract names, SHA256SUMS, each
// binary's build settings and `jindu version`, the packages' contents and
// scripts. Then each Linux binary — arm64 and loong64 under qemu-user —
// imports the same ledgers (a committed GBK CSV, a generated district as
// GBK CSV and .xlsx), serves them, and must print the same import report
// and answer /api/metrics with the same bytes as the amd64 binary, and
// its database must pass `jindu check` here. Nothing here is timed: the
// waits have generous deadlines that only bound a hang.
func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds four binaries and six packages")
	}
	for _, tool := range []string{"bash", "git", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dist := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "release.sh"))
	cmd.Env = append(os.Environ(), "DIST="+dist)
	begin := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, out)
	}
	t.Logf("scripts/release.sh took %s", time.Since(begin).Round(time.Second))
	out, err := exec.Command("git", "-C", root, "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(string(out))
	out, err = exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	commit := strings.TrimSpace(string(out))

	checkDistFiles(t, dist)
	checkSums(t, dist)
	for _, target := range []string{"linux/amd64", "linux/arm64", "linux/loong64", "windows/amd64"} {
		checkBuildInfo(t, dist, target, version, commit)
	}
	for _, a := range releaseArchs {
		checkDeb(t, dist, a.goarch, a.deb)
		checkRPM(t, dist, a.goarch, a.rpm)
	}

	// The same ledgers for every architecture, written once, here.
	ledgers := t.TempDir()
	if code, _, errOut := runCmd(t, context.Background(), "gen", "--out", ledgers, "--years", "2023-2024"); code != 0 {
		t.Fatalf("gen: %s", errOut)
	}
	files := []string{
		filepath.Join(root, "ingest", "testdata", "good_gbk.csv"),
		filepath.Join(ledgers, "district-2023-gbk.csv"),
		filepath.Join(ledgers, "district-2024.xlsx"),
	}
	var want *archRun
	for _, a := range releaseArchs {
		t.Run(a.goarch, func(t *testing.T) {
			var runner []string
			if a.goarch != "amd64" {
				if _, err := exec.LookPath(a.qemu); err != nil {
					if os.Getenv("CI") != "" {
						t.Fatalf("%s is not installed; .ci/run installs qemu-user", a.qemu)
					}
					t.Skipf("%s is not installed (apt-get install qemu-user)", a.qemu)
				}
				runner = []string{a.qemu}
			}
			got := runArch(t, append(runner, filepath.Join(dist, "jindu-linux-"+a.goarch)), files, a.goarch, version, commit)
			if want == nil {
				want = got
				return
			}
			if got.imported != want.imported {
				t.Errorf("import report differs from amd64's:\n%s\n--- amd64:\n%s", got.imported, want.imported)
			}
			for path, body := range want.responses {
				if !bytes.Equal(got.responses[path], body) {
					t.Errorf("%s differs from amd64's:\n%s\n--- amd64:\n%s", path, got.responses[path], body)
				}
			}
		})
	}
}

// checkDistFiles: dist holds exactly the files of the Contract.
func checkDistFiles(t *testing.T, dist string) {
	t.Helper()
	ents, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{"SHA256SUMS", "jindu-linux-amd64", "jindu-linux-arm64", "jindu-linux-loong64", "jindu-windows-amd64.exe"}
	patterns := []*regexp.Regexp{}
	for _, a := range releaseArchs {
		patterns = append(patterns,
			regexp.MustCompile(`^jindu_[0-9][^_]*-1_`+a.deb+`\.deb$`),
			regexp.MustCompile(`^jindu-[0-9].*-1\.`+a.rpm+`\.rpm$`))
	}
	for _, n := range names {
		if slices.Contains(want, n) {
			continue
		}
		matched := slices.IndexFunc(patterns, func(p *regexp.Regexp) bool { return p.MatchString(n) })
		if matched < 0 {
			t.Errorf("dist/%s: not a file of the release", n)
			continue
		}
		patterns = slices.Delete(patterns, matched, matched+1)
	}
	for _, w := range want {
		if !slices.Contains(names, w) {
			t.Errorf("dist/%s is missing", w)
		}
	}
	for _, p := range patterns {
		t.Errorf("no package matches %s in %v", p, names)
	}
}

// checkSums: SHA256SUMS lists every other file with its right digest.
func checkSums(t *testing.T, dist string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Errorf("SHA256SUMS: malformed line %q", sc.Text())
			continue
		}
		listed[name] = true
		if got := fileSHA256(t, filepath.Join(dist, name)); got != sum {
			t.Errorf("SHA256SUMS: %s is %s, listed as %s", name, got, sum)
		}
	}
	ents, _ := os.ReadDir(dist)
	for _, e := range ents {
		if e.Name() != "SHA256SUMS" && !listed[e.Name()] {
			t.Errorf("SHA256SUMS does not list %s", e.Name())
		}
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// checkBuildInfo reads a binary's build settings (any platform's, with
// `go version -m`): built for its target, without cgo, with -trimpath, the
// version stamped, and no VCS time or other machine-dependent stamp.
func checkBuildInfo(t *testing.T, dist, target, version, commit string) {
	t.Helper()
	goos, goarch, _ := strings.Cut(target, "/")
	bin := filepath.Join(dist, "jindu-"+goos+"-"+goarch)
	if goos == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Errorf("go version -m %s: %v\n%s", bin, err, out)
		return
	}
	info := string(out)
	for _, want := range []string{"\tbuild\tGOOS=" + goos + "\n", "\tbuild\tGOARCH=" + goarch + "\n", "\tbuild\tCGO_ENABLED=0\n",
		"\tbuild\t-trimpath=true\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("%s: build info lacks %q:\n%s", filepath.Base(bin), want, info)
		}
	}
	if strings.Contains(info, "vcs.") {
		t.Errorf("%s: build info carries a VCS stamp (it holds the build's time):\n%s", filepath.Base(bin), info)
	}
	// (-trimpath leaves -ldflags out of the build info; the Linux binaries
	// print their version below, the Windows one is read for it.)
	if goos == "windows" {
		b, _ := os.ReadFile(bin)
		if !bytes.HasPrefix(b, []byte("MZ")) || !bytes.Contains(b, []byte(version)) || !bytes.Contains(b, []byte(commit)) {
			t.Errorf("%s is not a Windows executable stamped with version %s and commit %s", bin, version, commit)
		}
	}
}

// checkDeb reads a .deb with dpkg-deb: its architecture, the binary
// (byte-identical to dist's), the unit and the maintainer scripts.
func checkDeb(t *testing.T, dist, goarch, debArch string) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Logf("dpkg-deb is not installed: the .deb files are not inspected")
		return
	}
	debs, _ := filepath.Glob(filepath.Join(dist, "jindu_*_"+debArch+".deb"))
	if len(debs) != 1 {
		t.Errorf("want one %s .deb, have %v", debArch, debs)
		return
	}
	deb := debs[0]
	out, err := exec.Command("dpkg-deb", "--field", deb, "Package", "Architecture").Output()
	if err != nil || string(out) != "Package: jindu\nArchitecture: "+debArch+"\n" {
		t.Errorf("%s: fields %q %v", deb, out, err)
	}
	data := tarFiles(t, exec.Command("dpkg-deb", "--fsys-tarfile", deb))
	bin, ok := data["./usr/bin/jindu"]
	if !ok || bin.mode != 0o755 || hexSHA256(bin.body) != fileSHA256(t, filepath.Join(dist, "jindu-linux-"+goarch)) {
		t.Errorf("%s: /usr/bin/jindu is not dist's binary with mode 0755 (present %v, mode %o)", deb, ok, bin.mode)
	}
	checkUnit(t, deb, data["./usr/lib/systemd/system/jindu.service"].body)
	ctrl := tarFiles(t, exec.Command("dpkg-deb", "--ctrl-tarfile", deb))
	for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
		if f, ok := ctrl["./"+s]; !ok || f.mode&0o111 == 0 || !bytes.HasPrefix(f.body, []byte("#!/bin/sh\n")) {
			t.Errorf("%s: maintainer script %s missing or not executable", deb, s)
		}
	}
	if !bytes.Contains(ctrl["./preinst"].body, []byte("jindu backup --db")) {
		t.Errorf("%s: preinst does not back the database up before an upgrade", deb)
	}
}

// checkUnit: the packaged unit runs the packaged binary, as jindu, and
// not before the first administrator (the database) exists.
func checkUnit(t *testing.T, pkg string, unit []byte) {
	t.Helper()
	for _, want := range []string{"\nExecStart=/usr/bin/jindu serve", "\nUser=jindu\n", "\nConditionPathExists=/var/lib/jindu/jindu.db\n",
		"\nStateDirectoryMode=0700\n", "\nProtectSystem=strict\n", "\nWantedBy=multi-user.target\n"} {
		if !bytes.Contains(unit, []byte(want)) {
			t.Errorf("%s: jindu.service lacks %q:\n%s", pkg, strings.TrimSpace(want), unit)
		}
	}
}

// checkRPM reads an .rpm with rpm, where it is installed.
func checkRPM(t *testing.T, dist, goarch, rpmArch string) {
	t.Helper()
	rpms, _ := filepath.Glob(filepath.Join(dist, "jindu-*."+rpmArch+".rpm"))
	if len(rpms) != 1 {
		t.Errorf("want one %s .rpm, have %v", rpmArch, rpms)
		return
	}
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Logf("rpm is not installed: the .rpm files are not inspected")
		return
	}
	p := rpms[0]
	q := func(args ...string) string {
		out, err := exec.Command("rpm", append([]string{"-qp", "--nosignature"}, append(args, p)...)...).CombinedOutput()
		if err != nil {
			t.Errorf("rpm -qp %v %s: %v\n%s", args, p, err, out)
		}
		return string(out)
	}
	if got := q("--queryformat", "%{NAME} %{ARCH}"); got != "jindu "+rpmArch {
		t.Errorf("%s: name and arch %q", p, got)
	}
	files := strings.Split(q("--queryformat", "[%{FILENAMES} %{FILEMODES:perms} %{FILEDIGESTS}\n]"), "\n")
	if len(files) != 3 || files[0] != "/usr/bin/jindu -rwxr-xr-x "+fileSHA256(t, filepath.Join(dist, "jindu-linux-"+goarch)) ||
		!strings.HasPrefix(files[1], "/usr/lib/systemd/system/jindu.service -rw-r--r-- ") {
		t.Errorf("%s: want dist's binary and the unit, have %q", p, files)
	}
	scripts := q("--scripts")
	for _, s := range []string{"preinstall scriptlet", "postinstall scriptlet", "preuninstall scriptlet", "postuninstall scriptlet", "jindu backup --db"} {
		if !strings.Contains(scripts, s) {
			t.Errorf("%s: scripts lack %q", p, s)
		}
	}
	if out, err := exec.Command("rpm", "-K", "--nosignature", p).CombinedOutput(); err != nil || !strings.Contains(string(out), "digests OK") {
		t.Errorf("rpm -K %s: %v %s", p, err, out)
	}
}

type tarFile struct {
	mode int64
	body []byte
}

// tarFiles reads the tar archive a command writes.
func tarFiles(t *testing.T, cmd *exec.Cmd) map[string]tarFile {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	files := map[string]tarFile{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("%v: %v", cmd.Args, err)
		}
		body, _ := io.ReadAll(tr)
		files[h.Name] = tarFile{h.Mode, body}
	}
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// archRun is what one architecture's binary printed and served.
type archRun struct {
	imported  string
	responses map[string][]byte
}

// runArch runs a release binary (argv: the binary, after qemu if
// emulated): version, import, serve, the API, shutdown, then checks its
// database with this (native) build.
func runArch(t *testing.T, argv, files []string, goarch, version, commit string) *archRun {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "jindu.db")
	command := func(args ...string) *exec.Cmd {
		c := exec.Command(argv[0], append(argv[1:], args...)...)
		c.Dir = dir
		return c
	}
	out, err := command("version").Output()
	lines := strings.Split(string(out), "\n")
	if err != nil || len(lines) < 4 || lines[0] != version || lines[1] != "commit   "+commit || lines[3] != "platform linux/"+goarch {
		t.Fatalf("version: %v %q, want %s, commit %s, linux/%s", err, out, version, commit, goarch)
	}

	var imported bytes.Buffer
	imp := command(append([]string{"import", "--db", dbPath}, files...)...)
	imp.Stdout, imp.Stderr = &imported, &imported
	if err := imp.Run(); err != nil {
		t.Fatalf("import: %v\n%s", err, imported.String())
	}
	report := imported.String() // names files by their base names
	if strings.Count(report, "applied as batch") != len(files) {
		t.Fatalf("import applied fewer than %d files:\n%s", len(files), report)
	}

	srv := command("serve", "--db", dbPath, "--addr", "127.0.0.1:0", "--public")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	srv.Stderr = &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	defer func() {
		srv.Process.Kill()
		<-exited
	}()
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Jindu is running at "); ok {
				base <- strings.TrimSuffix(u, "/")
			}
		}
		exited <- srv.Wait()
	}()
	var url string
	select {
	case url = <-base:
	case err := <-exited:
		exited <- err
		t.Fatalf("serve exited: %v\n%s", err, logs.String())
	case <-time.After(5 * time.Minute): // a hang, not a slow start
		t.Fatalf("serve printed no address:\n%s", logs.String())
	}
	get := func(path string) []byte {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v\n%s", path, resp.StatusCode, err, b)
		}
		return b
	}
	if s := string(get("/healthz")); !strings.HasPrefix(s, "ok") {
		t.Fatalf("/healthz: %q", s)
	}
	run := &archRun{imported: report, responses: map[string][]byte{}}
	for _, p := range []string{"/api/metrics", "/api/metrics?year=2023", "/api/metrics?street=%E8%A5%BF%E5%A4%A7%E8%A1%97%E9%81%93", "/api/metrics.csv?year=2024"} {
		run.responses[p] = get(p)
	}
	if !bytes.Contains(run.responses["/api/metrics"], []byte(`"numerator"`)) {
		t.Fatalf("/api/metrics has no rows: %s", run.responses["/api/metrics"])
	}

	// SIGTERM: a clean shutdown, exit code 0.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(5 * time.Minute):
		t.Fatalf("serve did not stop after SIGTERM:\n%s", logs.String())
	}
	// The database file is the same format on every architecture.
	if code, out, errOut := runCmd(t, context.Background(), "check", "--db", dbPath); code != 0 {
		t.Errorf("native jindu check of the %s database: %s %s", filepath.Base(argv[len(argv)-1]), out, errOut)
	}
	return run
}
