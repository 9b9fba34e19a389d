package charts

import (
	"encoding/json"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// StreetBar is one street's bar in the street comparison.
type StreetBar struct {
	Name    string   // the street's name: a category, user data kept as JSON
	Percent *float64 // nil: no data
	Met     *bool    // nil: no milestone (or no data)
	Label   string   // bar label, e.g. "40.0% · 12/30 · 还需 3 个" or "83.0% · 78/94 ✓"
	Tip     []string // the tooltip's lines: percent and count, target, still needed
	Link    string   // the page a click on the bar opens ("" for none)
}

// ComparisonLabels are the localised words of the street comparison.
type ComparisonLabels struct {
	Title, Met, Unmet, NoTarget, Milestone string
}

// Comparison draws every street's percent as a horizontal bar, in the
// order given (first at the top), split into met / not met / no milestone
// series (colour, hatch pattern and the label's mark differ) with the
// year's milestone as a vertical line. target is nil when the year has none.
//
// A label drawn at the end of a bar short of the milestone would be crossed
// by the milestone's line; such a bar is continued by an invisible spacer
// up to the line, and its label is drawn after the spacer, right of the
// line. The milestone's own label is at the top of the line, clear of the
// value axis's labels.
func Comparison(bars []StreetBar, target *int, l ComparisonLabels) Options {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOptions(l.Title),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Data: []string{l.Met, l.Unmet, l.NoTarget}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "120", Top: "44", Bottom: "56", ContainLabel: opts.Bool(true)}),
	)...)
	names := make([]string, len(bars))
	met := make([]opts.BarData, len(bars))
	unmet := make([]opts.BarData, len(bars))
	none := make([]opts.BarData, len(bars))
	spacer := make([]opts.BarData, len(bars))
	for i, b := range bars {
		names[i] = b.Name
		met[i], unmet[i], none[i] = opts.BarData{Value: "-"}, opts.BarData{Value: "-"}, opts.BarData{Value: "-"}
		spacer[i] = opts.BarData{Value: "-"}
		if b.Percent == nil {
			continue
		}
		label := &opts.Label{Show: opts.Bool(true), Position: "right", Formatter: b.Label}
		d := opts.BarData{Name: b.Name, Value: *b.Percent, Label: label}
		if target != nil && *b.Percent < float64(*target) {
			spacer[i] = opts.BarData{Name: b.Name, Value: float64(*target) - *b.Percent, Label: label}
			d.Label = nil
		}
		switch {
		case b.Met == nil:
			none[i] = d
		case *b.Met:
			met[i] = d
		default:
			unmet[i] = d
		}
	}
	style := charts.WithBarChartOpts(opts.BarChart{Stack: "s", BarCategoryGap: "30%"})
	var mark []charts.SeriesOpts
	if target != nil {
		mark = append(mark,
			charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: l.Milestone, XAxis: *target}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label:     &opts.Label{Show: opts.Bool(true), Position: "start", Formatter: l.Milestone + " {c}%"},
				LineStyle: &opts.LineStyle{Color: ColorMilestone, Width: 2, Type: "dashed"}}),
		)
	}
	bar.SetXAxis(names).
		AddSeries(l.Met, met, append([]charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorMet}), style}, mark...)...).
		AddSeries(l.Unmet, unmet, charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorUnmet}), style).
		AddSeries(l.NoTarget, none, charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorBaseline}), style).
		AddSeries("", spacer, style)
	bar.XYReversal()
	o := finish(bar)
	// The spacer is not drawn, has no pattern and answers no pointer;
	// go-echarts has no fields for these, so they are set on the JSON form.
	series := asMaps(o["series"])
	s := series[len(series)-1]
	s["itemStyle"] = map[string]any{"color": "transparent", "decal": map[string]any{"symbol": "none"}}
	s["silent"] = true
	s["tooltip"] = map[string]any{"show": false}
	o["series"] = series
	tips, links := make([]any, len(bars)), make([]any, len(bars))
	for i, b := range bars {
		if len(b.Tip) > 0 {
			tips[i] = b.Tip
		}
		if b.Link != "" {
			links[i] = b.Link
		}
	}
	setDecal(o, 0, decalSolid)
	setDecal(o, 1, decalHatch)
	setDecal(o, 2, decalSolid)
	for si := range 3 {
		setItems(o, si, "tip", tips)
		setItems(o, si, "link", links)
	}
	return o
}

// asMaps returns go-echarts series as their JSON objects.
func asMaps(series any) []map[string]any {
	raw, err := json.Marshal(series)
	if err != nil {
		panic(err) // series are built from plain values
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}
