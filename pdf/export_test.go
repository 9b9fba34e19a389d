package pdf

import "time"

// WaitLimit is the per-render limit of the tests' renderers: far longer
// than a render takes on a loaded machine under -race, it only keeps a
// broken build from hanging the suite. A test of the timeout itself sets a
// short one for the render that must time out, and only for that one.
const WaitLimit = 3 * time.Minute

// SetTimeout changes a renderer's per-render limit between renders, for the
// tests of package pdf_test.
func SetTimeout(r *Renderer, d time.Duration) { r.cfg.Timeout = d }

// Timeout is the per-render limit.
func (r *Renderer) Timeout() time.Duration { return r.cfg.Timeout }

// Sandboxed reports whether the running browser has its sandbox (false
// before the first render).
func (r *Renderer) Sandboxed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.browser != nil && r.sandboxed
}

// Refused is how many connections the browser tried to open to anywhere
// but the page's origin (WebSocket, preconnect, its own background
// traffic …) and had refused.
func (r *Renderer) Refused() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.refused
	if r.proxy != nil {
		n += r.proxy.refused.Load()
	}
	return n
}
