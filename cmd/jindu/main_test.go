package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"jindu/web"
)

// TestMain runs this test binary as jindu itself when JINDU_TEST_CLI=1
// (TestReadmeCommands calls it as bin/jindu from a shell), and otherwise
// stops at once, with one line, on a fresh clone without ECharts.
func TestMain(m *testing.M) {
	if os.Getenv("JINDU_TEST_CLI") == "1" {
		os.Exit(cliMain())
	}
	if err := web.CheckAssets(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func runCmd(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpVersionAndUnknown(t *testing.T) {
	ctx := context.Background()
	if code, out, _ := runCmd(t, ctx, "--help"); code != 0 || !strings.Contains(out, "serve") {
		t.Errorf("--help: %d %q", code, out)
	}
	if code, out, _ := runCmd(t, ctx, "version"); code != 0 || !strings.HasPrefix(out, version+"\n") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, ctx, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown: %d %q", code, errOut)
	}
	if code, _, _ := runCmd(t, ctx, "serve", "--no-such-flag"); code != 2 {
		t.Errorf("bad flag: %d", code)
	}
	// There is no default command: flags without one are refused, saying
	// which command takes them.
	if code, out, errOut := runCmd(t, ctx, "--addr", "127.0.0.1:1"); code != 2 || out != "" || !strings.Contains(errOut, "jindu serve --addr 127.0.0.1:1") {
		t.Errorf("--addr without a command: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCmd(t, ctx); code != 0 || !strings.Contains(out, "There is no default command") {
		t.Errorf("bare jindu: %d %q", code, out)
	}
}

// TestHelpListsEverything: jindu help, --help, -h, help COMMAND, COMMAND
// --help, user --help and user SUB --help all exit 0 and print on
// standard output; the top-level help names every command and, in its
// synopses, every flag of each, and each command's help explains every
// flag its synopsis names.
func TestHelpListsEverything(t *testing.T) {
	ctx := context.Background()
	_, top, _ := runCmd(t, ctx, "help")
	for _, args := range [][]string{{"--help"}, {"-h"}, {}} {
		if code, out, errOut := runCmd(t, ctx, args...); code != 0 || out != top || errOut != "" {
			t.Errorf("jindu %v: %d, output differs from jindu help: %v, stderr %q", args, code, out != top, errOut)
		}
	}
	syn := synopses(ctx)
	if len(syn) != len(commands())+len(userSubcommands)-1 {
		t.Errorf("%d synopses for %d commands and %d user subcommands:\n%s", len(syn), len(commands()), len(userSubcommands), strings.Join(syn, "\n"))
	}
	for _, s := range syn {
		if !strings.Contains(top, "  "+s+"\n") {
			t.Errorf("jindu help lacks %q", s)
		}
	}
	for _, c := range commands() {
		if !strings.Contains(top, "\n  "+c.name+" ") {
			t.Errorf("jindu help does not list %s", c.name)
		}
	}
	// Each command's own help, asked for either way, explains every flag
	// of its synopsis.
	for _, s := range syn {
		words := strings.Fields(s)[1:] // without "jindu"
		if words[0] == "help" {
			continue // jindu help --help is jindu help
		}
		cmd := []string{words[0]}
		if words[0] == "user" {
			cmd = append(cmd, words[1])
		}
		code, out, errOut := runCmd(t, ctx, append(slices.Clone(cmd), "--help")...)
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: "+s+"\n") {
			t.Errorf("jindu %s --help: %d, stderr %q, output:\n%s", strings.Join(cmd, " "), code, errOut, out)
			continue
		}
		if code, out2, _ := runCmd(t, ctx, append([]string{"help"}, cmd...)...); code != 0 || out2 != out {
			t.Errorf("jindu help %s: %d, differs from --help:\n%s", strings.Join(cmd, " "), code, out2)
		}
		for _, w := range words {
			if f, ok := strings.CutPrefix(strings.Trim(w, "[]"), "--"); ok && !strings.Contains(out, "\n  -"+f+" ") && !strings.Contains(out, "\n  -"+f+"\n") {
				t.Errorf("jindu %s --help does not explain --%s:\n%s", strings.Join(cmd, " "), f, out)
			}
		}
	}
	code, out, errOut := runCmd(t, ctx, "user", "--help")
	if code != 0 || errOut != "" {
		t.Errorf("jindu user --help: %d %q", code, errOut)
	}
	for _, s := range syn {
		if strings.HasPrefix(s, "jindu user ") && !strings.Contains(out, "usage: "+s+"\n") {
			t.Errorf("jindu user --help lacks %q:\n%s", s, out)
		}
	}
	// The flags the README must document are in the synopses.
	all := strings.Join(syn, "\n")
	for _, want := range []string{"jindu gen --out DIR", "[--chromium PATH]", "[--max-rows N]", "[--lang zh|en]", "[--timeout DURATION]", "[--pdf-timeout DURATION]"} {
		if !strings.Contains(all, want) {
			t.Errorf("the synopses lack %q", want)
		}
	}
}

// TestPortInUse: an address in use is refused at once, before the database
// is created, with an error that names it and says how to choose another.
func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	p := filepath.Join(t.TempDir(), "data", "j.db")
	code, _, errOut := runCmd(t, context.Background(), "serve", "--addr", addr, "--db", p)
	if code != 1 {
		t.Fatalf("serve on a port in use: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{addr, "already in use", "--addr", "JINDU_ADDR", "make run ADDR=", "地址"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the error lacks %q: %s", want, errOut)
		}
	}
	if _, err := os.Stat(filepath.Dir(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve created %s before it could listen", filepath.Dir(p))
	}
}

func TestServeRefusesBadProgram(t *testing.T) {
	p := filepath.Join(t.TempDir(), "program.json")
	os.WriteFile(p, []byte(`{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2025":150}}]}`), 0o644)
	code, _, errOut := runCmd(t, context.Background(), "serve", "--db", filepath.Join(t.TempDir(), "j.db"), "--program", p)
	if code != 1 || !strings.Contains(errOut, "indicators[0].targets.2025") {
		t.Errorf("bad program: %d %q", code, errOut)
	}
}

// runningAt is the line `jindu serve` prints once it listens.
var runningAt = regexp.MustCompile(`Jindu is running at (http://\S+?)/\n`)

// serving waits until a `jindu serve` started with --addr 127.0.0.1:0 (a
// port the system chooses, so no other process can take it first) prints
// where it runs, and returns that base URL. done is serve's exit code.
func serving(t *testing.T, out, logs *syncBuffer, done chan int) string {
	t.Helper()
	var base string
	waitFor(t, func() bool {
		if m := runningAt.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			return true
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before it ran:\n%s", code, logs.String())
		default:
		}
		return false
	}, "the server to say where it runs", logs)
	return base
}

func TestServeDemoHealthzAndShutdown(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "sub", "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errb syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--demo"}, nil, &out, &errb)
	}()
	base := serving(t, &out, &errb, done)
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "the server to be healthy", &errb)
	resp, err := http.Get(base + "/api/metrics")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/api/metrics: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(waitLimit):
		t.Fatalf("serve did not shut down within %v", waitLimit)
	}
	if !strings.Contains(errb.String(), "demo data loaded") {
		t.Errorf("log lacks the demo load: %s", errb.String())
	}
}
