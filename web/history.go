package web

import (
	"errors"
	"net/http"
	"strconv"

	"jindu/auth"
	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showHistory lists every batch, newest first.
func (s *Server) showHistory(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	msg := ""
	if id := r.URL.Query().Get("batch"); id != "" {
		msg = l.F("history.applied", id)
	}
	if id := r.URL.Query().Get("submitted"); id != "" {
		msg = l.F("history.submitted", id)
	}
	if id := r.URL.Query().Get("rolledback"); id != "" {
		msg = l.F("history.rolledback", id)
	}
	s.renderHistory(w, r, l, http.StatusOK, msg, "")
}

func (s *Server) renderHistory(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, msg, errMsg string) {
	batches, err := s.DB.Batches(r.Context(), 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, _ := currentUser(r)
	v := components.History{Page: s.page(r.Context(), r, l, l.T("history.title")), Message: msg, Error: errMsg}
	v.JS = nil
	// The rollbacks of the user's batches not shown before: said once
	// here (and on every page until here), then in the batch's line.
	notices, err := s.DB.RollbackNotices(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var seen int64
	for _, b := range notices {
		v.Notices = append(v.Notices, rollbackNotice(l, b))
		seen = max(seen, b.RolledBackBy)
	}
	rejected, err := s.DB.RejectionNotices(r.Context(), u.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []int64
	for _, b := range rejected {
		v.Rejections = append(v.Rejections, rejectionNotice(l, b))
		ids = append(ids, b.ID)
	}
	if err := s.DB.SeenRejections(r.Context(), u.Name, ids); err != nil {
		s.Logger.Error("seen rejections", "user", u.Name, "err", err)
	}
	v.Page.Notice = ""
	for _, b := range batches {
		if !mayReadBatch(u, b) {
			continue
		}
		id := strconv.FormatInt(b.ID, 10)
		row := components.BatchRow{ID: id, Kind: l.T("kind." + b.Kind), At: b.CreatedAt.Local().Format("2006-01-02 15:04"),
			Actor: b.Actor, File: b.FileName, Rows: strconv.Itoa(b.Rows), NewUnits: strconv.Itoa(b.NewUnits),
			Changed: strconv.Itoa(b.Changed), State: l.T("history.ineffect"), Note: b.Note,
			DetailURL: "/history/" + id, DetailText: l.F("batch.changedlink", b.Changed)}
		if b.FileName != "" && (b.Kind == db.KindUpload || b.Kind == db.KindImport) {
			row.FileURL = "/history/" + id + "/file"
		}
		switch {
		case b.Status == db.StatusSubmitted:
			row.State = l.T("review.state.submitted")
			row.DetailText = l.N("review.rows", b.Rows)
		case b.Status == db.StatusRejected:
			row.State, row.Undone = l.F("review.state.rejected", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"), b.ReviewReason), true
			row.DetailText = l.N("review.rows", b.Rows)
		case b.RolledBackBy != 0:
			row.State, row.Undone = l.F("history.undoneby", b.RolledBackBy, b.Undo.Actor, reasonText(l, b.Undo.Reason)), true
		case b.Kind == db.KindRollback:
			row.State = l.F("history.undoes", b.Reverts)
			row.Note = l.F("history.reason", reasonText(l, b.Reason)) // not the stored bilingual note
		case u.Role == auth.Admin:
			row.RollbackURL = "/history/" + id + "/rollback"
		}
		if b.Status == db.StatusApproved && b.RolledBackBy == 0 {
			row.State = l.F("review.state.approved", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"))
		}
		v.Rows = append(v.Rows, row)
	}
	if seen > 0 {
		if err := s.DB.SeenRollbacks(r.Context(), u.ID, seen); err != nil {
			s.Logger.Error("seen rollbacks", "user", u.Name, "err", err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.HistoryPage(v))
}

// rollbackNotice tells an uploader who rolled their batch back, when and
// why.
func rollbackNotice(l i18n.Lang, b db.Batch) string {
	return l.F("rollback.notice", b.ID, b.Undo.At.Local().Format("2006-01-02 15:04"), b.Undo.Actor, reasonText(l, b.Undo.Reason))
}

// rejectionNotice tells an uploader who sent their batch back, when and
// why.
func rejectionNotice(l i18n.Lang, b db.Batch) string {
	return l.F("review.notice", b.ID, b.ReviewedAt.Local().Format("2006-01-02 15:04"), b.ReviewedBy, b.ReviewReason)
}

func reasonText(l i18n.Lang, reason string) string {
	if reason == "" {
		return l.T("noreason")
	}
	return reason
}

// pathID reads the positive integer {id} of the path (a batch, a snapshot).
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// mayReadBatch reports whether u may see a batch in the history and
// download its file: an administrator, its uploader, or a clerk whose
// streets cover every street of the batch (a file holds whole rows of
// other streets otherwise, columns Jindu ignores included). Batches from
// before the streets were recorded are for administrators and their
// uploader only.
func mayReadBatch(u auth.User, b db.Batch) bool {
	switch {
	case u.Role == auth.Admin || (u.Name != "" && b.Actor == u.Name):
		return true
	case u.Role != auth.Clerk || !b.StreetsKnown:
		return false
	}
	for _, st := range b.Streets {
		if !u.MayChangeStreet(st) {
			return false
		}
	}
	return true
}

// batchFile downloads the file a batch was applied from, byte-identical,
// to those who may read the batch (others: 403).
func (s *Server) batchFile(w http.ResponseWriter, r *http.Request) {
	// The batch is checked first: a refusal reads no file.
	b, ok := s.readableBatch(w, r)
	if !ok {
		return
	}
	name, raw, err := s.DB.BatchFile(r.Context(), b.ID)
	if errors.Is(err, db.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", name))
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	w.Write(raw)
}
