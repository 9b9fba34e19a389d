package main

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServerLimits checks the http.Server that `jindu serve` builds: its
// timeouts leave room for a 20 MiB upload at 1 Mbit/s and a PDF, a client
// that dribbles its headers is cut off while others are served, and
// oversized headers get 431.
func TestServerLimits(t *testing.T) {
	hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	const upload = 20 << 20 * 8 / (1 << 20) * time.Second // 20 MiB at 1 Mbit/s ≈ 160 s
	switch {
	case hs.ReadHeaderTimeout <= 0 || hs.ReadHeaderTimeout > 30*time.Second:
		t.Errorf("ReadHeaderTimeout %v", hs.ReadHeaderTimeout)
	case hs.ReadTimeout < upload:
		t.Errorf("ReadTimeout %v is shorter than a 20 MiB upload on a slow link (%v)", hs.ReadTimeout, upload)
	case hs.WriteTimeout < 2*time.Minute:
		t.Errorf("WriteTimeout %v leaves no room for a PDF", hs.WriteTimeout)
	case hs.IdleTimeout < time.Minute || hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 1<<20:
		t.Errorf("IdleTimeout %v MaxHeaderBytes %d", hs.IdleTimeout, hs.MaxHeaderBytes)
	}

	// The same server with a short header timeout, so the test is quick.
	hs.ReadHeaderTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	addr := ln.Addr().String()

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	start := time.Now()
	// Meanwhile a normal client is served.
	resp, err := http.Get("http://" + addr + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("normal client: %v %v", resp, err)
	}
	resp.Body.Close()
	// The server closes the connection. Nothing but ReadHeaderTimeout
	// would within the deadline: the next limits, IdleTimeout and
	// ReadTimeout, are minutes. How long it took is logged, not judged.
	slow.SetReadDeadline(time.Now().Add(time.Minute))
	_, err = io.ReadAll(slow)
	if err != nil {
		t.Errorf("slow-header client not cut off within a minute (ReadHeaderTimeout %v): %v", hs.ReadHeaderTimeout, err)
	}
	t.Logf("slow-header client cut off after %v (ReadHeaderTimeout %v)", time.Since(start).Round(time.Millisecond), hs.ReadHeaderTimeout)

	big, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	io.WriteString(big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 2*maxHeaderBytes)+"\r\n\r\n")
	status, _ := bufio.NewReader(big).ReadString('\n')
	if !strings.Contains(status, "431") {
		t.Errorf("oversized headers: %q, want 431", status)
	}
}
