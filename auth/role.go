package auth

import (
	"fmt"
	"slices"
)

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
	// Reviewer approves or rejects submitted batches and locks years, for
	// the streets in scope (or the whole district); reads like a viewer.
	Reviewer Role = "reviewer"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Clerk, Viewer, Reviewer:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: want admin, clerk, reviewer or viewer / 角色须为 admin、clerk、reviewer 或 viewer", s)
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
	case Reviewer:
		return "审核员"
	}
	return string(r)
}

// CanUpload reports whether the role may upload data.
func (r Role) CanUpload() bool { return r == Admin || r == Clerk }

// CanReview reports whether the role may approve, reject and lock.
func (r Role) CanReview() bool { return r == Admin || r == Reviewer }

// Scoped reports whether the role's work is limited to its streets (none:
// the whole district).
func (r Role) Scoped() bool { return r == Clerk || r == Reviewer }

// User is an account as the application sees it.
type User struct {
	ID       int64
	Name     string
	Role     Role
	Streets  []string // a clerk's or reviewer's streets; empty means the whole district
	Disabled bool
}

// MayChangeStreet reports whether the user may change a street's data.
func (u User) MayChangeStreet(street string) bool {
	return u.Role.CanUpload() && u.inScope(street)
}

// MayReviewStreet reports whether the user may approve, reject or lock a
// street's data.
func (u User) MayReviewStreet(street string) bool {
	return u.Role.CanReview() && u.inScope(street)
}

// inScope reports whether a street is within the user's streets: every
// street for an admin or an account without streets.
func (u User) inScope(street string) bool {
	if u.Role == Admin || len(u.Streets) == 0 {
		return true
	}
	return slices.Contains(u.Streets, street)
}
