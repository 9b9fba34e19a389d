package metrics

import "testing"

func TestEffects(t *testing.T) {
	p := DefaultProgram()
	// 2024: 41 of 100 compounds five-star (target 60%): the batch makes 6
	// more five-star and adds 2 compounds, and sets up a party branch; 2023
	// is unchanged.
	before := map[int]Tally{
		2023: {Compounds: 100, CompoundsFiveStar: 30, CompoundsBranch: 90},
		2024: {Compounds: 100, CompoundsFiveStar: 41, CompoundsBranch: 90},
	}
	after := map[int]Tally{
		2023: before[2023],
		2024: {Compounds: 102, CompoundsFiveStar: 47, CompoundsBranch: 91},
	}
	got := Effects(p, "西大街道", before, after)
	// Two more compounds change every compound indicator's denominator.
	if len(got) != 5 {
		t.Fatalf("effects = %+v; want the five compound indicators of 2024", got)
	}
	star := got[0]
	if star.Before.Indicator != FiveStarCompounds || star.Before.Year != 2024 || star.Before.Street != "西大街道" ||
		*star.Before.Percent != 41.0 || *star.After.Percent != 46.1 || *star.Before.Needed != 19 || *star.After.Needed != 15 {
		t.Errorf("five-star effect = before %+v after %+v; want 41.0%% → 46.1%%, needed 19 → 15", star.Before, star.After)
	}
	if got[1].Before.Indicator != CompoundPartyBranches || got[1].After.Numerator != 91 || got[1].After.Denominator != 102 {
		t.Errorf("second effect = %+v; want party branches 91/102", got[1])
	}
	// A year the batch brings in first has an empty "before".
	got = Effects(p, "", map[int]Tally{}, map[int]Tally{2022: {Streets: 1, StreetsFiveGood: 1}})
	if len(got) == 0 || got[0].Before.Percent != nil || *got[0].After.Percent != 100 {
		t.Errorf("effects of a new year = %+v", got)
	}
	if got := Effects(p, "", before, before); len(got) != 0 {
		t.Errorf("no change gave effects %+v", got)
	}
}
