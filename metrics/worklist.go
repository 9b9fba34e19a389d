package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The work list answers 还差谁、还差几个: for a rating target, which units are
// closest to the rating, ranked by the least effort, and how many of them
// close each scope's gap.

// Errors of BuildWorkList.
var (
	// ErrNotRating: the work list is for rating indicators (五好, 五星).
	ErrNotRating = errors.New("not a rating indicator")
	// ErrNoTarget: neither the year nor a later milestone has a target.
	ErrNoTarget = errors.New("no numeric target")
)

// WorkItem is one unit not yet rated, with what it still lacks.
type WorkItem struct {
	Unit UnitRef
	// Stars is a compound's star count (nil: not reported).
	Stars *int
	// Missing lists the stars a compound lacks (indexes into StarNames),
	// when its ledger listed the five stars; nil otherwise.
	Missing []int
	// Effort is what the unit still needs: the missing stars of a
	// compound (all five when its count was not reported), 1 for a street
	// or community (one rating).
	Effort int
	// Known is false when the unit's rating was not reported: it is
	// counted as not rated and ranked after every reported unit.
	Known bool
	// Share is, for a street or community, the share of its own units
	// already rated (五好 communities of a street, 五星 compounds of a
	// community), the closeness the data can show; nil without such units.
	Share *float64
	// Closes marks the first items of the group's ranking that, rated,
	// close the group's gap.
	Closes bool
}

// WorkGroup is one scope's gap: the district, a street or a community.
type WorkGroup struct {
	Street                 string // "" for the district
	Community              string // "" for the district or a street
	Numerator, Denominator int
	Percent                *float64
	Needed                 int // units still to rate to reach the target
	// Items are the units not yet rated, least effort first.
	Items []WorkItem
	// Close is how many of the first Items close the gap (Needed, or all
	// items when there are fewer); Effort adds up their effort (stars for
	// compounds).
	Close, Effort int
	// Near counts the items at the least effort of all (compounds at 4★
	// when there are any): the first candidates.
	Near int
	// NearMissing is the star all Near items lack, when they lack the same
	// single one (index into StarNames); -1 otherwise.
	NearMissing int
}

// WorkList is the work list of one rating indicator in one year.
type WorkList struct {
	Indicator Indicator
	Year      int
	// TargetYear is the milestone the gaps are measured against: Year when
	// it has a target, else the next milestone with one.
	TargetYear, Target int
	Level              Level // the rated units' level
	District           WorkGroup
	// Streets and Communities are the scopes below the district that miss
	// the target, most units needed first. Communities are listed for
	// compound ratings only (a community is the unit of its own rating).
	Streets, Communities []WorkGroup
}

// ratedLevel is the level whose units a rating indicator counts.
func ratedLevel(key string) (Level, bool) {
	switch key {
	case FiveGoodStreets:
		return LevelStreet, true
	case FiveGoodCommunities:
		return LevelCommunity, true
	case FiveStarCompounds:
		return LevelCompound, true
	}
	return "", false
}

