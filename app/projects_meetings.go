package app

// 议事会: meetings where a community deliberates on projects, with attendance (residents
// present or represented by a worker) and minutes. A meeting may resolve projects on its
// agenda (DecideProject with meeting_id).

import (
	"context"
	"errors"
	"time"
)

// ProjectMeeting is a 议事会 meeting of a community.
type ProjectMeeting struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	CommunityID int64     `json:"community_id"`
	Title       string    `json:"title"`
	StartsAt    time.Time `json:"starts_at"`
	Place       string    `json:"place"`
	Minutes     string    `json:"minutes"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MeetingAttendee is a resident at a meeting, present or represented by a worker.
type MeetingAttendee struct {
	ID            int64     `json:"id" gorm:"primaryKey"`
	MeetingID     int64     `json:"meeting_id"`
	UserID        int64     `json:"user_id"`
	RepresentedBy *int64    `json:"represented_by"`
	RecordedBy    int64     `json:"recorded_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// TableName names the attendees' table.
func (MeetingAttendee) TableName() string { return "project_meeting_attendees" }

// MeetingFilter selects meetings.
type MeetingFilter struct {
	CommunityID *int64
	Page
}

// MeetingInput schedules a meeting with an agenda of the community's projects.
type MeetingInput struct {
	CommunityID int64     `json:"community_id" form:"community_id" validate:"required"`
	Title       string    `json:"title" form:"title" validate:"required,max=100"`
	StartsAt    time.Time `json:"starts_at" form:"-" validate:"required"`
	Place       string    `json:"place" form:"place" validate:"required,max=200"`
	ProjectIDs  []int64   `json:"project_ids" form:"project_ids" validate:"required,min=1,max=50"`
}

// MinutesInput records a meeting's minutes.
type MinutesInput struct {
	Minutes string `json:"minutes" form:"minutes" validate:"required,max=20000"`
}

// AttendanceInput records a resident at a meeting; Represented says a worker (the one
// recording) speaks for them.
type AttendanceInput struct {
	UserID      int64 `json:"user_id" form:"user_id" validate:"required"`
	Represented bool  `json:"represented" form:"represented"`
}

func (a *App) meetingTarget(ctx context.Context, m *ProjectMeeting) (Target, error) {
	return a.communityTarget(ctx, m.CommunityID)
}

