package metrics

import "strings"

// Closest returns the sibling name closest to name when it is close enough
// to be a likely typo: at most one edit for short names, two for names of
// six characters or more, or one name containing the other. It returns ""
// when nothing is that close.
func Closest(name string, siblings []string) string {
	best, bestD := "", 1<<30
	rn := []rune(name)
	limit := 1
	if len(rn) >= 6 {
		limit = 2
	}
	for _, s := range siblings {
		if s == name {
			continue
		}
		d := EditDistance(rn, []rune(s))
		if strings.Contains(s, name) || strings.Contains(name, s) {
			d = min(d, limit)
		}
		if d <= limit && d < bestD {
			best, bestD = s, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance in characters: the one measure
// of how alike two names are (units here, a ledger's column headers in
// ingest).
func EditDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
