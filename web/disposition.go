package web

import (
	"mime"
	"strings"
)

// contentDisposition builds an RFC 6266 header value: an ASCII fallback
// name and the real (UTF-8) name in filename*, so Chinese file names
// survive and no quote or control character can break the header.
func contentDisposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType(kind, map[string]string{"filename": fallback})
	star := mime.FormatMediaType(kind, map[string]string{"filename": name})
	if star != "" && star != v {
		// FormatMediaType encodes non-ASCII values as filename*=utf-8''…
		if _, after, ok := strings.Cut(star, ";"); ok {
			return v + ";" + after
		}
	}
	return v
}
