package web_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, taskAuthCases) }

// coordinator is the side's community worker, who coordinates the side's fixture tasks.
func (h *harness) coordinator(s side) int64 {
	if s.name == "A" {
		return h.world.Users["community_worker"].ID
	}
	return h.world.Users["worker_b"].ID
}

// task writes an open task in the side's first grid with one shift starting in start.
func (h *harness) task(s side, start time.Duration) (*app.Task, *app.Shift) {
	ctx := context.Background()
	now := h.clock.Now()
	gid := s.place.Grids[0].ID
	t := &app.Task{CommunityID: s.place.Community.ID, GridID: &gid, Title: fmt.Sprintf("助餐送餐 %d", next()), Category: "meal_delivery",
		Headcount: 3, CoordinatorID: h.coordinator(s), Status: app.TaskOpen, CreatedBy: h.coordinator(s), CreatedAt: now, UpdatedAt: now, Skills: []string{"delivery"}}
	h.must(h.store.CreateTask(ctx, t))
	sh := &app.Shift{TaskID: t.ID, StartsAt: now.Add(start), EndsAt: now.Add(start + time.Hour), Capacity: 3, CheckinCode: "123456", CreatedAt: now}
	h.must(h.store.CreateShifts(ctx, []*app.Shift{sh}))
	return t, sh
}

// signup puts the side owner's volunteer profile on a fresh shift starting in start.
func (h *harness) signup(s side, start time.Duration, checkedIn bool) (*app.Task, *app.Shift, *app.Signup) {
	t, sh := h.task(s, start)
	now := h.clock.Now()
	su := &app.Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: h.volunteer(s).ID, Status: app.SignupSignedUp, Source: app.SourceSelf, CreatedAt: now, UpdatedAt: now}
	if checkedIn {
		su.CheckedInAt = &now
	}
	h.must(h.store.CreateSignup(context.Background(), su))
	return t, sh, su
}

// pendingHours writes a self-report by the side's owner on a fresh task.
func (h *harness) pendingHours(s side) *app.HoursEntry {
	t, sh, su := h.signup(s, -2*time.Hour, false)
	e := &app.HoursEntry{VolunteerID: su.VolunteerID, TaskID: &t.ID, ShiftID: &sh.ID, Kind: app.HoursSelfReport, Status: app.HoursPending,
		WorkDate: sh.StartsAt, Minutes: 60, Activity: t.Title, RecordedBy: h.ownerID(s), CreatedAt: h.clock.Now()}
	h.must(h.store.CreateHours(context.Background(), e))
	return e
}

// keptVolunteer writes a volunteer without an account, kept by workers (so nobody rates themselves).
func (h *harness) keptVolunteer(s side) *app.Volunteer {
	gid := s.place.Grids[0].ID
	v := &app.Volunteer{Name: "代建档志愿者", CommunityID: s.place.Community.ID, GridID: &gid, MaxHoursPerWeek: 4, Active: true, Skills: []string{"delivery"}}
	h.must(h.store.CreateVolunteer(context.Background(), v))
	return v
}

// servedVolunteer writes a kept volunteer signed up on a fresh task of the side: the task
// through which the side's residents were served by them (issue 11).
func (h *harness) servedVolunteer(s side) (*app.Volunteer, *app.Task) {
	v := h.keptVolunteer(s)
	t, sh := h.task(s, time.Duration(2000+2*next())*time.Hour)
	now := h.clock.Now()
	h.must(h.store.CreateSignup(context.Background(), &app.Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: v.ID, Status: app.SignupSignedUp,
		Source: app.SourceInvited, CreatedAt: now, UpdatedAt: now}))
	return v, t
}

func (h *harness) today() string { return h.clock.Now().In(h.app.Location()).Format("2006-01-02") }

