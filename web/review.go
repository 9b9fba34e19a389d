package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/load"
	"jindu/metrics"
	"jindu/web/i18n"
)

// maxQueue bounds the submitted batches the queue lists.
const maxQueue = 200

// submits reports whether u's uploads wait for review: review is on and u
// is a clerk (an administrator's upload applies at once).
func (s *Server) submits(r *http.Request, u auth.User) (bool, error) {
	if u.Role != auth.Clerk {
		return false, nil
	}
	return s.DB.Review(r.Context())
}

// mayReview reports whether u may approve or reject b: a reviewer or admin
// whose streets hold every street of the batch.
func mayReview(u auth.User, b db.Batch) bool {
	if !u.Role.CanReview() {
		return false
	}
	if u.Role == auth.Admin || len(u.Streets) == 0 {
		return true
	}
	if !b.StreetsKnown || len(b.Streets) == 0 {
		return false
	}
	for _, st := range b.Streets {
		if !u.MayReviewStreet(st) {
			return false
		}
	}
	return true
}

// batchJSON is one batch of GET /api/batches (the contract).
type batchJSON struct {
	ID          int64    `json:"id"`
	Status      string   `json:"status"`
	Streets     []string `json:"streets"`
	Rows        int      `json:"rows"`
	SubmittedBy string   `json:"submitted_by"`
	SubmittedAt string   `json:"submitted_at"`
	ReviewedBy  string   `json:"reviewed_by,omitempty"`
	ReviewedAt  string   `json:"reviewed_at,omitempty"`
	Reason      string   `json:"reason,omitempty"`
}

func toBatchJSON(b db.Batch) batchJSON {
	j := batchJSON{ID: b.ID, Status: b.Status, Streets: b.Streets, Rows: b.Rows, SubmittedBy: b.Actor,
		SubmittedAt: b.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), ReviewedBy: b.ReviewedBy, Reason: b.ReviewReason}
	if j.Streets == nil {
		j.Streets = []string{}
	}
	if !b.ReviewedAt.IsZero() {
		j.ReviewedAt = b.ReviewedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	return j
}

// reviewable lists the batches in a state that u may review, oldest first
// (the queue is worked through in order).
func (s *Server) reviewable(r *http.Request, u auth.User, status string) ([]db.Batch, error) {
	bs, err := s.DB.BatchesByStatus(r.Context(), status, maxQueue)
	if err != nil {
		return nil, err
	}
	out := bs[:0]
	for _, b := range bs {
		if mayReview(u, b) {
			out = append(out, b)
		}
	}
	return out, nil
}

// apiBatches lists batches by review state (reviewers and admins; a
// reviewer sees those of their streets): GET /api/batches?status=submitted.
func (s *Server) apiBatches(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = db.StatusSubmitted
	}
	switch status {
	case db.StatusSubmitted, db.StatusApproved, db.StatusRejected:
	default:
		s.jsonError(w, http.StatusBadRequest, "status must be submitted, approved or rejected / status 须为 submitted、approved 或 rejected")
		return
	}
	u, _ := currentUser(r)
	bs, err := s.reviewable(r, u, status)
	if err != nil {
		s.Logger.Error("api batches", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	out := struct {
		Batches []batchJSON `json:"batches"`
	}{Batches: []batchJSON{}}
	for _, b := range bs {
		out.Batches = append(out.Batches, toBatchJSON(b))
	}
	s.jsonResponse(w, http.StatusOK, out)
}

// reviewOutcome is the JSON of an approval or rejection (the contract).
type reviewOutcome struct {
	BatchID int64            `json:"batch_id"`
	Status  string           `json:"status"`
	Errors  []ingest.Problem `json:"errors,omitempty"`
}

// reviewTarget reads the batch of the path for a review action: 404
// unknown, 403 outside the reviewer's streets.
func (s *Server) reviewTarget(w http.ResponseWriter, r *http.Request) (db.Batch, auth.User, bool) {
	u, _ := currentUser(r)
	id, ok := pathID(r)
	if !ok {
		s.jsonError(w, http.StatusNotFound, "no such batch / 没有该批次")
		return db.Batch{}, u, false
	}
	b, err := s.DB.BatchByID(r.Context(), id)
	switch {
	case errors.Is(err, db.ErrNotFound):
		s.jsonError(w, http.StatusNotFound, "no such batch / 没有该批次")
		return db.Batch{}, u, false
	case err != nil:
		s.Logger.Error("review", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return db.Batch{}, u, false
	case !mayReview(u, b):
		s.forbidden(w, r)
		return db.Batch{}, u, false
	}
	return b, u, true
}

// approve applies a submitted batch for u; the result's problems (a lock,
// a file that no longer passes) are worded in l.
func (s *Server) approve(r *http.Request, l i18n.Lang, u auth.User, b db.Batch) (load.Result, error) {
	res, err := load.Approve(r.Context(), s.DB, load.Input{Actor: u.Name, Source: "web " + clientAddress(r), Options: s.reviewOptions(u)}, b.ID)
	res.Report.Errors = LocalizeProblems(l, res.Report.Errors)
	if err == nil {
		s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditApprove, Target: "batch " + strconv.FormatInt(b.ID, 10),
			Detail: "submitted by " + b.Actor + ", rows " + strconv.Itoa(res.Batch.Rows) + ", changed " + strconv.Itoa(res.Batch.Changed)})
	}
	return res, err
}

