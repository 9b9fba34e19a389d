package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// commonPasswords is SecLists' list of the 10,000 most common passwords
// ("10-million-password-list-top-10000", from Mark Burnett's ten million
// leaked passwords), one a line, alphabetised. Source:
// https://github.com/danielmiessler/SecLists/blob/master/Passwords/Common-Credentials/10-million-password-list-top-10000.txt
// (MIT licence, Copyright (c) 2018 Daniel Miessler; see
// common_passwords.LICENSE). It is 76 KB, so it is embedded as text.
//
//go:embed common_passwords.txt
var commonPasswords string

// commonSet is the list in lower case, built on first use.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 10_000)
	for line := range strings.Lines(commonPasswords) {
		if w := strings.ToLower(strings.TrimRight(line, "\r\n")); w != "" {
			m[w] = struct{}{}
		}
	}
	return m
})

// isCommonPassword reports whether lower (a lower-cased password) is on
// the list, or is a listed word of 4 or more characters with only digits,
// punctuation or spaces before or after it ("dragon2024!", "123password").
func isCommonPassword(lower string) bool {
	set := commonSet()
	if _, ok := set[lower]; ok {
		return true
	}
	filler := func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	}
	base := strings.TrimFunc(lower, filler)
	if base == lower || len([]rune(base)) < 4 {
		return false
	}
	_, ok := set[base]
	return ok
}

// isPattern reports whether a password is one character or a group of up
// to 4 repeated ("aaaaaaaaaa", "abcabcabca", "1212121212"), or a run with
// a constant step of one ("1234567890", "9876543210", "abcdefghij").
func isPattern(rs []rune) bool {
	for unit := 1; unit <= 4 && unit < len(rs); unit++ {
		repeated := true
		for i := unit; i < len(rs); i++ {
			if rs[i] != rs[i-unit] {
				repeated = false
				break
			}
		}
		if repeated {
			return true
		}
	}
	for _, step := range []rune{1, -1} {
		run := true
		for i := 1; i < len(rs); i++ {
			// 9 → 0 continues a run of digits ("1234567890").
			if d := rs[i] - rs[i-1]; d != step && !(step == 1 && rs[i-1] == '9' && rs[i] == '0') && !(step == -1 && rs[i-1] == '0' && rs[i] == '9') {
				run = false
				break
			}
		}
		if run {
			return true
		}
	}
	return false
}
