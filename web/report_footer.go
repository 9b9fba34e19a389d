package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// reportFooterCSS puts the report's footer line (data as of, version,
// generation time, user) into the bottom-left page margin of the browser's
// own Print, so it repeats on every page as in the server's PDF. A margin
// box shows only CSS strings, and the CSP allows no inline style, so the
// line comes as a same-origin stylesheet echoing ?t= as an escaped CSS
// string: nothing in it can end the string or the rule.
func (s *Server) reportFooterCSS(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("t")
	if utf8.RuneCountInString(text) > 300 {
		text = string([]rune(text)[:300])
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	fmt.Fprintf(w, "@page numbered {\n  @bottom-left {\n    content: %s;\n    font-size: 7.5pt; color: #555;\n  }\n}\n", cssString(text))
}

// cssString quotes s as a CSS string: every character other than plain
// printable ASCII letters, digits, spaces and safe punctuation, and every
// non-ASCII character, is written as a hex escape.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == ' ', r == '.', r == ',', r == ':', r == '-', r == '/', r == '(', r == ')':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "\\%x ", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
