package charts

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func f64(v float64) *float64 { return &v }
func yes(v bool) *bool       { return &v }

// TestOptionsOurTooltipAndSummary: ECharts' generated aria-label is off
// (the page's summary stays), met bars are solid and unmet hatched (as the
// words say), and only bars with data carry our tooltip lines and links.
func TestOptionsOurTooltipAndSummary(t *testing.T) {
	target := 60
	o := Comparison([]StreetBar{
		{Name: "甲", Percent: f64(83), Met: yes(true), Label: "83.0% · 78/94 ✓", Tip: []string{"甲", "83.0%（78/94）"}, Link: "/streets/甲"},
		{Name: "乙", Percent: f64(40), Met: yes(false), Label: "40.0% · 4/10 · 还需 2 个", Tip: []string{"乙", "还需 2 个"}, Link: "/worklist?street=乙"},
		{Name: "丙"},
	}, &target, ComparisonLabels{Title: "t", Met: "met", Unmet: "unmet", NoTarget: "none", Milestone: "m"})
	aria := o["aria"].(map[string]any)
	if aria["label"].(map[string]any)["enabled"] != false {
		t.Errorf("aria label generation on: %v", aria)
	}
	series := asMaps(o["series"])
	if d := series[0]["itemStyle"].(map[string]any)["decal"].(map[string]any); d["symbol"] != "none" {
		t.Errorf("met decal %v, want solid", d)
	}
	if d := series[1]["itemStyle"].(map[string]any)["decal"].(map[string]any); d["symbol"] != "rect" || d["rotation"] == nil {
		t.Errorf("unmet decal %v, want hatched", d)
	}
	item := func(si, i int) map[string]any { m, _ := series[si]["data"].([]any)[i].(map[string]any); return m }
	if l := item(1, 1)["link"]; l != "/worklist?street=乙" {
		t.Errorf("unmet bar link %v", l)
	}
	if item(0, 1)["link"] != nil || item(0, 2)["tip"] != nil || item(1, 0)["tip"] != nil {
		t.Errorf("an empty item got a tip or link: %v %v %v", item(0, 1), item(0, 2), item(1, 0))
	}
	if len(FitsOf(o)) != len(FitWidths) {
		t.Errorf("fits: %d", len(FitsOf(o)))
	}
}

// TestRendererSVG draws on the server with the ECharts the page loads:
// every star's name is drawn at a phone's width (wrapped, not dropped), a
// hostile name is text, and the fonts follow the box's width.
func TestRendererSVG(t *testing.T) {
	src, err := os.ReadFile("../static/vendor/echarts.min.js")
	if err != nil {
		t.Skip("run make assets first:", err)
	}
	r := NewRenderer(src)
	names := []string{"党建引领星", "便民服务星", "文明风尚星", "和谐稳定星", "美丽宜居星<script>"}
	var bars []StarShareBar
	for i, n := range names {
		bars = append(bars, StarShareBar{Name: n, Percent: 70 + float64(i), Label: "70.0%\n700/1000", Hardest: i == 4})
	}
	o := StarShares(bars, "各星获得比例（2024年）", "占比")
	for _, f := range FitsOf(o) {
		svg, err := r.SVG(o, f, f.Width, 320)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") {
			t.Errorf("width %d: the hostile name is not escaped", f.Width)
		}
		text := textOf(svg)
		for _, n := range names[:4] {
			if !strings.Contains(text, n) {
				t.Errorf("width %d: %q not drawn: %q", f.Width, n, text)
			}
		}
		if want := "font-size:" + itoa(FontFor(f.Width)) + "px"; !strings.Contains(svg, want) {
			t.Errorf("width %d: no text at %s", f.Width, want)
		}
	}
}

// textOf is the text of an SVG's <text> elements, joined.
func textOf(svg string) string {
	var b strings.Builder
	for _, part := range strings.Split(svg, "<text")[1:] {
		i := strings.Index(part, ">")
		j := strings.Index(part, "</text>")
		if i >= 0 && j > i {
			b.WriteString(part[i+1 : j])
		}
	}
	return b.String()
}

func itoa(v int) string { return strconv.Itoa(v) }
