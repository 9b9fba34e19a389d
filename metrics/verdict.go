package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Verdict is how the district stands in one year, in the few numbers an
// official asks for first: how many targets are met, which are not, by how
// many units, and which streets are behind.
type Verdict struct {
	Year int
	// Sub is the level of the units listed behind: LevelStreet for the
	// district's verdict, LevelCommunity for a street's.
	Sub Level
	// Targets counts the indicators with a numeric target in Year and data
	// to judge it; Met how many of them the district meets.
	Targets, Met int
	// Gaps lists, in program order, every indicator whose district target
	// is missed or that some street misses.
	Gaps []VerdictGap
}

// VerdictGap is one indicator missed by the district or by some streets.
type VerdictGap struct {
	Indicator Indicator
	Target    int
	// DistrictMet says whether the district as a whole meets the target;
	// DistrictNeeded is how many more units it needs (0 when met).
	DistrictMet    bool
	DistrictNeeded int
	// Streets are the streets missing the target, worst first (most units
	// still needed, then lowest percent, then name); empty for an
	// indicator that counts streets themselves, where a street's own share
	// is 0% or 100% and says nothing a list of the streets would not.
	Streets []LaggingStreet
	// StreetsNeeded adds up what the lagging streets still need: the total
	// an official must find across the district.
	StreetsNeeded int
}

// LaggingStreet is one street below its target.
type LaggingStreet struct {
	Street                 string
	Numerator, Denominator int
	Percent                float64
	Needed                 int
}

// VerdictOf builds the verdict of year from the district's results and
// each street's (street name → results; rows of other years are ignored).
// An indicator without a target in year, or without data, is not judged.
func VerdictOf(p Program, year int, district []Result, streets map[string][]Result) Verdict {
	return VerdictWithin(p, year, LevelStreet, district, streets)
}

// countsOwn names, per level, the indicator that counts the units of that
// level themselves: a unit's own share of it is 0% or 100%, so a list of
// them behind says nothing the scope's own count does not.
var countsOwn = map[Level]string{LevelStreet: FiveGoodStreets, LevelCommunity: FiveGoodCommunities}

// VerdictWithin builds the verdict of year for one scope (the district, or
// a street) from its results and those of the units inside it, of level sub
// (streets of the district, communities of a street; name → results). The
// rule is VerdictOf's; LaggingStreet then holds a community.
func VerdictWithin(p Program, year int, sub Level, scope []Result, subs map[string][]Result) Verdict {
	v := Verdict{Year: year, Sub: sub}
	byKey := map[string]Result{}
	for _, r := range scope {
		if r.Year == year {
			byKey[r.Indicator] = r
		}
	}
	names := make([]string, 0, len(subs))
	for name := range subs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, ind := range p.Indicators {
		target, ok := ind.Target(year)
		d, has := byKey[ind.Key]
		if !ok || !has || d.Met == nil {
			continue
		}
		v.Targets++
		if *d.Met {
			v.Met++
		}
		g := VerdictGap{Indicator: ind, Target: target, DistrictMet: *d.Met, DistrictNeeded: *d.Needed}
		if ind.Key != countsOwn[sub] {
			for _, name := range names {
				for _, r := range subs[name] {
					if r.Indicator != ind.Key || r.Year != year || r.Met == nil || *r.Met {
						continue
					}
					g.Streets = append(g.Streets, LaggingStreet{Street: name, Numerator: r.Numerator,
						Denominator: r.Denominator, Percent: *r.Percent, Needed: *r.Needed})
					g.StreetsNeeded += *r.Needed
				}
			}
		}
		slices.SortStableFunc(g.Streets, func(a, b LaggingStreet) int {
			return cmp.Or(cmp.Compare(b.Needed, a.Needed), cmp.Compare(a.Percent, b.Percent), strings.Compare(a.Street, b.Street))
		})
		if !g.DistrictMet || len(g.Streets) > 0 {
			v.Gaps = append(v.Gaps, g)
		}
	}
	return v
}

