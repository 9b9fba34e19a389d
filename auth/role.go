package auth

import "fmt"

// Role is what an account may do.
type Role string

// Roles.
const (
	// Admin does everything: accounts, targets, corrections, backups.
	Admin Role = "admin"
	// Clerk uploads data, for the streets in scope (or the whole district).
	Clerk Role = "clerk"
	// Viewer reads dashboards and reports.
	Viewer Role = "viewer"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Clerk, Viewer:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: want admin, clerk or viewer / 角色须为 admin、clerk 或 viewer", s)
}

// Label is the role's name in Chinese.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "管理员"
	case Clerk:
		return "数据专干"
	case Viewer:
		return "查看者"
	}
	return string(r)
}

// CanUpload reports whether the role may upload data.
func (r Role) CanUpload() bool { return r == Admin || r == Clerk }

// User is an account as the application sees it.
type User struct {
	ID       int64
	Name     string
	Role     Role
	Streets  []string // a clerk's streets; empty means the whole district
	Disabled bool
}

// MayChangeStreet reports whether the user may change a street's data.
func (u User) MayChangeStreet(street string) bool {
	switch u.Role {
	case Admin:
		return true
	case Clerk:
		if len(u.Streets) == 0 {
			return true
		}
		for _, s := range u.Streets {
			if s == street {
				return true
			}
		}
	}
	return false
}
