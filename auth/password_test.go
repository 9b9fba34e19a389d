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
	for pw, ok := range map[string]bool{
		"short":                  false,
		"123456789":              false,
		"1234567890":             true,
		"十个汉字的密码也可以的啊":           true, // characters, not bytes
		strings.Repeat("x", 128): true,
		strings.Repeat("x", 129): false,
	} {
		if err := CheckPasswordPolicy(pw); (err == nil) != ok {
			t.Errorf("policy(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("HashPassword accepted a short password")
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
