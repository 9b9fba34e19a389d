package metrics

import (
	"cmp"
	"errors"
	"slices"
	"testing"
)

// compound is a compound's record in 2024 with its stars; flags lists the
// stars held by index when the ledger listed them.
func compound(street, community, name string, stars *int, flags ...int) Record {
	r := Record{Year: 2024, Unit: UnitRef{Street: street, Community: community, Compound: name}, Status: Status{Stars: stars}}
	if flags != nil {
		for i := range r.Status.StarFlags {
			r.Status.StarFlags[i] = Bool(slices.Contains(flags, i))
		}
	}
	return r
}

func names(items []WorkItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, cmp.Or(it.Unit.Compound, it.Unit.Community))
	}
	return out
}

func closing(items []WorkItem) []string {
	var out []string
	for _, it := range items {
		if it.Closes {
			out = append(out, it.Unit.Path())
		}
	}
	return out
}

func TestWorkListCompounds(t *testing.T) {
	p := DefaultProgram()
	const a, b = "文峰街道", "北大街道"
	recs := []Record{
		// 文峰 / 东社区: 3 of 5 five-star (60%, met); 西社区: 0 of 5.
		compound(a, "东社区", "一号院", Int(5)), compound(a, "东社区", "二号院", Int(5)), compound(a, "东社区", "三号院", Int(5)),
		compound(a, "东社区", "四号院", Int(2), 0, 1),
		compound(a, "东社区", "五号院", Int(4), 0, 1, 2, 3), // lacks 美丽宜居星 (index 4)
		compound(a, "西社区", "六号院", Int(4), 0, 1, 2, 3),
		compound(a, "西社区", "七号院", Int(3)),
		compound(a, "西社区", "八号院", nil), // not reported
		compound(a, "西社区", "九号院", Int(4), 0, 1, 2, 3),
		compound(a, "西社区", "十号院", Int(0)),
		// 北大: 1 of 4 five-star, needs 2 (ceil(2.4) = 3).
		compound(b, "南社区", "甲院", Int(5)),
		compound(b, "南社区", "乙院", Int(4)), // stars not listed: the missing one is not named
		compound(b, "南社区", "丙院", Int(1)),
		compound(b, "南社区", "丁院", Int(4), 1, 2, 3, 4), // lacks 党建引领星 (index 0)
		// Another indicator's units are ignored.
		{Year: 2024, Unit: UnitRef{Street: a, Community: "东社区"}, Status: Status{FiveGood: Bool(false)}},
	}
	w, err := BuildWorkList(p, FiveStarCompounds, 2024, recs)
	if err != nil {
		t.Fatal(err)
	}
	if w.Level != LevelCompound || w.TargetYear != 2024 || w.Target != 60 {
		t.Fatalf("level %s target %d in %d", w.Level, w.Target, w.TargetYear)
	}
	// District: 4 of 14 five-star; 60% of 14 is 8.4 → 9, so 5 more.
	d := w.District
	if d.Numerator != 4 || d.Denominator != 14 || d.Needed != 5 || d.Close != 5 {
		t.Errorf("district %d/%d needs %d closes with %d; want 4/14, 5, 5", d.Numerator, d.Denominator, d.Needed, d.Close)
	}
	// Ranking: every 4★ compound first (one star to go), then 3★, 2★, …;
	// a compound whose stars were not reported last.
	wantOrder := []string{
		"丁院", "乙院", // 北大 sorts before 文峰 on a tie
		"五号院", "九号院", "六号院", "七号院", "四号院", "丙院", "十号院", "八号院",
	}
	if got := names(d.Items); !slices.Equal(got, wantOrder) {
		t.Errorf("district ranking %v; want %v", got, wantOrder)
	}
	// The five 4★ compounds close the district's gap, one star each; they
	// lack different stars (乙院's are not listed).
	if d.Effort != 5 || d.Near != 5 || d.NearMissing != -1 {
		t.Errorf("district effort %d near %d missing %d; want 5 stars, 5 near, no single star", d.Effort, d.Near, d.NearMissing)
	}
	if got := closing(d.Items); len(got) != 5 || got[4] != "文峰街道 / 西社区 / 六号院" {
		t.Errorf("closing %v", got)
	}
	if it := d.Items[0]; !slices.Equal(it.Missing, []int{0}) || it.Effort != 1 || *it.Stars != 4 {
		t.Errorf("丁院 %+v: lacks 党建引领星 only", it)
	}
	if it := d.Items[1]; it.Missing != nil || it.Effort != 1 {
		t.Errorf("乙院 %+v: stars not listed, one to go", it)
	}
	if it := d.Items[len(d.Items)-1]; it.Known || it.Effort != 5 {
		t.Errorf("八号院 %+v: not reported, five to go, last", it)
	}

	// Streets, most units needed first: 文峰 3/10 needs 3 (60% of 10 is
	// 6), 北大 1/4 needs 2 (ceil(2.4) − 1).
	var streets []string
	for _, g := range w.Streets {
		streets = append(streets, g.Street)
	}
	if !slices.Equal(streets, []string{a, b}) {
		t.Fatalf("lagging streets %v", streets)
	}
	wf := w.Streets[0]
	if wf.Needed != 3 || wf.Close != 3 || wf.Near != 3 || wf.NearMissing != 4 || wf.Effort != 3 {
		t.Errorf("文峰 needs %d, %d close it with %d stars; %d near, all missing %d; want 3, 3, 3, 3, 4 (美丽宜居星)",
			wf.Needed, wf.Close, wf.Effort, wf.Near, wf.NearMissing)
	}
	if got := closing(wf.Items); !slices.Equal(got, []string{"文峰街道 / 东社区 / 五号院", "文峰街道 / 西社区 / 九号院", "文峰街道 / 西社区 / 六号院"}) {
		t.Errorf("文峰 closing %v", got)
	}
	if bd := w.Streets[1]; bd.Needed != 2 || !slices.Equal(closing(bd.Items), []string{"北大街道 / 南社区 / 丁院", "北大街道 / 南社区 / 乙院"}) {
		t.Errorf("北大 %+v", bd)
	}
	// Communities: only 西社区 misses (0 of 5 needs 3); 东社区 (60%) meets.
	if len(w.Communities) != 2 {
		t.Fatalf("communities %+v", w.Communities)
	}
	west := w.Communities[0]
	if west.Community != "西社区" || west.Needed != 3 || west.Close != 3 || west.Effort != 1+1+2 {
		t.Errorf("西社区 %+v", west)
	}
	if w.Communities[1].Community != "南社区" || w.Communities[1].Needed != 2 {
		t.Errorf("南社区 %+v", w.Communities[1])
	}
}

