package charts

import (
	"encoding/json"
	"math"
	"unicode"
)

// Fit is a chart's settings for boxes at least Width pixels wide: the font
// size and an option patch (set over the chart's options) that places the
// title, the legend and the axis labels so that none covers another at that
// width. web/static/js/charts.js applies the patch of the box's width;
// the server draws each Fit once as SVG (SVG).
type Fit struct {
	Width int     `json:"w"`
	Font  int     `json:"font"`
	Patch Options `json:"patch"`
}

// FitKey is the options' key that carries the chart's Fits (a key ECharts
// does not know; charts.js removes it before drawing).
const FitKey = "jinduFit"

// FitWidths are the box widths the Fits are made for, from a phone's card
// to a wall screen's row, each at most 1.35 times the one before (so the
// drawing, scaled to its box, keeps its text within that ratio). A box
// between two widths uses the narrower one's Fit.
var FitWidths = []int{340, 400, 500, 640, 840, 1140}

// FontFor is the chart text size (px) for a box of width w: 12 px on a
// phone's card, 16 px from a card of 400 px on (at 1800 px and wider every
// card is wider), 17 px on a wall screen's row.
func FontFor(w int) int {
	switch {
	case w >= 1140:
		return 17
	case w >= 400:
		return 16
	}
	return 12
}

// textWidth estimates the width of s in px at font size px: CJK and other
// wide characters are one em, Latin letters and digits about half.
func textWidth(s string, px int) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r > 0x2e80 || unicode.Is(unicode.Han, r):
			w += 1
		case r == ' ' || r == '.' || r == ',' || r == ':' || r == '/' || r == '·':
			w += 0.32
		case unicode.IsUpper(r) || r == '%' || r == '✓' || r == '✗':
			w += 0.7
		default:
			w += 0.56
		}
	}
	return w * float64(px)
}

// lines is how many lines of at most width px the words of s take when
// wrapped (CJK breaks between characters, Latin at spaces).
func lines(s string, px int, width float64) int {
	if width <= 0 {
		return 1
	}
	return max(1, int(math.Ceil(textWidth(s, px)/width)))
}

// fits returns o's Fits for every FitWidths, from what o holds: its title,
// legend entries, category labels and bar labels.
func fits(o Options) []Fit {
	out := make([]Fit, 0, len(FitWidths))
	for _, w := range FitWidths {
		out = append(out, fitFor(o, w))
	}
	return out
}

func fitFor(o Options, w int) Fit {
	font := FontFor(w)
	line := float64(font) * 1.35
	patch := Options{"textStyle": Options{"fontSize": font}}
	// The title wraps inside the box; the plot starts below it.
	top := 8.0
	if t := asMap(o["title"]); t != nil {
		if text, _ := t["text"].(string); text != "" {
			tf := font + 2
			n := lines(text, tf, float64(w-16))
			patch["title"] = Options{"textStyle": Options{"fontSize": tf, "width": w - 16, "overflow": "break", "lineHeight": int(float64(tf) * 1.3)}}
			top = float64(n)*float64(tf)*1.3 + 14
		}
	}
	// The legend is at the bottom; its rows are counted at this width so
	// that the plot (with its axis labels, containLabel) ends above it.
	bottom := 8.0
	if names := legendNames(o); len(names) > 0 {
		rows, x := 1, 10.0
		for _, n := range names {
			item := 25 + 5 + textWidth(n, font) + 10
			if x+item > float64(w-10) && x > 10 {
				rows++
				x = 10
			}
			x += item
		}
		rowH := float64(font) + 10
		patch["legend"] = Options{"bottom": 4, "itemGap": 10, "textStyle": Options{"fontSize": font}}
		bottom = float64(rows)*rowH + 14
	}
	grid := Options{"left": 8, "right": 16, "top": int(top + float64(font)), "bottom": int(bottom), "containLabel": true}
	// A value axis's labels hide where they would overlap (they are
	// ticks: the next one says the same).
	axisLabel := Options{"fontSize": font, "hideOverlap": true}
	x, y := firstAxis(o["xAxis"]), firstAxis(o["yAxis"])
	switch {
	case isCategory(y):
		// Horizontal bars: names on the left, wrapped within a third of
		// the box; bar labels on the right, outside the plot.
		patch["yAxis"] = []any{Options{"axisLabel": Options{"fontSize": font, "interval": 0, "width": w / 3, "overflow": "break"}}}
		value := Options{"axisLabel": axisLabel}
		if w < 500 {
			// A phone's plot is narrow beside the names and labels: a
			// tick at every half.
			value["interval"] = 50
		}
		patch["xAxis"] = []any{value}
		right := 16.0
		for _, l := range barLabels(o) {
			right = math.Max(right, textWidth(l, font)+16)
		}
		grid["right"] = int(math.Min(right, float64(w)/2))
	case isCategory(x) || x != nil:
		// Vertical bars or lines: each category's name wraps within its
		// slot, so no name is dropped or runs into the next.
		n := len(axisData(x))
		slot := float64(w-64) / float64(max(n, 1))
		patch["xAxis"] = []any{Options{"axisLabel": Options{"fontSize": font, "interval": 0, "width": int(slot - 6), "overflow": "break", "lineHeight": int(line)}}}
		patch["yAxis"] = []any{Options{"axisLabel": axisLabel}}
	}
	patch["grid"] = []any{grid}
	return Fit{Width: w, Font: font, Patch: patch}
}

// legendNames are the legend's entries: its data, or else every named
// series; none when the legend is hidden.
func legendNames(o Options) []string {
	lg := asMap(o["legend"])
	if lg == nil {
		return nil
	}
	if show, ok := lg["show"].(bool); ok && !show {
		return nil
	}
	var out []string
	if data, ok := lg["data"].([]any); ok {
		for _, d := range data {
			if s, ok := d.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	for _, s := range asMaps(o["series"]) {
		if n, _ := s["name"].(string); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func firstAxis(a any) map[string]any {
	ms := asMaps(a)
	if len(ms) == 0 {
		return nil
	}
	return ms[0]
}

func isCategory(a map[string]any) bool {
	if a == nil {
		return false
	}
	if t, _ := a["type"].(string); t == "category" {
		return true
	}
	_, has := a["data"]
	return has && a["type"] == nil
}

func axisData(a map[string]any) []any {
	d, _ := a["data"].([]any)
	return d
}

// barLabels are the label texts of every data item.
func barLabels(o Options) []string {
	var out []string
	for _, s := range asMaps(o["series"]) {
		data, _ := s["data"].([]any)
		for _, d := range data {
			m, _ := d.(map[string]any)
			lb, _ := m["label"].(map[string]any)
			if f, ok := lb["formatter"].(string); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// asMap returns a go-echarts option as its JSON object (nil if it is none).
func asMap(v any) map[string]any {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err) // options are built from plain values
	}
	var out map[string]any
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}
