package web

import (
	"mime"
	"net/http"
	"strings"
)

// maxBodyBytes bounds the body of a request that is not a file upload:
// every form Jindu has is a few fields.
const maxBodyBytes = 1 << 20

// limitBodies bounds the body of every request that may carry one, before
// any handler reads it: multipart bodies (file uploads) to the upload limit
// plus framing, everything else to maxBodyBytes. A declared length over the
// limit is refused at once with 413; a body that turns out longer fails
// when read. Handlers may set tighter limits of their own.
func (s *Server) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		limit := int64(maxBodyBytes)
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			limit = s.MaxUploadBytes + 64<<10
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.jsonError(w, http.StatusRequestEntityTooLarge, "request body too large / 请求体过大")
				return
			}
			http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
