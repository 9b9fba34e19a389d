package metrics

import (
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name     string
		num, den int
		target   *int
		percent  *float64
		met      *bool
		needed   *int
	}{
		{"zero denominator is no data", 0, 0, Int(20), nil, nil, nil},
		{"exactly 20.0% meets 20", 2, 10, Int(20), f(20.0), Bool(true), Int(0)},
		{"3/13 is 23.1% and meets 20", 3, 13, Int(20), f(23.1), Bool(true), Int(0)},
		{"3/13 misses 40 by 3", 3, 13, Int(40), f(23.1), Bool(false), Int(3)},
		{"needed rounds up", 199, 1000, Int(20), f(19.9), Bool(false), Int(1)},
		{"just under by rounding still unmet", 1999, 10000, Int(20), f(20.0), Bool(false), Int(1)},
		{"no target", 1, 3, nil, f(33.3), nil, nil},
		{"100% target", 99, 100, Int(100), f(99.0), Bool(false), Int(1)},
		{"over target never negative", 10, 10, Int(60), f(100.0), Bool(true), Int(0)},
		{"half rounds up", 1, 8, nil, f(12.5), nil, nil},
		{"2/3", 2, 3, nil, f(66.7), nil, nil},
		{"0 of 5", 0, 5, Int(20), f(0), Bool(false), Int(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, m, n := Evaluate(tt.num, tt.den, tt.target)
			if !eqFloat(p, tt.percent) || !eqBool(m, tt.met) || !eqInt(n, tt.needed) {
				t.Errorf("Evaluate(%d, %d, %v) = %v %v %v; want %v %v %v", tt.num, tt.den, deref(tt.target),
					deref(p), deref(m), deref(n), deref(tt.percent), deref(tt.met), deref(tt.needed))
			}
		})
	}
}

func f(v float64) *float64 { return &v }

func eqFloat(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref[T any](p *T) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestComputeDistrict(t *testing.T) {
	p := DefaultProgram()
	var t22 Tally
	for i := range 13 {
		t22.Count(LevelStreet, Status{FiveGood: Bool(i < 3), ServiceCenter: Bool(true)})
	}
	for i := range 10 {
		var st *int
		if i > 0 {
			st = Int(i % 6)
		}
		t22.Count(LevelCompound, Status{Stars: st, PartyBranch: Bool(true)})
	}
	rs := Compute(p, "", map[int]Tally{2022: t22, 2023: {}})
	if len(rs) != len(p.Indicators) {
		t.Fatalf("got %d rows, want one per indicator for the one year with data", len(rs))
	}
	byKey := map[string]Result{}
	for _, r := range rs {
		byKey[r.Indicator] = r
	}
	s := byKey[FiveGoodStreets]
	if s.Numerator != 3 || s.Denominator != 13 || *s.Percent != 23.1 || !*s.Met || *s.Needed != 0 || *s.Target != 20 {
		t.Errorf("five_good_streets = %+v", s)
	}
	c := byKey[FiveGoodCommunities]
	if c.Denominator != 0 || c.Percent != nil || c.Met != nil || c.Needed != nil {
		t.Errorf("communities with no data = %+v", c)
	}
	st := byKey[FiveStarCompounds]
	if st.Numerator != 1 || st.Denominator != 10 || *st.Met || *st.Needed != 1 || st.Unknown != 1 {
		t.Errorf("five_star_compounds = %+v", st)
	}
	ps := byKey[CompoundPropertyServices]
	if ps.Target != nil || ps.Met != nil || ps.Unknown != 10 {
		t.Errorf("property services (no numeric target) = %+v", ps)
	}
}

func TestTallyMerge(t *testing.T) {
	var a, b, sum Tally
	a.Count(LevelCompound, Status{Stars: Int(5), StarFlags: [5]*bool{Bool(true), Bool(true), Bool(true), Bool(true), Bool(true)}})
	b.Count(LevelCompound, Status{Stars: Int(2)})
	b.Count(LevelCommunity, Status{FiveGood: Bool(true)})
	sum.Add(a)
	sum.Add(b)
	if sum.Compounds != 2 || sum.CompoundsFiveStar != 1 || sum.StarHistogram[2] != 1 || sum.StarHistogram[5] != 1 ||
		sum.StarReported != 1 || sum.StarHolders[0] != 1 || sum.CommunitiesFiveGood != 1 || sum.Units() != 3 {
		t.Errorf("merged = %+v", sum)
	}
}

func TestParseProgram(t *testing.T) {
	good := `{"name": "2025—2027 计划", "baseline_year": 2024, "years": [2025, 2026, 2027], "reward_per_star": 3000,
		"indicators": [{"key": "five_star_compounds", "targets": {"2025": 30, "2026": 50, "2027": null}},
		{"key": "compound_property_services", "label": "物业覆盖"}]}`
	p, err := ParseProgram(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if p.FinalYear() != 2027 || p.RewardPerStar != 3000 || len(p.Indicators) != 2 {
		t.Fatalf("program = %+v", p)
	}
	if v, ok := p.Indicators[0].Target(2026); !ok || v != 50 {
		t.Errorf("target 2026 = %d %v", v, ok)
	}
	if _, ok := p.Indicators[0].Target(2027); ok {
		t.Error("null target must mean no target")
	}
	if p.Indicators[1].Label != "物业覆盖" {
		t.Errorf("label override = %q", p.Indicators[1].Label)
	}

	bad := []struct{ name, json, field string }{
		{"unknown key", `{"name":"x","years":[2025],"indicators":[{"key":"five_stars"}]}`, "indicators[0].key"},
		{"target out of range", `{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2025":120}}]}`, "indicators[0].targets.2025"},
		{"target for a year not in program", `{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2030":10}}]}`, "indicators[0].targets.2030"},
		{"no name", `{"years":[2025],"indicators":[{"key":"five_star_compounds"}]}`, "name"},
		{"years not ascending", `{"name":"x","years":[2026,2025],"indicators":[{"key":"five_star_compounds"}]}`, "years[1]"},
		{"wrong type", `{"name":"x","years":"2025","indicators":[]}`, "years"},
		{"unknown field", `{"name":"x","years":[2025],"indicatorz":[]}`, "(file)"},
		{"duplicate indicator", `{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds"},{"key":"five_star_compounds"}]}`, "indicators[1].key"},
		{"baseline after start", `{"name":"x","baseline_year":2025,"years":[2025],"indicators":[{"key":"five_star_compounds"}]}`, "baseline_year"},
		{"not JSON", `{"name":`, "(file)"},
		{"not an object", `42`, "(file)"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProgram(strings.NewReader(tt.json))
			pe, ok := err.(*ProgramError)
			if !ok {
				t.Fatalf("err = %v (%T), want *ProgramError", err, err)
			}
			if pe.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", pe.Field, tt.field, err)
			}
		})
	}
}

