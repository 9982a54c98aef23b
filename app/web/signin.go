package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// publicForms are the page routes that change state and take anonymous callers. Every
// other state-changing page route needs a signed-in user.
var publicForms = map[string]bool{
	"POST /login":    true,
	"POST /logout":   true,
	"POST /register": true,
	// An e-mail's unsubscribe link works without signing in: its signed token is the authority.
	"POST /unsubscribe": true,
}

// requireSignIn is the one place where authentication comes before anything reads the
// request: an anonymous caller of a JSON operation whose apiRoute says Auth, or of a
// state-changing page route that is not a public form, gets 401 (JSON on the API; the
// sign-in behaviour of the error handler on pages) before any binding or validation.
// Scope is still decided by app.Authorize in the use cases.
func (s *Server) requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.needsSignIn(c) && !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return next(c)
	}
}

// needsSignIn reports whether the matched route refuses anonymous callers. Unmatched
// requests pass, so they still get their 404 or 405.
func (s *Server) needsSignIn(c echo.Context) bool {
	route := c.Request().Method + " " + c.Path()
	if isAPI(c) {
		return s.apiAuth[route] // the apiRoute table is the single source
	}
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false // pages that need a user redirect to the sign-in page themselves
	}
	return s.routeSet[route] && !publicForms[route] && !machinePath(c.Request().URL.Path)
}
