package web

import (
	"context"
	"fmt"
	"strconv"

	"jindu/db"
)

// Sweep is the server's housekeeping, run by `jindu serve` at start and
// every minute: it deletes expired sessions (those never used again; a
// used one is refused and deleted on the spot), deletes pending uploads
// older than PendingTTL (each audited as pending_expired) and writes the
// counts of blocked logins still held in memory.
func (s *Server) Sweep(ctx context.Context) (expired int64, err error) {
	s.blocked.flush(s, ctx, false)
	if _, err := s.SweepPending(ctx); err != nil {
		return 0, err
	}
	return s.DB.DeleteExpiredSessions(ctx, s.Auth.IdleTimeout, s.Auth.MaxAge)
}

// SweepPending deletes the pending uploads older than PendingTTL and
// audits each; it returns how many it deleted.
func (s *Server) SweepPending(ctx context.Context) (int, error) {
	ttl := s.PendingTTL
	if ttl <= 0 {
		ttl = DefaultPendingTTL
	}
	gone, err := s.DB.DeleteExpiredPending(ctx, s.now().Add(-ttl))
	if err != nil {
		return 0, err
	}
	for _, p := range gone {
		e := db.AuditEntry{At: s.now(), Actor: "system", Action: db.AuditPendingExpired, Target: "pending " + strconv.FormatInt(p.ID, 10),
			Detail: fmt.Sprintf("user=%s file=%s sha256=%s bytes=%d applied=%t", p.User, p.FileName, p.SHA256, p.Size, p.Applied)}
		if err := s.DB.Audit(ctx, e); err != nil {
			s.Logger.Error("audit", "action", e.Action, "err", err)
		}
	}
	if len(gone) > 0 {
		s.Logger.Info("expired pending uploads deleted", "uploads", len(gone))
	}
	return len(gone), nil
}
