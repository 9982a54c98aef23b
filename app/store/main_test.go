package store_test

import (
	"os"
	"testing"

	"github.com/wushe/wushe/app/apptest"
)

// TestMain migrates once for the package (apptest copies the template per test) and removes
// the templates when the tests end.
func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
