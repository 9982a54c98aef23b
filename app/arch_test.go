package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/wushe/wushe"

// TestDependencyDirection enforces cmd → {app/web, app/store, search/*, funds/*} → app →
// {matching, funds, search} → stdlib, and keeps Echo in app/web and GORM in app/store.
func TestDependencyDirection(t *testing.T) {
	t.Parallel()
	imports := map[string]map[string]bool{} // package dir (relative) → imports
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[dir][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports["app"]) == 0 || len(imports["matching"]) == 0 {
		t.Fatalf("scan found no packages under %s", root)
	}
	std := func(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }
	ours := func(p string) (string, bool) {
		rest, ok := strings.CutPrefix(p, module+"/")
		return rest, ok
	}
	// allowed reports whether package dir may import p.
	allowed := func(dir, p string) bool {
		if std(p) {
			return true
		}
		rel, own := ours(p)
		top := strings.Split(dir, "/")[0]
		switch {
		case own && (rel == "cmd/wushe" || strings.HasPrefix(rel, "cmd/")):
			return false // nothing imports the command
		case strings.HasPrefix(p, "github.com/labstack/echo"):
			return dir == "app/web"
		case strings.HasPrefix(p, "gorm.io/"), strings.HasPrefix(p, "github.com/glebarez/sqlite"):
			return dir == "app/store"
		case dir == "app/web" && own && (rel == "app/store" || strings.HasPrefix(rel, "app/store/")):
			return false // handlers call use cases; only the command wires the store in
		}
		switch {
		case top == "matching" || dir == "templates" || dir == "migrations":
			return false // stdlib only
		case dir == "funds":
			return false
		case dir == "funds/stripepay":
			return rel == "funds" || strings.HasPrefix(p, "github.com/stripe/stripe-go/")
		case dir == "search":
			return false
		case top == "search":
			return (own && (rel == "search" || strings.HasPrefix(rel, "search/"))) || !own
		case dir == "app":
			// Third-party: the validator, and errgroup (goroutines that share one error and
			// cancellation, as the reindex's reader and writer do), which carry no domain.
			return (own && (rel == "matching" || rel == "funds" || rel == "search" || rel == "sheet" || rel == "media")) ||
				strings.HasPrefix(p, "github.com/go-playground/validator") || p == "golang.org/x/sync/errgroup"
		case dir == "sheet", dir == "media":
			return !own // file formats only: no domain
		case top == "app":
			// Subpackages of app sit above it and may use the engines and wiring pieces,
			// but never the command.
			return !own || !strings.HasPrefix(rel, "cmd")
		case top == "cmd" || top == "scripts":
			return true
		}
		return !own
	}
	var bad []string
	for dir, ps := range imports {
		for p := range ps {
			if !allowed(dir, p) {
				bad = append(bad, dir+" imports "+p)
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	// Leaf engines never import app.
	for dir, ps := range imports {
		top := strings.Split(dir, "/")[0]
		if top != "matching" && top != "funds" && top != "search" {
			continue
		}
		for p := range ps {
			if rel, own := ours(p); own && (rel == "app" || strings.HasPrefix(rel, "app/")) {
				t.Errorf("%s imports %s: engines must not depend on the application", dir, p)
			}
		}
	}
}

// webForbiddenCalls are methods app/web must not call: the store (handlers go through use
// cases, which apply the rules) and role checks (pages ask app.Can, whose policy table is the
// one place roles become permissions).
var webForbiddenCalls = map[string]string{
	"Store":   "reaches the store past the use cases",
	"HasRole": "checks a role instead of asking app.Can",
}

// TestWebCallsOnlyUseCases keeps app/web a thin layer: no handler, view or template helper
// calls the store or checks roles itself, and the View templates see carries no context or
// application to call use cases with.
func TestWebCallsOnlyUseCases(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("web", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	scanned, views := 0, 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "View" {
				// Templates only format: what they see must not reach a use case.
				views++
				for _, fld := range ts.Type.(*ast.StructType).Fields.List {
					switch typ := types.ExprString(fld.Type); typ {
					case "context.Context", "*Server", "*app.App":
						t.Errorf("%s: View holds a %s: templates would run use cases while rendering", fset.Position(fld.Pos()), typ)
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if why, bad := webForbiddenCalls[sel.Sel.Name]; bad {
					t.Errorf("%s: %s() %s", fset.Position(call.Pos()), sel.Sel.Name, why)
				}
			}
			return true
		})
	}
	if scanned == 0 || views != 1 {
		t.Fatalf("found %d app/web source files and %d View types", scanned, views)
	}
}
