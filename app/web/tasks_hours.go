package web

// Hours: added by coordinators, reported by volunteers and decided, the ledger and its CSV.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/sheet"
)

func (s *Server) taskHoursAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.HoursInput
	err = bindForm(c, &in)
	in.TaskID = id
	if err == nil {
		_, err = s.app.AddHours(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "tasks"), func(st int, v *View) error {
			return s.renderTask(c, st, id, v, &taskPageData{HoursForm: in})
		})
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(id, 10), "hours.added")
}

func (s *Server) apiHoursAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.HoursInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.TaskID = id
	h, err := s.app.AddHours(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, h)
}

func (s *Server) hoursDecide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	to := "/me/tasks"
	if task, err := s.app.TaskOfHours(c.Request().Context(), id); err == nil && task != 0 {
		to = "/tasks/" + strconv.FormatInt(task, 10)
	}
	d := app.HoursDecision{Approve: c.FormValue("approve") == "true", Note: c.FormValue("note")}
	_, err = s.app.DecideHours(c.Request().Context(), id, d)
	return s.after(c, to, err, "hours.decided")
}

func (s *Server) apiHoursDecide(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.DecideHours)
}

func (s *Server) myHoursReport(c echo.Context) error {
	var in app.HoursInput
	err := bindForm(c, &in)
	if err == nil {
		_, err = s.app.ReportHours(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "tasks.mine"), "tasks"), func(st int, v *View) error {
			me, err := s.app.MyVolunteer(c.Request().Context())
			if err != nil {
				return err
			}
			hoursTasks, err := s.app.HoursTaskChoices(c.Request().Context())
			if err != nil {
				return err
			}
			v.Data = map[string]any{"Volunteer": me, "HoursForm": in, "HoursTasks": hoursTasks}
			return s.renderPage(c, st, "tasks_mine", v)
		})
	}
	return s.done(c, "/me/tasks", "hours.reported")
}

func (s *Server) apiHoursReport(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.ReportHours)
}

func (s *Server) hoursPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := s.app.HoursLedger(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "hours.ledger_of", "name", l.Volunteer.Name), "tasks")
	v.Data = l
	return s.renderPage(c, http.StatusOK, "hours_ledger", v)
}

func (s *Server) apiHours(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.HoursLedger)
}

// hoursCSV exports approved hours for certificates: name, masked ID, organization, activity,
// date, hours, kind. UTF-8 with a byte-order mark, so Excel opens the Chinese correctly.
func (s *Server) hoursCSV(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := s.app.HoursLedger(c.Request().Context(), id)
	if err != nil {
		return err
	}
	lg := lang(c)
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := []string{"name", "masked_id", "organization", "activity", "date", "hours", "kind"}
	row := make([]string, len(head))
	for i, h := range head {
		row[i] = s.i18n.T(lg, enumKey("hours.csv", h))
	}
	_ = w.Write(row)
	for _, ln := range l.Lines {
		if ln.Status != app.HoursApproved {
			continue
		}
		_ = w.Write([]string{csvSafe(l.Volunteer.Name), app.MaskMobile(l.Volunteer.Mobile), csvSafe(l.Organization), csvSafe(ln.Activity),
			ln.WorkDate.In(s.app.Location()).Format("2006-01-02"), fmt.Sprintf("%.2f", float64(ln.Minutes)/60), s.i18n.T(lg, enumKey("hours.kind", ln.Kind))})
	}
	w.Flush()
	name := fmt.Sprintf("hours-%d.csv", id)
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps spreadsheet programs from running a cell as a formula (sheet.SafeText, as
// the department exports do).
func csvSafe(s string) string { return sheet.SafeText(s) }

// enumKey is the message id of an enumerated value: group.value.
func enumKey(group, value string) string { return group + "." + value }

// Hours formats minutes as hours with two decimals.
func (v *View) Hours(minutes int) string { return fmt.Sprintf("%.2f", float64(minutes)/60) }
