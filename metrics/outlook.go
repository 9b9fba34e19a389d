package metrics

// OutlookStatus classifies an indicator's latest year against its targets.
type OutlookStatus string

// Outlook statuses, from best to worst. OutlookUnknown means there is not
// enough data to judge (no target, no data, or only one year of data).
const (
	OutlookMet OutlookStatus = "met" // 已达标
	// OutlookMetAtRisk: this year's milestone is met, but at the observed
	// pace the final target is not (本年达标，但按此速度…需加快).
	OutlookMetAtRisk  OutlookStatus = "met_at_risk"
	OutlookOnTrack    OutlookStatus = "on_track"   // 按期推进
	OutlookAccelerate OutlookStatus = "accelerate" // 需加快
	// OutlookClose: the final year is here (or past), the target missed
	// by at most CloseUnits units (差 ≤ 3 个).
	OutlookClose    OutlookStatus = "close"
	OutlookOffTrack OutlookStatus = "off_track" // 进展滞后
	OutlookUnknown  OutlookStatus = ""
)

// CloseUnits is how many units short of the final target, in the final
// year or after it, still count as close rather than off track: a street
// one compound short and one 27 short are not in the same place.
const CloseUnits = 3

// Outlook thresholds on Ratio (observed pace ÷ required pace).
const (
	// OnTrackRatio: at the observed pace every remaining milestone is
	// reached on time.
	OnTrackRatio = 1.0
	// AccelerateRatio: at least half the required pace. Doubling a pace in
	// a year is what a campaign can still do; below half (or not moving,
	// or moving backwards) the targets will not be met without a change
	// of course.
	AccelerateRatio = 0.5
)

// Outlook is the assessment of one indicator (district or one street) in
// its latest year with data.
type Outlook struct {
	Indicator    string
	Status       OutlookStatus
	Year         int     // latest year with data
	Current      float64 // percent in Year
	BaselineYear int     // the year the observed pace is measured from
	Baseline     float64 // percent in BaselineYear
	// Observed is the average yearly change since the baseline, in
	// percentage points; nil with only one year of data.
	Observed *float64
	// Required is the largest average yearly change still needed to reach a
	// remaining milestone on time (the binding milestone); nil when no
	// milestone remains after Year.
	Required *float64
	// Ratio is Observed/Required; nil when either is missing or Required ≤ 0.
	Ratio       *float64
	FinalYear   int
	FinalTarget int
	// Projected is the value expected in FinalYear at the observed pace,
	// clamped to 0–100, one decimal; nil without a pace or when Year is
	// not before FinalYear.
	Projected *float64
	// ReachYear is the year FinalTarget is reached at the observed pace
	// (Year itself when already reached); 0 when never at this pace.
	ReachYear int
	// Milestone says whether Year has a target of its own; Needed is how
	// many units Year's result still needs against it (nil when unknown).
	Milestone bool
	Needed    *int
}

