package web

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// reportState is the server's side of PDF rendering: the render tokens
// and the loopback listener the browser loads the report from.
type reportState struct {
	mu     sync.Mutex
	grants map[string]*renderGrant
	hs     *http.Server
	base   string // http://127.0.0.1:port, once listening
}

// loopback returns the address of a listener on 127.0.0.1 that serves this
// server's handler: the browser loads the report from it, whatever address
// (or proxy) users reach Jindu through, and so does `jindu pdf`.
func (s *Server) loopback() (string, error) {
	s.reports.mu.Lock()
	defer s.reports.mu.Unlock()
	if s.reports.base != "" {
		return s.reports.base, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("report: loopback listener: %w", err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	s.reports.hs, s.reports.base = hs, "http://"+ln.Addr().String()
	return s.reports.base, nil
}
