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
	o["aria"] = map[string]any{"enabled": true, "decal": map[string]any{"show": true}}
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
