package web

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"

	"jindu/web/charts"
	"jindu/web/components"
)

// Chart heights (px) of the stylesheet's .chart-canvas and .chart-canvas.tall.
const (
	chartHeight     = 320
	chartHeightTall = 520
)

// maxServerCategories bounds the bars or years a chart drawn on the server
// may have: a province's thousands of streets would take the engine
// seconds, so such a chart is drawn by the browser as before.
const maxServerCategories = 60

// chartRenderer is the one engine that draws charts on the server, with
// the ECharts bundle the binary serves.
var chartRenderer = sync.OnceValue(func() *charts.Renderer {
	src, _ := fs.ReadFile(staticFS, "static/"+AssetECharts)
	return charts.NewRenderer(src)
})

// chartImageCache keeps the drawn images by the options they were drawn
// from (a chart's options change with the data version and language), and
// which are being drawn.
type chartImageCache struct {
	mu      sync.Mutex
	m       map[[32]byte][]components.ChartImage
	bytes   int // of the images in m
	drawing map[[32]byte]bool
}

// maxCachedCharts and maxCachedChartBytes bound the cache; when full it
// starts again. maxQueuedCharts bounds the charts waiting to be drawn
// (one at a time, a few hundred milliseconds per image): a crawler asking
// for every street page in both languages queues no more than that, and
// the charts past it are drawn by the browser.
const (
	maxCachedCharts     = 512
	maxCachedChartBytes = 48 << 20
	maxQueuedCharts     = 32
)

// drawOnServer gives the chart its images, one per charts.FitWidths, when
// the server draws charts (ServerCharts), and reports whether the chart is
// as it will stay. Drawing takes the engine a few hundred milliseconds per
// image, so a chart not drawn yet is drawn in the background and this
// page has the browser draw it (false: the caller does not keep the page);
// the next page has the images. A chart that cannot be drawn is left to
// the browser; the error is logged.
func (s *Server) drawOnServer(c *components.Chart, tall bool) bool {
	if !s.ServerCharts || c.Options == nil {
		return true
	}
	o, ok := c.Options.(charts.Options)
	if !ok || categories(o) > maxServerCategories {
		return true
	}
	fits := charts.FitsOf(o)
	if len(fits) == 0 {
		return true
	}
	h := chartHeight
	if tall {
		h = chartHeightTall
	}
	raw, err := json.Marshal(o)
	if err != nil {
		return true
	}
	key := sha256.Sum256(append(raw, byte(h>>8), byte(h)))
	cache := &s.chartImages
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if imgs, ok := cache.m[key]; ok {
		c.Images = imgs
		return true
	}
	if cache.drawing == nil {
		cache.drawing = map[[32]byte]bool{}
	}
	if !cache.drawing[key] && len(cache.drawing) < maxQueuedCharts {
		cache.drawing[key] = true
		id := c.ID
		go func() {
			imgs := make([]components.ChartImage, 0, len(fits))
			for _, f := range fits {
				svg, err := chartRenderer().SVG(o, f, f.Width, h)
				if err != nil {
					s.Logger.Error("chart on the server", "chart", id, "err", err)
					imgs = nil // drawn by the browser
					break
				}
				imgs = append(imgs, components.ChartImage{Width: f.Width, Height: h, Src: svgDataURL(svg)})
			}
			cache.mu.Lock()
			defer cache.mu.Unlock()
			delete(cache.drawing, key)
			size := 0
			for _, img := range imgs {
				size += len(img.Src)
			}
			if cache.m == nil || len(cache.m) >= maxCachedCharts || cache.bytes+size > maxCachedChartBytes {
				cache.m, cache.bytes = map[[32]byte][]components.ChartImage{}, 0
			}
			cache.m[key] = imgs
			cache.bytes += size
		}()
	}
	return false
}

// drawSectionsOnServer is drawOnServer for the charts of every section.
func (s *Server) drawSectionsOnServer(secs []components.Section) {
	for _, sec := range secs {
		for i := range sec.Charts {
			s.drawOnServer(&sec.Charts[i].Chart, sec.Charts[i].Tall)
		}
	}
}

// categories is the number of items in the chart's longest series.
func categories(o charts.Options) int {
	raw, err := json.Marshal(o["series"])
	if err != nil {
		return 0
	}
	var series []struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &series) != nil {
		return 0
	}
	n := 0
	for _, s := range series {
		n = max(n, len(s.Data))
	}
	return n
}

// svgURLEscaper escapes what a data: URL may not hold as is; templ escapes
// the attribute itself.
var svgURLEscaper = strings.NewReplacer("%", "%25", "#", "%23", "\n", "", "\r", "")

// svgDataURL is an SVG document as a data: URL (the page's
// Content-Security-Policy allows data: images; an SVG image runs no script).
func svgDataURL(svg string) string {
	return "data:image/svg+xml;charset=utf-8," + svgURLEscaper.Replace(svg)
}
