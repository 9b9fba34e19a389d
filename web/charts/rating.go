package charts

import (
	"fmt"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// RatingPoint is one year of a rating indicator.
type RatingPoint struct {
	Year    int
	Label   string   // x-axis label, e.g. "2023年"
	Percent *float64 // nil: no data
	Target  *int     // nil: no milestone that year
	Met     *bool
	Count   string   // e.g. "8/13", drawn under the percent ("" for none)
	Tip     []string // the tooltip's lines
}

// RatingLabels are the localised words a rating chart shows.
type RatingLabels struct {
	Title, Met, Unmet, Baseline, Milestone, MetMark, UnmetMark string
}

// closeBelow is how many percentage points under its milestone an unmet
// bar is close enough for its label, drawn above the bar, to be crossed by
// the milestone line (a label is about 12 points tall in a printed chart,
// the smallest it is drawn). Such a label is drawn above the milestone's
// marker instead, as the marker's label: the line is drawn over the bars
// and their labels, and the marker is where the eye looks for "how far".
const closeBelow = 12

// labelColor is ECharts' default text colour, which bar labels have; a
// line's labels would take the line's colour.
const labelColor = "#333"

// Rating draws a rating indicator per year: bars of the percent, split into
// "met", "not met" and "no milestone" series (different colour, hatch
// pattern and label text), and the milestones as a stepped line.
func Rating(points []RatingPoint, l RatingLabels) Options {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOptions(l.Title),
		charts.WithYAxisOpts(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "44", Bottom: "56"}),
	)...)
	xs := make([]string, len(points))
	met := make([]opts.BarData, len(points))
	unmet := make([]opts.BarData, len(points))
	base := make([]opts.BarData, len(points))
	// The milestones, as data items of their own: opts.LineData has no
	// per-item label, which a label moved from a bar needs.
	goal := make([]any, len(points))
	for i, p := range points {
		xs[i] = p.Label
		met[i], unmet[i], base[i] = opts.BarData{Value: "-"}, opts.BarData{Value: "-"}, opts.BarData{Value: "-"}
		goal[i] = map[string]any{"value": "-"}
		if p.Target != nil {
			goal[i] = map[string]any{"value": *p.Target}
		}
		if p.Percent == nil {
			continue
		}
		v := strconv.FormatFloat(*p.Percent, 'f', 1, 64)
		d := opts.BarData{Value: *p.Percent, Label: &opts.Label{Show: opts.Bool(true), Position: "top", Formatter: v + "%" + countLine(p.Count)}}
		switch {
		case p.Met == nil:
			base[i] = d
		case *p.Met:
			d.Label.Formatter = fmt.Sprintf("%s%% %s%s", v, l.MetMark, countLine(p.Count))
			met[i] = d
		default:
			d.Label.Formatter = fmt.Sprintf("%s%% %s%s", v, l.UnmetMark, countLine(p.Count))
			if p.Target != nil && float64(*p.Target)-*p.Percent < closeBelow {
				goal[i] = map[string]any{"value": *p.Target, "label": map[string]any{
					"show": true, "position": "top", "formatter": d.Label.Formatter, "color": labelColor}}
				d.Label = &opts.Label{Show: opts.Bool(false)}
			}
			unmet[i] = d
		}
	}
	bar.SetXAxis(xs).
		AddSeries(l.Met, met, charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorMet}), charts.WithBarChartOpts(opts.BarChart{Stack: "v", BarCategoryGap: "40%"})).
		AddSeries(l.Unmet, unmet, charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorUnmet}), charts.WithBarChartOpts(opts.BarChart{Stack: "v", BarCategoryGap: "40%"})).
		AddSeries(l.Baseline, base, charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorBaseline}), charts.WithBarChartOpts(opts.BarChart{Stack: "v", BarCategoryGap: "40%"}))
	line := charts.NewLine()
	line.SetXAxis(xs).AddSeries(l.Milestone, nil,
		charts.WithLineChartOpts(opts.LineChart{Step: "middle", Symbol: "rect", SymbolSize: 8, ConnectNulls: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: ColorMilestone, Width: 2, Type: "dashed"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorMilestone}),
	)
	line.MultiSeries[0].Data = goal
	bar.Overlap(line)
	o := finish(bar)
	tips := make([]any, len(points))
	for i, p := range points {
		if len(p.Tip) > 0 {
			tips[i] = p.Tip
		}
	}
	setDecal(o, 0, decalSolid)
	setDecal(o, 1, decalHatch)
	setDecal(o, 2, decalSolid)
	for si := range 3 {
		setItems(o, si, "tip", tips)
	}
	return o
}

// countLine is a bar label's second line, the count ("" for none).
func countLine(count string) string {
	if count == "" {
		return ""
	}
	return "\n" + count
}
