package web

// 议事会 meeting pages and JSON: schedule with an agenda, attendance, minutes.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

type meetingOut struct {
	*app.ProjectMeeting
	ProjectIDs []int64             `json:"project_ids"`
	Attendees  []*app.AttendeeView `json:"attendees"`
}

func meetingFilter(c echo.Context) (app.MeetingFilter, error) {
	p := params{c: c}
	f := app.MeetingFilter{CommunityID: p.int64p("community_id"), Page: p.page()}
	return f, p.err
}

func toMeetingOut(m *app.ProjectMeeting) *app.ProjectMeeting { return m }

func (s *Server) apiMeeting(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.Meeting(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := meetingOut{ProjectMeeting: d.Meeting, ProjectIDs: []int64{}, Attendees: d.Attendees}
	for _, p := range d.Agenda {
		out.ProjectIDs = append(out.ProjectIDs, p.ID)
	}
	if out.Attendees == nil {
		out.Attendees = []*app.AttendeeView{}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiMeetingCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateMeeting)
}

func (s *Server) apiMeetingAttendance(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.RecordAttendance)
}

func (s *Server) apiMeetingMinutes(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.RecordMinutes)
}

// meetingsPage lists 议事会 meetings.
func (s *Server) meetingsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.MeetingFilter, *app.ProjectMeeting]{page: "meetings_list", title: "meetings.title", section: "projects", rows: "Meetings",
		read: meetingFilter, run: s.app.Meetings, names: true,
		more: func(c echo.Context, _ app.MeetingFilter, data map[string]any) error {
			cid, err := s.app.MeetingCommunity(c.Request().Context())
			data["NewMeetingCommunity"] = cid
			return err
		}})
}

func (s *Server) meetingPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.Meeting(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, d.Meeting.Title, "projects")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "meeting_show", v)
}

type meetingFormData struct {
	Page  *app.MeetingFormPage
	Form  app.MeetingInput
	Start string
}

func (s *Server) meetingNewPage(c echo.Context) error {
	p := params{c: c}
	cid := p.int64p("community_id")
	if p.err != nil {
		return p.err
	}
	if cid == nil {
		for _, m := range principal(c).Memberships {
			if m.CommunityID != nil {
				cid = m.CommunityID
				break
			}
		}
	}
	if cid == nil {
		return app.Forbidden()
	}
	fp, err := s.app.MeetingForm(c.Request().Context(), *cid)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "meetings.new"), "projects")
	v.Data = &meetingFormData{Page: fp, Form: app.MeetingInput{CommunityID: *cid}}
	return s.renderPage(c, http.StatusOK, "meeting_form", v)
}

func (s *Server) meetingCreate(c echo.Context) error {
	var in app.MeetingInput
	fe := app.FieldErrors{}
	err := bindForm(c, &in)
	if t := s.formTime(c, "starts_at", fe); t != nil {
		in.StartsAt = *t
	}
	var m *app.ProjectMeeting
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		m, err = s.app.CreateMeeting(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "meetings.new"), "projects"), func(st int, v *View) error {
			fp, lerr := s.app.MeetingForm(c.Request().Context(), in.CommunityID)
			if lerr != nil {
				return lerr
			}
			v.Data = &meetingFormData{Page: fp, Form: in, Start: c.FormValue("starts_at")}
			return s.renderPage(c, st, "meeting_form", v)
		})
	}
	return s.done(c, "/meetings/"+strconv.FormatInt(m.ID, 10), "meetings.scheduled")
}

func (s *Server) meetingAttendancePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.AttendanceInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.RecordAttendance(c.Request().Context(), id, in)
	}
	return s.after(c, "/meetings/"+strconv.FormatInt(id, 10), err, "meetings.attendance_recorded")
}

func (s *Server) meetingMinutesPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.MinutesInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.RecordMinutes(c.Request().Context(), id, in)
	}
	return s.after(c, "/meetings/"+strconv.FormatInt(id, 10), err, "meetings.minutes_saved")
}
