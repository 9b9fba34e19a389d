package web

import (
	"net/http"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// todos are the signed-in user's to-dos on the home page: a clerk's
// streets still to report for the year and batches sent back to them; a
// reviewer's (or admin's) queue.
func (s *Server) todos(r *http.Request, l i18n.Lang, f *figures, year int) []components.Link {
	u, ok := currentUser(r)
	if !ok {
		return nil
	}
	ctx := r.Context()
	var out []components.Link
	if u.Role.CanReview() {
		if bs, err := s.reviewable(r, u, db.StatusSubmitted); err == nil && len(bs) > 0 {
			out = append(out, components.Link{Label: l.N("todo.queue", len(bs)), URL: "/review"})
		}
	}
	if !u.Role.CanUpload() {
		return out
	}
	if u.Role.Scoped() {
		due := s.deadline(r, year).Due
		var mine []string
		for _, st := range f.streets {
			if u.MayChangeStreet(st.Name) {
				mine = append(mine, st.Name)
			}
		}
		rep := metrics.ReportingOf(year, due, s.now(), mine, func(name string) bool {
			st, _ := f.street(name)
			return f.byStreet[st.ID][year].Units() > 0
		})
		if len(rep.Missing) > 0 {
			key := "todo.report"
			if rep.Late {
				key = "todo.late"
			}
			out = append(out, components.Link{Label: l.N(key, len(rep.Missing), year, strings.Join(rep.Missing, l.Pick("、", ", "))), URL: "/upload"})
		}
	}
	if bs, err := s.DB.RejectionNotices(ctx, u.Name); err == nil {
		for _, b := range bs {
			out = append(out, components.Link{Label: rejectionNotice(l, b), URL: "/history"})
		}
	}
	return out
}

// deadline is the year's reporting deadline, zero if none is set.
func (s *Server) deadline(r *http.Request, year int) (due db.Deadline) {
	ds, err := s.DB.Deadlines(r.Context())
	if err != nil {
		s.Logger.Warn("deadlines", "err", err)
		return db.Deadline{}
	}
	for _, d := range ds {
		if d.Year == year {
			return d
		}
	}
	return db.Deadline{}
}

// deadlineText adds a year's deadline to its reporting line ("已上报 11/13
// 个街道 · 截止 12 月 31 日") and says the missing streets are late once
// it is past.
func (s *Server) deadlineText(r *http.Request, l i18n.Lang, f *figures, year int, reported, missing string) (string, string) {
	d := s.deadline(r, year)
	if d.Due.IsZero() {
		return reported, missing
	}
	rep := s.reporting(f, year, d.Due)
	reported += " · " + l.F("deadline.due", int(d.Due.Month()), d.Due.Day(), d.Due.Year())
	if rep.Late {
		missing = l.N("deadline.late", len(rep.Missing), strings.Join(rep.Missing, l.Pick("、", ", ")))
	}
	return reported, missing
}
