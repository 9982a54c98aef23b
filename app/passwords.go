package app

import (
	"context"
	"fmt"
)

// PasswordPolicy says why a new password may not be used: a message id, or "" when it may.
// personal lists details of the account (name, e-mail, mobile) the password must not lean on.
type PasswordPolicy interface {
	Problem(password string, personal ...string) string
}

// minLength is the policy of last resort, when no PasswordPolicy is wired in.
type minLength struct{}

func (minLength) Problem(password string, _ ...string) string {
	if len([]rune(password)) < 8 {
		return "security.error.password_short"
	}
	return ""
}

// checkPassword adds a field error when the password policy refuses a new password (in
// production passwd.Problem: length, and guessability by zxcvbn with Chinese and personal
// dictionaries). personal lists the account's details.
func (a *App) checkPassword(fe FieldErrors, field, password string, personal ...string) {
	if _, bad := fe[field]; bad || password == "" {
		return // the form's own rules already said what is wrong (or that it is required)
	}
	if id := a.passwords.Problem(password, personal...); id != "" {
		fe.Add(field, id, "min", 8, "max", 128)
	}
}

// PasswordChangeInput changes the signed-in user's password.
type PasswordChangeInput struct {
	CurrentPassword string `json:"current_password" form:"current_password" validate:"required,max=128"`
	NewPassword     string `json:"new_password" form:"new_password" validate:"required,min=8,max=128"`
}

// ChangePassword sets a new password for the signed-in user after checking the current one.
// Every API token of the user is revoked (a stolen token must not outlive the password), and
// sessions signed in before the change stop working (the web layer checks a stamp of the
// password hash on each request).
func (a *App) ChangePassword(ctx context.Context, in PasswordChangeInput) error {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.CurrentPassword != "" {
		ok, err := a.hasher.Verify(p.User.PasswordHash, in.CurrentPassword)
		if err != nil {
			return fmt.Errorf("verify password of user %d: %w", p.User.ID, err)
		}
		if !ok {
			fe.Add("current_password", "security.error.current_password")
		}
	}
	if in.NewPassword != "" && in.NewPassword == in.CurrentPassword {
		fe.Add("new_password", "security.error.password_same")
	}
	a.checkPassword(fe, "new_password", in.NewPassword, userDetails(p.User)...)
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := a.hasher.Hash(in.NewPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		u, err := a.store.FindUser(ctx, p.User.ID)
		if err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt = hash, a.Now()
		if err := a.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		n, err := a.store.DeleteUserAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, "user.password_changed", "user", u.ID, 0, map[string]any{"tokens_revoked": n})
	})
	if err == nil {
		p.User.PasswordHash = hash // the caller's principal signs its own session in again
	}
	return err
}

// userDetails are the account details a password must not lean on.
func userDetails(u *User) []string {
	out := []string{u.Name}
	if u.Email != nil {
		out = append(out, *u.Email)
	}
	if u.Mobile != nil {
		out = append(out, *u.Mobile)
	}
	return out
}
