package web

import (
	"fmt"
	"math"
	"strconv"

	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// changesSince compares a snapshot's figures with today's results of the
// same year and scope (indicator key → result), one row per frozen
// indicator, and counts the indicators whose percent changed. The snapshot
// page and the brief show them.
func (s *Server) changesSince(l i18n.Lang, then snapshotFigures, now map[string]metrics.Result) (rows []components.SinceRow, changed int) {
	for _, row := range then.Rows {
		name := row.Indicator
		if ind, ok := s.effectiveProgram().Indicator(row.Indicator); ok {
			name = label(l, ind)
		} else {
			name += " " + l.T("snap.removedfigures")
		}
		out := components.SinceRow{Indicator: name, Then: pct(row.Percent) + fmt.Sprintf(" (%d/%d)", row.Numerator, row.Denominator),
			Now: "—", Change: "—", Class: "same"}
		if cur, has := now[row.Indicator]; has {
			out.Now = pct(cur.Percent) + fmt.Sprintf(" (%d/%d)", cur.Numerator, cur.Denominator)
			if row.Percent != nil && cur.Percent != nil {
				d := tenthsOfPct(*cur.Percent) - tenthsOfPct(*row.Percent)
				out.Change = l.F("snap.points", signedTenths(d))
				switch {
				case d > 0:
					out.Class = "up"
				case d < 0:
					out.Class = "down"
				}
			}
		}
		if out.Class != "same" {
			changed++
		}
		rows = append(rows, out)
	}
	return rows, changed
}

// tenthsOfPct is a one-decimal percentage in integer tenths, so that
// differences print exactly.
func tenthsOfPct(p float64) int { return int(math.Round(p * 10)) }

func signedTenths(d int) string {
	v := strconv.FormatFloat(float64(d)/10, 'f', 1, 64)
	if d > 0 {
		v = "+" + v
	}
	return v
}
