// Package demo generates a deterministic synthetic district for
// `jindu serve --demo` and, at larger scales, for benchmarks.
//
// The generated district is shaped like Weidu District's 红色治理 campaign:
// the thirteen real street offices, about a hundred communities (a fifth of
// them 涉农) and about a thousand compounds, with plausible names and the
// units the December 2021 newspaper page names (五一路街道光明社区 with
// 光明新村, 河西社区 with 军休一所家属院, 天宝社区, 东李庄社区). The 2021 baseline
// is low; streets progress at different paces; ratings are rarely lost once
// gained; the district meets some of the plan's milestones and misses others
// (five-good streets miss 20% in 2022, five-star compounds miss 40% in 2023,
// compound party branches and owners' committees miss 100% in 2022).
package demo

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"jindu/metrics"
)

// Scale sizes a generated dataset. Streets is exact; Communities and
// Compounds are approximate (within a few percent), as in a real district.
type Scale struct {
	Name                            string
	Streets, Communities, Compounds int
}

// The built-in scales.
var (
	// District is what officials see on the demo dashboard: 13 streets,
	// about 100 communities and about 1,000 compounds.
	District = Scale{"district", 13, 100, 1000}
	// City has 100 streets, about 1,000 communities and 10,000 compounds.
	City = Scale{"city", 100, 1000, 10000}
	// Province has 2,500 streets, about 50,000 communities and a million
	// compounds, for load tests.
	Province = Scale{"province", 2500, 50000, 1000000}
)

// Years is the default demo span, 2021 (baseline) to 2024.
var Years = []int{2021, 2022, 2023, 2024}

// baseline is the campaign's baseline year: a year's data depend on its
// distance from it, whatever span is generated.
const baseline = 2021

// maxSpan bounds how many years past the baseline can be generated.
const maxSpan = 200

// ScaleByName returns the built-in scale named name ("district", "city" or
// "province"; case-insensitive).
func ScaleByName(name string) (Scale, bool) {
	for _, s := range []Scale{District, City, Province} {
		if strings.EqualFold(strings.TrimSpace(name), s.Name) {
			return s, true
		}
	}
	return Scale{}, false
}

