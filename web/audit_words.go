package web

import (
	"regexp"
	"strconv"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/web/i18n"
)

// The details the audit log's writers store (key=value, or a sentence in
// English); read back here only to say an entry in words. An entry whose
// detail does not parse is said with its detail as written.
var (
	auditKV      = regexp.MustCompile(`(\w+)=(\S*)`)
	auditRows    = regexp.MustCompile(`\brows=(\d+)`)
	auditUndo    = regexp.MustCompile(`^rollback batch (\d+), changed (\d+)(?:, reason: (.*))?$`)
	auditTarget  = regexp.MustCompile(`^(\w+) (\d{4}): (\S+) → (\S+)$`)
	auditBatchID = regexp.MustCompile(`^batch (\d+)$`)
	auditLock    = regexp.MustCompile(`^(\d{4}) (.+)$`)
)

// auditSentence says an audit entry in words in l ("张三 上传了第 12 批
// （西大街道，87 行）"); batches are the batches by ID, for the streets and
// rows of uploads and the reasons of rollbacks.
func (s *Server) auditSentence(l i18n.Lang, e db.AuditEntry, batches map[int64]db.Batch) string {
	actor, target := e.Actor, e.Target
	kv := map[string]string{}
	for _, m := range auditKV.FindAllStringSubmatch(e.Detail, -1) {
		kv[m[1]] = m[2]
	}
	var batch int64
	if m := auditBatchID.FindStringSubmatch(target); m != nil {
		batch, _ = strconv.ParseInt(m[1], 10, 64)
	}
	join := func(ss []string) string { return strings.Join(ss, l.Pick("、", ", ")) }
	switch e.Action {
	case db.AuditLogin:
		return l.F("audit.w.login", actor)
	case db.AuditLogout:
		return l.F("audit.w.logout", actor)
	case db.AuditLoginFailed:
		why := e.Detail
		switch e.Detail {
		case "wrong user name or password":
			why = l.T("audit.w.wrongpassword")
		case "account disabled":
			why = l.T("audit.w.accountdisabled")
		}
		return l.F("audit.w.loginfailed", target, why)
	case db.AuditLoginBlocked:
		return l.F("audit.w.blocked", target)
	case db.AuditUserAdd, db.AuditUserRole:
		key, plain := "audit.w.useradd", "audit.w.useradd.plain"
		if e.Action == db.AuditUserRole {
			key, plain = "audit.w.userrole", "audit.w.userrole.plain"
		}
		role, ok := kv["role"]
		if !ok {
			return l.F(plain, actor, target)
		}
		scope := l.T("role." + role)
		if role == string(auth.Clerk) || role == string(auth.Reviewer) {
			streets := l.T("users.allstreets")
			if st := kv["streets"]; st != "" {
				streets = join(strings.Split(st, ","))
			}
			scope += l.Pick("，", ", ") + streets
		}
		return l.F(key, actor, target, scope)
	case db.AuditUserPassword:
		return l.F("audit.w.password", actor, target)
	case db.AuditUserDisable:
		return l.F("audit.w.disable", actor, target)
	case db.AuditUserEnable:
		return l.F("audit.w.enable", actor, target)
	case db.AuditUpload, db.AuditSubmit:
		b, ok := batches[batch]
		rows := b.Rows
		if !ok {
			if m := auditRows.FindStringSubmatch(e.Detail); m != nil {
				rows, _ = strconv.Atoi(m[1])
			}
		}
		streets := l.T("rollback.nostreets")
		if len(b.Streets) > 0 {
			streets = join(b.Streets)
		}
		if e.Action == db.AuditSubmit {
			return l.F("audit.w.submit", actor, batch, streets, rows)
		}
		return l.F("audit.w.upload", actor, batch, streets, rows)
	case db.AuditApprove:
		return l.F("audit.w.approve", actor, batch, batches[batch].Actor)
	case db.AuditReject:
		reason := batches[batch].ReviewReason
		if _, r, ok := strings.Cut(e.Detail, "reason: "); ok && reason == "" {
			reason = r
		}
		return l.F("audit.w.reject", actor, batch, reasonText(l, reason))
	case db.AuditLock, db.AuditUnlock:
		if m := auditLock.FindStringSubmatch(target); m != nil {
			scope := m[2]
			if scope == "district" {
				scope = l.T("review.district")
			}
			if e.Action == db.AuditLock {
				return l.F("audit.w.lock", actor, m[1], scope)
			}
			_, reason, _ := strings.Cut(e.Detail, "reason: ")
			return l.F("audit.w.unlock", actor, m[1], scope, reasonText(l, reason))
		}
	case db.AuditReviewSetting:
		if kv["review"] == "on" {
			return l.F("audit.w.reviewon", actor)
		}
		return l.F("audit.w.reviewoff", actor)
	case db.AuditDeadline:
		return l.F("audit.w.deadline", actor, target, kv["due"])
	case db.AuditRollback:
		if m := auditUndo.FindStringSubmatch(e.Detail); m != nil {
			changed, _ := strconv.Atoi(m[2])
			reason := m[3]
			if rb, err := strconv.ParseInt(m[1], 10, 64); err == nil && reason == "" {
				reason = batches[rb].Reason
			}
			return l.F("audit.w.rollback", actor, batch, changed, reasonText(l, reason))
		}
	case db.AuditProgram:
		if m := auditTarget.FindStringSubmatch(e.Detail); m != nil {
			name := m[1]
			if ind, ok := s.effectiveProgram().Indicator(m[1]); ok {
				name = label(l, ind)
			}
			return l.F("audit.w.target", actor, name, m[2], m[3], m[4])
		}
	}
	return strings.TrimSpace(actor + " " + l.T("audit.a."+e.Action) + " " + target + " " + e.Detail)
}
