package charts

import "encoding/json"

// Narrow fits a chart's options to a small multiple (a third of the
// printed width): no title or legend, which the page prints once beside
// the charts, a tighter grid, and every year's label on the x axis in a
// smaller type. It returns new options; o is not changed.
func Narrow(o Options) Options {
	// Through JSON, so that go-echarts' typed parts become plain maps.
	b, err := json.Marshal(o)
	if err != nil {
		return o
	}
	var n Options
	if json.Unmarshal(b, &n) != nil {
		return o
	}
	n["title"] = map[string]any{"show": false}
	n["legend"] = map[string]any{"show": false}
	n["grid"] = map[string]any{"left": "40", "right": "6", "top": "24", "bottom": "26"}
	axes, _ := n["xAxis"].([]any)
	for _, a := range axes {
		if m, ok := a.(map[string]any); ok {
			m["axisLabel"] = map[string]any{"interval": 0, "fontSize": 10}
		}
	}
	return n
}
