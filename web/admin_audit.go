package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jindu/db"
	"jindu/web/components"
)

// auditActions are the filterable actions, in display order.
var auditActions = []string{db.AuditLogin, db.AuditLoginFailed, db.AuditLoginBlocked, db.AuditLogout,
	db.AuditUserAdd, db.AuditUserPassword, db.AuditUserDisable, db.AuditUserEnable, db.AuditUserRole,
	db.AuditUpload, db.AuditRollback, db.AuditProgram,
	db.AuditSubmit, db.AuditApprove, db.AuditReject, db.AuditLock, db.AuditUnlock, db.AuditReviewSetting, db.AuditDeadline}

const auditPageLimit = 500

// auditFilter reads the filter from the query; bad dates are ignored.
func auditFilter(r *http.Request) (db.AuditFilter, url.Values) {
	q := r.URL.Query()
	f := db.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor")}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), time.Local); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), time.Local); err == nil {
		f.To = t.AddDate(0, 0, 1) // the whole "to" day
	}
	clean := url.Values{}
	for _, k := range []string{"action", "actor", "from", "to"} {
		if v := q.Get(k); v != "" {
			clean.Set(k, v)
		}
	}
	return f, clean
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, q := auditFilter(r)
	f.Limit = auditPageLimit
	entries, err := s.DB.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	batches, err := s.DB.Batches(r.Context(), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byID := make(map[int64]db.Batch, len(batches))
	for _, b := range batches {
		byID[b.ID] = b
	}
	var actions []components.Choice
	for _, a := range auditActions {
		actions = append(actions, components.Choice{Value: a, Label: l.T("audit.a." + a), Selected: a == q.Get("action")})
	}
	v := components.Audit{Page: s.page(r.Context(), r, l, l.T("audit.title")), Actions: actions,
		Action: q.Get("action"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to"),
		CSVURL: "/admin/audit.csv?" + q.Encode(), Shown: l.F("audit.shown", len(entries))}
	v.JS = nil
	for _, e := range entries {
		event := s.auditSentence(l, e, byID)
		if e.Repeats > 1 {
			event += " " + l.N("audit.repeats", e.Repeats, e.LastAt.Local().Format("2006-01-02 15:04:05"))
		}
		v.Rows = append(v.Rows, components.AuditRow{At: e.At.Local().Format("2006-01-02 15:04:05"), Actor: e.Actor,
			Address: e.Address, Action: l.T("audit.a." + e.Action), Event: event})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.AuditPage(v))
}

// auditCSV exports the filtered log (all matching entries) as CSV.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	f, _ := auditFilter(r)
	entries, err := s.DB.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "jindu-audit.csv"))
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"id", "at", "actor", "address", "action", "target", "detail", "repeats", "last_at"})
	for _, e := range entries {
		last := ""
		if !e.LastAt.IsZero() {
			last = e.LastAt.UTC().Format(time.RFC3339)
		}
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), safeCell(e.Actor), safeCell(e.Address),
			e.Action, safeCell(e.Target), safeCell(e.Detail), strconv.Itoa(e.Repeats), last})
	}
	cw.Flush()
}