// CreateMeeting schedules a 议事会 meeting on projects under deliberation or in a vote.
func (a *App) CreateMeeting(ctx context.Context, in MeetingInput) (*ProjectMeeting, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID)})
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectMeeting, t); err != nil {
		return nil, err
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{IDs: in.ProjectIDs})
	if err != nil {
		return nil, err
	}
	if len(prs) != len(uniqueIDs(in.ProjectIDs)) {
		fe.Add("project_ids", "error.unknown_ref")
	}
	for _, pr := range prs {
		if pr.CommunityID != in.CommunityID || (pr.Status != ProjectDeliberating && pr.Status != ProjectVoting) {
			fe.Add("project_ids", "error.not_for_agenda")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	m := &ProjectMeeting{CommunityID: in.CommunityID, Title: in.Title, StartsAt: in.StartsAt.UTC(), Place: in.Place, CreatedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateMeeting(ctx, m, uniqueIDs(in.ProjectIDs)); err != nil {
			return err
		}
		return a.audit(ctx, "project.meeting_scheduled", "project_meeting", m.ID, m.CommunityID, map[string]any{
			"starts_at": m.StartsAt, "place": m.Place, "project_ids": uniqueIDs(in.ProjectIDs)})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// RecordMinutes writes a meeting's minutes.
func (a *App) RecordMinutes(ctx context.Context, id int64, in MinutesInput) (*ProjectMeeting, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var m *ProjectMeeting
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if m, err = a.store.FindMeeting(ctx, id); err != nil {
			return err
		}
		t, err := a.meetingTarget(ctx, m)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectMeeting, t); err != nil {
			return err
		}
		if err := a.validate.Struct(in); err != nil {
			return err
		}
		m.Minutes, m.UpdatedAt = in.Minutes, a.Now()
		if err := a.store.UpdateMeeting(ctx, m); err != nil {
			return err
		}
		return a.audit(ctx, "project.meeting_minutes", "project_meeting", m.ID, m.CommunityID, nil)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// RecordAttendance records a resident of the community at a meeting.
func (a *App) RecordAttendance(ctx context.Context, id int64, in AttendanceInput) (*MeetingAttendee, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var at *MeetingAttendee
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		m, err := a.store.FindMeeting(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.meetingTarget(ctx, m)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectMeeting, t); err != nil {
			return err
		}
		if err := a.validate.Struct(in); err != nil {
			return err
		}
		if err := a.checkVoter(ctx, in.UserID, t); err != nil {
			return renameField(err, "voter_id", "user_id")
		}
		at = &MeetingAttendee{MeetingID: m.ID, UserID: in.UserID, RecordedBy: p.User.ID, CreatedAt: a.Now()}
		if in.Represented {
			at.RepresentedBy = &p.User.ID
		}
		if err := a.store.CreateMeetingAttendee(ctx, at); err != nil {
			if IsCode(err, ECONFLICT) {
				return Errorf(ECONFLICT, "error.already_attending")
			}
			return err
		}
		return a.audit(ctx, "project.meeting_attendance", "project_meeting", m.ID, m.CommunityID, map[string]any{
			"user_id": in.UserID, "represented": in.Represented})
	})
	if err != nil {
		return nil, err
	}
	return at, nil
}

// renameField moves a field error from one field name to another.
func renameField(err error, from, to string) error {
	var e *Error
	if !errors.As(err, &e) || e.Fields == nil {
		return err
	}
	if m, ok := e.Fields[from]; ok {
		fe := FieldErrors{}
		for k, v := range e.Fields {
			fe[k] = v
		}
		delete(fe, from)
		fe[to] = m
		return fe.Err()
	}
	return err
}

// AttendeeView is an attendee with a masked name (the meeting page is public).
type AttendeeView struct {
	*MeetingAttendee
	Name        string `json:"name"`
	Represented bool   `json:"represented"`
}

// MeetingPage is what a meeting's page shows.
type MeetingPage struct {
	Meeting   *ProjectMeeting
	Community *Community
	Agenda    []*Project
	Attendees []*AttendeeView
	// For workers who run the meeting: residents to pick from.
	CanManage bool
	Residents []*User
}

// Meeting returns a meeting, its agenda and its attendance (public; names masked).
func (a *App) Meeting(ctx context.Context, id int64) (*MeetingPage, error) {
	m, err := a.store.FindMeeting(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &MeetingPage{Meeting: m}
	if out.Community, err = a.store.FindCommunity(ctx, m.CommunityID); err != nil {
		return nil, err
	}
	ids, err := a.store.FindMeetingProjectIDs(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if out.Agenda, _, err = a.store.FindProjects(ctx, ProjectFilter{IDs: ids}); err != nil {
			return nil, err
		}
	}
	ats, err := a.store.FindMeetingAttendees(ctx, id)
	if err != nil {
		return nil, err
	}
	uids := make([]int64, 0, len(ats))
	for _, at := range ats {
		uids = append(uids, at.UserID)
	}
	names, err := a.userNames(ctx, uids)
	if err != nil {
		return nil, err
	}
	for _, at := range ats {
		out.Attendees = append(out.Attendees, &AttendeeView{MeetingAttendee: at, Name: MaskName(names[at.UserID]), Represented: at.RepresentedBy != nil})
	}
	t := Target{StreetID: out.Community.StreetID, CommunityID: m.CommunityID}
	if out.CanManage = Can(PrincipalFrom(ctx), ActProjectMeeting, t); out.CanManage {
		if out.Residents, err = a.store.FindCommunityResidents(ctx, m.CommunityID, 500); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Meetings lists meetings, newest first.
func (a *App) Meetings(ctx context.Context, f MeetingFilter) ([]*ProjectMeeting, int, error) {
	f.Page = f.Page.Normalize()
	return a.store.FindMeetings(ctx, f)
}

// MeetingFormPage is what the form scheduling a meeting offers: the community's projects
// under deliberation or in a vote.
type MeetingFormPage struct {
	Community *Community
	Projects  []*Project
}

// MeetingForm returns the choices of a new meeting in a community (for those who may schedule).
func (a *App) MeetingForm(ctx context.Context, communityID int64) (*MeetingFormPage, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectMeeting, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{CommunityID: &c.ID, Statuses: []string{ProjectDeliberating, ProjectVoting}, Page: Page{Page: 1, PerPage: 100}})
	if err != nil {
		return nil, err
	}
	return &MeetingFormPage{Community: c, Projects: prs}, nil
}
