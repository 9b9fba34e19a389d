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
	// unmet: this year's own milestone is missed, which the label says
	// first; Short (for tables with a status column) leaves it out.
	unmet := func(key string) {
		v.Label, v.Short = l.T(key), l.T(key)
		if o.Milestone {
			v.Label = l.T("outlook.unmet.prefix") + v.Label
		}
	}
	switch o.Status {
	case metrics.OutlookMet:
		v.Label, v.Class = l.T("outlook.met"), "met"
	case metrics.OutlookMetAtRisk:
		v.Label, v.Short, v.Class = l.F("outlook.atrisk", o.FinalYear, pctv(*o.Projected)), l.T("outlook.atrisk.short"), "atrisk"
	case metrics.OutlookOnTrack:
		unmet("outlook.ontrack")
		v.Class = "ontrack"
	case metrics.OutlookAccelerate:
		unmet("outlook.accelerate")
		v.Class = "accelerate"
	case metrics.OutlookClose:
		v.Label, v.Class = l.F("outlook.close", metrics.CloseUnits), "close"
	case metrics.OutlookOffTrack:
		unmet("outlook.offtrack")
		v.Class = "offtrack"
		if o.Year >= o.FinalYear && o.Needed != nil {
			v.Label, v.Short = l.F("outlook.far", metrics.CloseUnits), ""
		}
	default:
		v.Label, v.Short, v.Class = l.T("outlook.unknown"), l.T("outlook.unknown"), "none"
		return v
	}
	if v.Short == "" {
		v.Short = v.Label
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
