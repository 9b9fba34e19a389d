package metrics

import (
	"maps"
	"slices"
)

// Effect is what a batch does to one indicator of one scope in one year:
// the result before it and the result once it is applied.
type Effect struct {
	Before, After Result
}

// Effects compares a scope's tallies before and after a batch (year →
// tally) and lists, in program order and then by year, every indicator
// whose count or denominator changes. street is copied into the results
// ("" for the district).
func Effects(p Program, street string, before, after map[int]Tally) []Effect {
	years := slices.Sorted(maps.Keys(before))
	for y := range after {
		if _, ok := before[y]; !ok {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	var out []Effect
	for _, ind := range p.Indicators {
		for _, y := range years {
			b, a := ComputeOne(ind, y, street, before[y]), ComputeOne(ind, y, street, after[y])
			if b.Numerator != a.Numerator || b.Denominator != a.Denominator {
				out = append(out, Effect{Before: b, After: a})
			}
		}
	}
	return out
}
