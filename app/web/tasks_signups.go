package web

// Sign-ups: invitations from coordinators, cancellations and no-shows.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) taskInvite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.InviteInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.Invite(c.Request().Context(), id, in)
	}
	return s.after(c, "/tasks/"+strconv.FormatInt(id, 10), err, "tasks.invited")
}

func (s *Server) apiInvite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.InviteInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.Invite(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Signup]{Items: ss})
}

// signupTask is the page of a sign-up's task; /me/tasks if the sign-up is unknown.
func (s *Server) signupTask(c echo.Context, id int64) string {
	if task, err := s.app.TaskOfSignup(c.Request().Context(), id); err == nil {
		return "/tasks/" + strconv.FormatInt(task, 10)
	}
	return "/me/tasks"
}

func (s *Server) signupCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.CancelSignup(c.Request().Context(), id)
	return s.after(c, back(c, s.signupTask(c, id)), err, "tasks.cancelled")
}

func (s *Server) apiSignupCancel(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.CancelSignup)
}

func (s *Server) signupNoShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.MarkNoShow(c.Request().Context(), id)
	return s.after(c, s.signupTask(c, id), err, "tasks.no_show_marked")
}

func (s *Server) apiNoShow(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.MarkNoShow)
}
