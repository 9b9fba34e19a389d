package db

import (
	"fmt"
	"strings"

	"jindu/metrics"
)

// maxListed bounds the new units and rating changes a Diff lists; the
// counts are always complete.
const maxListed = 500

// Diff is what a batch changes against the stored data: the preview a
// clerk sees before confirming, and the history's record.
type Diff struct {
	Unchanged int // rows identical to the stored status
	Up, Down  int // rating changes: 五好 gained / lost, stars up / down
	// NewUnits lists units the batch creates (up to maxListed).
	NewUnits []NewUnit
	// Changes lists rating changes (up to maxListed).
	Changes []RatingChange
	// Counts counts the batch's rows by street and level.
	Counts map[string]*LevelCounts
}

// LevelCounts counts rows per level.
type LevelCounts struct{ Streets, Communities, Compounds int }

// NewUnit is a unit seen for the first time, with a close existing name
// under the same parent, if any (a likely typo).
type NewUnit struct {
	Level   metrics.Level
	Path    string // 街道 / 社区 / 小区
	Suggest string // "did you mean …?"; empty if nothing is close
}

// RatingChange is a rating that goes up or down.
type RatingChange struct {
	Path     string
	Year     int
	Level    metrics.Level
	Old, New string // e.g. "否"→"是", "3★"→"5★"; "" when not reported
	Up       bool
}

func (d *Diff) count(u metrics.UnitRef) {
	if d.Counts == nil {
		d.Counts = map[string]*LevelCounts{}
	}
	c := d.Counts[u.Street]
	if c == nil {
		c = &LevelCounts{}
		d.Counts[u.Street] = c
	}
	switch u.Level() {
	case metrics.LevelStreet:
		c.Streets++
	case metrics.LevelCommunity:
		c.Communities++
	default:
		c.Compounds++
	}
}

// rating compares the rating of a unit's old and new status.
func (d *Diff) rating(u metrics.UnitRef, year int, prev *metrics.Status, s metrics.Status) {
	level := u.Level()
	var o, n int = -1, -1
	var os, ns string
	if level == metrics.LevelCompound {
		if prev != nil && prev.Stars != nil {
			o, os = *prev.Stars, fmt.Sprintf("%d★", *prev.Stars)
		}
		if s.Stars != nil {
			n, ns = *s.Stars, fmt.Sprintf("%d★", *s.Stars)
		}
	} else {
		if prev != nil && prev.FiveGood != nil {
			o, os = b2i(*prev.FiveGood), yesNo(*prev.FiveGood)
		}
		if s.FiveGood != nil {
			n, ns = b2i(*s.FiveGood), yesNo(*s.FiveGood)
		}
	}
	if prev == nil || o == n || n < 0 {
		return // new unit-years and unreported values are not rating changes
	}
	up := n > o
	if up {
		d.Up++
	} else {
		d.Down++
	}
	if len(d.Changes) < maxListed {
		d.Changes = append(d.Changes, RatingChange{Path: u.Path(), Year: year, Level: level, Old: os, New: ns, Up: up})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// closest returns the sibling name closest to name when it is close enough
// to be a likely typo: at most one edit for short names, two for names of
// six characters or more, or one name containing the other.
func closest(name string, siblings []string) string {
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
		d := editDistance(rn, []rune(s))
		if strings.Contains(s, name) || strings.Contains(name, s) {
			d = min(d, limit)
		}
		if d <= limit && d < bestD {
			best, bestD = s, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance in characters.
func editDistance(a, b []rune) int {
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