// TestWorkListRanking is the rule in its smallest form.
func TestWorkListRanking(t *testing.T) {
	tests := []struct {
		name    string
		recs    []Record
		order   []string
		needed  int
		close   int
		effort  int
		missing int
	}{
		{
			name:  "a 4★ compound missing one star ranks before a 2★ one",
			recs:  []Record{compound("街", "社", "甲", Int(2)), compound("街", "社", "乙", Int(4), 0, 1, 2, 4)},
			order: []string{"乙", "甲"}, needed: 2, close: 2, effort: 1 + 3, missing: 3,
		},
		{
			name: "the gap closes with the first of the ranking",
			recs: []Record{compound("街", "社", "甲", Int(5)), compound("街", "社", "乙", Int(3)),
				compound("街", "社", "丙", Int(4)), compound("街", "社", "丁", Int(5)), compound("街", "社", "戊", Int(1))},
			// 2 of 5 five-star; 60% is 3: one more, the 4★ one.
			order: []string{"丙", "乙", "戊"}, needed: 1, close: 1, effort: 1, missing: -1,
		},
		{
			name: "fewer candidates than the gap: all of them, and still short",
			recs: []Record{compound("街", "社", "甲", Int(3))},
			// 0 of 1; 60% of 1 is 1.
			order: []string{"甲"}, needed: 1, close: 1, effort: 2, missing: -1,
		},
		{
			name:  "met: nothing needed, candidates still ranked",
			recs:  []Record{compound("街", "社", "甲", Int(5)), compound("街", "社", "丁", Int(5)), compound("街", "社", "乙", Int(0))},
			order: []string{"乙"}, needed: 0, close: 0, effort: 0, missing: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := BuildWorkList(DefaultProgram(), FiveStarCompounds, 2024, tt.recs)
			if err != nil {
				t.Fatal(err)
			}
			g := w.District
			if got := names(g.Items); !slices.Equal(got, tt.order) {
				t.Errorf("order %v; want %v", got, tt.order)
			}
			if g.Needed != tt.needed || g.Close != tt.close || g.Effort != tt.effort || g.NearMissing != tt.missing {
				t.Errorf("needed %d close %d effort %d near missing %d; want %d %d %d %d",
					g.Needed, g.Close, g.Effort, g.NearMissing, tt.needed, tt.close, tt.effort, tt.missing)
			}
		})
	}
}

