package web

import (
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"strings"
)

// outlookView localises an outlook; nil when the indicator has no target.
// Its label is the card's one status: it says whether this year's
// milestone is met and how the final target looks (metrics.Assess has the
// rule, /help explains it).
func outlookView(l i18n.Lang, o metrics.Outlook) *components.OutlookView {
	if o.FinalYear == 0 || o.Year == 0 {
		return nil
	}
	v := &components.OutlookView{}
	// unmet: this year's own milestone is missed, which the label says first.
	unmet := func(key string) string {
		if o.Milestone {
			return l.T("outlook.unmet.prefix") + l.T(key)
		}
		return l.T(key)
	}
	finalYear := o.Year >= o.FinalYear
	switch o.Status {
	case metrics.OutlookMet:
		v.Label, v.Class = l.T("outlook.met"), "met"
	case metrics.OutlookMetAtRisk:
		v.Label, v.Class = l.F("outlook.atrisk", o.FinalYear, pctv(*o.Projected)), "atrisk"
	case metrics.OutlookOnTrack:
		v.Label, v.Class = unmet("outlook.ontrack"), "ontrack"
	case metrics.OutlookAccelerate:
		v.Label, v.Class = unmet("outlook.accelerate"), "accelerate"
	case metrics.OutlookClose:
		v.Label, v.Class = l.F("outlook.close", metrics.CloseUnits), "close"
	case metrics.OutlookOffTrack:
		v.Label, v.Class = unmet("outlook.offtrack"), "offtrack"
		if finalYear && o.Needed != nil {
			v.Label = l.F("outlook.far", metrics.CloseUnits)
		}
	default:
		v.Label, v.Class = l.T("outlook.unknown"), "none"
		return v
	}
	var parts []string
	if o.Observed != nil {
		parts = append(parts, l.F("outlook.pace", signed(*o.Observed)))
	}
	if o.Projected != nil && o.Status != metrics.OutlookMetAtRisk { // the label has it
		parts = append(parts, l.F("outlook.projected", l.F("year.fmt", o.FinalYear), pctv(*o.Projected)))
	}
	switch {
	case o.ReachYear == o.Year:
		// already at the final target: nothing to project
	case o.ReachYear > 0:
		parts = append(parts, l.F("outlook.reach", o.FinalTarget, l.F("year.fmt", o.ReachYear)))
	case o.Observed != nil:
		parts = append(parts, l.F("outlook.never", o.FinalTarget))
	}
	v.Detail = strings.Join(parts, l.T("list.sep"))
	return v
}

// judges says whether an outlook carries the card's status, so that the
// card shows no second badge.
func judges(v *components.OutlookView) bool { return v != nil && v.Class != "none" }
