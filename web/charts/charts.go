// Package charts builds go-echarts chart options from metrics values, one
// function per chart. Options leave as data (JSON), never as script, so the
// page embeds them with templ.JSONScript and one static file draws them.
package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// A colour-blind-safe palette (Okabe–Ito); met and unmet also differ by
// pattern and label, never by colour alone.
const (
	ColorMet       = "#0072B2" // blue
	ColorUnmet     = "#E69F00" // orange, drawn with a hatch pattern
	ColorBaseline  = "#999999"
	ColorMilestone = "#D55E00" // vermillion
)

// Options is a chart's option object, ready to be JSON-encoded.
type Options = map[string]any

// finish validates the chart and returns its options with our shared
// settings: no animation (print and tests see the final state at once) and
// ARIA decals so series differ by pattern too.
func finish(c interface {
	Validate()
	JSON() map[string]any
}) Options {
	c.Validate()
	o := c.JSON()
	// go-echarts always asks for an empty toolbox, which only draws an
	// invisible box: without it the page needs no toolbox code.
	delete(o, "toolbox")
	o["animation"] = false
	// ARIA decals, but not ECharts' generated aria-label: the chart's box
	// keeps the page's summary sentence.
	o["aria"] = map[string]any{"enabled": true, "label": map[string]any{"enabled": false}, "decal": map[string]any{"show": true}}
	o[FitKey] = fits(o)
	return o
}

func baseOptions(title string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithInitializationOpts(opts.Initialization{Renderer: "svg"}),
	}
}

// setItems sets key on the data items of series si (an item that is no
// object yet, such as "-", is left alone); vals[i] is the value of item i,
// nil for none. go-echarts has no fields for our own keys (tip, link),
// which charts.js reads from the items.
func setItems(o Options, si int, key string, vals []any) {
	series := asMaps(o["series"])
	data, _ := series[si]["data"].([]any)
	for i, d := range data {
		m, ok := d.(map[string]any)
		if !ok || i >= len(vals) || vals[i] == nil {
			continue
		}
		if v, _ := m["value"].(string); v == "-" {
			continue
		}
		m[key] = vals[i]
	}
	o["series"] = series
}

// Decals: a met bar is solid, an unmet one hatched (diagonal lines), as the
// pages' words say; ECharts' own decals would hatch every series.
var (
	decalSolid = map[string]any{"symbol": "none"}
	decalHatch = map[string]any{"symbol": "rect", "symbolSize": 1, "dashArrayX": []any{1, 0},
		"dashArrayY": []any{3, 5}, "rotation": -0.7854, "color": "rgba(0,0,0,0.45)"}
)

// setDecal gives series si the decal d.
func setDecal(o Options, si int, d map[string]any) {
	series := asMaps(o["series"])
	st, _ := series[si]["itemStyle"].(map[string]any)
	if st == nil {
		st = map[string]any{}
	}
	st["decal"] = d
	series[si]["itemStyle"] = st
	o["series"] = series
}
