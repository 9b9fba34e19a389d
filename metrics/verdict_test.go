package metrics

import (
	"slices"
	"testing"
)

// street is one street's counts in a verdict test: its own rating, its
// communities and compounds.
type street struct {
	name                   string
	fiveGood               bool
	communities, goodComms int
	compounds, fiveStar    int
	committees             int // compounds with an owners' committee
}

func (s street) tally() Tally {
	t := Tally{Streets: 1, StreetsCenter: 1, Communities: s.communities, CommunitiesFiveGood: s.goodComms,
		CommunitiesCenter: s.communities, Compounds: s.compounds, CompoundsFiveStar: s.fiveStar,
		CompoundsBranch: s.compounds, CompoundsCommittee: s.committees}
	if s.fiveGood {
		t.StreetsFiveGood = 1
	}
	return t
}

// verdictOf computes the district's and the streets' results of year with
// Compute, as the dashboard does, and builds the verdict from them.
func verdictOf(p Program, year int, streets []street) Verdict {
	var district Tally
	byStreet := map[string][]Result{}
	for _, s := range streets {
		t := s.tally()
		district.Add(t)
		byStreet[s.name] = Compute(p, s.name, map[int]Tally{year: t})
	}
	return VerdictOf(p, year, Compute(p, "", map[int]Tally{year: district}), byStreet)
}

