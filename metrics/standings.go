package metrics

import (
	"slices"
	"strings"
)

// Scope is one named scope's tallies by year, e.g. a street's.
type Scope struct {
	Name    string
	Tallies map[int]Tally
}

// Standing is one scope's place in a comparison of one indicator and year.
type Standing struct {
	Name    string
	Result  Result
	Outlook Outlook // as of the year compared
	// Reported is false when the scope has no unit in that year.
	Reported bool
}

// Standings ranks scopes on one indicator in one year: highest percentage
// first, scopes without a value last, ties by name. Each outlook is judged
// on the years up to and including year.
func Standings(p Program, ind Indicator, year int, scopes []Scope) []Standing {
	out := make([]Standing, 0, len(scopes))
	for _, sc := range scopes {
		t, has := sc.Tallies[year]
		var rs []Result
		for _, y := range YearsWithData(sc.Tallies) {
			if y <= year {
				rs = append(rs, ComputeOne(ind, y, sc.Name, sc.Tallies[y]))
			}
		}
		out = append(out, Standing{Name: sc.Name, Result: ComputeOne(ind, year, sc.Name, t),
			Outlook: Assess(p, ind, rs), Reported: has && t.Units() > 0})
	}
	slices.SortStableFunc(out, func(a, b Standing) int {
		pa, pb := a.Result.Percent, b.Result.Percent
		switch {
		case pa == nil && pb == nil:
			return strings.Compare(a.Name, b.Name)
		case pa == nil:
			return 1
		case pb == nil:
			return -1
		case *pa != *pb:
			if *pa > *pb {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
