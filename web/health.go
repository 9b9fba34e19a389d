package web

import (
	"net/http"
	"strconv"

	"jindu/db"
)

// readyz answers 200 when the server should get traffic: it has started
// and is not shutting down, the database answers, and its schema is the
// one this binary knows (migrated). /healthz is the liveness check.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: starting or shutting down\n"))
		return
	}
	v, err := s.DB.CurrentSchemaVersion(r.Context())
	if err != nil {
		s.Logger.Error("readyz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: database unavailable\n"))
		return
	}
	if v != db.SchemaVersion() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: schema version " + strconv.Itoa(v) + ", want " + strconv.Itoa(db.SchemaVersion()) + "\n"))
		return
	}
	w.Write([]byte("ready: schema version " + strconv.Itoa(v) + "\n"))
}
