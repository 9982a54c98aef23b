package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
)

// TestSignInsFollowThePassword loads the demo with one password (the one the other demo tests
// load it with, so the load is shared), restarts it with another, and checks that every listed
// sign-in of every data set opens with the new one and not the old.
func TestSignInsFollowThePassword(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, s := demoApp(t, now, "demo password")
	ctx := context.Background()
	if err := demo.ResetPasswords(ctx, s, apptest.Hasher(), "second password"); err != nil {
		t.Fatalf("reset: %v", err)
	}
	accounts := demo.SignIns()
	if len(accounts) <= len(demo.Accounts) {
		t.Fatalf("SignIns lists %d accounts, only the base data set's", len(accounts))
	}
	for _, acc := range accounts {
		if _, err := a.Authenticate(ctx, acc.Email, "second password"); err != nil {
			t.Errorf("%s with the new password: %v", acc.Email, err)
		}
		if _, err := a.Authenticate(ctx, acc.Email, "demo password"); err == nil {
			t.Errorf("%s still opens with the old password", acc.Email)
		}
	}
}
