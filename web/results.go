package web

import "jindu/metrics"

// upTo keeps the results of years up to and including year, so an outlook
// is judged as of the year being viewed.
func upTo(rs []metrics.Result, year int) []metrics.Result {
	var out []metrics.Result
	for _, r := range rs {
		if r.Year <= year {
			out = append(out, r)
		}
	}
	return out
}

func ofYear(rs []metrics.Result, year int) []metrics.Result {
	var out []metrics.Result
	for _, r := range rs {
		if r.Year == year {
			out = append(out, r)
		}
	}
	return out
}
