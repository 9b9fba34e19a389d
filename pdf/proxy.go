package pdf

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// guardProxy is the browser's only way out: an HTTP proxy on loopback
// that passes on connections to the origins of the renders in progress
// and refuses every other one, with 403. Request interception sees a
// page's HTTP requests, but not its WebSocket handshakes or preconnects;
// those are connections, and the browser opens every connection through
// here (loopback included).
type guardProxy struct {
	ln      net.Listener
	srv     *http.Server
	tr      *http.Transport
	fwd     *httputil.ReverseProxy
	log     *slog.Logger
	refused atomic.Int64

	mu      sync.Mutex
	origins map[string]int // host:port → renders in progress
}

func newGuardProxy(log *slog.Logger) (*guardProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &guardProxy{ln: ln, log: log, origins: map[string]int{}}
	tr := &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute, DisableCompression: true}
	p.tr = tr
	p.fwd = &httputil.ReverseProxy{Transport: tr, Rewrite: func(pr *httputil.ProxyRequest) {
		pr.Out.URL, pr.Out.Host = pr.In.URL, pr.In.Host // absolute-form: already the target
	}, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go p.srv.Serve(ln)
	return p, nil
}

// Addr is the proxy's address for --proxy-server.
func (p *guardProxy) Addr() string { return p.ln.Addr().String() }

// Close stops the proxy and every connection through it, and closes its
// idle connections to the origins (a server shutting down would wait
// for them).
func (p *guardProxy) Close() {
	p.srv.Close()
	p.tr.CloseIdleConnections()
}

// allow lets connections to the page's origin through until release.
func (p *guardProxy) allow(page *url.URL) (release func()) {
	o := hostPort(page.Scheme, page.Host)
	p.mu.Lock()
	p.origins[o]++
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		if p.origins[o]--; p.origins[o] <= 0 {
			delete(p.origins, o)
		}
		p.mu.Unlock()
	}
}

func (p *guardProxy) allowed(hostport string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.origins[strings.ToLower(hostport)] > 0
}

// hostPort is host:port with the scheme's default port, lower-cased.
func hostPort(scheme, host string) string {
	if _, _, err := net.SplitHostPort(host); err != nil {
		port := "80"
		if scheme == "https" || scheme == "wss" {
			port = "443"
		}
		host = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	return strings.ToLower(host)
}

func (p *guardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Host // CONNECT host:port
	if r.Method != http.MethodConnect {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		target = hostPort(r.URL.Scheme, r.URL.Host)
	}
	if !p.allowed(target) {
		p.refused.Add(1)
		// Chromium's own background connections (accounts, updates) end
		// here too, so this is not a warning by itself.
		p.log.Info("pdf: refused a connection to another origin", "method", r.Method, "to", truncate(target, 200))
		http.Error(w, "blocked by Jindu's PDF renderer", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodConnect {
		p.fwd.ServeHTTP(w, r)
		return
	}
	up, err := net.DialTimeout("tcp", target, 10*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	io.WriteString(down, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() {
		io.Copy(up, buf) // what the browser sent after the CONNECT, then the rest
		up.Close()
	}()
	io.Copy(down, up)
	down.Close()
}
