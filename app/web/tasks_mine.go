package web

// The signed-in volunteer's page: the shifts they hold and the open tasks ranked for them.

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) myTasksPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	ctx := c.Request().Context()
	v := s.newView(c, s.i18n.T(lang(c), "tasks.mine"), "tasks")
	data := map[string]any{}
	me, err := s.app.MyVolunteer(ctx)
	if app.IsCode(err, app.ENOTFOUND) {
		v.Data = data
		return s.renderPage(c, http.StatusOK, "tasks_mine", v)
	} else if err != nil {
		return err
	}
	ms, err := s.app.TasksForMe(ctx, 20)
	if err != nil {
		return err
	}
	held, err := s.app.MyCommitments(ctx)
	if err != nil {
		return err
	}
	hoursTasks, err := s.app.HoursTaskChoices(ctx)
	if err != nil {
		return err
	}
	data["Volunteer"], data["Matches"], data["Held"], data["HoursTasks"] = me, ms, held, hoursTasks
	data["HoursForm"] = app.HoursInput{Date: s.app.Now().In(s.app.Location()).Format("2006-01-02"), Minutes: 60}
	v.Data = data
	return s.renderPage(c, http.StatusOK, "tasks_mine", v)
}

func (s *Server) apiTasksForMe(c echo.Context) error {
	ms, err := s.app.TasksForMe(c.Request().Context(), 0)
	if app.IsCode(err, app.ENOTFOUND) {
		ms = []app.TaskMatch{} // signed in without a volunteer profile: nothing ranked
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, items[app.TaskMatch]{Items: ms})
}
