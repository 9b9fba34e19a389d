// Package auth holds Jindu's account rules: roles, password hashing
// (argon2id), session tokens and the login throttle. It stores nothing;
// db keeps users, sessions and the audit log.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length bounds (characters). No composition rules, as NIST
// SP 800-63B advises; length is what resists guessing.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// MaxUsernameLen is the longest account name (characters); the database
// refuses longer ones, so a login with a longer name is refused before any
// password is hashed.
const MaxUsernameLen = 64

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// PolicyError is a password the policy refuses; Code is stable (and names
// the message in the web UI's languages).
type PolicyError struct {
	Code, English, Chinese string
}

func (e *PolicyError) Error() string { return e.English + " / " + e.Chinese }

// The reasons a new password is refused (NIST SP 800-63B, 5.1.1.2: length,
// and no password that is commonly used, expected or context-specific).
var (
	ErrPasswordLength = &PolicyError{"password_length",
		fmt.Sprintf("password must be %d to %d characters", MinPasswordLen, MaxPasswordLen),
		fmt.Sprintf("密码长度须为 %d–%d 个字符", MinPasswordLen, MaxPasswordLen)}
	ErrPasswordCommon = &PolicyError{"password_common",
		"this password is among the most common ones (or one with digits added); choose another",
		"该密码属于最常见的密码（或仅在其前后加了数字、符号），容易被猜中，请另选一个"}
	ErrPasswordContext = &PolicyError{"password_context",
		"the password must not contain the user name or the name of this system (jindu, 进度)",
		"密码不能包含用户名或本系统名称（jindu、进度）"}
	ErrPasswordPattern = &PolicyError{"password_pattern",
		"the password must not be one character repeated, a short group repeated or a run such as 1234567890 or abcdefghij",
		"密码不能是同一字符重复、短字符组重复或 1234567890、abcdefghij 这样的连续序列"}
)

// contextWords are refused inside any password: the service's own names.
var contextWords = []string{"jindu", "进度"}

// CheckPasswordPolicy reports whether a new password is acceptable: its
// length, then no context word (the user names in context, if 3 or more
// characters, and "jindu"), then not one of the 10,000 most common
// passwords (case-insensitive, also with digits or symbols added before
// or after), then not a repeated or sequential pattern.
func CheckPasswordPolicy(pw string, context ...string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen || n > MaxPasswordLen {
		return ErrPasswordLength
	}
	lower := strings.ToLower(pw)
	words := contextWords
	for _, c := range context {
		if c = strings.ToLower(strings.TrimSpace(c)); utf8.RuneCountInString(c) >= 3 {
			words = append(words[:len(words):len(words)], c)
		}
	}
	for _, w := range words {
		if strings.Contains(lower, w) {
			return ErrPasswordContext
		}
	}
	if isCommonPassword(lower) {
		return ErrPasswordCommon
	}
	if isPattern([]rune(lower)) {
		return ErrPasswordPattern
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format of a
// password the policy accepts; context is what the password must not
// contain (the user name).
func HashPassword(pw string, context ...string) (string, error) {
	if err := CheckPasswordPolicy(pw, context...); err != nil {
		return "", err
	}
	return hash(pw)
}

// hash derives the stored form of any password.
func hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// Bounds on the parameters a stored hash may ask for, far above today's,
// so a damaged or planted hash cannot make one check take gigabytes.
const (
	maxArgonMemory = 256 * 1024 // KiB
	maxArgonTime   = 16
)

// VerifyPassword reports whether pw matches hash, in constant time. The
// parameters are read from the hash, so they can be raised later.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 ||
		m > maxArgonMemory || t > maxArgonTime {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a user does not exist, so a login
// for an unknown name takes as long as one for a known name.
var dummyHash, _ = hash("not-a-real-password-0000")

// VerifyNothing spends the time of one verification.
func VerifyNothing(pw string) { VerifyPassword(dummyHash, pw) }

// NewToken returns a random session token (256 bits) and the hash that is
// stored; the token itself is only ever in the user's cookie.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a session token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomPassword returns a password for generated accounts (demo users).
func RandomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
