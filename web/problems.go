package web

import (
	"strings"

	"jindu/ingest"
	"jindu/web/i18n"
)

// LocalizeProblems words each problem (its Message) in l, from its code
// and parameters; the code stays for scripts. It returns a copy.
func LocalizeProblems(l i18n.Lang, ps []ingest.Problem) []ingest.Problem {
	out := make([]ingest.Problem, len(ps))
	for i, p := range ps {
		p.Message = l.Problem(i18n.ProblemFields{Code: p.Code, Sheet: p.Sheet, Column: p.Column, Value: p.Value,
			Row: p.Row, Count: p.Count, Rows: p.Rows, Params: p.Params})
		out[i] = p
	}
	return out
}

// problemsCSVHeader is the header of problems.csv in l.
func problemsCSVHeader(l i18n.Lang) []string {
	return strings.Split(l.T("problems.csv.header"), ",")
}
