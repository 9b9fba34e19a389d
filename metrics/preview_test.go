package metrics

import "testing"

func TestStatusChanges(t *testing.T) {
	p := DefaultProgram()
	ind := p.Indicators[0]
	year := p.Years[len(p.Years)-1]
	var tl Tally
	// Build a tally where the first indicator is about half met.
	for i := range 10 {
		u := Status{FiveGood: Bool(i < 5), Stars: Int(i % 6), ServiceCenter: Bool(true), PartyBranch: Bool(true),
			OwnersCommittee: Bool(true), PropertyService: Bool(true)}
		tl.Count(LevelStreet, u)
		tl.Count(LevelCommunity, u)
		tl.Count(LevelCompound, u)
	}
	tallies := map[int]Tally{year: tl}
	if got := StatusChanges(p, p, "", tallies); len(got) != 0 {
		t.Fatalf("same program: %+v", got)
	}
	r := ComputeOne(ind, year, "", tl)
	if r.Percent == nil {
		t.Fatalf("no data for %s", ind.Key)
	}
	// A target just above the share makes a met result unmet, and the
	// reverse; removing the target leaves no status.
	above := int(*r.Percent) + 1
	below := 0
	for _, tc := range []struct {
		target *int
		want   int
	}{{&above, -1}, {&below, 1}, {nil, 0}} {
		q := p.WithTarget(ind.Key, year, tc.target)
		got := StatusChanges(p, q, "", tallies)
		if metState(r) == tc.want {
			if len(got) != 0 {
				t.Errorf("target %v: %+v, want none", tc.target, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Indicator != ind.Key || got[0].Year != year || metState(got[0].New) != tc.want || metState(got[0].Old) != metState(r) {
			t.Errorf("target %v: %+v", tc.target, got)
		}
	}
}