// shortNames are the indicators' names as a sentence uses them (zh, en).
var shortNames = map[string][2]string{
	FiveGoodStreets:          {"“五好”街道", "five-good streets"},
	FiveGoodCommunities:      {"“五好”社区", "five-good communities"},
	FiveStarCompounds:        {"“五星”小区", "five-star compounds"},
	ServiceCenters:           {"党群服务中心", "party-service centres"},
	CompoundPartyBranches:    {"小区党支部", "compound party branches"},
	CompoundOwnersCommittees: {"小区业委会", "owners' committees"},
	CompoundPropertyServices: {"小区物业服务", "property services"},
	CompoundServiceCenters:   {"小区党群服务中心", "compound party-service centres"},
}

// ShortName is the indicator's name inside a sentence ("“五星”小区",
// "five-star compounds"); an indicator the program renamed keeps its label.
func ShortName(ind Indicator, en bool) string {
	d, _ := Definition(ind.Key)
	n, ok := shortNames[ind.Key]
	switch {
	case en && ok && ind.LabelEn == d.LabelEn:
		return n[1]
	case en:
		return ind.LabelEn
	case ok && ind.Label == d.Label:
		return n[0]
	}
	return ind.Label
}

// Sentence is the verdict as one sentence in Simplified Chinese, e.g.
// "2024年：6 项有数值目标的指标 5 项达标；“五星”小区 6 个街道未达标，全区还差 67 个".
func (v Verdict) Sentence() string {
	subZh, whole := "街道", "全区"
	if v.Sub == LevelCommunity {
		subZh, whole = "社区", "本街道"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d年：", v.Year)
	switch {
	case v.Targets == 0:
		b.WriteString("本年没有数值目标")
	case v.Met == v.Targets:
		fmt.Fprintf(&b, "%d 项有数值目标的指标全部达标", v.Targets)
	default:
		fmt.Fprintf(&b, "%d 项有数值目标的指标 %d 项达标", v.Targets, v.Met)
	}
	for _, g := range v.Gaps {
		name := ShortName(g.Indicator, false)
		b.WriteString("；")
		switch {
		case g.DistrictMet:
			fmt.Fprintf(&b, "%s %d 个%s未达标，%s还差 %s 个", name, len(g.Streets), subZh, whole, group(g.StreetsNeeded))
		case len(g.Streets) > 0:
			fmt.Fprintf(&b, "%s%s未达标，还差 %s 个，%d 个%s未达标", name, whole, group(g.DistrictNeeded), len(g.Streets), subZh)
		default:
			fmt.Fprintf(&b, "%s%s还差 %s 个", name, whole, group(g.DistrictNeeded))
		}
	}
	return b.String()
}

// SentenceEn is the verdict as one English sentence, e.g. "2024: 5 of 6
// indicators with a numeric target met; five-star compounds: 6 streets
// behind, 67 more needed across the district".
func (v Verdict) SentenceEn() string {
	one, many, whole := "street", "streets", "district"
	if v.Sub == LevelCommunity {
		one, many, whole = "community", "communities", "street"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d: ", v.Year)
	switch {
	case v.Targets == 0:
		b.WriteString("no numeric target this year")
	case v.Targets == 1 && v.Met == 1:
		b.WriteString("the 1 indicator with a numeric target met")
	case v.Met == v.Targets:
		fmt.Fprintf(&b, "all %d indicators with a numeric target met", v.Targets)
	default:
		fmt.Fprintf(&b, "%d of %d %s with a numeric target met", v.Met, v.Targets, plural(v.Targets, "indicator", "indicators"))
	}
	for _, g := range v.Gaps {
		name := ShortName(g.Indicator, true)
		streets := fmt.Sprintf("%d %s behind", len(g.Streets), plural(len(g.Streets), one, many))
		switch {
		case g.DistrictMet:
			fmt.Fprintf(&b, "; %s: %s, %s more needed across the %s", name, streets, group(g.StreetsNeeded), whole)
		case len(g.Streets) > 0:
			fmt.Fprintf(&b, "; %s: %s target missed by %s, %s", name, whole, group(g.DistrictNeeded), streets)
		default:
			fmt.Fprintf(&b, "; %s: %s target missed by %s", name, whole, group(g.DistrictNeeded))
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// group writes a count with thousands separators ("1,234").
func group(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