// BuildWorkList builds the work list of a rating indicator for year from
// the records of that year (every unit with a status in year, in any
// order: a whole district, or one street for a street's list).
func BuildWorkList(p Program, key string, year int, recs []Record) (WorkList, error) {
	ind, ok := p.Indicator(key)
	level, rating := ratedLevel(key)
	if !ok || ind.Kind != KindRating || !rating {
		return WorkList{}, fmt.Errorf("work list %s: %w", key, ErrNotRating)
	}
	w := WorkList{Indicator: ind, Year: year, Level: level}
	if t, ok := ind.Target(year); ok {
		w.TargetYear, w.Target = year, t
	} else {
		for _, y := range p.Years {
			if t, ok := ind.Target(y); ok && y > year {
				w.TargetYear, w.Target = y, t
				break
			}
		}
	}
	if w.TargetYear == 0 {
		return WorkList{}, fmt.Errorf("work list %s %d: %w", key, year, ErrNoTarget)
	}

	// Closeness of streets and communities: the share of their own units
	// rated (computed from the same records).
	type count struct{ num, den int }
	below := map[[2]string]*count{} // {street, community} → rated units one level down
	add := func(k [2]string, rated bool) {
		c := below[k]
		if c == nil {
			c = &count{}
			below[k] = c
		}
		c.den++
		if rated {
			c.num++
		}
	}
	for _, r := range recs {
		switch r.Unit.Level() {
		case LevelCommunity:
			add([2]string{r.Unit.Street, ""}, r.Status.FiveGood != nil && *r.Status.FiveGood)
		case LevelCompound:
			add([2]string{r.Unit.Street, r.Unit.Community}, r.Status.Stars != nil && *r.Status.Stars == len(StarNames))
		}
	}

	var items []WorkItem
	type scope struct{ num, den int }
	streets, communities := map[string]*scope{}, map[[2]string]*scope{}
	tallyScope := func(m *scope, rated bool) {
		m.den++
		if rated {
			m.num++
		}
	}
	for _, r := range recs {
		if r.Unit.Level() != level {
			continue
		}
		it, rated := workItem(r)
		if level != LevelCompound {
			if c := below[[2]string{r.Unit.Street, r.Unit.Community}]; c != nil {
				it.Share, _, _ = Evaluate(c.num, c.den, nil)
			}
		}
		w.District.Denominator++
		if rated {
			w.District.Numerator++
		} else {
			items = append(items, it)
		}
		if level == LevelStreet {
			continue
		}
		st := streets[r.Unit.Street]
		if st == nil {
			st = &scope{}
			streets[r.Unit.Street] = st
		}
		tallyScope(st, rated)
		if level == LevelCompound {
			k := [2]string{r.Unit.Street, r.Unit.Community}
			cm := communities[k]
			if cm == nil {
				cm = &scope{}
				communities[k] = cm
			}
			tallyScope(cm, rated)
		}
	}
	slices.SortStableFunc(items, rankItems)

	w.District.fill(w.Target, items)
	for name, st := range streets {
		g := WorkGroup{Street: name, Numerator: st.num, Denominator: st.den}
		g.fill(w.Target, filterItems(items, name, ""))
		if g.Needed > 0 {
			w.Streets = append(w.Streets, g)
		}
	}
	for k, cm := range communities {
		g := WorkGroup{Street: k[0], Community: k[1], Numerator: cm.num, Denominator: cm.den}
		g.fill(w.Target, filterItems(items, k[0], k[1]))
		if g.Needed > 0 {
			w.Communities = append(w.Communities, g)
		}
	}
	worstFirst := func(a, b WorkGroup) int {
		return cmp.Or(cmp.Compare(b.Needed, a.Needed), cmp.Compare(pctOr(a.Percent), pctOr(b.Percent)),
			strings.Compare(a.Street, b.Street), strings.Compare(a.Community, b.Community))
	}
	slices.SortFunc(w.Streets, worstFirst)
	slices.SortFunc(w.Communities, worstFirst)
	return w, nil
}

// workItem is a record as a work-list item, and whether it is rated.
func workItem(r Record) (WorkItem, bool) {
	it := WorkItem{Unit: r.Unit, Known: true, Effort: 1}
	if r.Unit.Level() != LevelCompound {
		if r.Status.FiveGood == nil {
			it.Known = false
			return it, false
		}
		return it, *r.Status.FiveGood
	}
	it.Stars = r.Status.Stars
	listed := false
	for _, f := range r.Status.StarFlags {
		listed = listed || f != nil
	}
	if listed {
		for i, f := range r.Status.StarFlags {
			if f == nil || !*f {
				it.Missing = append(it.Missing, i)
			}
		}
	}
	switch {
	case r.Status.Stars == nil:
		it.Known, it.Effort = false, len(StarNames)
	default:
		it.Effort = len(StarNames) - *r.Status.Stars
	}
	return it, it.Known && it.Effort == 0
}

// rankItems orders items by the least effort: reported before unreported,
// fewer missing stars first, then (streets and communities) the larger
// share of their own units rated, then by name.
func rankItems(a, b WorkItem) int {
	return cmp.Or(cmp.Compare(boolRank(!a.Known), boolRank(!b.Known)), cmp.Compare(a.Effort, b.Effort),
		cmp.Compare(pctOr(b.Share), pctOr(a.Share)),
		strings.Compare(a.Unit.Street, b.Unit.Street), strings.Compare(a.Unit.Community, b.Unit.Community),
		strings.Compare(a.Unit.Compound, b.Unit.Compound))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pctOr(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// filterItems keeps the (ranked) items of a street, or of one community
// of it; it copies, so each group marks its own closing items.
func filterItems(items []WorkItem, street, community string) []WorkItem {
	var out []WorkItem
	for _, it := range items {
		if it.Unit.Street == street && (community == "" || it.Unit.Community == community) {
			out = append(out, it)
		}
	}
	return out
}

// fill computes a group's gap from its counts and takes its ranked items,
// marking those that close the gap.
func (g *WorkGroup) fill(target int, items []WorkItem) {
	var needed *int
	g.Percent, _, needed = Evaluate(g.Numerator, g.Denominator, &target)
	if needed != nil {
		g.Needed = *needed
	}
	g.Items = slices.Clone(items)
	g.Close = min(g.Needed, len(g.Items))
	g.NearMissing = -1
	for i := range g.Items {
		if i < g.Close {
			g.Items[i].Closes = true
			g.Effort += g.Items[i].Effort
		}
	}
	if len(g.Items) == 0 || !g.Items[0].Known {
		return
	}
	least := g.Items[0].Effort
	same := true
	for _, it := range g.Items {
		if !it.Known || it.Effort != least {
			break
		}
		g.Near++
		same = same && len(it.Missing) == 1 && it.Missing[0] == g.Items[0].Missing[0]
	}
	if same && g.Near > 0 {
		g.NearMissing = g.Items[0].Missing[0]
	}
}
