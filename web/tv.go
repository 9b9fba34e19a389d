package web

import (
	"net/http"
	"strings"
	"time"
)

// AssetTV keeps a wall screen (?tv=1) current: it polls /api/version and
// reloads the page when the data version changes, and carries tv=1 on the
// page's links.
const AssetTV = "js/tv.js"

// defaultTVPoll is how often a wall screen asks whether the data changed.
const defaultTVPoll = 30 * time.Second

// versionResponse is GET /api/version: the data version, the same string
// /api/metrics gives; it changes with every change of data or targets.
type versionResponse struct {
	DataVersion string `json:"data_version"`
}

// apiVersion answers the wall screen's poll: one small read, never cached.
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	info, err := s.DB.Info(r.Context())
	if err != nil {
		s.Logger.Error("api version", "err", err)
		s.jsonError(w, http.StatusInternalServerError, "internal error / 服务器内部错误")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.jsonResponse(w, http.StatusOK, versionResponse{DataVersion: s.dataVersion(info)})
}

// wallScreen says whether the request asks for the wall-screen view.
func wallScreen(r *http.Request) bool { return r.URL.Query().Get("tv") == "1" }

// wallScreenPage says whether a path is a page worth a wall: the overview
// and the analysis pages, not uploads or administration.
func wallScreenPage(path string) bool {
	switch path {
	case "/", "/streets", "/stars", "/worklist", "/compare":
		return true
	}
	return strings.HasPrefix(path, "/streets/")
}

// tvURLs are this page with the wall-screen view turned on ("" where the
// page is not one for a wall) and off.
func tvURLs(r *http.Request) (on, off string) {
	path := sameSitePath(r.URL.EscapedPath())
	q := r.URL.Query()
	q.Set("tv", "1")
	if wallScreenPage(r.URL.Path) {
		on = path + "?" + q.Encode()
	}
	q.Del("tv")
	off = path
	if len(q) > 0 {
		off += "?" + q.Encode()
	}
	return on, off
}

// tvPoll is the wall screen's poll interval.
func (s *Server) tvPoll() time.Duration {
	if s.TVPoll > 0 {
		return s.TVPoll
	}
	return defaultTVPoll
}
