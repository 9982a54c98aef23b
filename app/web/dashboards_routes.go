package web

// Routes of dashboards: the JSON figures of a community, a street and the city roll-up.

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) dashboardRoutes() {
	periodQ := []queryParam{{Name: "from", Type: "string", Desc: "first local date, 2006-01-02 (default: this month)"},
		{Name: "to", Type: "string", Desc: "last local date, inclusive"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/communities/:id", Op: "getCommunityDashboard", Tag: "dashboards", Auth: true,
		Summary: "A community's figures over a period (docs/metrics.md)", Query: periodQ, Resp: app.Dashboard{}, H: s.apiCommunityDashboard})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/streets/:id", Op: "getStreetDashboard", Tag: "dashboards", Auth: true,
		Summary: "A street's figures: the roll-up of its communities", Query: periodQ, Resp: app.Dashboard{}, H: s.apiStreetDashboard})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/city", Op: "getCityDashboard", Tag: "dashboards", Auth: true,
		Summary: "The roll-up of every community in the caller's scope", Query: periodQ, Resp: app.Dashboard{}, H: s.apiCityDashboard})
}

func (s *Server) dashboardPeriod(c echo.Context) (app.DashboardPeriod, error) {
	p := params{c: c}
	from, to := p.str("from", 10), p.str("to", 10)
	if p.err != nil {
		return app.DashboardPeriod{}, p.err
	}
	return s.app.ParsePeriod(from, to)
}

func (s *Server) apiCommunityDashboard(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.dashboardPeriod(c)
	if err != nil {
		return err
	}
	d, err := s.app.CommunityDashboard(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) apiStreetDashboard(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.dashboardPeriod(c)
	if err != nil {
		return err
	}
	d, err := s.app.StreetDashboard(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) apiCityDashboard(c echo.Context) error {
	p, err := s.dashboardPeriod(c)
	if err != nil {
		return err
	}
	d, err := s.app.CityDashboard(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