// Records is Generate as an iterator, for db.Apply: the records are made
// as they are consumed, and a Generate error comes last.
func Records(s Scale, seed int64, years []int) iter.Seq2[metrics.Record, error] {
	return func(yield func(metrics.Record, error) bool) {
		stop := errors.New("stop")
		err := Generate(s, seed, years, func(r metrics.Record) error {
			if !yield(r, nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != stop {
			yield(metrics.Record{}, err)
		}
	}
}

// Generate calls emit for every record of every year in years (ascending),
// year by year, in a stable order: each street's record, then for each of
// its communities the community's record followed by its compounds'. Every
// unit gets a record every year. The output is deterministic for (s, seed,
// years); a year's records depend only on the year, not on the span asked
// for, except that about 1% of compounds leave one value unreported (nil)
// in the last year of years. Years before 2021 look like the 2021 baseline.
//
// Generation streams: the unit tree is built once in compact form (about
// 30 bytes a compound) and each year's statuses are computed as they are
// emitted. Records own their pointers; emit may keep them. An error from
// emit stops the generation and is returned.
func Generate(s Scale, seed int64, years []int, emit func(metrics.Record) error) error {
	if s.Streets < 1 || s.Communities < 1 || s.Compounds < 1 {
		return fmt.Errorf("demo: scale %q: streets, communities and compounds must be positive", s.Name)
	}
	if len(years) == 0 {
		return nil
	}
	for i, y := range years {
		if i > 0 && y <= years[i-1] {
			return fmt.Errorf("demo: years must be ascending without repeats, got %v", years)
		}
	}
	last := years[len(years)-1]
	if last-baseline > maxSpan {
		return fmt.Errorf("demo: year %d is more than %d years after the %d baseline", last, maxSpan, baseline)
	}
	horizon := max(6, last-baseline+1)
	tr := build(s, seed, horizon)
	for i, y := range years {
		if err := tr.emitYear(y, max(y-baseline, 0), i == len(years)-1, emit); err != nil {
			return err
		}
	}
	return nil
}

// unitValues backs one street's or community's record.
type unitValues struct{ fiveGood, center bool }

// compoundValues backs one compound's record, so a record costs one
// allocation and shares no pointer with another.
type compoundValues struct {
	stars                               int
	center, branch, committee, property bool
	flags                               [metrics.MaxStars]bool
}

func (tr *tree) emitYear(year, t int, latest bool, emit func(metrics.Record) error) error {
	for si, st := range tr.streets {
		v := &unitValues{tr.streetTr[trFiveGood][si].held(t), tr.streetTr[trCenter][si].held(t)}
		rec := metrics.Record{Year: year, Unit: metrics.UnitRef{Street: st.name}}
		rec.Status.FiveGood, rec.Status.ServiceCenter = &v.fiveGood, &v.center
		if err := emit(rec); err != nil {
			return err
		}
		for ci := st.first; ci < st.first+st.n; ci++ {
			cm := &tr.communities[ci]
			typ := metrics.CommunityUrban
			if cm.rural {
				typ = metrics.CommunityRural
			}
			v := &unitValues{tr.commTr[trFiveGood][ci].held(t), tr.commTr[trCenter][ci].held(t)}
			rec := metrics.Record{Year: year, Unit: metrics.UnitRef{Street: st.name, Community: cm.name, CommunityType: typ}}
			rec.Status.FiveGood, rec.Status.ServiceCenter = &v.fiveGood, &v.center
			if err := emit(rec); err != nil {
				return err
			}
			for k := cm.first; k < cm.first+cm.n; k++ {
				if err := emit(tr.compoundRecord(year, t, latest, st.name, cm.name, int(k))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (tr *tree) compoundRecord(year, t int, latest bool, streetName, commName string, k int) metrics.Record {
	c := &tr.compounds[k]
	v := &compoundValues{
		center:    tr.cmpTr[trCmpCenter][k].held(t),
		branch:    tr.cmpTr[trBranch][k].held(t),
		committee: tr.cmpTr[trCommittee][k].held(t),
		property:  tr.cmpTr[trProperty][k].held(t),
	}
	v.stars = tr.stars(k, t, &v.flags)
	rec := metrics.Record{Year: year, Unit: metrics.UnitRef{
		Street: streetName, Community: commName, Compound: compoundName(c.stem, c.suf, c.num),
	}}
	st := &rec.Status
	st.Stars, st.ServiceCenter, st.PartyBranch = &v.stars, &v.center, &v.branch
	st.OwnersCommittee, st.PropertyService = &v.committee, &v.property
	for i := range v.flags {
		st.StarFlags[i] = &v.flags[i]
	}
	if latest {
		switch c.missing {
		case missingProperty:
			st.PropertyService = nil
		case missingCenter:
			st.ServiceCenter = nil
		case missingCommittee:
			st.OwnersCommittee = nil
		case missingStars:
			st.Stars, st.StarFlags = nil, [metrics.MaxStars]*bool{}
		}
	}
	return rec
}

// stars returns compound k's star count in campaign year t and sets flags
// to the stars it holds. Before its fifth star a compound gains stars at
// its own pace in its own order; a compound that loses the rating loses
// one star.
func (tr *tree) stars(k, t int, flags *[metrics.MaxStars]bool) int {
	c := &tr.compounds[k]
	x := tr.cmpTr[trFiveStar][k]
	if x.held(t) {
		*flags = [metrics.MaxStars]bool{true, true, true, true, true}
		return metrics.MaxStars
	}
	if x.dropped(t) {
		*flags = [metrics.MaxStars]bool{true, true, true, true, true}
		flags[c.lost] = false
		return 4
	}
	gap := int(x.gain) - t
	n := min(max(metrics.MaxStars-(gap*int(c.step)+9)/10, 0), 4)
	*flags = [metrics.MaxStars]bool{}
	for p := range n {
		flags[(c.order>>(3*p))&7] = true
	}
	return n
}
