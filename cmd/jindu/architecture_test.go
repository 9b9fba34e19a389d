package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePackages maps every package of the module (a directory with a
// non-test Go file) to the jindu/ packages its non-test files import.
func modulePackages(t *testing.T, root string) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") || d.Name() == "static") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := "jindu/" + filepath.ToSlash(rel)
		if _, ok := pkgs[pkg]; !ok {
			pkgs[pkg] = nil
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(p, "jindu/") && !slices.Contains(pkgs[pkg], p) {
				pkgs[pkg] = append(pkgs[pkg], p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// deps is every jindu/ package pkg imports, directly or not.
func deps(pkgs map[string][]string, pkg string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		for _, q := range pkgs[p] {
			if !seen[q] {
				seen[q] = true
				walk(q)
			}
		}
	}
	walk(pkg)
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// TestArchitecture keeps docs/architecture.md true: every package of the
// module has its row in the table, and every row names a package; and the
// import rules hold (metrics imports nothing of ours, ingest not db).
func TestArchitecture(t *testing.T) {
	root := filepath.Join("..", "..")
	pkgs := modulePackages(t, root)
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages: is the walk broken? %v", len(pkgs), pkgs)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(jindu[^`]*)` \\|").FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = true
	}
	for p := range pkgs {
		if !rows[p] {
			t.Errorf("package %s has no row in docs/architecture.md", p)
		}
	}
	for p := range rows {
		if _, ok := pkgs[p]; !ok {
			t.Errorf("docs/architecture.md lists %s, which is not a package of the module", p)
		}
	}
	if d := deps(pkgs, "jindu/metrics"); len(d) > 0 {
		t.Errorf("metrics imports %v; it must import nothing of ours", d)
	}
	if d := deps(pkgs, "jindu/ingest"); slices.Contains(d, "jindu/db") {
		t.Errorf("ingest reaches jindu/db (%v): the parser must not know the database", d)
	}
}
