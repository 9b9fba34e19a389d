package demo

import (
	"jindu/metrics"
	"math"
	"math/rand/v2"
	"slices"
)

// never marks an event (gain, drop, regain) that does not happen.
const never = 255

// track is one unit's history for one yes/no attribute, as campaign-year
// offsets from the baseline: it is gained at gain, lost at drop and gained
// again at regain.
type track struct{ gain, drop, regain uint8 }

func (x track) held(t int) bool {
	return t >= int(x.gain) && !(int(x.drop) <= t && t < int(x.regain))
}

func (x track) dropped(t int) bool {
	return t >= int(x.gain) && int(x.drop) <= t && t < int(x.regain)
}

type street struct {
	name     string
	first, n int32 // its communities
	lean     float64
}

type community struct {
	name     string
	stem     uint16
	rural    bool
	pinned   bool
	street   int32
	first, n int32 // its compounds
}

// compound is the compact form of a compound: about 30 bytes with its
// tracks, so a million of them stay near 30 MB.
type compound struct {
	stem    uint16
	num     uint16 // phase number (二期) when the plain name was taken
	suf     uint8
	step    uint8  // tenths of a star gained per year before the fifth
	lost    uint8  // which star is lost when the rating drops
	missing uint8  // which value is not reported in the latest year
	order   uint16 // order the stars are gained, 3 bits each
}

// Values a compound may leave unreported in the latest year.
const (
	missingNone = iota
	missingProperty
	missingCenter
	missingCommittee
	missingStars
)

// Track indexes.
const (
	trFiveGood = 0 // streets, communities
	trCenter   = 1 // streets, communities

	trFiveStar  = 0 // compounds
	trBranch    = 1
	trCommittee = 2
	trProperty  = 3
	trCmpCenter = 4
)

// curve is a district share per campaign year (2021 baseline, 2022, 2023,
// 2024); later years close the remaining gap by a third each year.
type curve []float64

func (c curve) at(t int) float64 {
	if t < len(c) {
		return c[t]
	}
	last := c[len(c)-1]
	return 1 - (1-last)*math.Pow(0.65, float64(t-len(c)+1))
}

// The planned district shares. The plan's milestones are 20/40/60% for the
// ratings in 2022/2023/2024 and 100% by 2022 for the set-up indicators;
// these curves meet some and miss others on purpose.
var (
	curveStreetFiveGood = curve{1.0 / 13, 2.0 / 13, 6.0 / 13, 8.0 / 13} // misses 2022
	curveCommFiveGood   = curve{0.08, 0.23, 0.43, 0.635}                // meets every year
	curveFiveStar       = curve{0.062, 0.215, 0.386, 0.612}             // misses 2023
	curveStreetCenter   = curve{0.85, 1, 1, 1}
	curveCommCenter     = curve{0.68, 1, 1, 1}
	curveBranch         = curve{0.58, 0.965, 0.992, 1}
	curveCommittee      = curve{0.41, 0.87, 0.958, 0.995}
	curveProperty       = curve{0.55, 0.66, 0.77, 0.855}
	curveCmpCenter      = curve{0.31, 0.57, 0.76, 0.89}
)

// tree is the generated district in compact form.
type tree struct {
	streets     []street
	communities []community
	compounds   []compound
	streetTr    [2][]track
	commTr      [2][]track
	cmpTr       [5][]track
}

// Random streams: each part of the generation draws from its own stream so
// that, for example, the number of simulated years cannot shift the names.
const (
	streamLayout = iota + 1
	streamLatent
	streamAttrs
	streamTracks // + track number
)

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6a696e6475<<8^stream*0x9e3779b97f4a7c15))
}

func jitter(r *rand.Rand, n int) int {
	return max(1, int(math.Round(float64(n)*(1+0.06*(r.Float64()-0.5)))))
}

// apportion splits total among len(w) parents in proportion to w, each
// getting at least one; the parts add up to max(total, len(w)).
func apportion(total int, w []float64) []int32 {
	out := make([]int32, len(w))
	rest := max(total-len(w), 0)
	var sum float64
	for _, x := range w {
		sum += x
	}
	var cum float64
	prev := 0
	for i, x := range w {
		cum += x
		cur := int(math.Floor(cum/sum*float64(rest) + 0.5))
		if i == len(w)-1 {
			cur = rest
		}
		out[i] = int32(1 + cur - prev)
		prev = cur
	}
	return out
}

