package web

// The staff workbench (issue 13): one page listing every staff page the signed-in user may use.

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) workbenchRoutes() {
	s.usePages("workbench")
	s.e.GET("/workbench", s.workbenchPage)
}

func (s *Server) workbenchPage(c echo.Context) error {
	groups, err := s.app.StaffLinks(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "workbench.title"), "workbench")
	v.Data = groups
	return s.renderPage(c, http.StatusOK, "workbench", v)
}
