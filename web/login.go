package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"jindu/auth"
	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// maxFormBytes bounds small forms (login, account changes).
const maxFormBytes = 64 << 10

func (s *Server) loginView(r *http.Request, l i18n.Lang, next string) components.Login {
	v := components.Login{Page: s.page(r.Context(), r, l, l.T("login")), Next: safeNext(next)}
	v.JS = nil // no charts here
	if n, err := s.DB.CountUsers(r.Context()); err == nil && n == 0 {
		v.NoAccounts = true
	}
	return v
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.LoginPage(s.loginView(r, l, r.URL.Query().Get("next"))))
}

// login checks the password and on success starts a new session with a
// fresh token: a token is never reused across logins. Over-long input is
// refused before anything else; the attempt is then reserved with the
// throttle (refused there: 429), and the password checked in one of the
// KDF's slots (none free in time: 503).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form / 表单无效", http.StatusBadRequest)
		return
	}
	name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	w.Header().Set("Cache-Control", "no-store")
	if utf8.RuneCountInString(name) > auth.MaxUsernameLen || utf8.RuneCountInString(pw) > auth.MaxPasswordLen ||
		len(pw) > 4*auth.MaxPasswordLen {
		// No such account can exist and no such password can be right:
		// refused without hashing, counting or auditing anything.
		v := s.loginView(r, l, r.PostForm.Get("next"))
		v.Error = l.T("login.toolong")
		s.html(w, r, http.StatusBadRequest, components.LoginPage(v))
		return
	}
	addr := clientAddress(r)
	v := s.loginView(r, l, r.PostForm.Get("next"))
	v.Username = name

	attempt, refusal := s.throttle.Reserve(name, addr)
	if refusal != nil {
		s.blocked.record(s, r, name, addr, refusal)
		secs := int((refusal.Wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = l.N("login.blocked", secs)
		if refusal.Busy {
			v.Error = l.N("login.inflight", secs)
		}
		s.html(w, r, http.StatusTooManyRequests, components.LoginPage(v))
		return
	}
	defer attempt.Release() // when nothing else ended it
	u, hash, err := s.DB.UserByName(r.Context(), name)
	ok := false
	switch {
	case errors.Is(err, db.ErrNotFound):
		err = s.KDF.VerifyNothing(r.Context(), pw) // the same time as a real check
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		ok, err = s.KDF.Verify(r.Context(), hash, pw)
		ok = ok && !u.Disabled
	}
	switch {
	case errors.Is(err, auth.ErrBusy):
		secs := int((auth.DefaultKDFWait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = l.N("login.busy", secs)
		s.html(w, r, http.StatusServiceUnavailable, components.LoginPage(v))
		return
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return // the client left before a slot was free
	case err != nil:
		s.Logger.Error("verify password", "user", name, "err", err)
	}
	if !ok {
		attempt.Fail()
		reason := "wrong user name or password"
		if u.Disabled {
			reason = "account disabled"
		}
		s.audit(r, db.AuditEntry{Actor: name, Action: db.AuditLoginFailed, Target: name, Detail: reason})
		v.Error = l.T("login.failed")
		s.html(w, r, http.StatusUnauthorized, components.LoginPage(v))
		return
	}
	attempt.Succeed()
	token, tokenHash, err := auth.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.DB.CreateSession(r.Context(), tokenHash, u.ID, addr); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditLogin, Target: u.Name})
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: int(s.Auth.MaxAge / time.Second)})
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// logout ends the session on the server and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName(r)); err == nil && c.Value != "" {
		if err := s.DB.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if u, ok := currentUser(r); ok {
		s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditLogout, Target: u.Name})
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// audit appends to the audit log with the request's address; a failure to
// audit is logged loudly but does not undo what already happened.
func (s *Server) audit(r *http.Request, e db.AuditEntry) {
	e.Address = clientAddress(r)
	e.At = s.now()
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	if err := s.DB.Audit(r.Context(), e); err != nil {
		s.Logger.Error("audit", "action", e.Action, "err", err)
	}
}
