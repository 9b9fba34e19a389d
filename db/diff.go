package db

import (
	"strconv"

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
	// Changes lists the unit-years whose status changes, each with every
	// field that changes (up to maxListed); a unit-year with no stored
	// status is compared with the unit's status of the year before, if
	// any.
	Changes []UnitChange
	// AgainstPrevious counts the unit-years compared with the year before.
	AgainstPrevious int
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

// UnitChange is what changes of one unit in one year.
type UnitChange struct {
	Street string
	Path   string
	Year   int
	// Against is the year compared with: Year, or the year before when
	// the unit had no status in Year.
	Against int
	Level   metrics.Level
	Fields  []FieldChange
}

// FieldChange is one field that changes. Field is the indicator's
// identifier (five_good, stars, service_center, party_branch,
// owners_committee, property_service, the star names, community_type);
// Old and New are "yes", "no", a star count "0"–"5", "urban"/"rural", or
// "" for not reported. Rating is +1 or -1 for a rating that goes up or
// down (五好, stars), else 0.
type FieldChange struct {
	Field    string
	Old, New string
	Rating   int
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

// compare records what changes between a unit's earlier status (prev,
// nil if none; of year against) and its new one.
func (d *Diff) compare(u metrics.UnitRef, year, against int, prev *metrics.Status, s metrics.Status) {
	if prev == nil {
		return // a new unit-year with nothing to compare with
	}
	if against != year {
		d.AgainstPrevious++
	}
	level := u.Level()
	fields := fieldChanges(level, prev, &s)
	for _, f := range fields {
		switch f.Rating {
		case 1:
			d.Up++
		case -1:
			d.Down++
		}
	}
	if len(fields) > 0 && len(d.Changes) < maxListed {
		d.Changes = append(d.Changes, UnitChange{Street: u.Street, Path: u.Path(), Year: year, Against: against, Level: level, Fields: fields})
	}
}

// fieldChanges lists the fields that differ between two statuses of a
// unit of the level.
func fieldChanges(level metrics.Level, prev, s *metrics.Status) []FieldChange {
	var fields []FieldChange
	flag := func(name string, o, n *bool, rating bool) {
		if yesNoText(o) == yesNoText(n) {
			return
		}
		fc := FieldChange{Field: name, Old: yesNoText(o), New: yesNoText(n)}
		if rating {
			fc.Rating = metrics.Change(o, n)
		}
		fields = append(fields, fc)
	}
	if level == metrics.LevelCompound {
		if o, n := starText(prev.Stars), starText(s.Stars); o != n {
			fields = append(fields, FieldChange{Field: "stars", Old: o, New: n, Rating: metrics.StarChange(prev.Stars, s.Stars)})
		}
		for i, name := range metrics.StarNames {
			flag(name, prev.StarFlags[i], s.StarFlags[i], false)
		}
		flag("party_branch", prev.PartyBranch, s.PartyBranch, false)
		flag("owners_committee", prev.OwnersCommittee, s.OwnersCommittee, false)
		flag("property_service", prev.PropertyService, s.PropertyService, false)
	} else {
		flag("five_good", prev.FiveGood, s.FiveGood, true)
	}
	flag("service_center", prev.ServiceCenter, s.ServiceCenter, false)
	return fields
}

// retyped records a community whose type the batch changes.
func (d *Diff) retyped(u metrics.UnitRef, year int, old, new metrics.CommunityType) {
	if len(d.Changes) < maxListed {
		d.Changes = append(d.Changes, UnitChange{Street: u.Street, Path: u.Path(), Year: year, Against: year, Level: metrics.LevelCommunity,
			Fields: []FieldChange{{Field: "community_type", Old: string(old), New: string(new)}}})
	}
}

func starText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func yesNoText(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}
