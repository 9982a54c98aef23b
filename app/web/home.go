package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// homePage shows the communities, how the promises are being kept, and what is happening:
// open campaigns, projects under way and the latest outcomes (app.Home).
func (s *Server) homePage(c echo.Context) error {
	d, err := s.app.Home(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, "", "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "home", v)
}
