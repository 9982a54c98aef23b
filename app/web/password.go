package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// sessionStamp is kept in a session at sign-in; a session whose stamp no longer matches the
// user's password hash (the password changed since) is signed out.
const sessionStamp = "pw"

// passwordStamp is a short digest of the user's password hash (which is salted, so every
// change gives a new stamp). It reveals nothing useful about the password.
func passwordStamp(u *app.User) string {
	sum := sha256.Sum256([]byte(u.PasswordHash))
	return hex.EncodeToString(sum[:8])
}

func (s *Server) passwordPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	v := s.newView(c, s.i18n.T(lang(c), "password.title"), "")
	return s.renderPage(c, http.StatusOK, "password_form", v)
}

func (s *Server) passwordChange(c echo.Context) error {
	var in app.PasswordChangeInput
	err := bindForm(c, &in)
	if err == nil {
		err = s.app.ChangePassword(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "password.title"), ""), func(st int, v *View) error {
			return s.renderPage(c, st, "password_form", v)
		})
	}
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionStamp, passwordStamp(principal(c).User))
	return s.done(c, "/me", "password.done")
}

func (s *Server) apiChangePassword(c echo.Context) error {
	var in app.PasswordChangeInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.app.ChangePassword(c.Request().Context(), in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
