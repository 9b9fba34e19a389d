package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"jindu/auth"
	"jindu/db"
	"jindu/web/i18n"
)

// AuthConfig sets how sessions and anonymous readers are handled.
type AuthConfig struct {
	// Public lets anyone read dashboards, reports and /api/metrics (an
	// intranet wall screen); uploads and administration still need login.
	Public bool
	// SecureCookies marks the session cookie Secure with the __Host- prefix
	// even when TLS ends at a proxy in front of Jindu.
	SecureCookies bool
	// IdleTimeout and MaxAge end sessions: after this long without a
	// request, and this long after login whatever the activity.
	IdleTimeout, MaxAge time.Duration
}

// DefaultAuthConfig is 30 minutes idle, 8 hours absolute, login required.
func DefaultAuthConfig() AuthConfig {
	return AuthConfig{IdleTimeout: 30 * time.Minute, MaxAge: 8 * time.Hour}
}

const (
	cookieName       = "jindu_session"
	secureCookieName = "__Host-jindu_session"
	// touchEvery limits last-seen writes to one a minute per session.
	touchEvery = time.Minute
)

type ctxKey int

const userKey ctxKey = iota

// currentUser returns the logged-in user of the request, if any.
func currentUser(r *http.Request) (auth.User, bool) {
	u, ok := r.Context().Value(userKey).(auth.User)
	return u, ok
}

func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.Auth.SecureCookies }

func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return secureCookieName
	}
	return cookieName
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// authenticate puts the session's user, if valid, into the request context.
// Expired sessions are deleted; activity is recorded at most once a minute.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookieName(r))
		if err != nil || c.Value == "" || len(c.Value) > 128 {
			next.ServeHTTP(w, r)
			return
		}
		hash := auth.HashToken(c.Value)
		sess, err := s.DB.SessionByHash(r.Context(), hash)
		if err != nil {
			if !errors.Is(err, db.ErrNotFound) {
				s.Logger.Error("session lookup", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		}
		now := s.now()
		if sess.User.Disabled || now.Sub(sess.LastSeen) > s.Auth.IdleTimeout || now.Sub(sess.CreatedAt) > s.Auth.MaxAge {
			if err := s.DB.DeleteSession(r.Context(), hash); err != nil {
				s.Logger.Error("expire session", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(sess.LastSeen) >= touchEvery {
			if err := s.DB.TouchSession(r.Context(), hash); err != nil {
				s.Logger.Warn("touch session", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, sess.User)))
	})
}

// guard enforces a route's access level on the server, whatever the UI
// shows: anonymous callers get a redirect to the login page (pages) or 401
// (API and non-GET); logged-in users without the role get 403.
func (s *Server) guard(a Access, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a == AccessPublic || (a == AccessRead && s.Auth.Public) {
			h(w, r)
			return
		}
		u, ok := currentUser(r)
		if !ok {
			s.unauthorized(w, r)
			return
		}
		allowed := true
		switch a {
		case AccessUpload:
			allowed = u.Role.CanUpload()
		case AccessAdmin:
			allowed = u.Role == auth.Admin
		case AccessReview:
			allowed = u.Role.CanReview()
		}
		if !allowed {
			s.forbidden(w, r)
			return
		}
		h(w, r)
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if isAPI(r) || r.Method != http.MethodGet {
		if isAPI(r) {
			s.jsonError(w, http.StatusUnauthorized, "login required / 请先登录")
			return
		}
		http.Error(w, "login required / 请先登录", http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		s.jsonError(w, http.StatusForbidden, "your role may not do this / 您的角色无权执行此操作")
		return
	}
	l, _ := i18n.FromRequest(r)
	s.errorPage(w, r, http.StatusForbidden, l.T("error.forbidden"))
}

// safeNext accepts only a same-site path as a post-login destination.
func safeNext(next string) string {
	if sameSitePath(next) != next {
		return "/"
	}
	return next
}

// sameSitePath returns p if it is a path on this site, else "/": it must
// start with one slash and name no other host however it is written
// (//evil, /\evil, /%2F%2Fevil, https://evil), and hold no backslash or
// control character.
func sameSitePath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.ContainsRune(p, '\\') || strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil ||
		strings.HasPrefix(u.Path, "//") || strings.ContainsRune(u.Path, '\\') {
		return "/"
	}
	return p
}
