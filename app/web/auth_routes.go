package web

// Routes of accounts: signing in and out, registration, the user's own page and password,
// pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) authRoutes() {
	s.usePages("login", "register", "me")
	s.e.GET("/login", s.loginPage)
	s.e.POST("/login", s.login)
	s.e.POST("/logout", s.logout)
	s.e.GET("/register", s.registerPage)
	s.e.POST("/register", s.register)
	s.e.GET("/me", s.mePage)
	s.e.GET("/", s.homePage)

	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/auth/tokens", Op: "createToken", Tag: "auth",
		Summary: "Exchange an email or mobile number and password for a bearer token",
		Body:    tokenRequest{}, Resp: tokenResponse{}, Status: http.StatusCreated, H: s.apiCreateToken})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/users", Op: "register", Tag: "auth",
		Summary: "Register an account (resident of a community)", Body: app.RegisterInput{}, Resp: userOut{},
		Status: http.StatusCreated, H: s.apiRegister})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me", Op: "me", Tag: "auth", Auth: true,
		Summary: "The signed-in user and their memberships", Resp: meOut{}, H: s.apiMe})
	s.passwordRoutes()
}

func (s *Server) passwordRoutes() {
	s.usePages("password_form")
	s.e.GET("/me/password", s.passwordPage)
	s.e.POST("/me/password", s.passwordChange)
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/me/password", Op: "changePassword", Tag: "auth", Auth: true,
		Summary: "Change the signed-in user's password (revokes every API token of the user, this one included)",
		Body:    app.PasswordChangeInput{}, Status: http.StatusNoContent, H: s.apiChangePassword})
}
