package web

// Routes of dashboards: pages with charts and exports for a community, a street and the
// city roll-up, and the same figures as JSON (or CSV/XLSX with format=).

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) dashboardRoutes() {
	s.usePages("dashboards", "dashboard", "community_summary")
	e := s.e
	e.GET("/communities/:id/summary", s.communitySummaryPage)
	e.GET("/dashboards", s.dashboardsIndexPage)
	// /dashboard was the address people tried first (issue 13): it leads to the index.
	e.GET("/dashboard", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/dashboards") })
	for _, r := range []struct{ path, scope string }{{"/dashboards/communities/:id", "community"}, {"/dashboards/streets/:id", "street"}, {"/dashboards/city", "city"}} {
		e.GET(r.path, s.dashboardPageOf(r.scope))
		e.GET(r.path+"/export.csv", s.dashboardExportOf(r.scope, "csv"))
		e.GET(r.path+"/export.xlsx", s.dashboardExportOf(r.scope, "xlsx"))
	}

	periodQ := []queryParam{{Name: "from", Type: "string", Desc: "first local date, 2006-01-02 (default: this month)"},
		{Name: "to", Type: "string", Desc: "last local date, inclusive"},
		{Name: "format", Type: "string", Desc: "json (default), csv or xlsx: the figures and the by-grid table as a file"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/communities/:id", Op: "getCommunityDashboard", Tag: "dashboards", Auth: true,
		Summary: "A community's figures over a period (docs/metrics.md)", Query: periodQ, Resp: app.Dashboard{}, H: s.apiDashboard("community")})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/streets/:id", Op: "getStreetDashboard", Tag: "dashboards", Auth: true,
		Summary: "A street's figures: the roll-up of its communities", Query: periodQ, Resp: app.Dashboard{}, H: s.apiDashboard("street")})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/dashboards/city", Op: "getCityDashboard", Tag: "dashboards", Auth: true,
		Summary: "The roll-up of every community in the caller's scope", Query: periodQ, Resp: app.Dashboard{}, H: s.apiDashboard("city")})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/summary", Op: "getCommunitySummary", Tag: "dashboards",
		Summary: "A community's public summary: this calendar year's public figures, as on /communities/{id}/summary (no sign-in)",
		Resp:    app.PublicSummary{}, H: s.apiCommunitySummary})
}

// apiCommunitySummary is the public summary page's figures as JSON.
func (s *Server) apiCommunitySummary(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.CommunitySummary(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d.Public())
}

func (s *Server) dashboardPeriod(c echo.Context) (app.DashboardPeriod, error) {
	p := params{c: c}
	from, to := p.str("from", 10), p.str("to", 10)
	if p.err != nil {
		return app.DashboardPeriod{}, p.err
	}
	return s.app.ParsePeriod(from, to)
}

func (s *Server) apiDashboard(scope string) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := params{c: c}
		format := p.oneOf("format", []string{"json", "csv", "xlsx"})
		if p.err != nil {
			return p.err
		}
		d, _, err := s.dashboardFor(c, scope)
		if err != nil {
			return err
		}
		if format != nil && *format != "json" {
			return s.writeDashboard(c, d, *format)
		}
		return c.JSON(http.StatusOK, d)
	}
}
