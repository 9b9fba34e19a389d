package metrics

import "testing"

// series builds five-star results for the default program from year → percent.
func series(pts map[int]float64) []Result {
	var rs []Result
	for y, v := range pts {
		rs = append(rs, Result{Indicator: FiveStarCompounds, Year: y, Percent: f(v)})
	}
	return rs
}

// TestAssessFinalYear: in the final year a target missed by at most
// CloseUnits units is close, one missed by more is off track; met is met.
func TestAssessFinalYear(t *testing.T) {
	p := DefaultProgram()
	ind, _ := p.Indicator(FiveStarCompounds)
	tests := []struct {
		name   string
		pct    float64
		needed int
		met    bool
		status OutlookStatus
	}{
		{"1 short", 59.6, 1, false, OutlookClose},
		{"exactly CloseUnits short", 57.1, CloseUnits, false, OutlookClose},
		{"one more than CloseUnits short", 56.9, CloseUnits + 1, false, OutlookOffTrack},
		{"27 short", 33.3, 27, false, OutlookOffTrack},
		{"met", 60.6, 0, true, OutlookMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := series(map[int]float64{2021: 0, 2022: 20, 2023: 40})
			rs = append(rs, Result{Indicator: FiveStarCompounds, Year: 2024, Percent: f(tt.pct), Needed: &tt.needed, Met: &tt.met})
			o := Assess(p, ind, rs)
			if o.Status != tt.status {
				t.Errorf("status %q, want %q", o.Status, tt.status)
			}
			if !o.Milestone || o.Needed == nil || *o.Needed != tt.needed {
				t.Errorf("milestone %v needed %v; want true %d", o.Milestone, deref(o.Needed), tt.needed)
			}
		})
	}
	// Before the final year a few units short is not "close": the pace rules.
	n := 1
	rs := append(series(map[int]float64{2021: 0, 2022: 5}), Result{Indicator: FiveStarCompounds, Year: 2023, Percent: f(10), Needed: &n})
	if o := Assess(p, ind, rs); o.Status != OutlookOffTrack {
		t.Errorf("2023, 1 short at +5/yr: %q, want off track", o.Status)
	}
}

func TestOutlookRank(t *testing.T) {
	order := []OutlookStatus{OutlookOffTrack, OutlookClose, OutlookAccelerate, OutlookMetAtRisk, OutlookOnTrack, OutlookMet, OutlookUnknown}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%q ranks %d, not before %q (%d)", order[i-1], order[i-1].Rank(), order[i], order[i].Rank())
		}
	}
}

