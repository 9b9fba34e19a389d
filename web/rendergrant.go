package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"jindu/auth"
	"net"
	"net/http"
	"sync"
	"time"
)

// renderHeader carries the internal token with which the PDF renderer's
// browser opens a printable page: short-lived, per render, never a user's
// cookie.
const renderHeader = "X-Jindu-Render"

// printablePages are the pages a render token opens (by GET only).
var printablePages = map[string]bool{"/report": true, pageBrief: true}

// grantTTL bounds a render token; a render that takes longer is cancelled
// by the renderer's timeout anyway.
const grantTTL = time.Minute

// renderGrant lets the renderer's browser read /report as the user who
// asked for the PDF.
type renderGrant struct {
	user    *auth.User // nil: an anonymous reader of a --public server
	at      time.Time  // generation time printed on the report
	expires time.Time

	mu      sync.Mutex
	version string // the data version the page was built from
}

type grantKey struct{}

// shows records the data version the printed page was built from.
func (g *renderGrant) shows(version string) {
	g.mu.Lock()
	g.version = version
	g.mu.Unlock()
}

// printGrant is the render grant of a request from the PDF renderer.
func printGrant(r *http.Request) (*renderGrant, bool) {
	g, ok := r.Context().Value(grantKey{}).(*renderGrant)
	return g, ok
}

// mint issues a render token.
func (rs *reportState) mint(u *auth.User, at time.Time) (string, *renderGrant) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	g := &renderGrant{user: u, at: at, expires: time.Now().Add(grantTTL)}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.grants == nil {
		rs.grants = map[string]*renderGrant{}
	}
	now := time.Now()
	for k, v := range rs.grants {
		if now.After(v.expires) {
			delete(rs.grants, k)
		}
	}
	rs.grants[tok] = g
	return tok, g
}

func (rs *reportState) revoke(tok string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	delete(rs.grants, tok)
}

func (rs *reportState) grant(tok string) (*renderGrant, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	g, ok := rs.grants[tok]
	if !ok || time.Now().After(g.expires) {
		return nil, false
	}
	return g, true
}

// renderAuth lets the renderer's browser in: a valid render token, on GET
// of a printable page only and from the loopback interface only, stands for the user
// who asked for the PDF. The header is removed from every request, so a
// token is never seen by anything else.
func (s *Server) renderAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get(renderHeader)
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		r.Header.Del(renderHeader)
		if r.Method == http.MethodGet && printablePages[r.URL.Path] && isLoopback(r.RemoteAddr) {
			if g, ok := s.reports.grant(tok); ok {
				ctx := context.WithValue(r.Context(), grantKey{}, g)
				if g.user != nil {
					ctx = context.WithValue(ctx, userKey, *g.user)
				}
				r = r.WithContext(ctx)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
