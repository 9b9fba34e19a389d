package web

import (
	"fmt"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"strconv"
)

func signed(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v > 0 {
		s = "+" + s
	}
	return s
}

func pctv(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

// cell helpers for sortable tables.
func textCell(s string) components.TCell { return components.TCell{Text: s, Sort: s} }

func numCell(text string, v float64) components.TCell {
	return components.TCell{Text: text, Sort: strconv.FormatFloat(v, 'f', -1, 64), Num: true}
}

func intCell(v int) components.TCell { return numCell(grouped(v), float64(v)) }

// frac writes a count of a total with thousands separators: "1,234/5,678".
func frac(num, den int) string { return grouped(num) + "/" + grouped(den) }

// pctCell sorts missing values first.
func pctCell(p *float64) components.TCell {
	if p == nil {
		return numCell("—", -1)
	}
	return numCell(pct(p), *p)
}

func boolText(l i18n.Lang, v *bool) string {
	switch {
	case v == nil:
		return l.T("value.unknown")
	case *v:
		return "✓ " + l.T("value.yes")
	default:
		return "✗ " + l.T("value.no")
	}
}

func boolCell(l i18n.Lang, v *bool) components.TCell {
	c := textCell(boolText(l, v))
	switch {
	case v == nil:
		c.Sort, c.Class = "0", "unknown"
	case *v:
		c.Sort, c.Class = "2", "yes"
	default:
		c.Sort, c.Class = "1", "no"
	}
	return c
}

// ratingChange says whether a unit gained or lost a rating between years.
func ratingChange(l i18n.Lang, before, after *bool, hadBefore bool) components.TCell {
	if !hadBefore || before == nil || after == nil {
		return components.TCell{Text: "—", Sort: "0"}
	}
	switch metrics.Change(before, after) {
	case 1:
		return components.TCell{Text: "↑ " + l.T("change.gained"), Sort: "1", Class: "gained"}
	case -1:
		return components.TCell{Text: "↓ " + l.T("change.lost"), Sort: "-1", Class: "lost"}
	}
	return components.TCell{Text: l.T("change.same"), Sort: "0"}
}

func starsText(l i18n.Lang, v *int) string {
	if v == nil {
		return l.T("value.unknown")
	}
	return l.F("stars.fmt", *v)
}

func starsChange(before, after *int, hadBefore bool) components.TCell {
	if !hadBefore || before == nil || after == nil {
		return components.TCell{Text: "—", Sort: "0", Num: true}
	}
	d := *after - *before
	c := numCell(fmt.Sprintf("%+d", d), float64(d))
	if d == 0 {
		c.Text = "0"
	}
	if d > 0 {
		c.Class = "gained"
	} else if d < 0 {
		c.Class = "lost"
	}
	return c
}

func textTarget(t *int) components.TCell {
	if t == nil {
		return components.TCell{Text: "—", Sort: "-1", Num: true}
	}
	return numCell(itoa(*t)+"%", float64(*t))
}
