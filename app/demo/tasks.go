package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/app"
)

// demoTask describes a demo task and its shifts: weekly on the given weekdays (1 = Monday)
// from hour to hour, for the four weeks around now (two past, two to come).
type demoTask struct {
	title, description, category string
	skills                       []string
	grid                         int // index into the community's grids; -1 for none
	weekdays                     []int
	from, to                     int
	capacity                     int
	fromNeed                     bool
	address                      string // the meeting point, shown to volunteers holding a place
}

var demoTasks = []demoTask{
	{"助餐送餐", "为第1网格37位居家高龄、失能老人送午餐,送到后请确认老人身体状况并登记。", "meal_delivery", []string{"delivery"}, 0,
		[]int{1, 2, 3, 4, 5}, 11, 12, 3, false, "长者食堂取餐窗口(社区服务中心一楼)"},
	{"老年智能手机课堂", "每周六上午在社区活动室教老人用健康码、视频通话和网上缴费。", "education", []string{"smartphone_teaching"}, -1,
		[]int{6}, 9, 11, 4, false, "社区活动室(服务中心二楼)"},
	{"独居老人入户探访", "每周三下午两人一组探访独居老人,关注安全隐患和情绪变化。", "elderly_care", []string{"home_visit", "companionship"}, 1,
		[]int{3}, 14, 16, 2, false, "社区服务中心一楼大厅集合"},
	{"需求响应:上门服务", "由居民需求生成的上门服务任务。", "", nil, 0, []int{2, 4}, 15, 17, 2, true, "社区服务中心一楼大厅集合"},
}

// tasks writes tasks with weekly shifts, sign-ups (attended, no-shows, upcoming), hours of all
// three kinds and resident evaluations in the first (urban) community, so ranking,
// reliability, reputation, "tasks for me", the ledger and batch assignment all have data.
func (l *loader) tasks(ctx context.Context, p *place) error {
	c := p.community
	coord := l.users["worker@wushe.local"]
	vols, _, err := l.st.FindVolunteers(ctx, app.VolunteerFilter{CommunityID: &c.ID, Active: ptrTo(true)})
	if err != nil {
		return err
	}
	needs, _, err := l.st.FindNeeds(ctx, app.NeedFilter{CommunityID: &c.ID, Statuses: []string{app.NeedOpen, app.NeedInProgress}, Now: l.now, Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil {
		return err
	}
	me := l.users["volunteer@wushe.local"]
	for _, v := range vols {
		if v.UserID != nil && *v.UserID == me.ID {
			// The demo volunteer is free at lunchtime on weekdays and on Saturday mornings, so
			// "tasks for me" has something to show.
			for d := 0; d < 5; d++ {
				v.Availability.Set(d, 11)
			}
			for h := 9; h < 12; h++ {
				v.Availability.Set(5, h)
			}
			if err := l.st.UpdateVolunteer(ctx, v); err != nil {
				return err
			}
		}
	}
	local := l.now.In(l.loc)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, l.loc)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday())+6)%7)-14) // two weeks back
	for _, dt := range demoTasks {
		t := &app.Task{CommunityID: c.ID, Title: dt.title, Description: dt.description, Category: dt.category, Skills: dt.skills, Address: dt.address,
			Headcount: dt.capacity, CoordinatorID: coord.ID, Status: app.TaskOpen, CreatedBy: coord.ID, CreatedAt: l.now.AddDate(0, 0, -20), UpdatedAt: l.now}
		if dt.grid >= 0 {
			t.GridID = &p.grids[dt.grid].ID
		}
		if dt.fromNeed {
			if len(needs) == 0 {
				continue
			}
			n := needs[0]
			t.NeedID, t.GridID, t.Category, t.Title = &n.ID, &n.GridID, n.Category, "上门服务:"+n.Title
		}
		if err := l.st.CreateTask(ctx, t); err != nil {
			return fmt.Errorf("demo task: %w", err)
		}
		var shifts []*app.Shift
		for d := 0; d < 28; d++ {
			day := monday.AddDate(0, 0, d)
			wd := int(day.Weekday())
			if wd == 0 {
				wd = 7
			}
			if !containsInt(dt.weekdays, wd) {
				continue
			}
			start := time.Date(day.Year(), day.Month(), day.Day(), dt.from, 0, 0, 0, l.loc).UTC()
			end := time.Date(day.Year(), day.Month(), day.Day(), dt.to, 0, 0, 0, l.loc).UTC()
			shifts = append(shifts, &app.Shift{TaskID: t.ID, StartsAt: start, EndsAt: end, Capacity: dt.capacity,
				CheckinCode: fmt.Sprintf("%06d", l.r.IntN(1_000_000)), CreatedAt: t.CreatedAt})
		}
		if err := l.st.CreateShifts(ctx, shifts); err != nil {
			return err
		}
		// Volunteers who hold one of the skills, the demo volunteer first.
		var fit []*app.Volunteer
		for _, v := range vols {
			if len(dt.skills) == 0 || hasAny(v.Skills, dt.skills) {
				if v.UserID != nil && *v.UserID == me.ID {
					fit = append([]*app.Volunteer{v}, fit...)
				} else {
					fit = append(fit, v)
				}
			}
		}
		if len(fit) > 40 {
			fit = fit[:40]
		}
		for si, sh := range shifts {
			past := sh.EndsAt.Before(l.now)
			soon := sh.StartsAt.After(l.now) && sh.StartsAt.Before(l.now.Add(7*24*time.Hour))
			if !past && !soon {
				continue // later shifts are left open for sign-ups and batch assignment
			}
			taken := dt.capacity - 1 // leave a place open
			if past {
				taken = dt.capacity
			}
			for k := 0; k < taken && len(fit) > 0; k++ {
				v := fit[(si*dt.capacity+k)%len(fit)]
				if k == 0 && si%2 == 0 && fit[0].UserID != nil && *fit[0].UserID == me.ID {
					v = fit[0]
				}
				if err := l.demoSignup(ctx, t, sh, v, past, coord.ID); err != nil {
					return err
				}
			}
		}
	}
	return l.evaluations(ctx, p, vols)
}

