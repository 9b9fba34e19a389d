package charts

import (
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// trendColors and trendSymbols tell the lines apart by colour (Okabe–Ito)
// and by marker shape.
var (
	trendColors  = []string{"#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"}
	trendSymbols = []string{"circle", "rect", "triangle", "diamond", "pin", "arrow"}
)

// TrendSeries is one indicator's values over the years (nil: no data).
type TrendSeries struct {
	Name   string
	Values []*float64
}

// Trend draws indicators over the years as lines with distinct markers and
// value labels, and the milestones (nil where a year has none) as a dashed
// step line.
func Trend(years []string, series []TrendSeries, milestones []*int, title, milestone string) Options {
	line := charts.NewLine()
	line.SetGlobalOptions(append(baseOptions(title),
		charts.WithYAxisOpts(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "24", Top: "44", Bottom: "72"}),
	)...)
	line.SetXAxis(years)
	for i, s := range series {
		data := make([]opts.LineData, len(s.Values))
		for j, v := range s.Values {
			data[j] = opts.LineData{Value: "-"}
			if v != nil {
				data[j] = opts.LineData{Value: *v}
			}
		}
		line.AddSeries(s.Name, data,
			charts.WithLineChartOpts(opts.LineChart{Symbol: trendSymbols[i%len(trendSymbols)], SymbolSize: 9, ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: trendColors[i%len(trendColors)], Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: trendColors[i%len(trendColors)]}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top", Formatter: "{c}%"}),
		)
	}
	if len(milestones) > 0 {
		goal := make([]opts.LineData, len(milestones))
		for j, m := range milestones {
			goal[j] = opts.LineData{Value: "-"}
			if m != nil {
				goal[j] = opts.LineData{Value: *m}
			}
		}
		line.AddSeries(milestone, goal,
			charts.WithLineChartOpts(opts.LineChart{Step: "middle", Symbol: "none", ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: ColorMilestone, Width: 2, Type: "dashed"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: ColorMilestone}),
		)
	}
	o := finish(line)
	for i, s := range series {
		tips := make([]any, len(s.Values))
		for j, v := range s.Values {
			if v != nil {
				tips[j] = []string{s.Name + " " + strconv.FormatFloat(*v, 'f', 1, 64) + "%"}
			}
		}
		setItems(o, i, "tip", tips)
	}
	if len(milestones) > 0 {
		tips := make([]any, len(milestones))
		for j, m := range milestones {
			if m != nil {
				tips[j] = []string{milestone + " " + strconv.Itoa(*m) + "%"}
			}
		}
		setItems(o, len(series), "tip", tips)
	}
	return o
}
