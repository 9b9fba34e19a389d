package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads --trusted-proxy: comma-separated CIDR
// prefixes or single addresses ("127.0.0.1/32,10.0.0.0/8", "::1").
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither a CIDR prefix (10.0.0.0/8) nor an address / 不是有效的 CIDR 或 IP 地址", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

type addrKey struct{}

// withClientAddress works out the client's address once per request, for
// the login throttle, the audit log, sessions and the request log.
func (s *Server) withClientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.clientAddressOf(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), addrKey{}, a)))
	})
}

// clientAddress is the request's client address (no port), as
// withClientAddress found it.
func clientAddress(r *http.Request) string {
	if a, ok := r.Context().Value(addrKey{}).(string); ok {
		return a
	}
	return peerAddress(r)
}

// peerAddress is the address of the connection's other end.
func peerAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

// clientAddressOf believes X-Forwarded-For and X-Real-IP only from a
// trusted proxy: walking X-Forwarded-For from the right (the hop the
// trusted proxy itself appended) past every trusted address, the first
// untrusted one is the client; anything a client wrote further left is
// never believed. A malformed hop stops the walk at the proxy that passed
// it on. Without trusted proxies the peer is the client.
func (s *Server) clientAddressOf(r *http.Request) string {
	cur := peerAddress(r)
	if len(s.TrustedProxies) == 0 || !s.trusted(cur) {
		return cur
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	if len(hops) == 0 {
		if a, ok := parseHop(r.Header.Get("X-Real-IP")); ok {
			return a
		}
		return cur
	}
	for i := len(hops) - 1; i >= 0 && s.trusted(cur); i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		cur = a
	}
	return cur
}

// parseHop reads one address of X-Forwarded-For or X-Real-IP: an IP,
// possibly with a port or in brackets.
func parseHop(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	if a, err := netip.ParseAddr(strings.Trim(v, "[]")); err == nil {
		return a.Unmap().String(), true
	}
	return "", false
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
