package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jindu/metrics"
)

// sourceKeys reads every non-test Go file of the module (generated templ
// code included) and returns the string literals passed as the key of
// Lang.T, F or N, every other string literal (a key held in a variable or a
// table counts as used), and the literals a key is built from ("star." +
// i). The catalog's own map keys are not counted.
func sourceKeys(t *testing.T) (called map[string][]string, literals map[string]bool, prefixes []string) {
	t.Helper()
	root := filepath.Join("..", "..")
	called, literals = map[string][]string{}, map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		catalogFile := f.Name.Name == "i18n"
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if catalogFile {
					return false // a definition, not a use
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if ok && len(n.Args) > 0 && (sel.Sel.Name == "T" || sel.Sel.Name == "F" || sel.Sel.Name == "N") {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						k, _ := strconv.Unquote(lit.Value)
						called[k] = append(called[k], fset.Position(lit.Pos()).String())
					}
				}
			case *ast.BinaryExpr:
				if lit, ok := n.X.(*ast.BasicLit); ok && n.Op == token.ADD && lit.Kind == token.STRING {
					p, _ := strconv.Unquote(lit.Value)
					if strings.HasSuffix(p, ".") {
						prefixes = append(prefixes, p)
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					s, _ := strconv.Unquote(n.Value)
					literals[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return called, literals, prefixes
}

// TestCatalog fails on a key used but missing, a key defined twice, or a
// key no code uses, and checks the English singulars against their
// messages.
func TestCatalog(t *testing.T) {
	if len(duplicates) > 0 {
		slices.Sort(duplicates)
		t.Errorf("keys defined twice: %v", duplicates)
	}
	called, literals, prefixes := sourceKeys(t)
	if len(called) < 100 {
		t.Fatalf("found only %d keys in the source: is the scan broken?", len(called))
	}
	for k, at := range called {
		if _, ok := messages[k]; !ok {
			t.Errorf("key %q used (%s) but not in the catalog", k, strings.Join(at, ", "))
		}
	}
	// Keys built at run time from a prefix, over the values they take.
	dynamic := []string{}
	for _, l := range []metrics.Level{metrics.LevelStreet, metrics.LevelCommunity, metrics.LevelCompound} {
		dynamic = append(dynamic, "level."+string(l))
	}
	for i := range metrics.StarNames {
		dynamic = append(dynamic, "star."+strconv.Itoa(i))
	}
	for _, k := range dynamic {
		if _, ok := messages[k]; !ok {
			t.Errorf("key %q (built at run time) not in the catalog", k)
		}
	}
	for k := range messages {
		if literals[k] || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			continue
		}
		t.Errorf("key %q is in the catalog but no code uses it", k)
	}
	verbs := regexp.MustCompile(`%[-+ #0-9.]*[a-zA-Z]|\{[a-z_]+\}`)
	for k, one := range englishOne {
		m, ok := messages[k]
		if !ok {
			t.Errorf("englishOne: %q is not in the catalog", k)
			continue
		}
		if a, b := verbs.FindAllString(one, -1), verbs.FindAllString(m[1], -1); !slices.Equal(a, b) {
			t.Errorf("englishOne %q: verbs %v, the message has %v", k, a, b)
		}
	}
}

// TestPlural: English counts of one are singular, Chinese is unchanged.
func TestPlural(t *testing.T) {
	if got := En.N("preview.invalid", 1); !strings.Contains(got, "1 error;") {
		t.Errorf("En, 1: %q", got)
	}
	if got := En.N("preview.invalid", 2); !strings.Contains(got, "2 errors;") {
		t.Errorf("En, 2: %q", got)
	}
	if got := Zh.N("preview.invalid", 1); !strings.Contains(got, "1 处错误") {
		t.Errorf("Zh, 1: %q", got)
	}
	one := En.Problem(ProblemFields{Code: "hidden_rows", Count: 1, Rows: []int{4}, Params: map[string]string{}})
	many := En.Problem(ProblemFields{Code: "hidden_rows", Count: 2, Rows: []int{4, 5}, Params: map[string]string{}})
	if !strings.HasPrefix(one, "1 row is hidden") || !strings.HasPrefix(many, "2 rows are hidden") {
		t.Errorf("problem plurals: %q / %q", one, many)
	}
}

// TestAcceptLanguage: the header's q-values decide, Chinese by default.
func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]Lang{
		"en":                         En,
		"en-US,en;q=0.9":             En,
		"zh-CN,zh;q=0.9,en;q=0.8":    Zh,
		"en;q=0.1, zh;q=0.9":         Zh, // the first listed is not the preferred one
		"fr, en;q=0.5":               En,
		"de-DE,de;q=0.9,en-GB;q=0.2": En,
		"fr":                         Zh,
		"en;q=0":                     Zh, // q=0: not acceptable
		"zh-TW":                      Zh,
		";;;":                        Zh,
	} {
		if got := fromAcceptLanguage(h); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", h, got, want)
		}
	}
}
