package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
)

// maxChangesShown bounds the changes a batch's page lists; the CSV has
// them all.
const maxChangesShown = 1000

// changeFields are the fields a change can name, in display order.
var changeFields = append([]string{"five_good", "stars", "service_center", "party_branch", "owners_committee",
	"property_service"}, metrics.StarNames[:]...)

// changeFilter is what a batch's page and CSV are filtered by.
type changeFilter struct {
	Street, Field, Query string
}

func batchChangeFilter(r *http.Request) (changeFilter, url.Values) {
	q := r.URL.Query()
	f := changeFilter{Street: q.Get("street"), Field: q.Get("field"), Query: strings.TrimSpace(q.Get("q"))}
	if !slices.Contains(changeFields, f.Field) {
		f.Field = ""
	}
	if len([]rune(f.Query)) > 64 {
		f.Query = string([]rune(f.Query)[:64])
	}
	clean := url.Values{}
	for k, v := range map[string]string{"street": f.Street, "field": f.Field, "q": f.Query} {
		if v != "" {
			clean.Set(k, v)
		}
	}
	return f, clean
}

// eachChange walks the batch's changes that pass the filter, a field at a
// time.
func (s *Server) eachChange(r *http.Request, id int64, f changeFilter, fn func(c db.BatchChange, fc db.FieldChange) error) error {
	return s.DB.EachBatchChange(r.Context(), id, func(c db.BatchChange) error {
		if (f.Street != "" && c.Street != f.Street) || (f.Query != "" && !strings.Contains(c.Path, f.Query)) {
			return nil
		}
		for _, fc := range c.Fields {
			if f.Field != "" && fc.Field != f.Field {
				continue
			}
			if err := fn(c, fc); err != nil {
				return err
			}
		}
		return nil
	})
}

// pathBatch finds the batch of the path ({id}): 404 when there is none.
func (s *Server) pathBatch(w http.ResponseWriter, r *http.Request) (db.Batch, bool) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return db.Batch{}, false
	}
	b, err := s.DB.BatchByID(r.Context(), id)
	switch {
	case errors.Is(err, db.ErrNotFound):
		s.notFound(w, r)
		return db.Batch{}, false
	case err != nil:
		s.fail(w, r, err)
		return db.Batch{}, false
	}
	return b, true
}

// readableBatch finds the batch of the path for those who may read it:
// 404 when there is none, 403 outside a clerk's scope (as its file).
func (s *Server) readableBatch(w http.ResponseWriter, r *http.Request) (db.Batch, bool) {
	b, ok := s.pathBatch(w, r)
	if !ok {
		return db.Batch{}, false
	}
	if u, _ := currentUser(r); !mayReadBatch(u, b) {
		s.forbidden(w, r)
		return db.Batch{}, false
	}
	return b, true
}

// showBatch lists every change of a batch (unit, field, old → new).
func (s *Server) showBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readableBatch(w, r)
	if !ok {
		return
	}
	l := lang(w, r)
	f, q := batchChangeFilter(r)
	id := strconv.FormatInt(b.ID, 10)
	v := components.BatchDetail{Page: s.page(r.Context(), r, l, l.F("batch.title", b.ID)), Heading: l.F("batch.title", b.ID),
		Meta:  l.F("batch.meta", l.T("kind."+b.Kind), b.CreatedAt.Local().Format("2006-01-02 15:04"), b.Actor, b.Rows, b.Changed),
		Query: f.Query, Action: "/history/" + id, CSVURL: "/history/" + id + "/changes.csv"}
	v.JS = nil
	if len(q) > 0 {
		v.CSVURL += "?" + q.Encode()
	}
	if b.FileName != "" && (b.Kind == db.KindUpload || b.Kind == db.KindImport) {
		v.FileURL, v.FileName = "/history/"+id+"/file", b.FileName
	}
	switch u, _ := currentUser(r); {
	case b.Status == db.StatusSubmitted:
		v.Undo = l.T("batch.submitted")
	case b.Status == db.StatusRejected:
		v.Undo = l.F("review.state.rejected", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"), b.ReviewReason)
	case b.RolledBackBy != 0:
		v.Undo = l.F("batch.undone", b.Undo.At.Local().Format("2006-01-02 15:04"), b.Undo.Actor, b.RolledBackBy, reasonText(l, b.Undo.Reason))
	case b.Kind == db.KindRollback:
		v.Undo = l.F("batch.undoes", b.Reverts, reasonText(l, b.Reason))
	case u.Role == auth.Admin:
		v.Rollback = "/history/" + id + "/rollback"
	}
	if b.Status == db.StatusApproved {
		// The story: submitted by the uploader, approved by the reviewer
		// (and, above, rolled back if it was).
		v.Meta += l.Pick("；", "; ") + l.F("review.state.approved", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"))
	}
	if undone, err := strconv.ParseInt(r.URL.Query().Get("undone"), 10, 64); err == nil && b.Kind == db.KindRollback && undone == b.Reverts {
		v.Message = l.F("batch.done", b.Reverts, b.Changed)
	}
	for _, st := range b.Streets {
		v.Streets = append(v.Streets, components.Choice{Value: st, Label: st, Selected: st == f.Street})
	}
	for _, fl := range changeFields {
		v.Fields = append(v.Fields, components.Choice{Value: fl, Label: l.T("field." + fl), Selected: fl == f.Field})
	}
	total := 0
	err := s.eachChange(r, b.ID, f, func(c db.BatchChange, fc db.FieldChange) error {
		total++
		if len(v.Rows) < maxChangesShown {
			v.Rows = append(v.Rows, components.ChangeRow{Unit: c.Path, Level: l.T("level." + string(c.Level)), Year: strconv.Itoa(c.Year),
				Field: l.T("field." + fc.Field), Old: valueText(l, fc.Field, fc.Old), New: valueText(l, fc.Field, fc.New)})
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Shown = l.N("batch.shown", total)
	if total > len(v.Rows) {
		v.Shown = l.F("batch.truncated", total, len(v.Rows))
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.BatchPage(v))
}

// batchChangesCSV exports the filtered changes of a batch, one line per
// field, in the page's language; text cells are neutralised against
// spreadsheet formulas.
func (s *Server) batchChangesCSV(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readableBatch(w, r)
	if !ok {
		return
	}
	l := lang(w, r)
	f, _ := batchChangeFilter(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "jindu-batch-"+strconv.FormatInt(b.ID, 10)+".csv"))
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(strings.Split(l.T("batch.csv.header"), ","))
	id := strconv.FormatInt(b.ID, 10)
	err := s.eachChange(r, b.ID, f, func(c db.BatchChange, fc db.FieldChange) error {
		cw.Write([]string{id, safeCell(c.Street), safeCell(c.Path), l.T("level." + string(c.Level)), strconv.Itoa(c.Year),
			l.T("field." + fc.Field), valueText(l, fc.Field, fc.Old), valueText(l, fc.Field, fc.New)})
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		s.Logger.Error("batch changes csv", "batch", b.ID, "err", err)
	}
}
