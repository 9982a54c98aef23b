package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 only while the database answers, so load balancers stop sending traffic
// to an instance that cannot serve it.
func (s *Server) readyz(c echo.Context) error {
	if err := s.readyCheck(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