func taskAuthCases() map[string]authCase {
	weights := func() url.Values {
		v := url.Values{"action": {"save"}, "load_penalty": {"1"}, "distance_half_meters": {"2000"}}
		for _, f := range []string{"fit", "distance", "availability", "reputation", "reliability", "locality", "interest", "giving"} {
			v.Set("weights."+f, "1")
		}
		for _, k := range []string{"volunteer", "organization", "donor"} {
			v.Set("kinds."+k, "1")
		}
		return v
	}
	profile := map[string]any{"name": "custom", "weights": map[string]float64{"fit": 2, "distance": 1, "availability": 1, "reputation": 1, "reliability": 1, "locality": 1, "interest": 1, "giving": 1},
		"kinds": map[string]float64{"volunteer": 1, "organization": 1, "donor": 1}, "load_penalty": 1, "distance_half_meters": 2000,
		"reputation_prior": map[string]float64{"mean": 4, "weight": 10}, "reliability_prior": map[string]float64{"mean": 0.9, "weight": 5}}
	user := []string{"user"}
	owner := []string{"owner"}
	residents := plus(managers, "resident")
	taskPath := func(suffix string) func(h *harness, s side) (string, any) {
		return func(h *harness, s side) (string, any) {
			t, _ := h.task(s, 48*time.Hour)
			return "/tasks/" + id(t.ID) + suffix, nil
		}
	}
	return map[string]authCase{
		// --- public
		"GET /tasks":        {allow: anyone, build: fixed("/tasks")},
		"GET /tasks/:id":    {allow: anyone, build: taskPath("")},
		"GET /api/v1/tasks": {allow: anyone, build: fixed("/api/v1/tasks")},
		"GET /api/v1/tasks/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/api/v1/tasks/" + id(t.ID), nil
		}},

		// --- any signed-in user
		"GET /tasks/new":       {allow: user, build: fixed("/tasks/new")},
		"GET /me/tasks":        {allow: user, build: fixed("/me/tasks")},
		"GET /api/v1/me/tasks": {allow: user, build: fixed("/api/v1/me/tasks")},
		"GET /evaluations/new": {allow: user, build: fixed("/evaluations/new?subject_kind=volunteer")},

		// --- front-desk workers of the task's grid (and its coordinator)
		"POST /tasks": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/tasks", url.Values{"community_id": {id(s.place.Community.ID)}, "grid_id": {id(s.place.Grids[0].ID)}, "title": {"助餐送餐"}, "category": {"meal_delivery"}, "headcount": {"2"}}
		}},
		"POST /api/v1/tasks": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/tasks", map[string]any{"community_id": s.place.Community.ID, "grid_id": s.place.Grids[0].ID, "title": "助餐送餐", "category": "meal_delivery", "skills": []string{"delivery"}}
		}},
		"POST /tasks/:id/shifts": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/tasks/" + id(t.ID) + "/shifts", url.Values{"mode": {"weekly"}, "weekdays": {"1", "3"}, "start_time": {"11:00"}, "end_time": {"12:00"}, "from_date": {"2026-12-01"}, "weeks": {"2"}, "capacity": {"2"}}
		}},
		"POST /api/v1/tasks/:id/shifts": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/api/v1/tasks/" + id(t.ID) + "/shifts", map[string]any{"starts_at": "2026-12-01T03:00:00Z", "ends_at": "2026-12-01T04:00:00Z", "capacity": 2}
		}},
		"POST /tasks/:id/invitations": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, sh := h.task(s, 24*time.Hour)
			return "/tasks/" + id(t.ID) + "/invitations", url.Values{"shift_id": {id(sh.ID)}, "volunteer_ids": {id(h.keptVolunteer(s).ID)}}
		}},
		"POST /api/v1/tasks/:id/invitations": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, sh := h.task(s, 24*time.Hour)
			return "/api/v1/tasks/" + id(t.ID) + "/invitations", map[string]any{"shift_id": sh.ID, "volunteer_ids": []int64{h.keptVolunteer(s).ID}}
		}},
		"POST /tasks/:id/hours": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, -3*time.Hour)
			return "/tasks/" + id(t.ID) + "/hours", url.Values{"volunteer_id": {id(h.keptVolunteer(s).ID)}, "date": {h.today()}, "minutes": {"45"}, "reason": {"签到机故障"}}
		}},
		"POST /api/v1/tasks/:id/hours": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, -3*time.Hour)
			return "/api/v1/tasks/" + id(t.ID) + "/hours", map[string]any{"volunteer_id": h.keptVolunteer(s).ID, "date": h.today(), "minutes": 45, "reason": "签到机故障"}
		}},
		"GET /tasks/:id/candidates": {allow: frontDesk, build: taskPath("/candidates")},
		"GET /tasks/:id/edit":       {allow: frontDesk, build: taskPath("/edit")},
		"POST /tasks/:id": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/tasks/" + id(t.ID), url.Values{"title": {"助餐送餐(改)"}, "grid_id": {id(s.place.Grids[0].ID)}, "headcount": {"4"}, "skills": {"delivery"}}
		}},
		"PUT /api/v1/tasks/:id": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/api/v1/tasks/" + id(t.ID), map[string]any{"title": "助餐送餐(改)", "grid_id": s.place.Grids[0].ID, "headcount": 4, "skills": []string{"delivery"}}
		}},
		"POST /tasks/:id/status": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/tasks/" + id(t.ID) + "/status", url.Values{"status": {"closed"}}
		}},
		"POST /api/v1/tasks/:id/status": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, time.Hour)
			return "/api/v1/tasks/" + id(t.ID) + "/status", map[string]any{"status": "cancelled"}
		}},
		"GET /api/v1/tasks/:id/candidates": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			t, _ := h.task(s, 24*time.Hour)
			return "/api/v1/tasks/" + id(t.ID) + "/candidates?kind=volunteer", nil
		}},
		"GET /needs/:id/candidates": {allow: frontDesk, build: func(h *harness, s side) (string, any) { return "/needs/" + id(h.need(s).ID) + "/candidates", nil }},
		"GET /api/v1/needs/:id/candidates": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.need(s).ID) + "/candidates?kind=volunteer", nil
		}},
		"POST /signups/:id/no-show": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			_, _, su := h.signup(s, -30*time.Minute, false)
			return "/signups/" + id(su.ID) + "/no-show", url.Values{}
		}},
		"POST /api/v1/signups/:id/no-show": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			_, _, su := h.signup(s, -30*time.Minute, false)
			return "/api/v1/signups/" + id(su.ID) + "/no-show", nil
		}},
		"POST /hours/:id/decide": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/hours/" + id(h.pendingHours(s).ID) + "/decide", url.Values{"approve": {"true"}}
		}},
		"POST /api/v1/hours/:id/decision": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/hours/" + id(h.pendingHours(s).ID) + "/decision", map[string]any{"approve": false, "note": "当天未排班"}
		}},

		// --- community managers: projects (no grid), weights, batch assignment
		"GET /projects/:id/candidates": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.project(s, "deliberating").ID) + "/candidates", nil
		}},
		"GET /api/v1/projects/:id/candidates": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.project(s, "approved").ID) + "/candidates", nil
		}},
		"GET /communities/:id/weights": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/weights", nil
		}},
		"POST /communities/:id/weights": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/weights", weights()
		}},
		"GET /api/v1/communities/:id/profile": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/profile", nil
		}},
		"PUT /api/v1/communities/:id/profile": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/profile", profile
		}},
		"POST /api/v1/communities/:id/profile/preview": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/profile/preview", map[string]any{"need_id": h.need(s).ID, "profile": profile}
		}},
		"GET /communities/:id/assignment": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/assignment", nil
		}},
		"POST /communities/:id/assignment": {allow: managers, build: func(h *harness, s side) (string, any) {
			_, sh := h.task(s, 72*time.Hour)
			return "/communities/" + id(s.place.Community.ID) + "/assignment", url.Values{"pair": {id(sh.ID) + ":" + id(h.keptVolunteer(s).ID)}}
		}},
		"POST /api/v1/communities/:id/assignment/proposal": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/assignment/proposal", map[string]any{"from": h.clock.Now(), "days": 7}
		}},
		"POST /api/v1/communities/:id/assignment": {allow: managers, build: func(h *harness, s side) (string, any) {
			_, sh := h.task(s, 72*time.Hour)
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/assignment", map[string]any{"assignments": []map[string]int64{{"shift_id": sh.ID, "volunteer_id": h.keptVolunteer(s).ID}}}
		}},

		// --- residents of the community rate volunteers
		"POST /evaluations": {allow: residents, build: func(h *harness, s side) (string, any) {
			v, t := h.servedVolunteer(s)
			return "/evaluations", url.Values{"subject_kind": {"volunteer"}, "subject_id": {id(v.ID)}, "task_id": {id(t.ID)}, "stars": {"5"}, "comment": {"很好"}}
		}},
		"POST /api/v1/evaluations": {allow: residents, build: func(h *harness, s side) (string, any) {
			v, t := h.servedVolunteer(s)
			return "/api/v1/evaluations", map[string]any{"subject_kind": "volunteer", "subject_id": v.ID, "task_id": t.ID, "stars": 4}
		}},

		// --- the volunteer themselves (owner of the profile), and for hours the workers
		"POST /shifts/:id/signup": {allow: owner, build: func(h *harness, s side) (string, any) {
			h.volunteer(s)
			_, sh := h.task(s, time.Duration(1000+2*next())*time.Hour) // never overlapping another sign-up
			return "/shifts/" + id(sh.ID) + "/signup", url.Values{}
		}},
		"POST /api/v1/shifts/:id/signups": {allow: owner, build: func(h *harness, s side) (string, any) {
			h.volunteer(s)
			_, sh := h.task(s, time.Duration(1000+2*next())*time.Hour) // never overlapping another sign-up
			return "/api/v1/shifts/" + id(sh.ID) + "/signups", nil
		}},
		"POST /shifts/:id/checkin": {allow: owner, build: func(h *harness, s side) (string, any) {
			_, sh, _ := h.signup(s, 30*time.Minute, false)
			return "/shifts/" + id(sh.ID) + "/checkin", url.Values{"code": {"123456"}}
		}},
		"POST /api/v1/shifts/:id/checkin": {allow: owner, build: func(h *harness, s side) (string, any) {
			_, sh, _ := h.signup(s, 30*time.Minute, false)
			return "/api/v1/shifts/" + id(sh.ID) + "/checkin", map[string]any{"code": "123456"}
		}},
		"POST /shifts/:id/checkout": {allow: owner, build: func(h *harness, s side) (string, any) {
			_, sh, _ := h.signup(s, -30*time.Minute, true)
			return "/shifts/" + id(sh.ID) + "/checkout", url.Values{"code": {"123456"}}
		}},
		"POST /api/v1/shifts/:id/checkout": {allow: owner, build: func(h *harness, s side) (string, any) {
			_, sh, _ := h.signup(s, -30*time.Minute, true)
			return "/api/v1/shifts/" + id(sh.ID) + "/checkout", map[string]any{"code": "123456"}
		}},
		"POST /signups/:id/cancel": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			_, _, su := h.signup(s, 24*time.Hour, false)
			return "/signups/" + id(su.ID) + "/cancel", url.Values{}
		}},
		"POST /api/v1/signups/:id/cancellation": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			_, _, su := h.signup(s, 24*time.Hour, false)
			return "/api/v1/signups/" + id(su.ID) + "/cancellation", nil
		}},
		"POST /me/hours": {allow: owner, build: func(h *harness, s side) (string, any) {
			t, _, _ := h.signup(s, -3*time.Hour, false)
			return "/me/hours", url.Values{"task_id": {id(t.ID)}, "date": {h.today()}, "minutes": {"30"}, "activity": {"电话回访"}}
		}},
		"POST /api/v1/me/hours": {allow: owner, build: func(h *harness, s side) (string, any) {
			t, _, _ := h.signup(s, -3*time.Hour, false)
			return "/api/v1/me/hours", map[string]any{"task_id": t.ID, "date": h.today(), "minutes": 30}
		}},
		"GET /volunteers/:id/hours": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/volunteers/" + id(h.volunteer(s).ID) + "/hours", nil
		}},
		"GET /volunteers/:id/hours.csv": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/volunteers/" + id(h.volunteer(s).ID) + "/hours.csv", nil
		}},
		"GET /api/v1/volunteers/:id/hours": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/volunteers/" + id(h.volunteer(s).ID) + "/hours", nil
		}},
	}
}