func build(s Scale, seed int64, horizon int) *tree {
	tr := &tree{}
	r := newRand(seed, streamLayout)

	// Streets and how many communities each has.
	tr.streets = make([]street, s.Streets)
	w := make([]float64, s.Streets)
	leans := []float64{0, 0, 0, 0.3, 0.6, 1}
	for i := range tr.streets {
		st := &tr.streets[i]
		if i < len(realStreets) {
			st.name = realStreets[i]
			st.lean = ruralLean[st.name]
		} else {
			j := i - len(realStreets)
			st.name = cycleName(extraStreetStems[j%len(extraStreetStems)], j/len(extraStreetStems), "街道")
			st.lean = leans[r.IntN(len(leans))]
		}
		w[i] = 0.6 + 0.8*r.Float64()
	}
	nComm := apportion(jitter(r, s.Communities), w)
	total := 0
	for i := range tr.streets {
		tr.streets[i].first = int32(total)
		tr.streets[i].n = nComm[i]
		total += int(nComm[i])
	}
	tr.communities = make([]community, total)
	for i := range tr.streets {
		st := tr.streets[i]
		for c := st.first; c < st.first+st.n; c++ {
			tr.communities[c].street = int32(i)
		}
	}

	// About a fifth of the communities are 涉农, in the streets on the edge.
	keys := make([]uint64, 0, total)
	for c := range tr.communities {
		lean := tr.streets[tr.communities[c].street].lean
		if lean > 0 {
			score := float32(lean * (0.4 + r.Float64()))
			keys = append(keys, rankKey(score, c))
		}
	}
	slices.Sort(keys)
	nRural := min(int(math.Round(0.2*float64(total))), len(keys))
	for _, k := range keys[:nRural] {
		tr.communities[uint32(k)].rural = true
	}

	// Community names: the seed page's communities first, then the pools.
	byName := map[string]int{}
	for i, st := range tr.streets {
		byName[st.name] = i
	}
	var pinnedCompounds []pinnedCompound
	for _, p := range communityPins {
		c := -1
		if si, ok := byName[p.street]; ok {
			st := tr.streets[si]
			for i := st.first; i < st.first+st.n; i++ {
				if cm := tr.communities[i]; cm.rural == p.rural && !cm.pinned {
					c = int(i)
					break
				}
			}
		}
		if c < 0 {
			continue
		}
		cm := &tr.communities[c]
		cm.pinned = true
		cm.stem = stems.index[p.stem]
		cm.name = p.stem + "社区"
		if p.compoundStem != "" {
			pinnedCompounds = append(pinnedCompounds, pinnedCompound{c, stems.index[p.compoundStem], p.compoundSuf, p.compoundBoost})
		}
	}
	urbanPerm, ruralPerm := r.Perm(len(urbanPool)), r.Perm(len(ruralPool))
	nu, nr := 0, 0
	for c := range tr.communities {
		cm := &tr.communities[c]
		if cm.pinned {
			continue
		}
		if cm.rural {
			cm.stem = ruralPool[ruralPerm[nr%len(ruralPool)]]
			cm.name = cycleName(stems.names[cm.stem], nr/len(ruralPool), "社区")
			nr++
		} else {
			cm.stem = urbanPool[urbanPerm[nu%len(urbanPool)]]
			cm.name = cycleName(stems.names[cm.stem], nu/len(urbanPool), "社区")
			nu++
		}
	}

	// Compounds per community: 涉农 communities have fewer.
	w = slices.Grow(w[:0], total)[:total]
	for c, cm := range tr.communities {
		if cm.rural {
			w[c] = 0.3 + 0.6*r.Float64()
		} else {
			w[c] = 0.5 + 1.2*r.Float64()
		}
	}
	nCmp := apportion(jitter(r, s.Compounds), w)
	total = 0
	for c := range tr.communities {
		tr.communities[c].first = int32(total)
		tr.communities[c].n = nCmp[c]
		total += int(nCmp[c])
	}
	tr.compounds = make([]compound, total)

	// Compound names, unique within their community.
	pinnedAt := map[int]pinnedCompound{}
	var boosts []boost
	for _, p := range pinnedCompounds {
		pinnedAt[p.community] = p
		boosts = append(boosts, boost{tr.communities[p.community].first, p.boost})
	}
	for c, cm := range tr.communities {
		local := tr.compounds[cm.first : cm.first+cm.n]
		for j := range local {
			k := &local[j]
			if p, ok := pinnedAt[c]; ok && j == 0 {
				k.stem, k.suf = p.stem, p.suf
				continue
			}
			unique := false
			for try := 0; try < 30 && !unique; try++ {
				k.stem, k.suf = pickCompoundName(r, cm, j)
				unique = true
				for _, o := range local[:j] {
					if o.stem == k.stem && o.suf == k.suf && o.num == 0 {
						unique = false
						break
					}
				}
			}
			if !unique {
				k.num = uint16(j + 1) // a phase number no other compound here has
			}
		}
	}

	tr.attributes(seed)
	tr.tracks(seed, horizon, boosts)
	return tr
}

