package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showUsers lists accounts (admin).
func (s *Server) showUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	l := lang(w, r)
	users, err := s.DB.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	known, err := s.knownStreets(r.Context(), users)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	logins, err := s.DB.LastLogins(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me, _ := currentUser(r)
	v := components.Users{Page: s.page(r.Context(), r, l, l.T("users.title")), Message: msg, Error: errMsg}
	v.JS = nil
	for _, st := range known {
		v.Streets = append(v.Streets, components.Choice{Value: st, Label: st})
	}
	for _, u := range users {
		row := components.UserRow{Name: u.Name, Role: string(u.Role), RoleLabel: l.T("role." + string(u.Role)),
			Streets: l.T("users.allstreets"), State: l.T("users.active"), Disabled: u.Disabled, Self: u.Name == me.Name,
			LastLogin: l.T("users.never"), District: u.Role.Scoped() && len(u.Streets) == 0}
		if t, ok := logins[u.Name]; ok {
			row.LastLogin = t.Local().Format("2006-01-02 15:04")
		}
		if u.Role.Scoped() && len(u.Streets) > 0 {
			row.Streets = strings.Join(u.Streets, l.Pick("、", ", "))
		} else if !u.Role.Scoped() {
			row.Streets = "—"
		}
		for _, st := range known {
			row.Scope = append(row.Scope, components.Choice{Value: st, Label: st, Selected: slices.Contains(u.Streets, st)})
		}
		if u.Disabled {
			row.State = l.T("users.disabled")
		}
		v.Rows = append(v.Rows, row)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.UsersPage(v))
}

// knownStreets are the streets a clerk can be given: those in the data
// and those already given to an account, sorted.
func (s *Server) knownStreets(ctx context.Context, users []auth.User) ([]string, error) {
	units, err := s.DB.Streets(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range units {
		out = append(out, u.Name)
	}
	for _, u := range users {
		out = append(out, u.Streets...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// clerkScope reads a clerk's streets from the form: "scope=district" for
// the whole district (nil), else the ticked known streets, at least one:
// an empty choice is refused, never taken for the whole district.
func (s *Server) clerkScope(r *http.Request, l i18n.Lang) ([]string, error) {
	if r.PostForm.Get("scope") == "district" {
		return nil, nil
	}
	users, err := s.DB.Users(r.Context())
	if err != nil {
		return nil, err
	}
	known, err := s.knownStreets(r.Context(), users)
	if err != nil {
		return nil, err
	}
	var streets []string
	for _, st := range r.PostForm["street"] {
		st = strings.TrimSpace(st)
		if st == "" {
			continue
		}
		if _, found := slices.BinarySearch(known, st); !found {
			return nil, badInput{errors.New(l.F("users.scope.unknown", db.Printable(st)))}
		}
		streets = append(streets, st)
	}
	if len(streets) == 0 {
		return nil, badInput{errors.New(l.T("users.scope.none"))}
	}
	slices.Sort(streets)
	return slices.Compact(streets), nil
}

// adminForm parses a small admin form, answering 400 itself on failure.
func (s *Server) adminForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form / 表单无效", http.StatusBadRequest)
		return false
	}
	return true
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l, _ := i18n.FromRequest(r)
	name := strings.TrimSpace(r.PostForm.Get("name"))
	role, err := auth.ParseRole(r.PostForm.Get("role"))
	if err != nil || name == "" || len(name) > 64 {
		s.renderUsers(w, r, http.StatusBadRequest, "", l.T("users.badname"))
		return
	}
	u := auth.User{Name: name, Role: role}
	if role.Scoped() {
		if u.Streets, err = s.clerkScope(r, l); err != nil {
			var bad badInput
			if errors.As(err, &bad) {
				s.renderUsers(w, r, http.StatusBadRequest, "", err.Error())
				return
			}
			s.fail(w, r, err)
			return
		}
	}
	hash, err := s.KDF.Hash(r.Context(), r.PostForm.Get("password"), name)
	if err != nil {
		s.passwordRefused(w, r, l, err)
		return
	}
	if _, err := s.DB.AddUser(r.Context(), u, hash); err != nil {
		if errors.Is(err, db.ErrExists) {
			s.renderUsers(w, r, http.StatusConflict, "", l.T("users.exists"))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.auditAdmin(r, db.AuditUserAdd, name, "role="+string(role)+" streets="+strings.Join(u.Streets, ","))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// userChange runs one change to the account named in the path.
func (s *Server) userChange(w http.ResponseWriter, r *http.Request, action string, selfForbidden bool,
	change func(name string) (detail string, err error)) {
	if !s.adminForm(w, r) {
		return
	}
	l, _ := i18n.FromRequest(r)
	name := r.PathValue("name")
	if me, _ := currentUser(r); selfForbidden && me.Name == name {
		s.renderUsers(w, r, http.StatusBadRequest, "", l.T("users.self"))
		return
	}
	detail, err := change(name)
	switch {
	case errors.Is(err, db.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, l.T("error.notfound"))
		return
	case errors.As(err, new(*auth.PolicyError)) || errors.Is(err, auth.ErrBusy):
		s.passwordRefused(w, r, l, err)
		return
	case err != nil:
		var bad badInput
		if errors.As(err, &bad) {
			s.renderUsers(w, r, http.StatusBadRequest, "", err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	s.auditAdmin(r, action, name, detail)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

type badInput struct{ error }

// passwordRefused answers a new password the policy refuses (400, why in
// the page's language) or that could not be hashed for want of a slot
// (503); anything else is a 500.
func (s *Server) passwordRefused(w http.ResponseWriter, r *http.Request, l i18n.Lang, err error) {
	var pe *auth.PolicyError
	switch {
	case errors.As(err, &pe):
		s.renderUsers(w, r, http.StatusBadRequest, "", l.T("password."+pe.Code))
	case errors.Is(err, auth.ErrBusy):
		w.Header().Set("Retry-After", "2")
		s.renderUsers(w, r, http.StatusServiceUnavailable, "", l.T("error.busy"))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) setUserPassword(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, db.AuditUserPassword, false, func(name string) (string, error) {
		hash, err := s.KDF.Hash(r.Context(), r.PostForm.Get("password"), name)
		if err != nil {
			return "", err
		}
		return "sessions revoked", s.DB.SetPassword(r.Context(), name, hash)
	})
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, db.AuditUserRole, true, func(name string) (string, error) {
		role, err := auth.ParseRole(r.PostForm.Get("role"))
		if err != nil {
			return "", badInput{err}
		}
		var streets []string
		if role.Scoped() {
			l, _ := i18n.FromRequest(r)
			if streets, err = s.clerkScope(r, l); err != nil {
				return "", err
			}
		}
		return "role=" + string(role) + " streets=" + strings.Join(streets, ","), s.DB.SetRole(r.Context(), name, role, streets)
	})
}

// disableUser disables an account; the form must carry confirm=1 (the
// confirmation button), else nothing changes.
func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, db.AuditUserDisable, true, func(name string) (string, error) {
		if r.PostForm.Get("confirm") != "1" {
			l, _ := i18n.FromRequest(r)
			return "", badInput{errors.New(l.T("users.disable.unconfirmed"))}
		}
		return "sessions revoked", s.DB.SetDisabled(r.Context(), name, true)
	})
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, db.AuditUserEnable, false, func(name string) (string, error) {
		return "", s.DB.SetDisabled(r.Context(), name, false)
	})
}

func (s *Server) auditAdmin(r *http.Request, action, target, detail string) {
	me, _ := currentUser(r)
	s.audit(r, db.AuditEntry{Actor: me.Name, Action: action, Target: target, Detail: detail})
}