// demoSignup writes one sign-up; past ones are attended with check-in hours (or, one in
// eight, a no-show).
func (l *loader) demoSignup(ctx context.Context, t *app.Task, sh *app.Shift, v *app.Volunteer, past bool, coord int64) error {
	prev, err := l.st.FindSignups(ctx, app.SignupFilter{ShiftIDs: []int64{sh.ID}, VolunteerID: &v.ID})
	if err != nil || len(prev) > 0 {
		return err
	}
	su := &app.Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: v.ID, Status: app.SignupSignedUp, Source: app.SourceSelf,
		CreatedAt: sh.StartsAt.Add(-72 * time.Hour), UpdatedAt: sh.StartsAt.Add(-72 * time.Hour)}
	if l.r.IntN(4) == 0 {
		su.Source, su.InvitedBy = app.SourceInvited, &coord
	}
	if !past {
		return l.st.CreateSignup(ctx, su)
	}
	if l.r.IntN(8) == 0 && v.UserID == nil { // the demo account's own record stays clean
		su.Status, su.UpdatedAt = app.SignupNoShow, sh.EndsAt
		return l.st.CreateSignup(ctx, su)
	}
	in := sh.StartsAt.Add(-time.Duration(l.r.IntN(15)) * time.Minute)
	out := sh.EndsAt.Add(time.Duration(l.r.IntN(20)) * time.Minute)
	su.Status, su.CheckedInAt, su.CheckedOutAt, su.UpdatedAt = app.SignupAttended, &in, &out, out
	if err := l.st.CreateSignup(ctx, su); err != nil {
		return err
	}
	recorder := coord
	if v.UserID != nil {
		recorder = *v.UserID
	}
	h := &app.HoursEntry{VolunteerID: v.ID, TaskID: &t.ID, ShiftID: &sh.ID, SignupID: &su.ID, Kind: app.HoursCheckin, Status: app.HoursApproved,
		WorkDate: sh.StartsAt, Minutes: app.CheckoutMinutes(sh, in, out), Activity: t.Title, RecordedBy: recorder, CreatedAt: out}
	if err := l.st.CreateHours(ctx, h); err != nil {
		return err
	}
	switch l.r.IntN(12) {
	case 0: // stayed to tidy up: the coordinator adds time with a reason
		return l.st.CreateHours(ctx, &app.HoursEntry{VolunteerID: v.ID, TaskID: &t.ID, Kind: app.HoursCoordinator, Status: app.HoursApproved,
			WorkDate: sh.StartsAt, Minutes: 30, Activity: t.Title, Reason: "结束后协助整理餐盒和登记表", RecordedBy: coord, DecidedBy: &coord, DecidedAt: &out, CreatedAt: out})
	case 1: // a follow-up call reported by the volunteer, still to be approved
		return l.st.CreateHours(ctx, &app.HoursEntry{VolunteerID: v.ID, TaskID: &t.ID, Kind: app.HoursSelfReport, Status: app.HoursPending,
			WorkDate: sh.StartsAt, Minutes: 20, Activity: "电话回访", RecordedBy: recorder, CreatedAt: out})
	}
	return nil
}

// evaluations has residents rate the volunteers who served and the community's organizations:
// mostly four and five stars, a few lower, and many volunteers with no rating yet.
func (l *loader) evaluations(ctx context.Context, p *place, vols []*app.Volunteer) error {
	c := p.community
	var raters []*app.User
	for i := 0; i < 40; i++ {
		l.serial++
		u, err := l.user(ctx, fmt.Sprintf("res%03d@wushe.local", l.serial), personName(l.r))
		if err != nil {
			return err
		}
		if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleResident, CommunityID: &c.ID}); err != nil {
			return err
		}
		raters = append(raters, u)
	}
	stars := []int{5, 5, 5, 4, 4, 4, 5, 3, 5, 4}
	comments := []string{"准时、耐心,老人很喜欢。", "服务细致,下次还请他来。", "态度很好。", "有点迟到,但服务认真。", ""}
	rate := func(kind string, id int64, n int) error {
		for i := 0; i < n && i < len(raters); i++ {
			e := &app.Evaluation{SubjectKind: kind, SubjectID: id, CommunityID: c.ID, AuthorID: raters[(int(id)+i)%len(raters)].ID,
				Stars: stars[l.r.IntN(len(stars))], Comment: comments[l.r.IntN(len(comments))], CreatedAt: l.now.Add(-time.Duration(l.r.IntN(500)) * time.Hour)}
			if err := l.st.CreateEvaluation(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}
	for i, v := range vols {
		if i%3 == 0 && i < 300 {
			if err := rate("volunteer", v.ID, 1+l.r.IntN(12)); err != nil {
				return err
			}
		}
	}
	for _, o := range p.orgs {
		if err := rate("organization", o.ID, l.r.IntN(30)); err != nil {
			return err
		}
	}
	return nil
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func ptrTo[T any](v T) *T { return &v }
