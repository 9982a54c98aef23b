package web

// Batch assignment of volunteers to a community's open shifts: the proposal and its confirmation.

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) assignmentPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cm, err := s.app.Community(ctx, id)
	if err != nil {
		return err
	}
	loc := s.app.Location()
	from := s.app.Now().In(loc)
	days := 7
	v := s.newView(c, s.i18n.T(lang(c), "match.assignment_title"), "communities")
	if f := c.QueryParam("from"); f != "" {
		t, err := time.ParseInLocation("2006-01-02", f, loc)
		if err != nil {
			return newBadRequest("from", "error.bad_time")
		}
		from = t
	}
	if d := c.QueryParam("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 28 {
			return newBadRequest("days", "error.between", "min", 1, "max", 28)
		}
		days = n
	}
	p, err := s.app.ProposeAssignment(ctx, id, app.AssignmentRequest{From: from, Days: days})
	if err != nil {
		return err
	}
	v.Data = map[string]any{"Community": cm, "P": p, "From": from.Format("2006-01-02"), "Days": days}
	return s.renderPage(c, http.StatusOK, "assignment", v)
}

func (s *Server) assignmentConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return newBadRequest("_body", "error.bad_form")
	}
	var pairs []app.AssignmentPair
	for _, raw := range c.Request().PostForm["pair"] {
		a, b, ok := strings.Cut(raw, ":")
		sid, err1 := strconv.ParseInt(a, 10, 64)
		vid, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return newBadRequest("pair", "error.wrong_type", "want", "shift:volunteer")
		}
		pairs = append(pairs, app.AssignmentPair{ShiftID: sid, VolunteerID: vid})
	}
	sus, err := s.app.ConfirmAssignment(c.Request().Context(), id, pairs)
	to := "/communities/" + strconv.FormatInt(id, 10) + "/assignment"
	return s.after(c, to, err, "match.assignment_confirmed", "n", len(sus))
}

type confirmIn struct {
	Assignments []app.AssignmentPair `json:"assignments"`
}

func (s *Server) apiAssignmentPropose(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.ProposeAssignment)
}

func (s *Server) apiAssignmentConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in confirmIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.ConfirmAssignment(c.Request().Context(), id, in.Assignments)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Signup]{Items: ss})
}
