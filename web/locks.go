package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"jindu/auth"
	"jindu/db"
)

// lockJSON is one lock, as POST /api/locks answers it.
type lockJSON struct {
	Year     int    `json:"year"`
	Street   string `json:"street"` // "" for the whole district
	LockedBy string `json:"locked_by"`
	LockedAt string `json:"locked_at"`
}

// lockForm reads and checks a lock's year and street: a program year, and
// a known street or none (the whole district). The message is worded for
// the API in both languages.
func (s *Server) lockForm(w http.ResponseWriter, r *http.Request) (year int, street string, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.jsonError(w, http.StatusBadRequest, "bad form / 表单无效")
		return 0, "", false
	}
	year, ok = s.programYear(r.PostForm.Get("year"))
	if !ok {
		s.jsonError(w, http.StatusBadRequest, "year must be a year of the program / 年份须为规划中的年份")
		return 0, "", false
	}
	street = strings.TrimSpace(r.PostForm.Get("street"))
	known, err := s.knownStreet(r, street)
	switch {
	case err != nil:
		s.Logger.Error("locks", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return 0, "", false
	case !known:
		s.jsonError(w, http.StatusUnprocessableEntity, "unknown street / 没有该街道："+street)
		return 0, "", false
	}
	return year, street, true
}

// programYear reads a form's year: one of the program's years.
func (s *Server) programYear(v string) (int, bool) {
	y, err := strconv.Atoi(strings.TrimSpace(v))
	return y, err == nil && slices.Contains(s.effectiveProgram().Years, y)
}

// knownStreet reports whether a lock's street is one of the figures'
// streets; "" (the whole district) always is.
func (s *Server) knownStreet(r *http.Request, street string) (bool, error) {
	if street == "" {
		return true, nil
	}
	f, err := s.figures(r.Context())
	if err != nil {
		return false, err
	}
	_, ok := f.street(street)
	return ok, nil
}

// lockYear locks a year of a street (or the district) for u, checked
// already, and audits it; a lock already there is db.ErrExists.
func (s *Server) lockYear(r *http.Request, u auth.User, year int, street string) (db.YearLock, error) {
	l := db.YearLock{Year: year, Street: street, By: u.Name, At: s.now().UTC().Truncate(time.Second)}
	if err := s.DB.LockYear(r.Context(), l); err != nil {
		return l, err
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditLock, Target: lockTarget(year, street)})
	return l, nil
}

// mayLock reports whether u may lock a street's year (street "": the
// district's, which needs a district-wide reviewer or an admin).
func mayLock(u auth.User, street string) bool {
	if street == "" {
		return u.Role == auth.Admin || (u.Role.CanReview() && len(u.Streets) == 0)
	}
	return u.MayReviewStreet(street)
}

// apiLock locks a year (封账) of one street or the district: POST
// /api/locks (year, optional street) → 200 with the lock; 409 if it is
// locked already. Uploads, corrections and rollbacks that would change a
// locked street-year are refused with year_locked from then on.
func (s *Server) apiLock(w http.ResponseWriter, r *http.Request) {
	year, street, ok := s.lockForm(w, r)
	if !ok {
		return
	}
	u, _ := currentUser(r)
	if !mayLock(u, street) {
		s.forbidden(w, r)
		return
	}
	l, err := s.lockYear(r, u, year, street)
	switch {
	case errors.Is(err, db.ErrExists):
		s.jsonError(w, http.StatusConflict, "already locked / 已封账")
		return
	case err != nil:
		s.Logger.Error("lock", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	s.jsonResponse(w, http.StatusOK, lockJSON{Year: year, Street: street, LockedBy: u.Name, LockedAt: l.At.Format(time.RFC3339)})
}

// apiUnlock removes a lock (admins only, with a reason): POST
// /api/locks/unlock (year, optional street, reason) → 200; 404 if not
// locked; 400 without a reason.
func (s *Server) apiUnlock(w http.ResponseWriter, r *http.Request) {
	year, street, ok := s.lockForm(w, r)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		s.jsonError(w, http.StatusBadRequest, "a reason is required / 解锁须填写原因")
		return
	}
	if rs := []rune(reason); len(rs) > maxReason {
		reason = string(rs[:maxReason])
	}
	u, _ := currentUser(r)
	err := s.DB.UnlockYear(r.Context(), year, street)
	switch {
	case errors.Is(err, db.ErrNotFound):
		s.jsonError(w, http.StatusNotFound, "not locked / 未封账")
		return
	case err != nil:
		s.Logger.Error("unlock", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditUnlock, Target: lockTarget(year, street), Detail: "reason: " + reason})
	s.jsonResponse(w, http.StatusOK, map[string]any{"year": year, "street": street, "unlocked": true})
}

// lockTarget names a lock in the audit log.
func lockTarget(year int, street string) string {
	if street == "" {
		return strconv.Itoa(year) + " district"
	}
	return strconv.Itoa(year) + " " + street
}
