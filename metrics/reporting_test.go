package metrics

import (
	"slices"
	"testing"
	"time"
)

func TestReportingOf(t *testing.T) {
	streets := []string{"西关街道", "东大街道", "北大街道"}
	has := map[string]bool{"东大街道": true}
	reported := func(s string) bool { return has[s] }
	due := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		due  time.Time
		late bool
	}{
		{time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC), due, false}, // the day itself is on time
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), due, true},
		{time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Time{}, false}, // no deadline, never late
	} {
		r := ReportingOf(2024, c.due, c.now, streets, reported)
		if r.Reported != 1 || r.Total != 3 || !slices.Equal(r.Missing, []string{"北大街道", "西关街道"}) || r.Late != c.late {
			t.Errorf("at %s: %+v; want 1/3, 北大 and 西关 missing, late %v", c.now, r, c.late)
		}
	}
	has["西关街道"], has["北大街道"] = true, true
	if r := ReportingOf(2024, due, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), streets, reported); r.Late || r.Reported != 3 || len(r.Missing) != 0 {
		t.Errorf("all reported after the deadline: %+v; want on time", r)
	}
}