// pickCompoundName draws a plausible name for the j-th compound of cm.
func pickCompoundName(r *rand.Rand, cm community, j int) (uint16, uint8) {
	u := r.Float64()
	switch {
	case j == 0 && !cm.rural && u < 0.4:
		return cm.stem, ownUrbanSuffixes[r.IntN(len(ownUrbanSuffixes))]
	case j == 0 && cm.rural && u < 0.7:
		return cm.stem, ownRuralSuffixes[r.IntN(len(ownRuralSuffixes))]
	case (!cm.rural && u < 0.28) || (cm.rural && u < 0.04):
		return unitPool[r.IntN(len(unitPool))], suffixUnit
	case cm.rural:
		return placePool[r.IntN(len(placePool))], ruralSuffixes[r.IntN(len(ruralSuffixes))]
	default:
		return placePool[r.IntN(len(placePool))], urbanSuffixes[r.IntN(len(urbanSuffixes))]
	}
}

// starWeights make 党建引领星 usually the first star gained and 美丽宜居星
// (which needs building work) usually the last.
var starWeights = [metrics.MaxStars]float64{6, 4, 3, 3, 2}

// attributes draws each compound's star order, pace and reporting gaps.
func (tr *tree) attributes(seed int64) {
	r := newRand(seed, streamAttrs)
	for i := range tr.compounds {
		k := &tr.compounds[i]
		var left [metrics.MaxStars]bool
		remaining := 0.0
		for _, x := range starWeights {
			remaining += x
		}
		for p := range metrics.MaxStars {
			u := r.Float64() * remaining
			pick := -1
			for j, x := range starWeights {
				if left[j] {
					continue
				}
				pick = j
				if u < x {
					break
				}
				u -= x
			}
			left[pick] = true
			remaining -= starWeights[pick]
			k.order |= uint16(pick) << (3 * p)
		}
		k.step = uint8(7 + r.IntN(12))
		k.lost = uint8(r.IntN(metrics.MaxStars))
		switch u := r.Float64(); {
		case u < 0.005:
			k.missing = missingProperty
		case u < 0.008:
			k.missing = missingCenter
		case u < 0.010:
			k.missing = missingCommittee
		case u < 0.012:
			k.missing = missingStars
		}
	}
}

type pinnedCompound struct {
	community int
	stem      uint16
	suf       uint8
	boost     uint8
}

// boost marks a compound the seed page describes: the tracks in mask are
// held from the baseline.
type boost struct {
	compound int32
	mask     uint8
}

// rankKey orders by descending score, then ascending index.
func rankKey(score float32, i int) uint64 {
	b := math.Float32bits(score)
	if b>>31 == 1 {
		b = ^b
	} else {
		b |= 1 << 31
	}
	return uint64(^b)<<32 | uint64(uint32(i))
}

// trackSpec is an attribute's planned district share per year and the
// share of its holders losing it each year.
type trackSpec struct {
	curve    curve
	dropRate float64
}

