package report

import "time"

// SetTimeout changes a renderer's per-render limit between renders, for the
// tests of package report_test.
func SetTimeout(r *Renderer, d time.Duration) { r.cfg.Timeout = d }
