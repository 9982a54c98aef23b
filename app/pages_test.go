package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// pageWorld is the test world at Monday 30 November 2026, 09:00, with a volunteer profile for
// the world's volunteer and a task with weekday shifts 11:00–12:00 for two weeks.
type pageWorld struct {
	a      *app.App
	w      *apptest.World
	clock  *apptest.Clock
	count  func(func()) int
	task   *app.Task
	shifts []*app.Shift
	vol    *app.Volunteer
}

func newPageWorld(t *testing.T) *pageWorld {
	t.Helper()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	uid, gid := w.Users["volunteer"].ID, w.A.Grids[0].ID
	vol := &app.Volunteer{UserID: &uid, Name: "王志愿", CommunityID: w.A.Community.ID, GridID: &gid, MaxHoursPerWeek: 20, Active: true}
	if err := s.CreateVolunteer(context.Background(), vol); err != nil {
		t.Fatal(err)
	}
	pw := &pageWorld{a: a, w: w, clock: clock, count: s.CountQueries, vol: vol}
	ctx := w.As(t, a, "grid_worker")
	var err error
	pw.task, err = a.CreateTask(ctx, app.TaskInput{CommunityID: w.A.Community.ID, GridID: &gid, Title: "助餐送餐", Category: "meal_delivery", Headcount: 2})
	if err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	pw.shifts, err = a.AddShifts(ctx, pw.task.ID, app.ShiftInput{Weekdays: []int{1, 2, 3, 4, 5}, StartTime: "11:00", EndTime: "12:00", FromDate: "2026-11-30", Weeks: 2})
	if err != nil {
		t.Fatalf("AddShifts: %v", err)
	}
	return pw
}

// MyCommitments loads the volunteer's shifts in a fixed number of queries, soonest first, and
// drops a shift once its check-out window (four hours after its end) has passed.
func TestMyCommitments(t *testing.T) {
	t.Parallel()
	pw := newPageWorld(t)
	vctx := pw.w.As(t, pw.a, "volunteer")
	signUp := func(sh *app.Shift) {
		t.Helper()
		if _, err := pw.a.SignUp(vctx, sh.ID); err != nil {
			t.Fatalf("SignUp %d: %v", sh.ID, err)
		}
	}
	load := func() ([]*app.Commitment, int) {
		t.Helper()
		var cs []*app.Commitment
		var err error
		n := pw.count(func() { cs, err = pw.a.MyCommitments(vctx) })
		if err != nil {
			t.Fatalf("MyCommitments: %v", err)
		}
		return cs, n
	}
	signUp(pw.shifts[3])
	one, few := load()
	if len(one) != 1 || one[0].Task.ID != pw.task.ID || one[0].Shift.ID != pw.shifts[3].ID {
		t.Fatalf("one sign-up: %+v", one)
	}
	for _, sh := range []*app.Shift{pw.shifts[5], pw.shifts[0], pw.shifts[8], pw.shifts[1]} {
		signUp(sh)
	}
	all, many := load()
	if many != few {
		t.Errorf("queries grow with the sign-ups: %d for one, %d for five", few, many)
	}
	if len(all) != 5 {
		t.Fatalf("%d commitments, want 5", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Shift.StartsAt.Before(all[i-1].Shift.StartsAt) {
			t.Errorf("commitments not soonest first: %v after %v", all[i].Shift.StartsAt, all[i-1].Shift.StartsAt)
		}
	}
	// Four hours after the first shift ends it is still there, to check out; a minute later not.
	pw.clock.Set(pw.shifts[0].EndsAt.Add(4 * time.Hour))
	if cs, _ := load(); len(cs) != 5 {
		t.Errorf("at the end of the check-out window: %d commitments, want 5", len(cs))
	}
	pw.clock.Advance(time.Minute)
	if cs, _ := load(); len(cs) != 4 || cs[0].Shift.ID != pw.shifts[1].ID {
		t.Errorf("past the check-out window the first shift still shows: %d commitments", len(cs))
	}
	if _, err := pw.a.MyCommitments(pw.w.As(t, pw.a, "resident")); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("without a volunteer profile: %v, want ENOTFOUND", err)
	}
}