// tracks ranks the units by latent readiness (street pace, community and
// compound capacity, noise) and gives each its history per attribute so
// that the district shares follow the curves exactly.
func (tr *tree) tracks(seed int64, horizon int, boosts []boost) {
	lat := newRand(seed, streamLatent)
	zS := make([]float32, len(tr.streets))
	for i := range zS {
		// Clamped: a street can be slow, but not stuck at zero.
		zS[i] = float32(min(max(lat.NormFloat64(), -1.5), 1.5))
	}
	zC := make([]float32, len(tr.communities))
	for i := range zC {
		zC[i] = float32(lat.NormFloat64())
	}
	zK := make([]float32, len(tr.compounds))
	for i := range zK {
		zK[i] = float32(lat.NormFloat64())
	}
	stream := uint64(streamTracks)
	next := func() *rand.Rand { stream++; return newRand(seed, stream) }
	b2f := func(b bool) float32 {
		if b {
			return 1
		}
		return 0
	}

	// Streets.
	ready := make([]float32, len(tr.streets))
	r := next()
	for i := range ready {
		ready[i] = 0.85*zS[i] + 0.5*float32(r.NormFloat64())
	}
	tr.streetTr[trFiveGood] = assign(ready, curveStreetFiveGood, horizon, 0.04, r)
	r = next()
	for i := range ready {
		ready[i] = 0.5*zS[i] + float32(r.NormFloat64())
	}
	tr.streetTr[trCenter] = assign(ready, curveStreetCenter, horizon, 0, r)

	// Communities.
	ready = make([]float32, len(tr.communities))
	r = next()
	for i, c := range tr.communities {
		ready[i] = 0.5*zS[c.street] + 0.55*zC[i] + 0.55*float32(r.NormFloat64()) - 0.25*b2f(c.rural)
	}
	tr.commTr[trFiveGood] = assign(ready, curveCommFiveGood, horizon, 0.03, r)
	r = next()
	for i, c := range tr.communities {
		ready[i] = 0.5*zS[c.street] + 0.3*zC[i] + 0.8*float32(r.NormFloat64())
	}
	tr.commTr[trCenter] = assign(ready, curveCommCenter, horizon, 0, r)

	// Compounds.
	ready = make([]float32, len(tr.compounds))
	specs := [5]struct {
		street, comm, own, noise, rural, unit float32
		spec                                  trackSpec
	}{
		trFiveStar:  {0.45, 0.4, 0.5, 0.5, 0, 0, trackSpec{curveFiveStar, 0.025}},
		trBranch:    {0.45, 0.2, 0.3, 0.8, 0, 0, trackSpec{curveBranch, 0}},
		trCommittee: {0.4, 0.2, 0.4, 0.8, -0.3, 0, trackSpec{curveCommittee, 0.008}},
		trProperty:  {0.3, 0.2, 0.5, 0.7, -1.0, -0.4, trackSpec{curveProperty, 0.025}},
		trCmpCenter: {0.45, 0.3, 0.45, 0.7, -0.3, 0, trackSpec{curveCmpCenter, 0}},
	}
	for t, sp := range specs {
		r = next()
		for ci, c := range tr.communities {
			base := sp.street*zS[c.street] + sp.comm*zC[ci] + sp.rural*b2f(c.rural)
			for k := c.first; k < c.first+c.n; k++ {
				ready[k] = base + sp.own*zK[k] + sp.noise*float32(r.NormFloat64()) + sp.unit*b2f(tr.compounds[k].suf == suffixUnit)
			}
		}
		for _, b := range boosts {
			if b.mask&(1<<t) != 0 {
				ready[b.compound] += 100
			}
		}
		tr.cmpTr[t] = assign(ready, sp.spec.curve, horizon, sp.spec.dropRate, r)
	}
}

// assign gives the units histories so that, in each campaign year t below
// horizon, exactly round(curve(t)·n) of them hold the attribute: the most
// ready gain it first; a few holders lose it each year (dropRate), most of
// them regaining it a year or two later, and the next in line make up for
// them.
func assign(ready []float32, c curve, horizon int, dropRate float64, r *rand.Rand) []track {
	n := len(ready)
	keys := make([]uint64, n)
	for i, v := range ready {
		keys[i] = rankKey(v, i)
	}
	slices.Sort(keys)
	tr := make([]track, n)
	for i := range tr {
		tr[i] = track{never, never, never}
	}
	g := 0
	for t := range horizon {
		active := 0
		if t > 0 && dropRate > 0 {
			for i := range tr {
				x := &tr[i]
				if int(x.gain) < t && x.drop == never && r.Float64() < dropRate {
					x.drop = uint8(t)
					switch u := r.Float64(); {
					case u < 0.5:
						x.regain = uint8(t + 1)
					case u < 0.8:
						x.regain = uint8(t + 2)
					}
				}
				if x.dropped(t) {
					active++
				}
			}
		}
		target := int(math.Round(c.at(t) * float64(n)))
		end := min(max(target+active, g), n)
		for ; g < end; g++ {
			tr[uint32(keys[g])].gain = uint8(t)
		}
	}
	// The rest gain it after the simulated years, the readier sooner.
	rest := n - g
	for j := 0; g < n; g, j = g+1, j+1 {
		tr[uint32(keys[g])].gain = uint8(horizon + 3*j/rest)
	}
	return tr
}