// reject refuses a submitted batch for u with a reason.
func (s *Server) reject(r *http.Request, u auth.User, b db.Batch, reason string) (db.Batch, error) {
	if rs := []rune(reason); len(rs) > maxReason {
		reason = string(rs[:maxReason])
	}
	rb, err := s.DB.Reject(r.Context(), b.ID, u.Name, reason)
	if err == nil {
		s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditReject, Target: "batch " + strconv.FormatInt(b.ID, 10),
			Detail: "submitted by " + b.Actor + ", reason: " + reason})
	}
	return rb, err
}

// apiApprove: POST /api/batches/{id}/approve → 200 {"batch_id", "status":
// "approved"}; 409 not waiting for review; 422 with the problems when the
// file no longer applies (a locked year: year_locked).
func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request) {
	b, u, ok := s.reviewTarget(w, r)
	if !ok {
		return
	}
	l, _ := i18n.FromRequest(r)
	res, err := s.approve(r, l, u, b)
	switch {
	case errors.Is(err, db.ErrNotSubmitted):
		s.jsonError(w, http.StatusConflict, "the batch is not waiting for review / 该批次不在待审核状态")
	case errors.Is(err, ingest.ErrInvalid):
		s.jsonResponse(w, http.StatusUnprocessableEntity, reviewOutcome{BatchID: b.ID, Status: db.StatusSubmitted, Errors: res.Report.Errors})
	case err != nil:
		s.Logger.Error("approve", "batch", b.ID, "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
	default:
		s.jsonResponse(w, http.StatusOK, reviewOutcome{BatchID: b.ID, Status: db.StatusApproved})
	}
}

// apiReject: POST /api/batches/{id}/reject (form field reason) → 200
// {"batch_id", "status": "rejected"}; 400 without a reason; 409 not
// waiting for review.
func (s *Server) apiReject(w http.ResponseWriter, r *http.Request) {
	b, u, ok := s.reviewTarget(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.jsonError(w, http.StatusBadRequest, "bad form / 表单无效")
		return
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		s.jsonError(w, http.StatusBadRequest, "a reason is required / 退回须填写原因")
		return
	}
	_, err := s.reject(r, u, b, reason)
	switch {
	case errors.Is(err, db.ErrNotSubmitted):
		s.jsonError(w, http.StatusConflict, "the batch is not waiting for review / 该批次不在待审核状态")
	case err != nil:
		s.Logger.Error("reject", "batch", b.ID, "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
	default:
		s.jsonResponse(w, http.StatusOK, reviewOutcome{BatchID: b.ID, Status: db.StatusRejected})
	}
}

// reviewPreview is what approving b would do now: the dry approval (its
// diff, or the problems that would refuse it) and, for every target of the
// district and of each of its streets, the results that change.
func (s *Server) reviewPreview(r *http.Request, u auth.User, b db.Batch) (load.Result, []metrics.Effect, error) {
	res, err := load.Approve(r.Context(), s.DB, load.Input{Actor: u.Name, DryRun: true, Options: s.reviewOptions(u)}, b.ID)
	if err != nil {
		return res, nil, err
	}
	f, err := s.figures(r.Context())
	if err != nil {
		return res, nil, err
	}
	p := s.effectiveProgram()
	var streets []metrics.Effect
	before, after := map[int]metrics.Tally{}, map[int]metrics.Tally{}
	for y, t := range f.district {
		before[y], after[y] = t, t
	}
	for _, name := range res.Batch.Streets {
		was := map[int]metrics.Tally{}
		if st, ok := f.street(name); ok {
			was = f.byStreet[st.ID]
		}
		now := res.Batch.After[name]
		streets = append(streets, metrics.Effects(p, name, was, now)...)
		for y, t := range was {
			a := after[y]
			a.Sub(t)
			after[y] = a
		}
		for y, t := range now {
			a := after[y]
			a.Add(t)
			after[y] = a
		}
	}
	return res, append(metrics.Effects(p, "", before, after), streets...), nil
}
