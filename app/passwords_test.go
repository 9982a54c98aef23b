package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

func TestPasswordProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		password string
		personal []string
		want     string
	}{
		{"12345678", nil, "security.error.password_weak"}, // the probe's three (issue 9, defect 5)
		{"password", nil, "security.error.password_weak"},
		{"aaaaaaaa", nil, "security.error.password_weak"},
		{"P@ssw0rd1", nil, "security.error.password_weak"},
		{"qwertyuiop", nil, "security.error.password_weak"},
		{"woaini1314", nil, "security.error.password_weak"}, // common in Chinese leaks
		{"Woaini1314!", nil, "security.error.password_weak"},
		{"1qaz2wsx", nil, "security.error.password_weak"},
		{"88888888", nil, "security.error.password_weak"},
		{"zhangsan1990", []string{"zhangsan@example.com"}, "security.error.password_personal"},
		{"13812345678", []string{"13812345678"}, "security.error.password_personal"},
		{"1234567", nil, "security.error.password_short"},
		{"春眠不觉晓", nil, "security.error.password_short"}, // five characters, whatever the bytes
		{strings.Repeat("长", 129), nil, "security.error.password_long"},
		{"Ginkgo-lantern-47", nil, ""},
		{"correct horse 电池", nil, ""},
		{"蓝色风筝飞过老槐树", nil, ""},
		{"长长长长长长长长长长", nil, "security.error.password_weak"},
		{"12121212", nil, "security.error.password_weak"},
		{strings.Repeat("a1b2", 32), nil, "security.error.password_weak"},
		{"tea kettle orbit", []string{"zhangsan@example.com"}, ""},
	}
	for _, tt := range tests {
		if got := app.PasswordProblem(tt.password, tt.personal...); got != tt.want {
			t.Errorf("PasswordProblem(%q) = %q, want %q", tt.password, got, tt.want)
		}
	}
}

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

// BenchmarkPasswordProblem measures the check on the longest password a form takes (its
// cost bounds what an anonymous registration can make the server spend; docs/security.md).
func BenchmarkPasswordProblem(b *testing.B) {
	long := string([]rune(strings.Repeat("Ab3$长风破浪会有时直挂云帆济沧海", 10))[:app.MaxPasswordLength])
	for b.Loop() {
		app.PasswordProblem(long, "张三", "zhangsan@example.com", "13812345678")
	}
}
