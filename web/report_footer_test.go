package web

import (
	"regexp"
	"strings"
	"testing"
)

// escape matches one CSS hex escape as cssString writes it.
var escape = regexp.MustCompile(`\\[0-9a-f]+ `)

func TestCSSStringIsInert(t *testing.T) {
	for _, in := range []string{`"; } body { display: none } x{ content:"`, `\`, "a\nb", `</style><script>`, "数据截至 2024"} {
		out := cssString(in)
		bare := escape.ReplaceAllString(out[1:len(out)-1], "")
		if strings.ContainsAny(bare, "\"'\\;{}<>\n") {
			t.Errorf("cssString(%q) = %s leaves a character that can end the string or rule", in, out)
		}
		if out[0] != '"' || out[len(out)-1] != '"' || strings.Count(out, `"`) != 2 {
			t.Errorf("cssString(%q) = %s", in, out)
		}
	}
	if got := cssString("数据 v1"); got != `"\6570 \636e  v1"` {
		t.Errorf("cssString = %s", got)
	}
}
