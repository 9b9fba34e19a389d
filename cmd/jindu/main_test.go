package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
}

func TestServeRefusesBadProgram(t *testing.T) {
	p := filepath.Join(t.TempDir(), "program.json")
	os.WriteFile(p, []byte(`{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2025":150}}]}`), 0o644)
	code, _, errOut := runCmd(t, context.Background(), "serve", "--db", filepath.Join(t.TempDir(), "j.db"), "--program", p)
	if code != 1 || !strings.Contains(errOut, "indicators[0].targets.2025") {
		t.Errorf("bad program: %d %q", code, errOut)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeDemoHealthzAndShutdown(t *testing.T) {
	addr := freeAddr(t)
	dbPath := filepath.Join(t.TempDir(), "sub", "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", dbPath, "--demo"}, nil, io.Discard, &errb)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never became healthy: %v\n%s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/api/metrics")
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
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(errb.String(), "demo data loaded") {
		t.Errorf("log lacks the demo load: %s", errb.String())
	}
}
