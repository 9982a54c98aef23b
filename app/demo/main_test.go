package demo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
)

// TestMain migrates once for the package (apptest copies the template per test) and removes
// the templates when the tests end.
func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

// demoApp opens a fresh store holding the demo data set as demo.Load writes it at now with
// password. The load runs once per (now, password) in a test process and each test gets its
// own copy, so tests that change data stay independent.
func demoApp(tb testing.TB, now time.Time, password string) (*app.App, *store.Store) {
	tb.Helper()
	name := fmt.Sprintf("demo %s %q", now.Format(time.RFC3339), password)
	s := apptest.OpenTemplate(tb, name, func(ctx context.Context, s *store.Store) error {
		_, err := demo.Load(ctx, s, apptest.Hasher(), now, password)
		return err
	})
	return app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher()}), s
}
