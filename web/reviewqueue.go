package web

import (
	"net/http"
	"strconv"
	"strings"

	"jindu/web/components"
)

// showReviewQueue is the review queue (待审核) of a reviewer or admin: the
// submitted batches of their streets, oldest first.
func (s *Server) showReviewQueue(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	u, _ := currentUser(r)
	bs, err := s.reviewable(r, u, "submitted")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := components.ReviewQueue{Page: s.page(r.Context(), r, l, l.T("review.title"))}
	v.JS = nil
	q := r.URL.Query()
	if id := q.Get("approved"); id != "" {
		v.Message = l.F("review.approved", id)
	} else if id := q.Get("rejected"); id != "" {
		v.Message = l.F("review.rejected", id)
	}
	for _, b := range bs {
		id := strconv.FormatInt(b.ID, 10)
		v.Rows = append(v.Rows, components.QueueRow{ID: id, Streets: strings.Join(b.Streets, l.Pick("、", ", ")),
			Rows: strconv.Itoa(b.Rows), Actor: b.Actor, At: b.CreatedAt.Local().Format("2006-01-02 15:04"),
			File: orDash(b.FileName), URL: "/review/" + id})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.ReviewQueuePage(v))
}
