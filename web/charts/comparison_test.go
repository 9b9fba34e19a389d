package charts

import (
	"encoding/json"
	"testing"
)

// TestComparisonLabelsClearOfMilestone: the label of a bar short of the
// milestone is drawn after an invisible spacer that reaches the milestone's
// line, so the line never crosses it; a met bar keeps its label; the
// spacer is transparent, silent and not in the legend.
func TestComparisonLabelsClearOfMilestone(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	b := func(v bool) *bool { return &v }
	target := 60
	o := Comparison([]StreetBar{
		{Name: "甲街道", Percent: f(83), Met: b(true), Label: "78/94 ✓"},
		{Name: "乙街道", Percent: f(56.5), Met: b(false), Label: "43/76 · 还需 3 个"},
		{Name: "丙街道"}, // no data
	}, &target, ComparisonLabels{Title: "t", Met: "met", Unmet: "unmet", NoTarget: "none", Milestone: "milestone"})
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		Value any `json:"value"`
		Label *struct {
			Show      bool   `json:"show"`
			Formatter string `json:"formatter"`
		} `json:"label"`
	}
	var got struct {
		Legend struct {
			Data []string `json:"data"`
		} `json:"legend"`
		Series []struct {
			Name      string         `json:"name"`
			Stack     string         `json:"stack"`
			Silent    bool           `json:"silent"`
			ItemStyle map[string]any `json:"itemStyle"`
			Data      []item         `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != 4 {
		t.Fatalf("%d series, want met, unmet, no milestone and the spacer", len(got.Series))
	}
	label := func(it item) string {
		if it.Label == nil || !it.Label.Show {
			return ""
		}
		return it.Label.Formatter
	}
	met, unmet, spacer := got.Series[0], got.Series[1], got.Series[3]
	if label(met.Data[0]) != "78/94 ✓" {
		t.Errorf("met bar label = %q", label(met.Data[0]))
	}
	if label(unmet.Data[1]) != "" || label(spacer.Data[1]) != "43/76 · 还需 3 个" {
		t.Errorf("short bar: label on the bar %q, on the spacer %q; want it on the spacer", label(unmet.Data[1]), label(spacer.Data[1]))
	}
	if v, _ := spacer.Data[1].Value.(float64); v != 3.5 {
		t.Errorf("spacer = %v, want 3.5 (from 56.5 to the milestone at 60)", spacer.Data[1].Value)
	}
	if spacer.Data[0].Value != "-" || spacer.Data[2].Value != "-" {
		t.Errorf("spacer on a met or empty bar: %v, %v", spacer.Data[0].Value, spacer.Data[2].Value)
	}
	if spacer.Stack != unmet.Stack || !spacer.Silent || spacer.ItemStyle["color"] != "transparent" {
		t.Errorf("spacer: stack %q (bars %q), silent %v, style %v", spacer.Stack, unmet.Stack, spacer.Silent, spacer.ItemStyle)
	}
	if len(got.Legend.Data) != 3 {
		t.Errorf("legend = %+v, want the three kinds of bar only", got.Legend)
	}
}
