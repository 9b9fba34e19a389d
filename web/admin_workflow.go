package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showWorkflow is the administrators' page of review (上报需审核), locked
// years (封账) and reporting deadlines (填报截止日期).
func (s *Server) showWorkflow(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	msg := ""
	if k := r.URL.Query().Get("done"); slices.Contains([]string{"review", "lock", "unlock", "deadline"}, k) {
		msg = l.T("workflow.done." + k)
	}
	s.renderWorkflow(w, r, l, http.StatusOK, msg, "")
}

func (s *Server) renderWorkflow(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, msg, errMsg string) {
	ctx := r.Context()
	on, err := s.DB.Review(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	locks, err := s.DB.Locks(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	deadlines, err := s.DB.Deadlines(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.figures(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := components.Workflow{Page: s.page(ctx, r, l, l.T("workflow.title")), Message: msg, Error: errMsg, ReviewOn: on}
	v.JS = nil
	for _, lk := range locks {
		scope := lk.Street
		if scope == "" {
			scope = l.T("review.district")
		}
		v.Locks = append(v.Locks, components.LockRow{Year: strconv.Itoa(lk.Year), Scope: scope, By: lk.By,
			At: lk.At.Local().Format("2006-01-02 15:04"), YearValue: strconv.Itoa(lk.Year), Street: lk.Street})
	}
	p := s.effectiveProgram()
	for _, y := range p.Years {
		v.Years = append(v.Years, components.Choice{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == f.latest})
	}
	for _, st := range f.streets {
		v.Streets = append(v.Streets, components.Choice{Value: st.Name, Label: st.Name})
	}
	for _, d := range deadlines {
		rep := s.reporting(f, d.Year, d.Due)
		v.Deadlines = append(v.Deadlines, components.DeadlineRow{Year: strconv.Itoa(d.Year), Due: d.Due.Format("2006-01-02"),
			Status: reportingText(l, rep)})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.WorkflowPage(v))
}

// reporting is how the streets stand against a year's deadline.
func (s *Server) reporting(f *figures, year int, due time.Time) metrics.Reporting {
	names := make([]string, 0, len(f.streets))
	ids := map[string]int64{}
	for _, st := range f.streets {
		names = append(names, st.Name)
		ids[st.Name] = st.ID
	}
	return metrics.ReportingOf(year, due, s.now(), names, func(name string) bool {
		return f.byStreet[ids[name]][year].Units() > 0
	})
}

// reportingText words a year's reporting: "已上报 11/13 · 截止 12 月 31 日 ·
// 2 个街道未上报（…）".
func reportingText(l i18n.Lang, rep metrics.Reporting) string {
	parts := []string{l.F("deadline.reported", rep.Reported, rep.Total)}
	if !rep.Due.IsZero() {
		parts = append(parts, l.F("deadline.due", int(rep.Due.Month()), rep.Due.Day(), rep.Due.Year()))
	}
	if len(rep.Missing) > 0 {
		shown := rep.Missing
		if len(shown) > 8 {
			shown = shown[:8]
		}
		key := "deadline.missing"
		if rep.Late {
			key = "deadline.late"
		}
		parts = append(parts, l.N(key, len(rep.Missing), strings.Join(shown, l.Pick("、", ", "))))
	}
	return strings.Join(parts, " · ")
}

// postWorkflow changes a setting of the workflow page (admins): review on
// or off, a lock, an unlock (with a reason) or a deadline. Each is
// audited; the page is shown again with the result.
func (s *Server) postWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	u, _ := currentUser(r)
	ctx := r.Context()
	f := r.PostForm
	action := f.Get("action")
	year, ok := s.programYear(f.Get("year"))
	if action != "review" && !ok {
		s.renderWorkflow(w, r, l, http.StatusBadRequest, "", l.T("workflow.badyear"))
		return
	}
	street := strings.TrimSpace(f.Get("street"))
	var err error
	switch action {
	case "review":
		on := f.Get("review") == "on"
		if err = s.DB.SetReview(ctx, on); err == nil {
			s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditReviewSetting, Detail: "review=" + f.Get("review")})
		}
	case "lock":
		var known bool
		if known, err = s.knownStreet(r, street); err == nil && !known {
			s.renderWorkflow(w, r, l, http.StatusBadRequest, "", l.F("workflow.badstreet", street))
			return
		}
		if err == nil {
			_, err = s.lockYear(r, u, year, street)
		}
		if errors.Is(err, db.ErrExists) {
			s.renderWorkflow(w, r, l, http.StatusConflict, "", l.T("workflow.locked.already"))
			return
		}
	case "unlock":
		reason := strings.TrimSpace(f.Get("reason"))
		if reason == "" {
			s.renderWorkflow(w, r, l, http.StatusBadRequest, "", l.T("workflow.unlock.noreason"))
			return
		}
		err = s.DB.UnlockYear(ctx, year, street)
		if errors.Is(err, db.ErrNotFound) {
			s.renderWorkflow(w, r, l, http.StatusNotFound, "", l.T("workflow.unlock.none"))
			return
		}
		if err == nil {
			s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditUnlock, Target: lockTarget(year, street), Detail: "reason: " + reason})
		}
	case "deadline":
		due, perr := time.Parse("2006-01-02", f.Get("due"))
		if perr != nil {
			s.renderWorkflow(w, r, l, http.StatusBadRequest, "", l.T("workflow.baddue"))
			return
		}
		if err = s.DB.SetDeadline(ctx, db.Deadline{Year: year, Due: due, SetBy: u.Name}); err == nil {
			s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditDeadline, Target: strconv.Itoa(year), Detail: "due=" + due.Format("2006-01-02")})
		}
	default:
		s.renderWorkflow(w, r, l, http.StatusBadRequest, "", l.T("workflow.badaction"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/workflow?done="+action, http.StatusSeeOther)
}
