package smtpmail_test

import (
	"os"
	"testing"

	"github.com/wushe/wushe/app/apptest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
