package metrics

import "slices"

// Result is one indicator's figure for one year and scope. Percent, Met and
// Needed are nil when the denominator is 0 ("no data": neither met nor
// unmet); Target is nil where the program sets none.
type Result struct {
	Indicator   string
	Year        int
	Street      string // "" for the whole district
	Numerator   int
	Denominator int
	Percent     *float64 // one decimal
	Target      *int
	Met         *bool
	Needed      *int
	Unknown     int // units in the denominator whose value was not reported
}

// Evaluate computes the percentage and, when a target is given, whether it
// is met and how many more units are needed. It works on integers so that
// exactly 20.0% meets a 20% target: met is num*100 >= target*den and needed
// is ceil(target*den/100) - num, never below 0.
func Evaluate(num, den int, target *int) (percent *float64, met *bool, needed *int) {
	if den <= 0 {
		return nil, nil, nil
	}
	// Round half up to one decimal in integer arithmetic.
	tenths := (num*1000 + den/2) / den
	p := float64(tenths) / 10
	percent = &p
	if target == nil {
		return percent, nil, nil
	}
	m := num*100 >= *target*den
	n := max((*target*den+99)/100-num, 0)
	return percent, &m, &n
}

// Compute evaluates every indicator of the program for each year that has
// data in tallies (year → counts of the scope). street is copied into the
// results. Rows are ordered by indicator (program order), then year.
func Compute(p Program, street string, tallies map[int]Tally) []Result {
	years := YearsWithData(tallies)
	var out []Result
	for _, ind := range p.Indicators {
		for _, y := range years {
			out = append(out, ComputeOne(ind, y, street, tallies[y]))
		}
	}
	return out
}

// ComputeOne evaluates one indicator for one year's tally.
func ComputeOne(ind Indicator, year int, street string, t Tally) Result {
	num, den := ind.Count(t)
	r := Result{Indicator: ind.Key, Year: year, Street: street, Numerator: num, Denominator: den}
	if v, ok := ind.Target(year); ok {
		r.Target = &v
	}
	if ind.Unknown != nil {
		r.Unknown = ind.Unknown(t)
	}
	r.Percent, r.Met, r.Needed = Evaluate(num, den, r.Target)
	return r
}

// YearsWithData lists, ascending, the years whose tally counts any unit.
func YearsWithData(tallies map[int]Tally) []int {
	var ys []int
	for y, t := range tallies {
		if t.Units() > 0 {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	return ys
}
