package web

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/load"
	"jindu/metrics"
	"jindu/web/i18n"
)

// correction is one online correction (在线修改): one field of one
// unit-year, with a reason.
type correction struct {
	Year                        int
	Street, Community, Compound string
	Field, Value, Reason        string
}

// errCorrection is a correction refused before any file is made of it;
// Code is its stable code, Message its words in the request's language.
type errCorrection struct {
	Status        int
	Code, Message string
}

func (e *errCorrection) Error() string { return e.Code }

// errForbidden is a correction of a street outside the user's scope.
var errForbidden = errors.New("street outside the user's scope")

// readCorrection reads the correction form.
func readCorrection(r *http.Request) correction {
	f := r.PostForm
	y, _ := strconv.Atoi(strings.TrimSpace(f.Get("year")))
	return correction{Year: y, Street: strings.TrimSpace(f.Get("street")), Community: strings.TrimSpace(f.Get("community")),
		Compound: strings.TrimSpace(f.Get("compound")), Field: strings.TrimSpace(f.Get("field")),
		Value: strings.TrimSpace(f.Get("value")), Reason: strings.TrimSpace(f.Get("reason"))}
}

// correct applies (or, under review, submits) a correction as a small
// batch: the unit-year's current values with the one field changed, as a
// one-row ledger parsed and validated like an uploaded file, so a bad
// value gets the code a file would get. The unit must exist; the user's
// street scope applies.
func (s *Server) correct(r *http.Request, l i18n.Lang, u auth.User, c correction) (load.Result, bool, error) {
	refuse := func(status int, code, key string, args ...any) (load.Result, bool, error) {
		return load.Result{}, false, &errCorrection{Status: status, Code: code, Message: l.F(key, args...)}
	}
	p := s.effectiveProgram()
	switch {
	case !u.MayChangeStreet(c.Street):
		return load.Result{}, false, errForbidden
	case !slices.Contains(p.Years, c.Year) && (p.BaselineYear == 0 || c.Year != p.BaselineYear):
		return refuse(http.StatusBadRequest, "bad_year", "correct.badyear")
	case c.Reason == "":
		return refuse(http.StatusBadRequest, "reason_required", "correct.noreason")
	case !slices.Contains(ingest.CorrectionFields(), c.Field):
		return refuse(http.StatusBadRequest, "bad_field", "correct.badfield", c.Field)
	case c.Compound != "" && c.Community == "":
		return refuse(http.StatusBadRequest, "empty_required", "correct.nocommunity")
	}
	street, err := s.DB.StreetByName(r.Context(), c.Street)
	if errors.Is(err, db.ErrNotFound) {
		return refuse(http.StatusUnprocessableEntity, "unknown_unit", "correct.unknown", c.Street)
	}
	if err != nil {
		return load.Result{}, false, err
	}
	recs, err := s.DB.StreetRecords(r.Context(), street, c.Year)
	if err != nil {
		return load.Result{}, false, err
	}
	want := metrics.UnitRef{Street: c.Street, Community: c.Community, Compound: c.Compound}
	i := slices.IndexFunc(recs, func(rec metrics.Record) bool {
		return rec.Unit.Street == want.Street && rec.Unit.Community == want.Community && rec.Unit.Compound == want.Compound
	})
	if i < 0 {
		return refuse(http.StatusUnprocessableEntity, "unknown_unit", "correct.unknown", want.Path())
	}
	file, err := ingest.CorrectionCSV(recs[i], c.Field, c.Value)
	if err != nil {
		return load.Result{}, false, err
	}
	submit, err := s.submits(r, u)
	if err != nil {
		return load.Result{}, false, err
	}
	if rs := []rune(c.Reason); len(rs) > maxReason {
		c.Reason = string(rs[:maxReason])
	}
	name := l.F("correct.filename", want.Path(), c.Year, s.now().Local().Format("20060102-150405"))
	res, err := load.File(r.Context(), s.DB, load.Input{Name: name, Kind: db.KindUpload, Actor: u.Name,
		Source: "在线修改 web " + clientAddress(r), Options: s.importOptions(u), Submit: submit,
		Note: "在线修改 / correction: " + c.Reason}, bytes.NewReader(file))
	res.Report.Errors = LocalizeProblems(l, res.Report.Errors)
	res.Report.Warnings = LocalizeProblems(l, res.Report.Warnings)
	if err == nil && res.DuplicateOf == nil {
		action := db.AuditUpload
		if submit {
			action = db.AuditSubmit
		}
		s.audit(r, db.AuditEntry{Actor: u.Name, Action: action, Target: "batch " + strconv.FormatInt(res.Batch.ID, 10),
			Detail: "correction " + want.Path() + " " + strconv.Itoa(c.Year) + " " + c.Field + "=" + c.Value + ", reason: " + c.Reason})
	}
	return res, submit, err
}

// apiCorrection is POST /api/corrections (clerks in scope, admins): the
// uploads JSON; 200 applied, 202 submitted under review, 422 invalid
// (the code a file would get), 400 a form that names no correction.
func (s *Server) apiCorrection(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.jsonError(w, http.StatusBadRequest, "bad form / 表单无效")
		return
	}
	l, _ := i18n.FromRequest(r)
	u, _ := currentUser(r)
	start := time.Now()
	c := readCorrection(r)
	res, submit, err := s.correct(r, l, u, c)
	s.parseDone(r.Context(), "correction", res.Report, start)
	resp := newUploadResponse(res.Report.Rows, res.Report.Errors, res.Report.Warnings)
	var bad *errCorrection
	switch {
	case errors.Is(err, errForbidden):
		s.forbidden(w, r)
		return
	case errors.As(err, &bad):
		resp.Errors = []ingest.Problem{{Code: bad.Code, Message: bad.Message}}
		s.jsonResponse(w, bad.Status, resp)
		return
	case errors.Is(err, ingest.ErrInvalid):
		s.jsonResponse(w, http.StatusUnprocessableEntity, resp)
		return
	case err != nil:
		s.Logger.Error("correction", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	if res.DuplicateOf != nil {
		resp.DuplicateOf = &res.DuplicateOf.ID
		s.jsonResponse(w, http.StatusOK, resp)
		return
	}
	resp.BatchID, resp.NewUnits = &res.Batch.ID, res.Batch.NewUnits
	if submit {
		resp.Status = db.StatusSubmitted
		s.jsonResponse(w, http.StatusAccepted, resp)
		return
	}
	s.jsonResponse(w, http.StatusOK, resp)
}
