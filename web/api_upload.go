package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"jindu/db"
	"jindu/ingest"
	"jindu/load"
	"jindu/web/i18n"
)

// uploadResponse is the JSON of POST /api/uploads (the contract).
type uploadResponse struct {
	BatchID     *int64           `json:"batch_id"`
	DryRun      bool             `json:"dry_run"`
	Rows        int              `json:"rows"`
	NewUnits    int              `json:"new_units"`
	Errors      []ingest.Problem `json:"errors"`
	Warnings    []ingest.Problem `json:"warnings"`
	DuplicateOf *int64           `json:"duplicate_of"`
	// Status is "submitted" when review is on and the batch waits for a
	// reviewer (202); absent otherwise, as before review existed.
	Status string `json:"status,omitempty"`
}

// apiUpload validates a file and applies it at once when valid (or only
// reports, with dry_run=1): 200 valid, 422 invalid (nothing changed), 413
// too large, 415 none of CSV, .xlsx, .xls, .ods. Problems are worded in the
// request's language.
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) {
	name, raw, fields, err := s.readUpload(w, r)
	switch {
	case errors.Is(err, errTooLarge):
		s.jsonError(w, http.StatusRequestEntityTooLarge, "file larger than "+sizeText(s.MaxUploadBytes)+" / 文件超过 "+sizeText(s.MaxUploadBytes)+" 上限")
		return
	case err != nil:
		s.jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	u, _ := currentUser(r)
	l, _ := i18n.FromRequest(r)
	release, err := s.acquireParse(u.Name)
	if err != nil {
		var busy errParseBusy
		errors.As(err, &busy)
		setRetryAfter(w)
		s.jsonError(w, busy.status, busyMessage(i18n.En, busy.status)+" / "+busyMessage(i18n.Zh, busy.status))
		return
	}
	defer release()
	dry := fields["dry_run"] == "1" || fields["dry_run"] == "true" || r.URL.Query().Get("dry_run") == "1"
	submit, err := s.submits(r, u)
	if err != nil {
		s.Logger.Error("api upload", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	submit = submit && !dry
	start := time.Now()
	res, err := load.File(r.Context(), s.DB, load.Input{Name: name, Kind: db.KindUpload, Actor: u.Name,
		Source: "api " + clientAddress(r), DryRun: dry, Options: s.importOptions(u), Submit: submit}, bytes.NewReader(raw))
	s.parseDone(r.Context(), name, res.Report, start)
	if r.Context().Err() != nil {
		return // the client left
	}
	resp := newUploadResponse(res.Report.Rows, LocalizeProblems(l, res.Report.Errors), LocalizeProblems(l, res.Report.Warnings))
	resp.DryRun = dry
	switch {
	case errors.Is(err, ingest.ErrUnsupportedFormat):
		s.jsonResponse(w, http.StatusUnsupportedMediaType, resp)
		return
	case errors.Is(err, ingest.ErrInvalid):
		s.jsonResponse(w, http.StatusUnprocessableEntity, resp)
		return
	case err != nil:
		s.Logger.Error("api upload", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	if res.DuplicateOf != nil {
		resp.DuplicateOf = &res.DuplicateOf.ID
		resp.Rows = res.DuplicateOf.Rows
	} else {
		resp.NewUnits = res.Batch.NewUnits
		if !dry {
			resp.BatchID = &res.Batch.ID
			if submit {
				resp.Status = db.StatusSubmitted
				s.auditBatch(r, db.AuditSubmit, res.Batch)
				s.jsonResponse(w, http.StatusAccepted, resp)
				return
			}
			s.auditBatch(r, db.AuditUpload, res.Batch)
		}
	}
	s.jsonResponse(w, http.StatusOK, resp)
}

// newUploadResponse is the uploads JSON of a parse: its problems as lists,
// empty ones included (the contract never sends null).
func newUploadResponse(rows int, errs, warnings []ingest.Problem) uploadResponse {
	if errs == nil {
		errs = []ingest.Problem{}
	}
	if warnings == nil {
		warnings = []ingest.Problem{}
	}
	return uploadResponse{Rows: rows, Errors: errs, Warnings: warnings}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
