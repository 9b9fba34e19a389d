package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRatingLabelClearOfMilestone: an unmet bar just under its milestone
// has its label above the milestone's marker, where the milestone line
// cannot cross it; an unmet bar far under it, and a met bar, keep theirs.
func TestRatingLabelClearOfMilestone(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	o := Rating([]RatingPoint{
		{Year: 2022, Label: "2022", Percent: f(15.4), Target: i(20), Met: b(false)}, // 4.6 points under
		{Year: 2023, Label: "2023", Percent: f(10), Target: i(40), Met: b(false)},   // 30 points under
		{Year: 2024, Label: "2024", Percent: f(61.5), Target: i(60), Met: b(true)},
	}, RatingLabels{Title: "t", Met: "met", Unmet: "unmet", Baseline: "none", Milestone: "milestone", MetMark: "✓", UnmetMark: "✗"})
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Series []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			Data []struct {
				Value any `json:"value"`
				Label *struct {
					Show      bool   `json:"show"`
					Formatter string `json:"formatter"`
				} `json:"label"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	labels := map[string][]string{} // series → shown label per year, "" if none
	for _, s := range got.Series {
		for _, d := range s.Data {
			text := ""
			if d.Label != nil && d.Label.Show {
				text = d.Label.Formatter
			}
			labels[s.Name] = append(labels[s.Name], text)
		}
	}
	want := map[string][]string{
		"unmet":     {"", "10.0% ✗", ""},
		"milestone": {"15.4% ✗", "", ""},
		"met":       {"", "", "61.5% ✓"},
	}
	for name, w := range want {
		if strings.Join(labels[name], "|") != strings.Join(w, "|") {
			t.Errorf("%s labels = %q, want %q", name, labels[name], w)
		}
	}
	if len(got.Series) != 4 {
		t.Errorf("%d series, want 4 (met, unmet, no milestone, milestone)", len(got.Series))
	}
}
