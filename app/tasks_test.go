package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/matching"
)

// taskWorld is the test world with a clock at Monday 30 November 2026, 09:00 in 平湖, and a
// volunteer profile for the world's volunteer user.
type taskWorld struct {
	a     *app.App
	w     *apptest.World
	clock *apptest.Clock
	store app.Store
	vol   *app.Volunteer
}

func newTaskWorld(t *testing.T) *taskWorld {
	t.Helper()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	uid := w.Users["volunteer"].ID
	gid := w.A.Grids[0].ID
	lat, lng := 30.701, 121.011
	v := &app.Volunteer{UserID: &uid, Name: "王志愿", CommunityID: w.A.Community.ID, GridID: &gid, Lat: &lat, Lng: &lng,
		MaxHoursPerWeek: 6, Active: true, Skills: []string{"delivery", "cooking"}}
	for d := 0; d < 5; d++ {
		v.Availability.Set(d, 11)
	}
	if err := s.CreateVolunteer(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	return &taskWorld{a: a, w: w, clock: clock, store: s, vol: v}
}

func (tw *taskWorld) as(t *testing.T, user string) context.Context { return tw.w.As(t, tw.a, user) }

// mealTask makes 助餐送餐 in grid 1 of A with weekday shifts 11:00–12:00 for two weeks.
func (tw *taskWorld) mealTask(t *testing.T) (*app.Task, []*app.Shift) {
	t.Helper()
	ctx := tw.as(t, "grid_worker")
	task, err := tw.a.CreateTask(ctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, GridID: &tw.w.A.Grids[0].ID, Title: "助餐送餐",
		Category: "meal_delivery", Skills: []string{"delivery"}, Headcount: 2})
	if err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	shifts, err := tw.a.AddShifts(ctx, task.ID, app.ShiftInput{Weekdays: []int{1, 2, 3, 4, 5}, StartTime: "11:00", EndTime: "12:00", FromDate: "2026-11-30", Weeks: 2})
	if err != nil {
		t.Fatalf("AddShifts: %v", err)
	}
	return task, shifts
}

func fieldOf(err error) map[string]app.Message {
	if e, ok := err.(*app.Error); ok {
		return e.Fields
	}
	return nil
}

