package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable escapes what a terminal would act on in text from files or the
// database (a cell of a ledger, a file name, an account name): control
// characters, bidirectional controls and invalid UTF-8 are written as \xNN
// or \uNNNN, so a hostile cell cannot clear the screen, move the cursor,
// set the window title or reorder what a line shows.
func printable(s string) string {
	var b strings.Builder
	for s != "" {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[0])
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}