func TestWorkListFiveGood(t *testing.T) {
	p := DefaultProgram()
	comm := func(street, name string, good *bool) Record {
		return Record{Year: 2023, Unit: UnitRef{Street: street, Community: name}, Status: Status{FiveGood: good}}
	}
	five := func(street, community, name string, stars int) Record {
		r := compound(street, community, name, Int(stars))
		r.Year = 2023
		return r
	}
	recs := []Record{
		{Year: 2023, Unit: UnitRef{Street: "甲街道"}, Status: Status{FiveGood: Bool(false)}},
		{Year: 2023, Unit: UnitRef{Street: "乙街道"}, Status: Status{FiveGood: Bool(true)}},
		{Year: 2023, Unit: UnitRef{Street: "丙街道"}, Status: Status{}},
		comm("甲街道", "一社区", Bool(false)), comm("甲街道", "二社区", Bool(false)), comm("甲街道", "三社区", nil),
		comm("甲街道", "四社区", Bool(true)), comm("乙街道", "五社区", Bool(true)),
		// 二社区's compounds are all five-star, 一社区's half: 二 is closer.
		five("甲街道", "一社区", "a", 5), five("甲街道", "一社区", "b", 2),
		five("甲街道", "二社区", "c", 5),
	}
	w, err := BuildWorkList(p, FiveGoodCommunities, 2023, recs)
	if err != nil {
		t.Fatal(err)
	}
	// 2 of 5 five-good meets 40% in the district; 甲街道 has 1 of 4 and
	// needs 1; the unreported 三社区 comes last.
	if w.District.Needed != 0 || len(w.Streets) != 1 || w.Streets[0].Street != "甲街道" || w.Streets[0].Needed != 1 {
		t.Fatalf("district %+v streets %+v", w.District, w.Streets)
	}
	if got := names(w.Streets[0].Items); !slices.Equal(got, []string{"二社区", "一社区", "三社区"}) {
		t.Errorf("ranking %v", got)
	}
	if it := w.Streets[0].Items[0]; it.Share == nil || *it.Share != 100 || !it.Closes {
		t.Errorf("二社区 %+v", it)
	}
	if len(w.Communities) != 0 {
		t.Errorf("a community rating has no community scope: %+v", w.Communities)
	}

	w, err = BuildWorkList(p, FiveGoodStreets, 2023, recs)
	if err != nil {
		t.Fatal(err)
	}
	// 1 of 3 streets; 40% of 3 is 1.2 → 2: one more, 甲街道 (1 of its 4
	// communities five-good) before the unreported 丙街道.
	if w.District.Needed != 1 || len(w.Streets) != 0 || !slices.Equal(names(w.District.Items), []string{"", ""}) ||
		w.District.Items[0].Unit.Street != "甲街道" || *w.District.Items[0].Share != 25 || w.District.Items[1].Known {
		t.Errorf("streets %+v", w.District)
	}
}

func TestWorkListErrors(t *testing.T) {
	p := DefaultProgram()
	if _, err := BuildWorkList(p, CompoundPartyBranches, 2024, nil); !errors.Is(err, ErrNotRating) {
		t.Errorf("completion indicator: %v", err)
	}
	if _, err := BuildWorkList(p, "nonsense", 2024, nil); !errors.Is(err, ErrNotRating) {
		t.Errorf("unknown indicator: %v", err)
	}
	if _, err := BuildWorkList(p, FiveStarCompounds, 2025, nil); !errors.Is(err, ErrNoTarget) {
		t.Errorf("after the last milestone: %v", err)
	}
	// The baseline year is measured against the first milestone.
	w, err := BuildWorkList(p, FiveStarCompounds, 2021, []Record{compound("街", "社", "甲", Int(4))})
	if err != nil || w.TargetYear != 2022 || w.Target != 20 || w.District.Needed != 1 {
		t.Errorf("2021: %+v %v", w, err)
	}
}