func TestRecurringShifts(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	if len(shifts) != 10 {
		t.Fatalf("weekdays for two weeks = %d shifts, want 10", len(shifts))
	}
	first := shifts[0].StartsAt.In(cst)
	if first.Weekday() != time.Monday || first.Hour() != 11 || shifts[0].EndsAt.Sub(shifts[0].StartsAt) != time.Hour {
		t.Errorf("first shift %v–%v, want Monday 11:00–12:00", first, shifts[0].EndsAt.In(cst))
	}
	for _, s := range shifts {
		if d := s.StartsAt.In(cst).Weekday(); d == time.Saturday || d == time.Sunday {
			t.Errorf("a weekday series made a shift on %v", d)
		}
		if s.Capacity != task.Headcount || len(s.CheckinCode) != 6 {
			t.Errorf("shift capacity %d code %q, want the headcount and a 6-digit code", s.Capacity, s.CheckinCode)
		}
	}
	ctx := tw.as(t, "grid_worker")
	bad := []struct {
		in    app.ShiftInput
		field string
	}{
		{app.ShiftInput{Weekdays: []int{1}, StartTime: "12:00", EndTime: "11:00", FromDate: "2026-12-01", Weeks: 1, Capacity: 1}, "end_time"},
		{app.ShiftInput{Weekdays: []int{8}, StartTime: "11:00", EndTime: "12:00", FromDate: "2026-12-01", Weeks: 1, Capacity: 1}, "weekdays"},
		{app.ShiftInput{Weekdays: []int{1}, StartTime: "11:00", EndTime: "12:00", FromDate: "12/01", Weeks: 1, Capacity: 1}, "from_date"},
		{app.ShiftInput{StartsAt: ptrTime(time.Date(2026, 12, 2, 10, 0, 0, 0, cst)), EndsAt: ptrTime(time.Date(2026, 12, 2, 9, 0, 0, 0, cst)), Capacity: 1}, "ends_at"},
		{app.ShiftInput{Weekdays: []int{1}, StartTime: "11:00", EndTime: "12:00", FromDate: "2026-12-01", Weeks: 53, Capacity: 1}, "weeks"},
	}
	for _, b := range bad {
		_, err := tw.a.AddShifts(ctx, task.ID, b.in)
		if !app.IsCode(err, app.EINVALID) || fieldOf(err)[b.field].ID == "" {
			t.Errorf("AddShifts(%+v) = %v, want a %s field error", b.in, err, b.field)
		}
	}
	// Residents and workers of another community cannot add shifts or create tasks there.
	for _, u := range []string{"resident", "worker_b", "volunteer"} {
		if _, err := tw.a.AddShifts(tw.as(t, u), task.ID, app.ShiftInput{Weekdays: []int{6}, StartTime: "09:00", EndTime: "10:00", FromDate: "2026-12-05", Weeks: 1}); !app.IsCode(err, app.EFORBIDDEN) {
			t.Errorf("AddShifts as %s = %v, want forbidden", u, err)
		}
		if _, err := tw.a.CreateTask(tw.as(t, u), app.TaskInput{CommunityID: tw.w.A.Community.ID, Title: "x", Category: "meal_delivery"}); !app.IsCode(err, app.EFORBIDDEN) {
			t.Errorf("CreateTask as %s = %v, want forbidden", u, err)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestTaskFromNeedTakesItsPlace(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := tw.as(t, "resident")
	n, err := tw.a.CreateNeed(ctx, app.NeedInput{GridID: tw.w.A.Grids[1].ID, Category: "elderly_care", Tier: app.TierMinor, Title: "陪老人就医"})
	if err != nil {
		t.Fatal(err)
	}
	task, err := tw.a.CreateTask(tw.as(t, "community_worker"), app.TaskInput{NeedID: &n.ID, Title: "陪同就医"})
	if err != nil {
		t.Fatalf("CreateTask from need: %v", err)
	}
	if task.CommunityID != n.CommunityID || task.GridID == nil || *task.GridID != n.GridID || task.Category != "elderly_care" {
		t.Errorf("task from need = %+v, want the need's community, grid and category", task)
	}
	// The grid worker of grid 1 may not make tasks for a need in grid 2.
	if _, err := tw.a.CreateTask(tw.as(t, "grid_worker"), app.TaskInput{NeedID: &n.ID, Title: "陪同就医"}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("grid worker of another grid = %v, want forbidden", err)
	}
}

func TestSignupCheckinAndHours(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	vctx := tw.as(t, "volunteer")
	mon := shifts[0]
	su, err := tw.a.SignUp(vctx, mon.ID)
	if err != nil || su.Status != app.SignupSignedUp {
		t.Fatalf("SignUp = %+v, %v", su, err)
	}
	// A second volunteer fills the shift; a third is refused.
	other := func(name string) context.Context {
		u, _ := newMember(t, tw, name)
		v := &app.Volunteer{UserID: &u.ID, Name: name, CommunityID: tw.w.A.Community.ID, Active: true, MaxHoursPerWeek: 4}
		if err := tw.store.CreateVolunteer(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		p, err := tw.a.Principal(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return app.WithPrincipal(context.Background(), p)
	}
	if _, err := tw.a.SignUp(other("李四"), mon.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.SignUp(other("赵五"), mon.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("signing up for a full shift = %v, want conflict", err)
	}
	// An overlapping shift of another task is a time conflict.
	gctx := tw.as(t, "grid_worker")
	t2, err := tw.a.CreateTask(gctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, GridID: &tw.w.A.Grids[0].ID, Title: "理发", Category: "meal_delivery"})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := tw.a.AddShifts(gctx, t2.ID, app.ShiftInput{StartsAt: ptrTime(mon.StartsAt.Add(30 * time.Minute)), EndsAt: ptrTime(mon.EndsAt.Add(time.Hour)), Capacity: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.SignUp(vctx, s2[0].ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("overlapping shift = %v, want conflict", err)
	}
	// Check in at 10:55 with the code, out at 12:10: an hour is credited (the shift's length).
	tw.clock.Set(mon.StartsAt.Add(-5 * time.Minute))
	if _, err := tw.a.CheckIn(vctx, mon.ID, "000000"); !app.IsCode(err, app.EINVALID) && mon.CheckinCode != "000000" {
		t.Errorf("wrong code = %v, want a field error", err)
	}
	if _, err := tw.a.CheckIn(vctx, mon.ID, mon.CheckinCode); err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	tw.clock.Set(mon.EndsAt.Add(10 * time.Minute))
	h, err := tw.a.CheckOut(vctx, mon.ID, mon.CheckinCode)
	if err != nil {
		t.Fatalf("CheckOut: %v", err)
	}
	if h.Minutes != 60 || h.Kind != app.HoursCheckin || h.Status != app.HoursApproved {
		t.Errorf("automatic hours = %+v, want 60 approved check-in minutes", h)
	}
	// The other volunteer never came: the coordinator marks a no-show.
	sus, err := tw.store.FindSignups(context.Background(), app.SignupFilter{ShiftIDs: []int64{mon.ID}, Statuses: []string{app.SignupSignedUp}})
	if err != nil || len(sus) != 1 {
		t.Fatalf("remaining sign-ups = %d, %v", len(sus), err)
	}
	if _, err := tw.a.MarkNoShow(vctx, sus[0].ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a volunteer marking a no-show = %v, want forbidden", err)
	}
	if su, err := tw.a.MarkNoShow(gctx, sus[0].ID); err != nil || su.Status != app.SignupNoShow {
		t.Errorf("MarkNoShow = %+v, %v", su, err)
	}
	// The coordinator adds hours only with a reason; they are recorded apart.
	in := app.HoursInput{VolunteerID: tw.vol.ID, TaskID: task.ID, Date: "2026-11-30", Minutes: 30}
	if _, err := tw.a.AddHours(gctx, in); fieldOf(err)["reason"].ID != "error.reason_required" {
		t.Errorf("coordinator hours without a reason = %v", err)
	}
	in.Reason = "提前到场备餐"
	if h, err := tw.a.AddHours(gctx, in); err != nil || h.Kind != app.HoursCoordinator || h.Status != app.HoursApproved {
		t.Fatalf("AddHours = %+v, %v", h, err)
	}
	// A self-report waits for approval; the volunteer cannot approve it.
	rep, err := tw.a.ReportHours(vctx, app.HoursInput{TaskID: task.ID, Date: "2026-11-30", Minutes: 45, Activity: "送餐回访"})
	if err != nil || rep.Status != app.HoursPending {
		t.Fatalf("ReportHours = %+v, %v", rep, err)
	}
	if _, err := tw.a.ReportHours(vctx, app.HoursInput{TaskID: task.ID, Date: "2026-12-25", Minutes: 45}); fieldOf(err)["date"].ID == "" {
		t.Errorf("self-report in the future = %v, want a date error", err)
	}
	if _, err := tw.a.DecideHours(vctx, rep.ID, app.HoursDecision{Approve: true}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("volunteer approving own hours = %v, want forbidden", err)
	}
	if _, err := tw.a.DecideHours(gctx, rep.ID, app.HoursDecision{Approve: false}); fieldOf(err)["note"].ID == "" {
		t.Errorf("rejection without a reason = %v", err)
	}
	if h, err := tw.a.DecideHours(gctx, rep.ID, app.HoursDecision{Approve: true}); err != nil || h.Status != app.HoursApproved {
		t.Fatalf("DecideHours = %+v, %v", h, err)
	}
	l, err := tw.a.HoursLedger(vctx, tw.vol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.ApprovedMinutes != 135 || l.MinutesByKind[app.HoursCheckin] != 60 || l.MinutesByKind[app.HoursCoordinator] != 30 || l.MinutesByKind[app.HoursSelfReport] != 45 || l.Shows != 1 {
		t.Errorf("ledger %d min by kind %v shows %d, want 135 = 60 + 30 + 45 and one show", l.ApprovedMinutes, l.MinutesByKind, l.Shows)
	}
	if _, err := tw.a.HoursLedger(tw.as(t, "resident_b"), tw.vol.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("someone else's ledger = %v, want forbidden", err)
	}
}

func TestCancelAndInvite(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	gctx, vctx := tw.as(t, "grid_worker"), tw.as(t, "volunteer")
	inv, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[1].ID, VolunteerIDs: []int64{tw.vol.ID}})
	if err != nil || len(inv) != 1 || inv[0].Status != app.SignupInvited {
		t.Fatalf("Invite = %+v, %v", inv, err)
	}
	if _, err := tw.a.Invite(vctx, task.ID, app.InviteInput{ShiftID: shifts[1].ID, VolunteerIDs: []int64{tw.vol.ID}}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a volunteer inviting = %v, want forbidden", err)
	}
	su, err := tw.a.SignUp(vctx, shifts[1].ID)
	if err != nil || su.ID != inv[0].ID || su.Status != app.SignupSignedUp {
		t.Fatalf("accepting the invitation = %+v, %v", su, err)
	}
	if su, err := tw.a.CancelSignup(vctx, su.ID); err != nil || su.Status != app.SignupCancelled {
		t.Fatalf("CancelSignup = %+v, %v", su, err)
	}
	if su, err := tw.a.SignUp(vctx, shifts[1].ID); err != nil || su.Status != app.SignupSignedUp {
		t.Errorf("signing up again after cancelling = %+v, %v", su, err)
	}
	tw.clock.Set(shifts[1].StartsAt.Add(time.Minute))
	if _, err := tw.a.CancelSignup(vctx, su.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("cancelling a started shift = %v, want conflict", err)
	}
}

func TestEvaluationsFeedReputation(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	rctx := tw.as(t, "resident")
	task, shifts := tw.mealTask(t)
	// Only a resident served by the volunteer may rate (issue 11): naming nothing is refused.
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, Stars: 5}); fieldOf(err)["task_id"].ID == "" {
		t.Errorf("rating without a task, need or project = %v, want a task_id field error", err)
	}
	if _, err := tw.a.SignUp(tw.as(t, "volunteer"), shifts[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 6}); fieldOf(err)["stars"].ID == "" {
		t.Errorf("six stars = %v, want a field error", err)
	}
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 5, Comment: "准时热情"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 4}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("a second evaluation by the same resident = %v, want conflict", err)
	}
	if _, err := tw.a.Evaluate(tw.as(t, "resident_b"), app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 1}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a resident of another community = %v, want forbidden", err)
	}
	if _, err := tw.a.Evaluate(tw.as(t, "volunteer"), app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 5}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("rating oneself = %v, want forbidden", err)
	}
	st, err := tw.store.EvaluationStats(context.Background(), "volunteer", []int64{tw.vol.ID})
	if err != nil || st[tw.vol.ID].Count != 1 || st[tw.vol.ID].Mean != 5 {
		t.Errorf("stats = %+v, %v", st, err)
	}
}

