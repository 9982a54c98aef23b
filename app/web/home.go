package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

type homeData struct {
	Communities   []*app.Community
	OpenNeeds     int
	Overdue       int
	Volunteers    int
	Organizations int
}

// homePage shows the communities and how the promises are being kept.
func (s *Server) homePage(c echo.Context) error {
	ctx := c.Request().Context()
	one := app.Page{Page: 1, PerPage: 1}
	d := &homeData{}
	var err error
	if d.Communities, _, err = s.app.Communities(ctx, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: 50}}); err != nil {
		return err
	}
	active := []string{app.NeedOpen, app.NeedInProgress}
	if _, d.OpenNeeds, err = s.app.Needs(ctx, app.NeedFilter{Statuses: active, Page: one}); err != nil {
		return err
	}
	if _, d.Overdue, err = s.app.Needs(ctx, app.NeedFilter{Overdue: true, Page: one}); err != nil {
		return err
	}
	if _, d.Volunteers, err = s.app.Volunteers(ctx, app.VolunteerFilter{Page: one}); err != nil {
		return err
	}
	if _, d.Organizations, err = s.app.Organizations(ctx, app.OrganizationFilter{Page: one}); err != nil {
		return err
	}
	v := s.newView(c, "", "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "home", v)
}