// Assess classifies an indicator from its results (any order; other
// indicators' rows are ignored).
//
// The rule is a linear ratio, in the style of the SDG progress trackers:
//
//	observed = (current − baseline) / (latest year − baseline year)
//	required = max over the milestones after the latest year of
//	           (target − current) / (milestone year − latest year)
//	ratio    = observed / required
//
// and the latest year is
//
//   - met (已达标) when its own milestone is met (with no milestone that
//     year: when the current value already reaches every remaining
//     milestone, i.e. required ≤ 0) — but met at risk (本年达标，但…需加快)
//     when the projection to the final year falls short of the final
//     target;
//   - in the final year (or after it) unmet: close (差 ≤ 3 个) when at
//     most CloseUnits units are still needed, off track (进展滞后)
//     otherwise;
//   - off track when the value did not rise since the baseline
//     (observed ≤ 0);
//   - on track (按期推进) when ratio ≥ OnTrackRatio (1);
//   - needs acceleration (需加快) when ratio ≥ AccelerateRatio (0.5);
//   - off track otherwise.
//
// The SDG trackers' compound-growth rule divides by the baseline value
// ((x_t/x_0)^(1/n) − 1), which is undefined for a baseline of 0 — and every
// rating here starts at 0 in 2021. Absolute changes in percentage points
// are defined at 0 and read the way the plan states its milestones
// (+20 points a year). The baseline is the program's baseline year when it
// has data, else the earliest year with data. With one year of data the
// status is OutlookUnknown unless it is already met.
//
// Comparisons are done in integer tenths of a percent (the precision
// shown), so a pace exactly on the line is on track.
func Assess(p Program, ind Indicator, results []Result) Outlook {
	o := Outlook{Indicator: ind.Key}
	pts := map[int]int{} // year → tenths
	needed := map[int]*int{}
	for _, r := range results {
		if r.Indicator == ind.Key && r.Percent != nil {
			pts[r.Year] = tenths(*r.Percent)
			needed[r.Year] = r.Needed
		}
	}
	if len(pts) == 0 {
		return o
	}
	latest, base := 0, 0
	for y := range pts {
		latest = max(latest, y)
	}
	base = latest
	for y := range pts {
		if y < base && (p.BaselineYear == 0 || y >= p.BaselineYear) {
			base = y
		}
	}
	cur := pts[latest]
	o.Year, o.Current, o.Needed = latest, float64(cur)/10, needed[latest]
	o.BaselineYear, o.Baseline = base, float64(pts[base])/10

	// The final milestone: the last year with a target.
	for _, y := range p.Years {
		if t, ok := ind.Target(y); ok {
			o.FinalYear, o.FinalTarget = y, t
		}
	}
	if o.FinalYear == 0 {
		return o // no numeric target: nothing to judge
	}
	final := o.FinalTarget * 10

	// Pace since the baseline, as the fraction dv/dy (tenths per year).
	dv, dy := cur-pts[base], latest-base
	if dy > 0 {
		obs := float64(dv) / float64(dy) / 10
		o.Observed = &obs
	}

	// The binding remaining milestone: the largest required pace, compared
	// as fractions rn/rd without division.
	rn, rd := 0, 0
	for _, y := range p.Years {
		t, ok := ind.Target(y)
		if !ok || y <= latest {
			continue
		}
		n, d := t*10-cur, y-latest
		if rd == 0 || n*rd > rn*d {
			rn, rd = n, d
		}
	}
	if rd > 0 {
		req := float64(rn) / float64(rd) / 10
		o.Required = &req
		if o.Observed != nil && rn > 0 {
			ratio := *o.Observed / req
			o.Ratio = &ratio
		}
	}

	// Projection and the year the final target is reached.
	switch {
	case cur >= final:
		o.ReachYear = latest
	case dy > 0 && dv > 0:
		// latest + ceil((final − cur) / (dv/dy))
		o.ReachYear = latest + ((final-cur)*dy+dv-1)/dv
	}
	if dy > 0 && latest < o.FinalYear {
		v := cur + (dv*(o.FinalYear-latest)*2+sign(dv)*dy)/(2*dy) // rounded half away from zero
		v = min(max(v, 0), 1000)
		proj := float64(v) / 10
		o.Projected = &proj
	}

	// Classification.
	if t, ok := ind.Target(latest); ok {
		o.Milestone = true
		if cur >= t*10 && o.Projected != nil && tenths(*o.Projected) < final {
			o.Status = OutlookMetAtRisk
			return o
		}
		if cur >= t*10 {
			o.Status = OutlookMet
			return o
		}
	} else if rd > 0 && rn <= 0 {
		o.Status = OutlookMet
		return o
	} else if rd == 0 && latest > o.FinalYear && cur >= final {
		o.Status = OutlookMet
		return o
	}
	switch {
	case rd == 0 && o.Needed != nil && *o.Needed <= CloseUnits: // the final year is here, a few units short
		o.Status = OutlookClose
	case rd == 0: // the final year has passed (or is this year) unmet
		o.Status = OutlookOffTrack
	case dy == 0:
		o.Status = OutlookUnknown
	case dv <= 0:
		o.Status = OutlookOffTrack
	case rn <= 0: // this year's milestone unmet but the later ones already reached
		o.Status = OutlookOnTrack
	case dv*rd >= rn*dy: // ratio ≥ 1
		o.Status = OutlookOnTrack
	case 2*dv*rd >= rn*dy: // ratio ≥ 0.5
		o.Status = OutlookAccelerate
	default:
		o.Status = OutlookOffTrack
	}
	return o
}

// AssessAll assesses every indicator of the program that has a numeric
// target, in program order.
func AssessAll(p Program, results []Result) map[string]Outlook {
	out := map[string]Outlook{}
	for _, ind := range p.Indicators {
		out[ind.Key] = Assess(p, ind, results)
	}
	return out
}

func tenths(p float64) int {
	if p < 0 {
		return -int(-p*10 + 0.5)
	}
	return int(p*10 + 0.5)
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// Rank orders outlook statuses from worst (0, off track) to best (5, met);
// unknown sorts after them all.
func (s OutlookStatus) Rank() int {
	switch s {
	case OutlookOffTrack:
		return 0
	case OutlookClose:
		return 1
	case OutlookAccelerate:
		return 2
	case OutlookMetAtRisk:
		return 3
	case OutlookOnTrack:
		return 4
	case OutlookMet:
		return 5
	}
	return 6
}
