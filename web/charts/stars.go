package charts

import (
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// starColors runs from light to dark (a sequential, colour-blind-safe
// ramp); the ARIA decals add a pattern per series.
var starColors = [6]string{"#d9d9d9", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

// StarYear is one year's star histogram: compounds with 0–5 stars.
type StarYear struct {
	Label     string // x-axis label, e.g. "2023年"
	Histogram [6]int
}

// StarLabels are the localised words of the star charts.
type StarLabels struct {
	Title  string
	Series [6]string // "0星" … "5星"
	// Band formats a band's tooltip from its series name, count and
	// share of the year, e.g. "五星：600 个（61.1%）".
	Band func(series string, n int, share string) string
}

// Stars draws the star distribution per year as stacked bars (compounds
// with 0…5 stars), each band labelled with its count.
func Stars(years []StarYear, l StarLabels) Options {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOptions(l.Title),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "44", Bottom: "56"}),
	)...)
	xs := make([]string, len(years))
	for i, y := range years {
		xs[i] = y.Label
	}
	bar.SetXAxis(xs)
	for k := range 6 {
		data := make([]opts.BarData, len(years))
		for i, y := range years {
			n := y.Histogram[k]
			data[i] = opts.BarData{Value: n}
			if n > 0 {
				data[i].Label = &opts.Label{Show: opts.Bool(true), Position: "inside", Formatter: strconv.Itoa(n)}
			}
		}
		bar.AddSeries(l.Series[k], data, charts.WithItemStyleOpts(opts.ItemStyle{Color: starColors[k]}),
			charts.WithBarChartOpts(opts.BarChart{Stack: "stars", BarCategoryGap: "35%"}))
	}
	o := finish(bar)
	if l.Band != nil {
		for k := range 6 {
			tips := make([]any, len(years))
			for i, y := range years {
				total := 0
				for _, n := range y.Histogram {
					total += n
				}
				if total > 0 {
					share := strconv.FormatFloat(float64(y.Histogram[k])*100/float64(total), 'f', 1, 64) + "%"
					tips[i] = []string{l.Band(l.Series[k], y.Histogram[k], share)}
				}
			}
			setItems(o, k, "tip", tips)
		}
	}
	return o
}

// StarShareBar is one of the five stars: the share of compounds holding it.
type StarShareBar struct {
	Name    string
	Percent float64
	Hardest bool
	Label   string // e.g. "62.5% (hardest)"
}

// StarShares draws the five stars' shares as bars; the hardest is drawn in
// the warning colour and says so in its label.
func StarShares(stars []StarShareBar, title, seriesName string) Options {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOptions(title),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "44", Bottom: "40"}),
	)...)
	xs := make([]string, len(stars))
	data := make([]opts.BarData, len(stars))
	for i, s := range stars {
		xs[i] = s.Name
		c := ColorMet
		if s.Hardest {
			c = ColorUnmet
		}
		data[i] = opts.BarData{Value: s.Percent, ItemStyle: &opts.ItemStyle{Color: c},
			Label: &opts.Label{Show: opts.Bool(true), Position: "top", Formatter: s.Label}}
	}
	bar.SetXAxis(xs).AddSeries(seriesName, data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "40%"}))
	o := finish(bar)
	tips := make([]any, len(stars))
	for i, s := range stars {
		tips[i] = append([]string{s.Name}, strings.Split(s.Label, "\n")...)
	}
	// Colour and the label mark the hardest star; no pattern is needed.
	setDecal(o, 0, decalSolid)
	setItems(o, 0, "tip", tips)
	return o
}
