package i18n

// messages is the one catalog of user-interface strings: key → Chinese and
// English text. It is kept in sections by the pages they serve; a key is
// defined in one section only, and one defined twice is listed in
// duplicates (the catalog test fails on it) instead of silently replacing
// the other.
var messages, duplicates = catalog(generalMessages, analysisMessages, authMessages, opsMessages,
	problemMessages, reportMessages, targetMessages, uploadMessages,
	adminMessages, auditMessages, batchMessages, worklistMessages, screenMessages, tableMessages, briefMessages, workflowMessages)

// englishOne holds the English singular of messages whose count is their
// first argument (N) or {count} (Problem), used when the count is 1:
// "1 error", not "1 errors". Chinese has no plural forms.
var englishOne = map[string]string{
	"incomplete.unknown":      "%d unit not reported",
	"targets.saved":           "%d change saved.",
	"preview.againstprevious": "%d unit has no data for the year yet and is compared with the year before.",
	"preview.morechanges":     "Only the first %d change is listed (of %d unit-years).",
	"preview.summary":         "%d valid row · format %s · encoding %s",
	"preview.invalid":         "The file has %d error; nothing was imported. Fix it and upload again.",
	"preview.morenew":         "%d more new unit not listed.",
	"login.blocked":           "Too many failed logins; try again in %d second.",
	"login.inflight":          "Another login attempt is being checked; try again in %d second.",
	"login.busy":              "Too many logins at once; try again in %d second.",
	"audit.repeats":           "(%d time, the last at %s)",
	"batch.shown":             "%d change.",
	"wl.near.k":               ", each %d star short",
	"nav.queue":               "%d batch waiting for review",
	"deadline.missing":        "%d street not reported yet (%s)",
	"todo.queue":              "%d batch waits for your review",
	"review.rows":             "%d row",
	"lock.some":               "🔒 %[1]d street's %[2]d figures are locked (%[3]s)",
	"todo.report":             "%d of your streets has not reported %d yet (%s)",
	"todo.late":               "%d of your streets is late with %d (%s)",
	"deadline.late":           "%d street late (%s)",
	"review.effect.short":     ", still %d short",
	"review.pending":          "%d of your batches was sent back (latest: %s)",
	"wl.near":                 "the %d compound below already holds %s",
	"wl.short":                ", but only %d is not rated",
	"wl.closest":              "the %d closest compound lacks %d stars in all",
	"brief.behind":            "%d street behind, %d more needed in all",
	"brief.behind.comm":       "%d community behind, %d more needed in all",
	"brief.restsame":          "The other %d indicator is unchanged.",
	"snap.since.n":            "Since this snapshot, %d indicator has changed:",

	"problem.not_reported":         "“{column}” is empty on {count} row (row {rows}): counted as not reported.",
	"problem.not_reported.missing": "The file has no “{field}” column: this indicator of {count} unit counts as not reported.",
	"problem.unnamed_column":       "Column {col} has no name; what {count} row holds in it was ignored (row {rows}).",
	"problem.merged_filled":        "“{column}” on row {rows} is a merged cell: its value was applied to every row of it ({count} row).",
	"problem.blank_filled":         "“{column}” on row {rows} was empty and was filled from the cell above (merged cells; {count} row).",
	"problem.hidden_rows":          "{count} row is hidden or filtered out and was imported as usual (row {rows}); delete it if it must not be imported.",
	"problem.grouped":              "“{value}” appears {count} time (row {rows}): ",
	"problem.grouped.empty":        "{count} row (row {rows}): ",
}

func catalog(sections ...map[string][2]string) (map[string][2]string, []string) {
	all := map[string][2]string{}
	var dup []string
	for _, sec := range sections {
		for k, v := range sec {
			if _, ok := all[k]; ok {
				dup = append(dup, k)
			}
			all[k] = v
		}
	}
	return all, dup
}
