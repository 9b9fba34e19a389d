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
	for _, b := range batches {
		if !mayReadBatch(u, b) {
			continue
		}
		id := strconv.FormatInt(b.ID, 10)
		row := components.BatchRow{ID: id, Kind: l.T("kind." + b.Kind), At: b.CreatedAt.Local().Format("2006-01-02 15:04"),
			Actor: b.Actor, File: b.FileName, Rows: strconv.Itoa(b.Rows), NewUnits: strconv.Itoa(b.NewUnits),
			Changed: strconv.Itoa(b.Changed), State: l.T("history.ineffect"), Note: b.Note}
		if b.FileName != "" && (b.Kind == db.KindUpload || b.Kind == db.KindImport) {
			row.FileURL = "/history/" + id + "/file"
		}
		switch {
		case b.RolledBackBy != 0:
			row.State = l.F("history.undone", b.RolledBackBy)
		case b.Kind == db.KindRollback:
			row.State = l.F("history.undoes", b.Reverts)
		case u.Role == auth.Admin:
			row.RollbackURL = "/history/" + id + "/rollback"
		}
		v.Rows = append(v.Rows, row)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.HistoryPage(v))
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
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	// The batch is checked first: a refusal reads no file.
	b, err := s.DB.BatchByID(r.Context(), id)
	if u, _ := currentUser(r); err == nil && !mayReadBatch(u, b) {
		s.forbidden(w, r)
		return
	}
	var name string
	var raw []byte
	if err == nil {
		name, raw, err = s.DB.BatchFile(r.Context(), id)
	}
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

// rollbackBatch undoes a batch (admin); refused with the reason when later
// batches changed the same unit-years.
func (s *Server) rollbackBatch(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	u, _ := currentUser(r)
	b, err := s.DB.Rollback(r.Context(), id, u.Name, "web "+clientAddress(r), "")
	switch {
	case errors.Is(err, db.ErrNotFound):
		s.notFound(w, r)
		return
	case errors.Is(err, db.ErrConflict):
		s.renderHistory(w, r, l, http.StatusConflict, "", err.Error())
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditRollback, Target: "batch " + strconv.FormatInt(id, 10),
		Detail: "rollback batch " + strconv.FormatInt(b.ID, 10) + ", changed " + strconv.Itoa(b.Changed)})
	http.Redirect(w, r, "/history?rolledback="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
