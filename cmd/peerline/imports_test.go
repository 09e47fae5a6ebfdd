package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportRule enforces the package map's import rule: content, locales and store import
// nothing of ours; bot imports only store (and its own subpackages); only store imports bbolt.
func TestImportRule(t *testing.T) {
	const mod = "github.com/ehra/peerline/"
	allowed := map[string][]string{
		"store":    {},
		"content":  {},
		"locales":  {},
		"bot":      {"store", "bot/"},
		"handlers": {"bot", "bot/", "content", "locales", "store", "handlers/"},
	}
	root := filepath.Join("..", "..")
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if p == "go.etcd.io/bbolt" || strings.HasPrefix(p, "go.etcd.io/bbolt/") {
				if pkg != "store" {
					t.Errorf("%s imports bbolt; only store may", rel)
				}
			}
			if !strings.HasPrefix(p, mod) {
				continue
			}
			ours := strings.TrimPrefix(p, mod)
			top := strings.SplitN(pkg, "/", 2)[0]
			rules, ok := allowed[top]
			if !ok {
				continue // cmd, bench, sandbox: wiring, may import everything
			}
			okImport := false
			for _, a := range rules {
				if ours == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(ours, a)) {
					okImport = true
				}
			}
			// Subpackages may import their parent (storetest → store, fakeapi is standalone).
			if strings.HasPrefix(pkg, top+"/") && ours == top {
				okImport = true
			}
			if !okImport {
				t.Errorf("%s (package %s) imports %s, against the import rule", rel, pkg, ours)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