func TestAssess(t *testing.T) {
	p := DefaultProgram() // 2021 baseline; 20, 40, 60 in 2022–2024
	ind, _ := p.Indicator(FiveStarCompounds)
	tests := []struct {
		name      string
		pts       map[int]float64
		status    OutlookStatus
		ratio     float64 // checked when not 0
		projected float64 // checked when not 0
		reach     int
	}{
		// From 0 to 12 in one year: +12/yr observed; 2023 needs 40 (+28) and
		// 2024 needs 60 (+24/yr): required 28, ratio 0.43.
		{"baseline 0, slow", map[int]float64{2021: 0, 2022: 12}, OutlookOffTrack, 12.0 / 28, 36, 2026},
		{"baseline 0, needs acceleration", map[int]float64{2021: 0, 2022: 15}, OutlookAccelerate, 15.0 / 25, 45, 2025},
		{"baseline 0, met", map[int]float64{2021: 0, 2022: 20}, OutlookMet, 1, 60, 2024},
		// 41 meets 2023's 40, but +18/yr projects 59 for 2024: not 60.
		{"met this year, final target projected missed", map[int]float64{2021: 5, 2022: 18, 2023: 41}, OutlookMetAtRisk, 0, 59, 2025},
		{"met this year, final target projected exactly", map[int]float64{2021: 0, 2023: 40}, OutlookMet, 0, 60, 2024},
		{"final target met", map[int]float64{2021: 0, 2024: 61}, OutlookMet, 0, 0, 2024},
		{"declining", map[int]float64{2021: 10, 2022: 15, 2023: 8}, OutlookOffTrack, 0, 7, 0},
		{"flat", map[int]float64{2021: 10, 2022: 10, 2023: 10}, OutlookOffTrack, 0, 10, 0},
		{"one year of data", map[int]float64{2022: 10}, OutlookUnknown, 0, 0, 0},
		{"final year passed unmet", map[int]float64{2021: 0, 2024: 59}, OutlookOffTrack, 0, 0, 2025},
		{"before the first milestone", map[int]float64{2020: 0, 2021: 10}, OutlookUnknown, 0, 0, 0},
	}
	// A program with one final target (60% in 2024) puts the line where
	// unmet values can sit on it: from 0 in 2021, 20 in 2022 is +20/yr with
	// +20/yr still required.
	end := DefaultProgram()
	endInd, _ := end.Indicator(FiveStarCompounds)
	endInd.Targets = map[int]int{2024: 60}
	end.Indicators = []Indicator{endInd}
	tests = append(tests, []struct {
		name      string
		pts       map[int]float64
		status    OutlookStatus
		ratio     float64
		projected float64
		reach     int
	}{
		{"end only: exactly on the line", map[int]float64{2021: 0, 2022: 20}, OutlookOnTrack, 1, 60, 2024},
		{"end only: exactly half the pace", map[int]float64{2021: 0, 2022: 12}, OutlookAccelerate, 0.5, 36, 2026},
		{"end only: just under half", map[int]float64{2021: 0, 2022: 11.9}, OutlookOffTrack, 0, 35.7, 2027},
		{"end only: no milestone this year, later ones reached", map[int]float64{2021: 0, 2022: 60}, OutlookMet, 0, 100, 2022},
	}...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ind := p, ind
			if i >= len(tests)-4 {
				p, ind = end, endInd
			}
			o := Assess(p, ind, series(tt.pts))
			if o.Status != tt.status {
				t.Errorf("status = %q, want %q (%+v)", o.Status, tt.status, o)
			}
			if tt.ratio != 0 && (o.Ratio == nil || abs(*o.Ratio-tt.ratio) > 1e-9) {
				t.Errorf("ratio = %v, want %v", deref(o.Ratio), tt.ratio)
			}
			if tt.projected != 0 && (o.Projected == nil || *o.Projected != tt.projected) {
				t.Errorf("projected = %v, want %v", deref(o.Projected), tt.projected)
			}
			if o.ReachYear != tt.reach {
				t.Errorf("reach year = %d, want %d", o.ReachYear, tt.reach)
			}
		})
	}
}