func newMember(t *testing.T, tw *taskWorld, name string) (*app.User, *app.Membership) {
	t.Helper()
	email := name + "@member.test"
	u := &app.User{Email: &email, Name: name, PasswordHash: "x", Locale: "zh-CN"}
	if err := tw.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	cid := tw.w.A.Community.ID
	m := &app.Membership{UserID: u.ID, Role: app.RoleVolunteer, CommunityID: &cid}
	if err := tw.store.CreateMembership(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return u, m
}

func TestRankCandidatesForNeedAndTask(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := context.Background()
	// A second, far-away volunteer without the skills and with a poor record.
	gid := tw.w.A.Grids[1].ID
	lat, lng := 30.75, 121.08
	far := &app.Volunteer{Name: "远志愿", CommunityID: tw.w.A.Community.ID, GridID: &gid, Lat: &lat, Lng: &lng, MaxHoursPerWeek: 4, Active: true, Skills: []string{"cooking"}}
	for d := 0; d < 7; d++ {
		far.Availability.Set(d, 11)
	}
	if err := tw.store.CreateVolunteer(ctx, far); err != nil {
		t.Fatal(err)
	}
	n, err := tw.a.CreateNeed(tw.as(t, "resident"), app.NeedInput{GridID: tw.w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "送午饭"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := tw.a.RankCandidates(tw.as(t, "grid_worker"), app.SubjectNeed, n.ID, []string{"volunteer"}, 0)
	if err != nil {
		t.Fatalf("RankCandidates: %v", err)
	}
	if len(r.Volunteers) != 2 || r.Volunteers[0].ID != tw.vol.ID || r.Volunteers[0].Name != "王志愿" {
		t.Fatalf("ranked volunteers %+v, want the nearby same-grid volunteer first", r.Volunteers)
	}
	if len(r.Organizations) != 0 || len(r.Donors) != 0 {
		t.Errorf("kind=volunteer also ranked other kinds")
	}
	// Both live in the need's grid: ranking places them at its centre, not at their homes.
	if d, ok := r.Volunteers[0].Explanation.Feature(matching.FeatureDistance); !ok || !d.Known || d.Meters > 500 {
		t.Errorf("distance explanation %+v", d)
	}
	if _, err := tw.a.RankCandidates(tw.as(t, "resident"), app.SubjectNeed, n.ID, nil, 0); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a resident ranking candidates = %v, want forbidden", err)
	}
	if _, err := tw.a.RankCandidates(tw.as(t, "grid_worker"), app.SubjectNeed, n.ID, []string{"robot"}, 0); fieldOf(err)["kind"].ID == "" {
		t.Errorf("unknown kind = %v, want a field error", err)
	}
	// A task requiring delivery drops the volunteer who cannot deliver.
	task, _ := tw.mealTask(t)
	r, err = tw.a.RankCandidates(tw.as(t, "grid_worker"), app.SubjectTask, task.ID, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Volunteers) != 1 || r.Volunteers[0].ID != tw.vol.ID {
		t.Errorf("task candidates %+v, want only the volunteer with the required skill", r.Volunteers)
	}
	if len(r.Organizations) == 0 {
		t.Errorf("no organizations ranked for the task")
	}
	// Load spreading: once the volunteer holds shifts this week, their score is discounted.
	before := r.Volunteers[0].Score
	if _, err := tw.a.SignUp(tw.as(t, "volunteer"), mustShifts(t, tw, task.ID)[0].ID); err != nil {
		t.Fatal(err)
	}
	r, err = tw.a.RankCandidates(tw.as(t, "grid_worker"), app.SubjectTask, task.ID, []string{"volunteer"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ex := r.Volunteers[0].Explanation; ex.Load != 1 || ex.MaxLoad != 6 || r.Volunteers[0].Score >= before {
		t.Errorf("after one hour of shifts: load %v/%v score %v (before %v), want a discount", ex.Load, ex.MaxLoad, r.Volunteers[0].Score, before)
	}
}

func mustShifts(t *testing.T, tw *taskWorld, taskID int64) []*app.Shift {
	t.Helper()
	ss, err := tw.store.FindShifts(context.Background(), app.ShiftFilter{TaskIDs: []int64{taskID}})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestCommunityProfileAndPreview(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	cid := tw.w.A.Community.ID
	wctx := tw.as(t, "community_worker")
	pv, err := tw.a.CommunityProfile(wctx, cid)
	if err != nil || pv.Custom || pv.Profile.Name != "urban" {
		t.Fatalf("CommunityProfile = %+v, %v; want the urban default", pv, err)
	}
	if _, err := tw.a.CommunityProfile(tw.as(t, "grid_worker"), cid); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("grid worker tuning = %v, want forbidden", err)
	}
	bad := pv.Profile
	bad.Weights.Distance = -1
	if _, err := tw.a.SaveCommunityProfile(wctx, cid, bad); fieldOf(err)["weights.distance"].ID == "" {
		t.Errorf("negative weight = %v, want a weights.distance error", err)
	}
	zero := pv.Profile
	zero.Weights = matching.Weights{}
	if _, err := tw.a.SaveCommunityProfile(wctx, cid, zero); fieldOf(err)["weights"].ID == "" {
		t.Errorf("all-zero weights = %v, want a weights error", err)
	}
	n, err := tw.a.CreateNeed(tw.as(t, "resident"), app.NeedInput{GridID: tw.w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "送午饭"})
	if err != nil {
		t.Fatal(err)
	}
	after := pv.Profile
	after.Weights.Interest = 0
	prev, err := tw.a.PreviewProfile(wctx, cid, n.ID, after, 10)
	if err != nil {
		t.Fatalf("PreviewProfile: %v", err)
	}
	if len(prev.Moves) == 0 {
		t.Errorf("preview lists no candidates")
	}
	if got, _ := tw.a.CommunityProfile(wctx, cid); got.Custom {
		t.Errorf("a preview saved the profile")
	}
	saved, err := tw.a.SaveCommunityProfile(wctx, cid, after)
	if err != nil || !saved.Custom || saved.Profile.Weights.Interest != 0 {
		t.Fatalf("SaveCommunityProfile = %+v, %v", saved, err)
	}
	r, err := tw.a.RankCandidates(wctx, app.SubjectNeed, n.ID, nil, 5)
	if err != nil || !r.Custom || r.Profile.Weights.Interest != 0 {
		t.Errorf("ranking after saving does not use the tuned profile: %+v, %v", r, err)
	}
	// A need of another community cannot be previewed here.
	nb, err := tw.a.CreateNeed(tw.as(t, "resident_b"), app.NeedInput{GridID: tw.w.B.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "送午饭"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.PreviewProfile(wctx, cid, nb.ID, after, 10); fieldOf(err)["need_id"].ID == "" {
		t.Errorf("preview of another community's need = %v", err)
	}
}

func TestBatchAssignment(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := context.Background()
	// Three more volunteers who deliver, free at 11:00 on weekdays.
	for i, name := range []string{"甲", "乙", "丙"} {
		gid := tw.w.A.Grids[i%2].ID
		v := &app.Volunteer{Name: name, CommunityID: tw.w.A.Community.ID, GridID: &gid, MaxHoursPerWeek: 2, Active: true, Skills: []string{"delivery"}}
		for d := 0; d < 5; d++ {
			v.Availability.Set(d, 11)
		}
		if err := tw.store.CreateVolunteer(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	task, _ := tw.mealTask(t)
	// An overlapping task at 11:30 on Tuesday, so time conflicts matter.
	gctx := tw.as(t, "grid_worker")
	t2, err := tw.a.CreateTask(gctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, GridID: &tw.w.A.Grids[0].ID, Title: "取药", Category: "meal_delivery", Skills: []string{"delivery"}})
	if err != nil {
		t.Fatal(err)
	}
	tue := time.Date(2026, 12, 1, 11, 30, 0, 0, cst)
	if _, err := tw.a.AddShifts(gctx, t2.ID, app.ShiftInput{StartsAt: &tue, EndsAt: ptrTime(tue.Add(time.Hour)), Capacity: 2}); err != nil {
		t.Fatal(err)
	}
	wctx := tw.as(t, "community_worker")
	from := time.Date(2026, 11, 30, 0, 0, 0, 0, cst)
	p, err := tw.a.ProposeAssignment(wctx, tw.w.A.Community.ID, app.AssignmentRequest{From: from, Days: 7})
	if err != nil {
		t.Fatalf("ProposeAssignment: %v", err)
	}
	if !p.Optimal || p.Assigned == 0 || p.Shifts != 6 {
		t.Fatalf("proposal %+v, want an optimal assignment over 6 shifts", p)
	}
	// Hours caps: 6 h for 王志愿 and 2 h for the others bound what each takes.
	per := map[int64][]app.ProposedAssignment{}
	for _, a := range p.Pairs {
		per[a.VolunteerID] = append(per[a.VolunteerID], a)
	}
	for vid, as := range per {
		limit := 2
		if vid == tw.vol.ID {
			limit = 6
		}
		if len(as) > limit {
			t.Errorf("volunteer %d got %d one-hour shifts, cap %d", vid, len(as), limit)
		}
		for i := range as {
			for j := i + 1; j < len(as); j++ {
				if as[i].StartsAt.Before(as[j].EndsAt) && as[j].StartsAt.Before(as[i].EndsAt) {
					t.Errorf("volunteer %d got overlapping shifts %d and %d", vid, as[i].ShiftID, as[j].ShiftID)
				}
			}
		}
	}
	// 5 meal shifts × 2 + 2 places at 11:30 = 12 places; the volunteers have 6 + 3×2 = 12 hours,
	// but Tuesday 11:00 and 11:30 overlap, so 王志愿 can serve at most 5 of them: the optimum
	// fills 11.
	if p.OpenPlaces != 12 || p.Assigned != 11 {
		t.Errorf("assigned %d of %d places, want 11 of 12", p.Assigned, p.OpenPlaces)
	}
	if _, err := tw.a.ProposeAssignment(tw.as(t, "grid_worker"), tw.w.A.Community.ID, app.AssignmentRequest{From: from, Days: 7}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a grid worker running the community's batch = %v, want forbidden", err)
	}
	pairs := make([]app.AssignmentPair, len(p.Pairs))
	for i, a := range p.Pairs {
		pairs[i] = app.AssignmentPair{ShiftID: a.ShiftID, VolunteerID: a.VolunteerID}
	}
	sus, err := tw.a.ConfirmAssignment(wctx, tw.w.A.Community.ID, pairs)
	if err != nil || len(sus) != len(pairs) {
		t.Fatalf("ConfirmAssignment = %d sign-ups, %v", len(sus), err)
	}
	for _, su := range sus {
		if su.Status != app.SignupSignedUp || su.Source != app.SourceAssigned {
			t.Errorf("sign-up %+v, want signed_up by assignment", su)
		}
	}
	// Confirming again fails as a whole: the shifts are full now.
	if _, err := tw.a.ConfirmAssignment(wctx, tw.w.A.Community.ID, pairs); err == nil {
		t.Errorf("confirming the same assignment twice succeeded")
	}
	again, err := tw.a.ProposeAssignment(wctx, tw.w.A.Community.ID, app.AssignmentRequest{From: from, Days: 7})
	if err != nil || again.Assigned != 0 || again.OpenPlaces != 1 {
		t.Errorf("after confirming, a new proposal = %+v, %v; want one place nobody can fill", again, err)
	}
	_ = task
}

func TestTasksForMe(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	meal, _ := tw.mealTask(t)
	gctx := tw.as(t, "grid_worker")
	other, err := tw.a.CreateTask(gctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, GridID: &tw.w.A.Grids[0].ID, Title: "夜间巡逻", Category: "safety", Skills: []string{"first_aid"}})
	if err != nil {
		t.Fatal(err)
	}
	night := time.Date(2026, 12, 2, 21, 0, 0, 0, cst)
	if _, err := tw.a.AddShifts(gctx, other.ID, app.ShiftInput{StartsAt: &night, EndsAt: ptrTime(night.Add(2 * time.Hour)), Capacity: 2}); err != nil {
		t.Fatal(err)
	}
	ms, err := tw.a.TasksForMe(tw.as(t, "volunteer"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Task.ID != meal.ID || ms[0].Next == nil {
		titles := []string{}
		for _, m := range ms {
			titles = append(titles, m.Task.Title)
		}
		t.Errorf("tasks for me = %s, want only 助餐送餐 (the night task needs a skill and hours I lack)", strings.Join(titles, ", "))
	}
	if _, err := tw.a.TasksForMe(tw.as(t, "resident_b"), 10); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("tasks for someone without a volunteer profile = %v, want not found", err)
	}
}

func TestTaskStatusAndCommunityRule(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	vctx, gctx := tw.as(t, "volunteer"), tw.as(t, "grid_worker")
	su, err := tw.a.SignUp(vctx, shifts[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	// A volunteer of another community can neither sign up here nor be invited.
	ub, _ := newMember(t, tw, "外社区")
	vb := &app.Volunteer{UserID: &ub.ID, Name: "外社区", CommunityID: tw.w.B.Community.ID, Active: true, MaxHoursPerWeek: 4}
	if err := tw.store.CreateVolunteer(context.Background(), vb); err != nil {
		t.Fatal(err)
	}
	pb, _ := tw.a.Principal(context.Background(), ub.ID)
	if _, err := tw.a.SignUp(app.WithPrincipal(context.Background(), pb), shifts[2].ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("sign-up from another community = %v, want forbidden", err)
	}
	if _, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[2].ID, VolunteerIDs: []int64{vb.ID}}); fieldOf(err)["volunteer_ids"].ID == "" {
		t.Errorf("inviting a volunteer of another community = %v, want a volunteer_ids field error", err)
	}
	if _, err := tw.a.SetTaskStatus(vctx, task.ID, app.TaskStatusInput{Status: app.TaskClosed}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a volunteer closing the task = %v", err)
	}
	if _, err := tw.a.SetTaskStatus(gctx, task.ID, app.TaskStatusInput{Status: "done"}); fieldOf(err)["status"].ID == "" {
		t.Errorf("unknown status = %v", err)
	}
	if _, err := tw.a.SetTaskStatus(gctx, task.ID, app.TaskStatusInput{Status: app.TaskClosed}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.SignUp(vctx, shifts[3].ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("sign-up to a closed task = %v, want conflict", err)
	}
	if _, err := tw.a.SetTaskStatus(gctx, task.ID, app.TaskStatusInput{Status: app.TaskCancelled}); err != nil {
		t.Fatal(err)
	}
	got, err := tw.store.FindSignup(context.Background(), su.ID)
	if err != nil || got.Status != app.SignupCancelled {
		t.Errorf("after cancelling the task the sign-up is %+v, %v; want cancelled", got, err)
	}
	if _, err := tw.a.SetTaskStatus(gctx, task.ID, app.TaskStatusInput{Status: app.TaskOpen}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("reopening a cancelled task = %v, want conflict", err)
	}
}
