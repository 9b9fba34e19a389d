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
