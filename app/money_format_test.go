package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMoneyHasOneFormatter fails when application code formats money by hand instead of
// through the shared formatter (funds.Money.String: `yuan` on pages, yuanText in messages).
// Issue 12 found an error reading "¥186000.00" (fmt "%d.%02d" of fen, no separators) and
// charts reading "¥¥170.00" (a sign added to an already formatted amount): a string literal
// that is a bare currency sign or a fen-to-yuan format verb is the tell.
func TestMoneyHasOneFormatter(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	bad := func(s string) bool {
		s = strings.TrimSpace(s)
		return s == "¥" || s == "￥" || strings.Contains(s, "%d.%02d")
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && bad(s) {
				t.Errorf("%s: %s formats money by hand; use yuanText (app) or formatYuan/`yuan` (web)", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d files under %s; the walk is broken", files, root)
	}
}
