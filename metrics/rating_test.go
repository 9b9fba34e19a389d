package metrics

import (
	"strings"
	"testing"
)

func TestChange(t *testing.T) {
	y, n := Bool(true), Bool(false)
	for _, c := range []struct {
		before, after *bool
		want          int
	}{{n, y, 1}, {y, n, -1}, {y, y, 0}, {n, n, 0}, {nil, y, 0}, {y, nil, 0}} {
		if got := Change(c.before, c.after); got != c.want {
			t.Errorf("Change(%v, %v) = %d, want %d", c.before, c.after, got, c.want)
		}
	}
	for _, c := range []struct {
		before, after *int
		want          int
	}{{Int(2), Int(3), 1}, {Int(5), Int(0), -1}, {Int(4), Int(4), 0}, {nil, Int(5), 0}} {
		if got := StarChange(c.before, c.after); got != c.want {
			t.Errorf("StarChange = %d, want %d", got, c.want)
		}
	}
	if FiveStar(nil) != nil || !*FiveStar(Int(5)) || *FiveStar(Int(4)) {
		t.Error("FiveStar: want nil, true, false for nil, 5, 4")
	}
}

func TestTallySubUndoesAdd(t *testing.T) {
	var a, b Tally
	a.Count(LevelCompound, Status{Stars: Int(5), PartyBranch: Bool(true), StarFlags: [MaxStars]*bool{Bool(true)}})
	a.Count(LevelStreet, Status{})
	b.Count(LevelCommunity, Status{FiveGood: Bool(true), ServiceCenter: Bool(false)})
	b.Count(LevelCompound, Status{Stars: Int(2)})
	sum := a
	sum.Add(b)
	if sum.Compounds != 2 || sum.CompoundsFiveStar != 1 || sum.StarHistogram[2] != 1 || sum.Communities != 1 {
		t.Fatalf("Add: got %+v", sum)
	}
	sum.Sub(b)
	if sum != a {
		t.Errorf("Sub after Add: got %+v, want %+v", sum, a)
	}
	sum.Sub(a)
	if sum != (Tally{}) {
		t.Errorf("a - a: got %+v, want zero", sum)
	}
}

func TestClosest(t *testing.T) {
	sib := []string{"幸福小区", "和平里社区", "阳光花园一期"}
	for _, c := range []struct{ name, want string }{
		{"幸福小去", "幸福小区"},     // one edit
		{"阳光花园二期", "阳光花园一期"}, // one edit, long name
		{"和平里", "和平里社区"},     // contained
		{"幸福小区", ""},         // itself
		{"绿城", ""},           // nothing close
	} {
		if got := Closest(c.name, sib); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestStandingsOrder(t *testing.T) {
	p := DefaultProgram()
	ind, _ := p.Indicator(FiveStarCompounds)
	tally := func(five, other int) map[int]Tally {
		var t Tally
		for range five {
			t.Count(LevelCompound, Status{Stars: Int(MaxStars)})
		}
		for range other {
			t.Count(LevelCompound, Status{Stars: Int(1)})
		}
		return map[int]Tally{2023: t}
	}
	got := Standings(p, ind, 2023, []Scope{{"b", tally(1, 1)}, {"none", nil}, {"a", tally(1, 1)}, {"top", tally(2, 0)}})
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	if want := "top a b none"; strings.Join(names, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(names, " "), want)
	}
	if got[3].Reported || !got[0].Reported {
		t.Error("Reported: want true for a street with units, false without")
	}
}
