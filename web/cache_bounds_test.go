package web

import (
	"fmt"
	"testing"

	"jindu/web/charts"
	"jindu/web/components"
)

// TestPageCacheBoundedByBytes: pages kept for a data version stop at
// maxCachedPageBytes, whatever the number of distinct queries: 100 pages
// of 1 MB (a dashboard with server-drawn charts is 0.5–0.8 MB) keep fewer
// than 48 MB, and a small page still fits the count bound after them.
func TestPageCacheBoundedByBytes(t *testing.T) {
	f := &figures{}
	for i := range 100 {
		f.storePage(pageKey{path: "/", query: fmt.Sprintf("x=%d", i)}, &renderedPage{plain: make([]byte, 1<<20)})
	}
	kept, bytes := 0, 0
	f.views.Range(func(_, v any) bool {
		if p, ok := v.(*renderedPage); ok {
			kept++
			bytes += len(p.plain)
		}
		return true
	})
	if bytes > maxCachedPageBytes || kept == 0 || kept == 100 {
		t.Errorf("kept %d pages of 1 MB, %d bytes; want some, at most %d bytes", kept, bytes, maxCachedPageBytes)
	}
	if _, ok := f.cachedPage(pageKey{path: "/", query: "x=0"}); !ok {
		t.Error("the first page, within the bound, was not kept")
	}
	if _, ok := f.cachedPage(pageKey{path: "/", query: "x=99"}); ok {
		t.Error("the last page, past the bound, was kept")
	}
}

// TestChartQueueBounded: with maxQueuedCharts charts waiting to be drawn,
// another chart is not queued (no drawing starts): the page keeps it for
// the browser and says it is not as it will stay.
func TestChartQueueBounded(t *testing.T) {
	s := &Server{ServerCharts: true}
	s.chartImages.drawing = map[[32]byte]bool{}
	for i := range maxQueuedCharts {
		s.chartImages.drawing[[32]byte{byte(i), 0xff}] = true
	}
	c := components.Chart{ID: "c", Options: charts.Options{
		"series":      []map[string]any{{"type": "bar", "data": []int{1, 2}}},
		charts.FitKey: []charts.Fit{{Width: 340, Font: 12}},
	}}
	if s.drawOnServer(&c, false) {
		t.Error("a chart left undrawn was reported as drawn")
	}
	if n := len(s.chartImages.drawing); n != maxQueuedCharts {
		t.Errorf("%d charts queued, want at most %d", n, maxQueuedCharts)
	}
	if c.Images != nil {
		t.Error("the chart got images it was never drawn with")
	}
}
