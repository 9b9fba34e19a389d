package web

import (
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"strings"
)

// outlookView localises an outlook; nil when the indicator has no target.
func outlookView(l i18n.Lang, o metrics.Outlook) *components.OutlookView {
	if o.FinalYear == 0 || o.Year == 0 {
		return nil
	}
	v := &components.OutlookView{}
	switch o.Status {
	case metrics.OutlookMet:
		v.Label, v.Class = l.T("outlook.met"), "met"
	case metrics.OutlookOnTrack:
		v.Label, v.Class = l.T("outlook.ontrack"), "ontrack"
	case metrics.OutlookAccelerate:
		v.Label, v.Class = l.T("outlook.accelerate"), "accelerate"
	case metrics.OutlookOffTrack:
		v.Label, v.Class = l.T("outlook.offtrack"), "offtrack"
	default:
		v.Label, v.Class = l.T("outlook.unknown"), "none"
		return v
	}
	var parts []string
	if o.Observed != nil {
		parts = append(parts, l.F("outlook.pace", signed(*o.Observed)))
	}
	if o.Projected != nil {
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
