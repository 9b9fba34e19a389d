package auth

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the argon2id parameters", h)
	}
	if ok, err := VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(h, "correct horse batterY"); ok {
		t.Error("wrong password accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h2 == h {
		t.Error("two hashes of one password must differ (salt)")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", "$bcrypt$x", "$argon2id$v=19$m=19456,t=2,p=1$!!$AAAA"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, want := range map[string]error{
		"short":                        ErrPasswordLength,
		"123456789":                    ErrPasswordLength,
		"十个汉字的密码也可以的啊":                 nil, // characters, not bytes
		"x" + strings.Repeat("yz", 64): ErrPasswordLength,
		"correct horse battery":        nil,
		"Tr0ub4dor&3xkcd":              nil,
		// The finding: the 10,000 most common passwords, in any case, and
		// with digits or symbols added.
		"1234567890":     ErrPasswordCommon,
		"qwertyuiop":     ErrPasswordCommon,
		"PASSWORD123":    ErrPasswordCommon,
		"iloveyou2024!":  ErrPasswordCommon,
		"2024.sunshine!": ErrPasswordCommon,
		"baseball12345":  ErrPasswordCommon,
		// Context: the service's name.
		"my jindu password": ErrPasswordContext,
		"进度系统的管理员密码啊":       ErrPasswordContext,
		"JinDu2024!!":       ErrPasswordContext,
		// Repeats and runs.
		strings.Repeat("x", 128): ErrPasswordPattern,
		"abcabcabca":             ErrPasswordPattern,
		"3434343434":             ErrPasswordPattern,
		"8765432109":             ErrPasswordPattern,
		"abcdefghijkl":           ErrPasswordPattern,
		"7890123456":             ErrPasswordPattern,
		"abcdefghijkx":           nil,
	} {
		if err := CheckPasswordPolicy(pw); err != want {
			t.Errorf("policy(%q) = %v, want %v", pw, err, want)
		}
	}
	// The user name (3 characters or more) is context too.
	if err := CheckPasswordPolicy("Carol's password", "carol"); err != ErrPasswordContext {
		t.Errorf("a password with the user name: %v", err)
	}
	if err := CheckPasswordPolicy("li's long password", "li"); err != nil {
		t.Errorf("a 2-character name is not searched for: %v", err)
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("HashPassword accepted a short password")
	}
	if _, err := HashPassword("wang's own password", "wang"); err != ErrPasswordContext {
		t.Errorf("HashPassword with the user name: %v", err)
	}
	if n := len(commonSet()); n < 9_900 {
		t.Errorf("the embedded list has %d distinct entries, want about 10,000", n)
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 22 || HashToken(a) != ha || ha == a {
		t.Errorf("tokens %q %q hash %q", a, b, ha)
	}
}

func TestMayChangeStreet(t *testing.T) {
	clerk := User{Role: Clerk, Streets: []string{"西大街道"}}
	if !clerk.MayChangeStreet("西大街道") || clerk.MayChangeStreet("东大街道") {
		t.Error("scoped clerk")
	}
	if !(User{Role: Clerk}).MayChangeStreet("东大街道") {
		t.Error("district-wide clerk")
	}
	if (User{Role: Viewer}).MayChangeStreet("东大街道") || !(User{Role: Admin}).MayChangeStreet("x") {
		t.Error("viewer or admin")
	}
}
