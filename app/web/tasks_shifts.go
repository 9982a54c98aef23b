package web

// Shifts: adding them to a task, and a volunteer signing up, checking in and checking out.

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// bindShiftForm reads the shift form: a one-off shift (datetime-local starts_at/ends_at) or a
// weekly series.
func (s *Server) bindShiftForm(c echo.Context, in *app.ShiftInput) error {
	err := bindForm(c, in)
	fe := app.FieldErrors{}
	if c.FormValue("mode") == "once" {
		in.StartsAt, in.EndsAt = s.formTime(c, "starts_at", fe), s.formTime(c, "ends_at", fe)
		if in.StartsAt == nil {
			fe.Add("starts_at", "error.required")
		}
		if in.EndsAt == nil {
			fe.Add("ends_at", "error.required")
		}
		in.Weekdays, in.Weeks = nil, 0
	}
	if e, ok := err.(*app.Error); ok {
		for k, m := range e.Fields {
			fe[k] = m
		}
	} else if err != nil {
		return err
	}
	return fe.Err()
}

func (s *Server) taskShiftsAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ShiftInput
	err = s.bindShiftForm(c, &in)
	var shifts []*app.Shift
	if err == nil {
		shifts, err = s.app.AddShifts(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "tasks"), func(st int, v *View) error {
			return s.renderTask(c, st, id, v, &taskPageData{ShiftForm: in,
				ShiftStarts: c.FormValue("starts_at"), ShiftEnds: c.FormValue("ends_at")})
		})
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(id, 10), "tasks.shifts_added", "n", len(shifts))
}

func (s *Server) apiShiftsAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ShiftInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.AddShifts(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Shift]{Items: ss})
}

// HasInt reports whether a list of ints holds the number written in s (for checkboxes).
func (v *View) HasInt(list []int, s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && slices.Contains(list, n)
}

// shiftTask is the page of a shift's task, where its sign-up buttons are; /me/tasks if the
// shift is unknown.
func (s *Server) shiftTask(c echo.Context, shiftID int64) string {
	if task, err := s.app.TaskOfShift(c.Request().Context(), shiftID); err == nil {
		return "/tasks/" + strconv.FormatInt(task, 10)
	}
	return "/me/tasks"
}

func (s *Server) shiftSignup(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	_, err = s.app.SignUp(c.Request().Context(), id)
	return s.after(c, back(c, s.shiftTask(c, id)), err, "tasks.signed_up")
}

func (s *Server) apiSignup(c echo.Context) error {
	return apiOn(c, http.StatusCreated, s.app.SignUp)
}

func (s *Server) shiftCheck(in bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		ctx := c.Request().Context()
		msg := "tasks.checked_in"
		if in {
			_, err = s.app.CheckIn(ctx, id, c.FormValue("code"))
		} else {
			_, err = s.app.CheckOut(ctx, id, c.FormValue("code"))
			msg = "tasks.checked_out"
		}
		return s.after(c, back(c, s.shiftTask(c, id)), err, msg)
	}
}

func (s *Server) apiCheckIn(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CheckInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	su, err := s.app.CheckIn(c.Request().Context(), id, in.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, su)
}

func (s *Server) apiCheckOut(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CheckInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := s.app.CheckOut(c.Request().Context(), id, in.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}
