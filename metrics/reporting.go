package metrics

import (
	"slices"
	"time"
)

// Reporting is how a year's reporting stands against its deadline
// (填报截止日期): which streets have reported and which are late.
type Reporting struct {
	Year     int
	Reported int      // streets with data for the year
	Total    int      // streets known
	Missing  []string // streets without data for the year, sorted
	Due      time.Time
	// Late is true once the deadline's day is over with streets missing.
	Late bool
}

// ReportingOf says which of streets have reported for the year (a street
// has when reported says so) against the deadline due (zero: none), as of
// now. The deadline's day itself is still on time.
func ReportingOf(year int, due, now time.Time, streets []string, reported func(street string) bool) Reporting {
	r := Reporting{Year: year, Due: due, Total: len(streets)}
	for _, s := range streets {
		if reported(s) {
			r.Reported++
		} else {
			r.Missing = append(r.Missing, s)
		}
	}
	slices.Sort(r.Missing)
	if !due.IsZero() && len(r.Missing) > 0 {
		end := time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, now.Location())
		r.Late = !now.Before(end)
	}
	return r
}
