package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// maxReason bounds a rollback's reason, in characters.
const maxReason = 500

// showRollback is the confirmation page of a rollback (admin): what it
// undoes, with a required reason. Nothing changes on GET.
func (s *Server) showRollback(w http.ResponseWriter, r *http.Request) {
	b, ok := s.pathBatch(w, r)
	if !ok {
		return
	}
	l := lang(w, r)
	refusal := rollbackRefusal(l, b)
	if refusal == "" {
		// Later batches' changes are counted first (reading only), so that
		// nobody is asked to confirm what would be refused.
		n, err := s.DB.RollbackConflicts(r.Context(), b.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n > 0 {
			refusal = l.F("rollback.conflictcount", b.ID, n)
		}
	}
	if refusal != "" {
		s.renderRollback(w, r, l, http.StatusConflict, b, refusal, "", true)
		return
	}
	s.renderRollback(w, r, l, http.StatusOK, b, "", "", false)
}

// rollbackRefusal says, in l, why b cannot be rolled back ("" if it can).
func rollbackRefusal(l i18n.Lang, b db.Batch) string {
	switch {
	case b.Status == db.StatusSubmitted || b.Status == db.StatusRejected:
		return l.F("rollback.notapplied", b.ID)
	case b.RolledBackBy != 0:
		return l.F("rollback.already", b.ID, b.RolledBackBy)
	case b.Kind == db.KindRollback:
		return l.F("rollback.isrollback", b.ID)
	}
	return ""
}

// renderRollback shows the confirmation page; refused, it offers no form.
func (s *Server) renderRollback(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, b db.Batch, errMsg, reason string, refused bool) {
	id := strconv.FormatInt(b.ID, 10)
	v := components.RollbackConfirm{Page: s.page(r.Context(), r, l, l.F("rollback.title", b.ID)), Heading: l.F("rollback.title", b.ID),
		What: l.F("rollback.what", b.ID, b.Changed, streetList(l, b)), Effect: l.F("rollback.effect", b.ID),
		Batch: l.F("rollback.batch", l.T("kind."+b.Kind), b.CreatedAt.Local().Format("2006-01-02 15:04"), b.Actor,
			orDash(b.FileName), b.Rows),
		SeeURL: "/history/" + id, Error: errMsg, Reason: reason, ID: id}
	v.JS = nil
	if !refused && rollbackRefusal(l, b) == "" {
		info, err := s.DB.Info(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Action, v.Seq = "/history/"+id+"/rollback", strconv.FormatInt(info.DataSeq, 10)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.RollbackPage(v))
}

// streetList names a batch's streets for the confirmation ("西大街道、东大街道").
func streetList(l i18n.Lang, b db.Batch) string {
	const shown = 8
	switch {
	case !b.StreetsKnown || len(b.Streets) == 0:
		return l.T("rollback.nostreets")
	case len(b.Streets) > shown:
		return l.F("rollback.morestreets", strings.Join(b.Streets[:shown], l.Pick("、", ", ")), len(b.Streets)-shown)
	}
	return strings.Join(b.Streets, l.Pick("、", ", "))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// rollbackBatch undoes a batch (admin), but only when the form comes from
// the confirmation page: confirm=1, the data version the page showed (a
// change since means re-checking) and a reason. Anything less shows the
// confirmation page again and changes nothing. A refusal (already rolled
// back, a rollback, later batches changed the same unit-years) is said in
// the page's language. Success redirects to the rollback's own page.
func (s *Server) rollbackBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.pathBatch(w, r)
	if !ok {
		return
	}
	id := b.ID
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if refusal := rollbackRefusal(l, b); refusal != "" {
		s.renderRollback(w, r, l, http.StatusConflict, b, refusal, reason, true)
		return
	}
	info, err := s.DB.Info(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case r.PostForm.Get("confirm") != "1" || r.PostForm.Get("seq") == "":
		s.renderRollback(w, r, l, http.StatusBadRequest, b, l.T("rollback.unconfirmed"), reason, false)
		return
	case r.PostForm.Get("seq") != strconv.FormatInt(info.DataSeq, 10):
		s.renderRollback(w, r, l, http.StatusConflict, b, l.T("rollback.stale"), reason, false)
		return
	case reason == "":
		s.renderRollback(w, r, l, http.StatusBadRequest, b, l.T("rollback.noreason"), reason, false)
		return
	}
	if rs := []rune(reason); len(rs) > maxReason {
		reason = string(rs[:maxReason])
	}
	u, _ := currentUser(r)
	rb, err := s.DB.Rollback(r.Context(), id, u.Name, "web "+clientAddress(r), reason)
	var conflict *db.RollbackConflict
	var locked *db.LockedError
	switch {
	case errors.As(err, &locked):
		s.renderRollback(w, r, l, http.StatusConflict, b, lockedText(l, locked), reason, true)
		return
	case errors.As(err, &conflict):
		var at []string
		for _, c := range conflict.Later {
			at = append(at, l.F("rollback.conflictat", c.Path, c.Year, c.Batch))
		}
		s.renderRollback(w, r, l, http.StatusConflict, b, l.F("rollback.conflict", id, conflict.Total, strings.Join(at, l.Pick("；", "; "))), reason, true)
		return
	case errors.Is(err, db.ErrConflict):
		// Rolled back (or found to be a rollback) since it was read.
		if b, err := s.DB.BatchByID(r.Context(), id); err == nil && rollbackRefusal(l, b) != "" {
			s.renderRollback(w, r, l, http.StatusConflict, b, rollbackRefusal(l, b), reason, true)
			return
		}
		s.fail(w, r, err)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditRollback, Target: "batch " + strconv.FormatInt(id, 10),
		Detail: "rollback batch " + strconv.FormatInt(rb.ID, 10) + ", changed " + strconv.Itoa(rb.Changed) + ", reason: " + reason})
	http.Redirect(w, r, "/history/"+strconv.FormatInt(rb.ID, 10)+"?undone="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// lockedText says, in l, which lock refused a change.
func lockedText(l i18n.Lang, e *db.LockedError) string {
	return l.F("lock.refused", e.Street, e.Year, e.Lock.By, e.Lock.At.Local().Format("2006-01-02 15:04"))
}
