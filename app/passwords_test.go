package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestChangePassword: the current password is checked, the new one must be strong and new,
// and the change revokes every API token of the user.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	a, s := apptest.NewApp(t, apptest.NewClock(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)))
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ctx := context.Background()
	email := *w.Users["resident"].Email
	token, _, err := a.CreateAPIToken(ctx, email, w.Password, "cli")
	if err != nil {
		t.Fatal(err)
	}
	as := w.As(t, a, "resident")
	for _, tc := range []struct {
		in    app.PasswordChangeInput
		field string
	}{
		{app.PasswordChangeInput{CurrentPassword: "wrong", NewPassword: "Ginkgo-lantern-47"}, "current_password"},
		{app.PasswordChangeInput{CurrentPassword: w.Password, NewPassword: "12345678"}, "new_password"},
		{app.PasswordChangeInput{CurrentPassword: w.Password, NewPassword: w.Password}, "new_password"},
		{app.PasswordChangeInput{CurrentPassword: w.Password, NewPassword: "resident@test.wushe1"}, "new_password"},
	} {
		var ae *app.Error
		if err := a.ChangePassword(as, tc.in); !asError(err, &ae) || ae.Fields[tc.field].ID == "" {
			t.Errorf("change %+v: %v, want a field error on %s", tc.in, err, tc.field)
		}
	}
	if _, err := a.Authenticate(ctx, email, w.Password); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if err := a.ChangePassword(as, app.PasswordChangeInput{CurrentPassword: w.Password, NewPassword: "Ginkgo-lantern-47"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, email, "Ginkgo-lantern-47"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := a.Authenticate(ctx, email, w.Password); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("old password still works: %v", err)
	}
	if _, err := a.PrincipalForToken(ctx, token); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("a token from before the change still works: %v", err)
	}
	if err := a.ChangePassword(context.Background(), app.PasswordChangeInput{}); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("anonymous change: %v", err)
	}
}