func TestVerdict(t *testing.T) {
	p := DefaultProgram()
	full := func(s street) street { s.committees = s.compounds; return s }
	// 2024: the district meets 五星 (325/492 = 66.1%) while three streets
	// miss 60%; 北大 misses 五好社区 by 1 and has 2 compounds without an
	// owners' committee, which the district misses (490/492 < 100%).
	lagging := []street{
		{"北大街道", false, 10, 5, 99, 33, 97},
		full(street{"西大街道", true, 10, 7, 100, 43, 0}),
		full(street{"文峰街道", true, 10, 7, 99, 59, 0}),
		full(street{"西关街道", false, 10, 7, 94, 90, 0}),
		full(street{"东大街道", true, 10, 7, 100, 100, 0}),
	}
	tests := []struct {
		name     string
		year     int
		streets  []street
		zh, en   string
		lagging  map[string][]string // indicator → lagging streets, worst first
		targets  int
		met      int
		needsSum map[string]int
	}{
		{
			name: "district met but streets behind, and one target missed", year: 2024, streets: lagging,
			zh: "2024年：6 项有数值目标的指标 5 项达标；“五好”社区 1 个街道未达标，全区还差 1 个；" +
				"“五星”小区 3 个街道未达标，全区还差 45 个；小区业委会全区未达标，还差 2 个，1 个街道未达标",
			en: "2024: 5 of 6 indicators with a numeric target met; five-good communities: 1 street behind, 1 more needed across the district; " +
				"five-star compounds: 3 streets behind, 45 more needed across the district; owners' committees: district target missed by 2, 1 street behind",
			lagging: map[string][]string{
				FiveGoodCommunities:      {"北大街道"},
				FiveStarCompounds:        {"北大街道", "西大街道", "文峰街道"},
				CompoundOwnersCommittees: {"北大街道"},
			},
			targets: 6, met: 5,
			needsSum: map[string]int{FiveStarCompounds: 45, FiveGoodCommunities: 1, CompoundOwnersCommittees: 2},
		},
		{
			name: "everything met", year: 2023,
			streets: []street{full(street{"甲街道", true, 5, 2, 10, 4, 0}), full(street{"乙街道", true, 5, 3, 10, 5, 0})},
			zh:      "2023年：6 项有数值目标的指标全部达标",
			en:      "2023: all 6 indicators with a numeric target met",
			targets: 6, met: 6,
		},
		{
			name: "the baseline year has no target", year: 2021,
			streets: []street{full(street{"甲街道", false, 5, 0, 10, 0, 0})},
			zh:      "2021年：本年没有数值目标",
			en:      "2021: no numeric target this year",
		},
		{
			// 2/5 streets 五好 meets 40% in 2023; 1/5 misses it by 1. A
			// street's own 五好 share is 0% or 100%: no street list.
			name: "five-good streets missed: the district's count, no street list", year: 2023,
			streets: []street{
				full(street{"甲街道", true, 5, 2, 10, 4, 0}), full(street{"乙街道", false, 5, 2, 10, 4, 0}),
				full(street{"丙街道", false, 5, 2, 10, 4, 0}), full(street{"丁街道", false, 5, 2, 10, 4, 0}),
				full(street{"戊街道", false, 5, 2, 10, 4, 0}),
			},
			zh:      "2023年：6 项有数值目标的指标 5 项达标；“五好”街道全区还差 1 个",
			en:      "2023: 5 of 6 indicators with a numeric target met; five-good streets: district target missed by 1",
			lagging: map[string][]string{FiveGoodStreets: nil},
			targets: 6, met: 5,
		},
		{
			// Both streets need 2 more five-star compounds; the one with
			// the lower percent is worse. The district misses too.
			name: "ties on what is needed: lower percent first", year: 2022,
			streets: []street{
				full(street{"甲街道", true, 5, 1, 10, 0, 0}),  // 0% of 10, needs 2
				full(street{"乙街道", false, 5, 1, 11, 1, 0}), // 9.1% of 11, needs 2
				full(street{"丙街道", false, 5, 1, 5, 5, 0}),  // met
				full(street{"丁街道", false, 5, 1, 20, 1, 0}), // 5% of 20, needs 3
			},
			zh:      "2022年：6 项有数值目标的指标 5 项达标；“五星”小区全区未达标，还差 3 个，3 个街道未达标",
			en:      "2022: 5 of 6 indicators with a numeric target met; five-star compounds: district target missed by 3, 3 streets behind",
			lagging: map[string][]string{FiveStarCompounds: {"丁街道", "甲街道", "乙街道"}},
			targets: 6, met: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdictOf(p, tt.year, tt.streets)
			if got := v.Sentence(); got != tt.zh {
				t.Errorf("Sentence:\n got %s\nwant %s", got, tt.zh)
			}
			if got := v.SentenceEn(); got != tt.en {
				t.Errorf("SentenceEn:\n got %s\nwant %s", got, tt.en)
			}
			if v.Targets != tt.targets || v.Met != tt.met {
				t.Errorf("targets %d met %d; want %d %d", v.Targets, v.Met, tt.targets, tt.met)
			}
			got := map[string][]string{}
			for _, g := range v.Gaps {
				var names []string
				for _, s := range g.Streets {
					names = append(names, s.Street)
				}
				got[g.Indicator.Key] = names
				if want, ok := tt.needsSum[g.Indicator.Key]; ok && g.StreetsNeeded != want {
					t.Errorf("%s: streets need %d in all; want %d", g.Indicator.Key, g.StreetsNeeded, want)
				}
			}
			if len(got) != len(tt.lagging) {
				t.Errorf("gaps %v; want %v", got, tt.lagging)
			}
			for k, want := range tt.lagging {
				if !slices.Equal(got[k], want) {
					t.Errorf("%s lagging %v; want %v", k, got[k], want)
				}
			}
		})
	}
}

func TestVerdictLaggingFigures(t *testing.T) {
	v := verdictOf(DefaultProgram(), 2024, []street{
		{"北大街道", true, 1, 1, 99, 33, 99},
		{"东大街道", true, 1, 1, 100, 100, 100},
	})
	var g VerdictGap
	for _, x := range v.Gaps {
		if x.Indicator.Key == FiveStarCompounds {
			g = x
		}
	}
	want := []LaggingStreet{{Street: "北大街道", Numerator: 33, Denominator: 99, Percent: 33.3, Needed: 27}}
	if !slices.Equal(g.Streets, want) || !g.DistrictMet || g.Target != 60 {
		t.Errorf("five-star gap %+v; want streets %+v, district met, target 60", g, want)
	}
}

