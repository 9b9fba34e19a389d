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

// showReviewQueue is the review queue (待审核) of a reviewer or admin: the
// submitted batches of their streets, oldest first.
func (s *Server) showReviewQueue(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	msg := ""
	q := r.URL.Query()
	switch {
	case q.Get("approved") != "":
		msg = l.F("review.approved", q.Get("approved"))
	case q.Get("rejected") != "":
		msg = l.F("review.rejected", q.Get("rejected"))
	case q.Get("locked") != "":
		msg = l.T("workflow.done.lock")
	}
	s.renderReviewQueue(w, r, l, http.StatusOK, msg, "")
}

func (s *Server) renderReviewQueue(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, msg, errMsg string) {
	u, _ := currentUser(r)
	bs, err := s.reviewable(r, u, "submitted")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := components.ReviewQueue{Page: s.page(r.Context(), r, l, l.T("review.title")), Message: msg, Error: errMsg}
	v.JS = nil
	for _, y := range s.effectiveProgram().Years {
		v.Years = append(v.Years, components.Choice{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == f.latest})
	}
	if mayLock(u, "") {
		v.Streets = append(v.Streets, components.Choice{Value: "", Label: l.T("review.district")})
	}
	for _, st := range f.streets {
		if mayLock(u, st.Name) {
			v.Streets = append(v.Streets, components.Choice{Value: st.Name, Label: st.Name})
		}
	}
	for _, b := range bs {
		id := strconv.FormatInt(b.ID, 10)
		v.Rows = append(v.Rows, components.QueueRow{ID: id, Streets: strings.Join(b.Streets, l.Pick("、", ", ")),
			Rows: strconv.Itoa(b.Rows), Actor: b.Actor, At: b.CreatedAt.Local().Format("2006-01-02 15:04"),
			File: orDash(b.FileName), URL: "/review/" + id})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.ReviewQueuePage(v))
}

// lockFromQueue locks a year (封账) from the review queue's form: a
// reviewer for their streets (the district if district-wide), or an admin.
func (s *Server) lockFromQueue(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	u, _ := currentUser(r)
	year, ok := s.programYear(r.PostForm.Get("year"))
	street := strings.TrimSpace(r.PostForm.Get("street"))
	switch {
	case !ok:
		s.renderReviewQueue(w, r, l, http.StatusBadRequest, "", l.T("workflow.badyear"))
		return
	case !mayLock(u, street):
		s.forbidden(w, r)
		return
	}
	known, err := s.knownStreet(r, street)
	if err == nil && !known {
		s.renderReviewQueue(w, r, l, http.StatusBadRequest, "", l.F("workflow.badstreet", street))
		return
	}
	if err == nil {
		_, err = s.lockYear(r, u, year, street)
	}
	switch {
	case errors.Is(err, db.ErrExists):
		s.renderReviewQueue(w, r, l, http.StatusConflict, "", l.T("workflow.locked.already"))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review?locked=1", http.StatusSeeOther)
}
