package metrics

// MaxStars is the number of stars a compound can hold; a compound holding
// all of them is 五星小区.
const MaxStars = len(StarNames)

// IsFiveStar reports whether a compound with that many stars is 五星小区.
func IsFiveStar(stars int) bool { return stars == MaxStars }

// FiveStar is IsFiveStar for a star count that may be unreported: nil stays
// nil.
func FiveStar(stars *int) *bool {
	if stars == nil {
		return nil
	}
	return Bool(IsFiveStar(*stars))
}

// Change is the one rule for a rating that changes between two years: +1
// when it is gained (or goes up), -1 when it is lost (or goes down), 0 when
// it stays or either side is not reported.
func Change(before, after *bool) int {
	if before == nil || after == nil || *before == *after {
		return 0
	}
	if *after {
		return 1
	}
	return -1
}

// StarChange is Change for a star count: +1 when it goes up, -1 when it goes
// down, 0 when it stays or either side is not reported.
func StarChange(before, after *int) int {
	switch {
	case before == nil || after == nil || *before == *after:
		return 0
	case *after > *before:
		return 1
	}
	return -1
}