// The task page computes what the viewer may do on each shift, so its template only formats.
func TestTaskPageChoices(t *testing.T) {
	t.Parallel()
	pw := newPageWorld(t)
	vctx := pw.w.As(t, pw.a, "volunteer")
	// shifts[0] starts today at 11:00 (after the clock), shifts[1] tomorrow.
	if _, err := pw.a.SignUp(vctx, pw.shifts[1].ID); err != nil {
		t.Fatal(err)
	}
	choice := func(ctx context.Context, shiftID int64) *app.ShiftChoice {
		t.Helper()
		p, err := pw.a.TaskDetailPage(ctx, pw.task.ID)
		if err != nil {
			t.Fatalf("TaskDetailPage: %v", err)
		}
		for _, c := range p.Shifts {
			if c.ID == shiftID {
				return c
			}
		}
		t.Fatalf("shift %d not on the page", shiftID)
		return nil
	}
	if c := choice(vctx, pw.shifts[0].ID); !c.CanSignUp || c.Holding || c.CanCancel {
		t.Errorf("a free future shift: %+v, want only sign-up", c)
	}
	if c := choice(vctx, pw.shifts[1].ID); c.CanSignUp || !c.Holding || !c.CanCancel || c.CanAccept {
		t.Errorf("a held future shift: %+v, want held and cancellable", c)
	}
	if c := choice(pw.w.As(t, pw.a, "resident"), pw.shifts[0].ID); c.CanSignUp {
		t.Errorf("someone without a volunteer profile may sign up")
	}
	pw.clock.Set(pw.shifts[1].StartsAt.Add(time.Minute))
	if c := choice(vctx, pw.shifts[1].ID); !c.Holding || c.CanCancel {
		t.Errorf("a started shift: %+v, want held, not cancellable", c)
	}
	if c := choice(vctx, pw.shifts[0].ID); c.CanSignUp {
		t.Errorf("a past shift offers sign-up")
	}
	if c := choice(vctx, pw.shifts[2].ID); !c.CanSignUp {
		t.Errorf("a later free shift offers no sign-up")
	}
	if _, err := pw.a.SetTaskStatus(pw.w.As(t, pw.a, "grid_worker"), pw.task.ID, app.TaskStatusInput{Status: app.TaskClosed}); err != nil {
		t.Fatal(err)
	}
	if c := choice(vctx, pw.shifts[2].ID); c.CanSignUp {
		t.Errorf("a closed task offers sign-up")
	}
}

// A need's page shows its audit trail only to those who may read audit events, and the
// assignee only to those who see the private details.
func TestNeedPageEventsNeedAuditView(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	n, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "需要送餐", Privacy: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AssignNeed(w.As(t, a, "grid_worker"), n.ID, w.Users["grid_worker"].ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user             string
		events, assignee bool
	}{
		{"community_worker", true, true}, {"civil_affairs_officer", true, true}, {"admin", true, true},
		{"resident", false, true}, {"grid_worker", false, true}, {"worker_b", false, false}, {"outsider", false, false},
	} {
		p, err := a.NeedDetail(w.As(t, a, tc.user), n.ID)
		if err != nil {
			t.Fatalf("%s: %v", tc.user, err)
		}
		if got := len(p.Events) > 0; got != tc.events {
			t.Errorf("%s sees %d events, want any: %v", tc.user, len(p.Events), tc.events)
		}
		if got := p.Assignee == "测试grid_worker"; got != tc.assignee {
			t.Errorf("%s sees assignee %q, want shown: %v", tc.user, p.Assignee, tc.assignee)
		}
	}
}
