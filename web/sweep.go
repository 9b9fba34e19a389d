package web

import "context"

// Sweep is the server's housekeeping, run by `jindu serve` at start and
// every minute: it deletes expired sessions (those never used again; a
// used one is refused and deleted on the spot) and writes the counts of
// blocked logins still held in memory.
func (s *Server) Sweep(ctx context.Context) (expired int64, err error) {
	s.blocked.flush(s, ctx, false)
	return s.DB.DeleteExpiredSessions(ctx, s.Auth.IdleTimeout, s.Auth.MaxAge)
}
