package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

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

// login checks the password (after the throttle), and on success starts a
// new session with a fresh token: a token is never reused across logins.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form / 表单无效", http.StatusBadRequest)
		return
	}
	name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	addr := clientAddress(r)
	v := s.loginView(r, l, r.PostForm.Get("next"))
	v.Username = name
	w.Header().Set("Cache-Control", "no-store")

	if wait := s.throttle.Blocked(name, addr); wait > 0 {
		s.audit(r, db.AuditEntry{Actor: name, Action: db.AuditLoginBlocked, Target: name})
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = l.F("login.blocked", secs)
		s.html(w, r, http.StatusTooManyRequests, components.LoginPage(v))
		return
	}
	u, hash, err := s.DB.UserByName(r.Context(), name)
	ok := false
	switch {
	case errors.Is(err, db.ErrNotFound) || len(pw) > auth.MaxPasswordLen*4:
		auth.VerifyNothing(pw) // the same time as a real check
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		ok, err = auth.VerifyPassword(hash, pw)
		if err != nil {
			s.Logger.Error("verify password", "user", name, "err", err)
		}
		ok = ok && !u.Disabled
	}
	if !ok {
		s.throttle.Fail(name, addr)
		reason := "wrong user name or password"
		if u.Disabled {
			reason = "account disabled"
		}
		s.audit(r, db.AuditEntry{Actor: name, Action: db.AuditLoginFailed, Target: name, Detail: reason})
		v.Error = l.T("login.failed")
		s.html(w, r, http.StatusUnauthorized, components.LoginPage(v))
		return
	}
	s.throttle.Succeed(name)
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
