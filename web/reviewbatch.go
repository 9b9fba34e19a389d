package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/ingest"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// reviewBatch reads the batch of the path for the review pages: 404
// unknown, 403 outside the reviewer's streets.
func (s *Server) reviewBatch(w http.ResponseWriter, r *http.Request) (db.Batch, bool) {
	b, ok := s.pathBatch(w, r)
	if !ok {
		return db.Batch{}, false
	}
	if u, _ := currentUser(r); !mayReview(u, b) {
		s.forbidden(w, r)
		return db.Batch{}, false
	}
	return b, true
}

// showReviewBatch is one batch under review: what approving it now would
// do to every target, every change, and the approve and reject forms.
func (s *Server) showReviewBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.reviewBatch(w, r)
	if !ok {
		return
	}
	s.renderReviewBatch(w, r, lang(w, r), http.StatusOK, b, "", "", "")
}

// renderReviewBatch shows the review page of b, its effect computed
// against the data as they are now.
func (s *Server) renderReviewBatch(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, b db.Batch, errMsg, rechecked, reason string) {
	u, _ := currentUser(r)
	id := strconv.FormatInt(b.ID, 10)
	v := components.ReviewBatch{Page: s.page(r.Context(), r, l, l.F("review.heading", b.ID)), Heading: l.F("review.heading", b.ID),
		Meta:  l.F("review.meta", streetList(l, b), b.Actor, b.CreatedAt.Local().Format("2006-01-02 15:04"), orDash(b.FileName), l.N("review.rows", b.Rows)),
		Error: errMsg, Rechecked: rechecked, Action: "/review/" + id, Reason: reason}
	v.JS = nil
	switch b.Status {
	case db.StatusSubmitted:
	case db.StatusRejected:
		v.Decided = l.F("review.state.rejected", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"), b.ReviewReason)
	case db.StatusApproved:
		v.Decided = l.F("review.state.approved", b.ReviewedBy, b.ReviewedAt.Local().Format("2006-01-02 15:04"))
	default:
		v.Decided = l.T("review.notsubmitted")
	}
	if v.Decided == "" {
		info, err := s.DB.Info(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Seq = strconv.FormatInt(info.DataSeq, 10)
		res, effects, err := s.reviewPreview(r, u, b)
		switch {
		case errors.Is(err, ingest.ErrInvalid):
			// It would be refused now (a locked year): say why, offer
			// only the rejection.
			var why []string
			for _, p := range LocalizeProblems(l, res.Report.Errors) {
				why = append(why, p.Message)
			}
			if v.Error == "" {
				v.Error = strings.Join(why, " ")
			}
		case err != nil:
			s.fail(w, r, err)
			return
		}
		v.Effects = effectLines(l, s.effectiveProgram(), effects)
		if d := res.Batch.Diff; d != nil {
			v.Changes = changeGroups(l, d.Changes)
			if res.Batch.Changed > len(d.Changes) && len(d.Changes) > 0 {
				v.More = l.N("preview.morechanges", len(d.Changes), res.Batch.Changed)
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.ReviewBatchPage(v))
}

// effectLines words what approving a batch does to each target: "批准后
// 西大街道“五星”小区 41.5% → 47.2%，仍差 5 个".
func effectLines(l i18n.Lang, p metrics.Program, effects []metrics.Effect) []components.EffectLine {
	var out []components.EffectLine
	for _, e := range effects {
		ind, ok := p.Indicator(e.After.Indicator)
		if !ok {
			continue
		}
		scope := e.After.Street
		if scope == "" {
			scope = l.T("review.district")
		}
		line := components.EffectLine{Text: l.F("review.effect", e.After.Year, scope, metrics.ShortName(ind, l == i18n.En),
			pct(e.Before.Percent), pct(e.After.Percent))}
		switch {
		case e.After.Met == nil:
		case *e.After.Met:
			line.Text += l.T("review.effect.met")
			line.Met = true
		default:
			line.Text += l.N("review.effect.short", *e.After.Needed)
			line.Gap = true
		}
		out = append(out, line)
	}
	return out
}

// approveBatch approves a batch from its review page, but only against
// the data the page showed: if they changed since, the page is shown
// again with the effect recomputed, to be approved again.
func (s *Server) approveBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.reviewBatch(w, r)
	if !ok || !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	info, err := s.DB.Info(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostForm.Get("seq") != strconv.FormatInt(info.DataSeq, 10) {
		s.renderReviewBatch(w, r, l, http.StatusConflict, b, "", l.T("review.stale"), "")
		return
	}
	u, _ := currentUser(r)
	res, err := s.approve(r, l, u, b)
	switch {
	case errors.Is(err, db.ErrNotSubmitted):
		s.decidedMeanwhile(w, r, l, b.ID)
	case errors.Is(err, ingest.ErrInvalid):
		var why []string
		for _, p := range res.Report.Errors {
			why = append(why, p.Message)
		}
		s.renderReviewBatch(w, r, l, http.StatusUnprocessableEntity, b, strings.Join(why, " "), "", "")
	case err != nil:
		s.fail(w, r, err)
	default:
		http.Redirect(w, r, "/review?approved="+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
	}
}

// rejectBatch sends a batch back to its clerk with a required reason;
// nothing is applied.
func (s *Server) rejectBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.reviewBatch(w, r)
	if !ok || !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		s.renderReviewBatch(w, r, l, http.StatusBadRequest, b, l.T("review.noreason"), "", "")
		return
	}
	u, _ := currentUser(r)
	_, err := s.reject(r, u, b, reason)
	switch {
	case errors.Is(err, db.ErrNotSubmitted):
		s.decidedMeanwhile(w, r, l, b.ID)
	case err != nil:
		s.fail(w, r, err)
	default:
		http.Redirect(w, r, "/review?rejected="+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
	}
}

// decidedMeanwhile shows the review page of a batch somebody else
// approved or rejected since it was opened: who did, and no forms (409).
func (s *Server) decidedMeanwhile(w http.ResponseWriter, r *http.Request, l i18n.Lang, id int64) {
	b, err := s.DB.BatchByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReviewBatch(w, r, l, http.StatusConflict, b, "", "", "")
}
