package main

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// plainHasher hashes without being a password policy, so the policy the application uses
// must be wired in on its own.
type plainHasher struct{ app.PasswordHasher }

// TestNewAppWiring checks the one wiring every subcommand gets: the Main's clock and the
// configured time zone, the configured search engine, card payments when a Stripe key is set,
// and the production password policy whatever hasher a test swaps in.
func TestNewAppWiring(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = apptest.NewDatabaseURL(t)
	cfg.Migrate = true
	cfg.Timezone = "Asia/Urumqi"
	cfg.StripeKey, cfg.StripeWebhook = "sk_test_wiring", "whsec_wiring"
	cfg.StripeAPIURL = "http://127.0.0.1:1" // never called here
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	m := NewMain(&cfg, &Env{Stdout: logs, Stderr: logs, Getenv: func(string) string { return "" }})
	defer m.Close()
	m.Hasher = plainHasher{apptest.Hasher()}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	m.Clock = apptest.NewClock(now)
	ctx := context.Background()
	if err := m.openStore(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := m.newApp()
	if err != nil {
		t.Fatal(err)
	}
	if a != m.App {
		t.Errorf("newApp did not keep the application on Main")
	}
	if !a.Now().Equal(now) {
		t.Errorf("Now = %v, want the Main's clock %v", a.Now(), now)
	}
	if got := a.Location().String(); got != "Asia/Urumqi" {
		t.Errorf("Location = %s, want the configured Asia/Urumqi", got)
	}
	if a.SearchIndex() == nil || a.SearchIndex() != app.SearchIndex(m.Search) || !strings.HasPrefix(m.searchWhere, "embedded ") {
		t.Errorf("search = %v (%q), want the embedded engine Main opened", a.SearchIndex(), m.searchWhere)
	}
	if !a.PaymentsEnabled() {
		t.Errorf("payments are offline with a Stripe key configured")
	}
	// A common Chinese password passes the length-only fallback but not the policy.
	_, err = a.Register(ctx, app.RegisterInput{Name: "王小明", Email: "wiring@test.wushe", Password: "woaini1314"})
	var e *app.Error
	if !asAppError(err, &e) || !strings.HasPrefix(e.Fields["password"].ID, "security.error.password") {
		t.Errorf("Register with a common password = %v, want a password field error from the policy", err)
	}
}

func asAppError(err error, target **app.Error) bool {
	e, ok := err.(*app.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestOneWayToBuildTheApp keeps newApp the only place cmd/wushe builds the application, so a
// new subcommand cannot quietly run without the clock, search or payments serve has.
func TestOneWayToBuildTheApp(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "app" {
						where = append(where, name+": "+fn.Name.Name)
					}
				}
				return true
			})
		}
	}
	if len(where) != 1 || where[0] != "app.go: newApp" {
		t.Errorf("app.New is called from %v, want only newApp (app.go)", where)
	}
}