func TestDefaultProgramMatchesPlan(t *testing.T) {
	p := DefaultProgram()
	want := map[string][3]int{
		FiveGoodStreets: {20, 40, 60}, FiveGoodCommunities: {20, 40, 60}, FiveStarCompounds: {20, 40, 60},
		ServiceCenters: {100, 100, 100}, CompoundPartyBranches: {100, 100, 100}, CompoundOwnersCommittees: {100, 100, 100},
	}
	for _, ind := range p.Indicators {
		w, has := want[ind.Key]
		for i, y := range []int{2022, 2023, 2024} {
			got, ok := ind.Target(y)
			if ok != has || (has && got != w[i]) {
				t.Errorf("%s %d: target %d %v, want %v %v", ind.Key, y, got, ok, w, has)
			}
		}
	}
	if len(p.Indicators) != 8 || p.RewardPerStar != 2000 || p.BaselineYear != 2021 {
		t.Errorf("program = %+v", p)
	}
	// The program round-trips through its own file format.
	b, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseProgram(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	if q.Fingerprint() != p.Fingerprint() {
		t.Error("fingerprint changed in a round trip")
	}
}

func TestWithTarget(t *testing.T) {
	p := DefaultProgram()
	q := p.WithTarget(CompoundPropertyServices, 2024, Int(90)).WithTarget(FiveStarCompounds, 2022, nil)
	if v, ok := q.Indicators[6].Target(2024); !ok || v != 90 {
		t.Errorf("set target: %d %v", v, ok)
	}
	if _, ok := q.Indicators[2].Target(2022); ok {
		t.Error("cleared target still there")
	}
	if _, ok := p.Indicators[6].Target(2024); ok {
		t.Error("the original program changed")
	}
	if v, _ := p.Indicators[2].Target(2022); v != 20 {
		t.Error("the original program's target changed")
	}
	if p.Fingerprint() == q.Fingerprint() {
		t.Error("a target change must change the fingerprint (data_version)")
	}
}
