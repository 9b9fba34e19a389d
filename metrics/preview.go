package metrics

// StatusChange is a result whose status (met, not met, no numeric
// target) a change of targets would change.
type StatusChange struct {
	Indicator string
	Year      int
	Street    string // "" for the whole district
	Old, New  Result
}

// StatusChanges compares the results of two programs (the same program
// with different targets) on the tallies of one scope (year → counts) and
// returns the results whose status differs, in program order, then year.
// A status is met, not met, or none (no numeric target, or no data).
func StatusChanges(old, new Program, street string, tallies map[int]Tally) []StatusChange {
	var out []StatusChange
	for _, ind := range new.Indicators {
		was, ok := old.Indicator(ind.Key)
		if !ok {
			continue
		}
		for _, y := range YearsWithData(tallies) {
			a, b := ComputeOne(was, y, street, tallies[y]), ComputeOne(ind, y, street, tallies[y])
			if metState(a) != metState(b) {
				out = append(out, StatusChange{Indicator: ind.Key, Year: y, Street: street, Old: a, New: b})
			}
		}
	}
	return out
}

// metState is 1 for met, -1 for not met, 0 for neither.
func metState(r Result) int {
	switch {
	case r.Met == nil:
		return 0
	case *r.Met:
		return 1
	}
	return -1
}