func TestAssessEdges(t *testing.T) {
	p := DefaultProgram()
	// No numeric target ("普遍"): nothing to judge.
	ind, _ := p.Indicator(CompoundPropertyServices)
	if o := Assess(p, ind, []Result{{Indicator: CompoundPropertyServices, Year: 2022, Percent: f(50)}, {Indicator: CompoundPropertyServices, Year: 2023, Percent: f(60)}}); o.Status != OutlookUnknown || o.FinalYear != 0 {
		t.Errorf("no target: %+v", o)
	}
	// No data at all.
	ind, _ = p.Indicator(FiveStarCompounds)
	if o := Assess(p, ind, nil); o.Status != OutlookUnknown || o.Year != 0 {
		t.Errorf("no data: %+v", o)
	}
	// Rows of other indicators and rows without data are ignored.
	rs := append(series(map[int]float64{2021: 0, 2022: 25}), Result{Indicator: FiveGoodStreets, Year: 2023, Percent: f(99)},
		Result{Indicator: FiveStarCompounds, Year: 2023})
	if o := Assess(p, ind, rs); o.Year != 2022 || o.Status != OutlookMet {
		t.Errorf("filtering: %+v", o)
	}
	// A completion target of 100% every year: 90 → 95 with 100 due next year.
	full, _ := p.Indicator(CompoundPartyBranches)
	o := Assess(p, full, []Result{{Indicator: CompoundPartyBranches, Year: 2022, Percent: f(90)}, {Indicator: CompoundPartyBranches, Year: 2023, Percent: f(95)}})
	if o.Status != OutlookOnTrack || *o.Required != 5 || *o.Observed != 5 {
		t.Errorf("completion: %+v", o)
	}
	if all := AssessAll(p, rs); len(all) != len(p.Indicators) || all[FiveStarCompounds].Status != OutlookMet {
		t.Errorf("AssessAll: %+v", all)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestRewards(t *testing.T) {
	p := DefaultProgram()
	var t22, t23 Tally
	t22.Count(LevelCompound, Status{Stars: Int(5)})
	t22.Count(LevelCompound, Status{Stars: Int(2)})
	t22.Count(LevelCompound, Status{Stars: Int(0)})
	t22.Count(LevelCompound, Status{}) // not reported: earns nothing
	t23.Count(LevelCompound, Status{Stars: Int(5)})
	t23.Count(LevelCompound, Status{Stars: Int(5)})
	rs := Rewards(p, map[int]Tally{2022: t22, 2023: t23, 2025: t23})
	if len(rs) != 3 {
		t.Fatalf("%d years", len(rs))
	}
	if r := rs[0]; r.Stars != 7 || r.Amount != 14000 || r.Compounds != 2 || r.HasPrev {
		t.Errorf("2022 = %+v", r)
	}
	if r := rs[1]; r.Amount != 20000 || !r.HasPrev || r.Delta != 6000 || r.Prev.Year != 2022 {
		t.Errorf("2023 = %+v", r)
	}
	if r := rs[2]; r.Year != 2025 || r.HasPrev {
		t.Errorf("2025 without 2024 data must not show a change: %+v", r)
	}
	p.RewardPerStar = 3000
	if r := RewardOf(p, 2023, t23); r.Amount != 30000 {
		t.Errorf("program setting ignored: %+v", r)
	}
}

func TestStarShares(t *testing.T) {
	var tl Tally
	if _, h := StarShares(tl); h != -1 {
		t.Errorf("no star columns: hardest %d", h)
	}
	tl.Count(LevelCompound, Status{Stars: Int(4), StarFlags: [5]*bool{Bool(true), Bool(true), Bool(false), Bool(true), Bool(true)}})
	tl.Count(LevelCompound, Status{Stars: Int(3), StarFlags: [5]*bool{Bool(true), Bool(false), Bool(false), Bool(true), Bool(true)}})
	tl.Count(LevelCompound, Status{Stars: Int(1)}) // stars not listed
	s, h := StarShares(tl)
	if h != 2 || s[2].Holders != 0 || s[0].Reported != 2 || *s[0].Percent != 100 || *s[1].Percent != 50 {
		t.Errorf("shares %+v hardest %d", s, h)
	}
}

func TestCompleteness(t *testing.T) {
	p := DefaultProgram()
	var a, b Tally
	a.Count(LevelStreet, Status{FiveGood: Bool(true), ServiceCenter: Bool(true)})
	b.Count(LevelStreet, Status{ServiceCenter: Bool(true)}) // five-good not reported
	b.Count(LevelCompound, Status{Stars: Int(3), PartyBranch: Bool(true), OwnersCommittee: Bool(true), PropertyService: Bool(true), ServiceCenter: Bool(true)})
	c := CompletenessOf(p, 2023, []string{"甲", "乙", "丙"}, map[string]Tally{"甲": a, "乙": b, "丁": a})
	if c.Streets != 3 || c.Reported != 2 || len(c.Missing) != 1 || c.Missing[0] != "丙" || complete(c) {
		t.Errorf("completeness = %+v", c)
	}
	if c.Unknown[FiveGoodStreets] != 1 || c.Unknown[FiveStarCompounds] != 0 || !c.UnknownAnywhere {
		t.Errorf("unknown = %+v", c.Unknown)
	}
	if !c.Incomplete(FiveStarCompounds) {
		t.Error("a missing street makes every district figure incomplete")
	}
	c = CompletenessOf(p, 2023, []string{"甲"}, map[string]Tally{"甲": a})
	if !complete(c) || c.Incomplete(FiveGoodStreets) || c.Reported != 1 {
		t.Errorf("complete year = %+v", c)
	}
	c = CompletenessOf(p, 2023, []string{"甲", "乙"}, map[string]Tally{"甲": a, "乙": b})
	if complete(c) || !c.Incomplete(FiveGoodStreets) || c.Incomplete(FiveStarCompounds) {
		t.Errorf("unknown value only = %+v", c)
	}
}

// complete reports whether every street reported and no value is unknown.
func complete(c Completeness) bool { return c.Reported == c.Streets && !c.UnknownAnywhere }