func TestShortName(t *testing.T) {
	p := DefaultProgram()
	ind, _ := p.Indicator(FiveStarCompounds)
	if got := ShortName(ind, false); got != "“五星”小区" {
		t.Errorf("zh %q", got)
	}
	if got := ShortName(ind, true); got != "five-star compounds" {
		t.Errorf("en %q", got)
	}
	ind.Label, ind.LabelEn = "星级小区", "Starred compounds"
	if ShortName(ind, false) != "星级小区" || ShortName(ind, true) != "Starred compounds" {
		t.Errorf("a program's own label is kept: %q %q", ShortName(ind, false), ShortName(ind, true))
	}
}

// TestVerdictWithinStreet: a street's verdict lists its communities behind,
// worst first, with the words of a street ("个社区", "本街道"); the
// communities' own five-good rating is the street's count, not a list.
func TestVerdictWithinStreet(t *testing.T) {
	p := DefaultProgram()
	comm := func(fiveGood bool, compounds, fiveStar int) Tally {
		t := Tally{Communities: 1, CommunitiesCenter: 1, Compounds: compounds, CompoundsFiveStar: fiveStar,
			CompoundsBranch: compounds, CompoundsCommittee: compounds}
		if fiveGood {
			t.CommunitiesFiveGood = 1
		}
		return t
	}
	comms := map[string]Tally{
		"甲社区": comm(false, 10, 2), // 20%, needs 4 for 60%
		"乙社区": comm(false, 10, 5), // 50%, needs 1
		"丙社区": comm(true, 5, 2),   // 40%, needs 1: a lower percent than 乙's, before it
		"丁社区": comm(true, 10, 9),  // met
	}
	street := Tally{Streets: 1, StreetsFiveGood: 1, StreetsCenter: 1}
	subs := map[string][]Result{}
	for name, c := range comms {
		street.Add(c)
		subs[name] = Compute(p, name, map[int]Tally{2024: c})
	}
	// 18/35 five-star = 51.4% < 60%: the street needs 3; 2/4 five-good =
	// 50% < 60%: it needs 1, and no community list (each is 0% or 100%).
	v := VerdictWithin(p, 2024, LevelCommunity, Compute(p, "某街道", map[int]Tally{2024: street}), subs)
	zh := "2024年：6 项有数值目标的指标 4 项达标；“五好”社区本街道还差 1 个；“五星”小区本街道未达标，还差 3 个，3 个社区未达标"
	en := "2024: 4 of 6 indicators with a numeric target met; five-good communities: street target missed by 1; " +
		"five-star compounds: street target missed by 3, 3 communities behind"
	if got := v.Sentence(); got != zh {
		t.Errorf("Sentence:\n got %s\nwant %s", got, zh)
	}
	if got := v.SentenceEn(); got != en {
		t.Errorf("SentenceEn:\n got %s\nwant %s", got, en)
	}
	if len(v.Gaps) != 2 || len(v.Gaps[0].Streets) != 0 {
		t.Fatalf("gaps %+v; want five-good communities without a list, then five-star compounds", v.Gaps)
	}
	var names []string
	for _, c := range v.Gaps[1].Streets {
		names = append(names, c.Street)
	}
	if want := []string{"甲社区", "丙社区", "乙社区"}; !slices.Equal(names, want) || v.Gaps[1].StreetsNeeded != 6 {
		t.Errorf("behind %v needing %d; want %v needing 6", names, v.Gaps[1].StreetsNeeded, want)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", -123: "-123"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
	ind, _ := DefaultProgram().Indicator(FiveStarCompounds)
	v := Verdict{Year: 2024, Targets: 1, Gaps: []VerdictGap{{Indicator: ind, DistrictNeeded: 1234}}}
	if got := v.Sentence(); got != "2024年：1 项有数值目标的指标 0 项达标；“五星”小区全区还差 1,234 个" {
		t.Errorf("Sentence %q", got)
	}
}
