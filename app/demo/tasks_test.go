package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
)

// demoNow is a Wednesday morning in 平湖.
var demoNow = time.Date(2026, 12, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func loadDemo(tb testing.TB) (*app.App, *store.Store) {
	tb.Helper()
	return demoApp(tb, demoNow, "demo-password-1")
}

// as acts as a demo account.
func as(tb testing.TB, a *app.App, s *store.Store, email string) context.Context {
	tb.Helper()
	u, err := s.FindUserByLogin(context.Background(), email)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := a.Principal(context.Background(), u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return app.WithPrincipal(context.Background(), p)
}

func TestDemoTasks(t *testing.T) {
	t.Parallel()
	a, s := loadDemo(t)
	ctx := context.Background()
	ts, _, err := s.FindTasks(ctx, app.TaskFilter{Q: "助餐送餐", Page: app.Page{Page: 1, PerPage: 5}})
	if err != nil || len(ts) != 1 {
		t.Fatalf("demo 助餐送餐 tasks = %d, %v", len(ts), err)
	}
	meal := ts[0]
	shifts, err := s.FindShifts(ctx, app.ShiftFilter{TaskIDs: []int64{meal.ID}})
	if err != nil || len(shifts) != 20 {
		t.Fatalf("meal shifts = %d, %v; want every weekday for four weeks", len(shifts), err)
	}
	cst := demoNow.Location()
	for _, sh := range shifts {
		if st := sh.StartsAt.In(cst); st.Hour() != 11 || st.Weekday() == time.Saturday || st.Weekday() == time.Sunday || sh.Hours() != 1 {
			t.Errorf("meal shift at %v for %v h", st, sh.Hours())
		}
	}
	worker := as(t, a, s, "worker@wushe.local")
	r, err := a.RankCandidates(worker, app.SubjectTask, meal.ID, nil, 10)
	if err != nil || len(r.Volunteers) == 0 || len(r.Organizations) == 0 {
		t.Fatalf("ranking the demo task: %v volunteers, %v", len(r.Volunteers), err)
	}
	t.Logf("pool %v", r.Pool)
	reviewed := false
	for _, c := range r.Volunteers {
		if len(c.Explanation.Features) == 0 {
			t.Errorf("candidate %d has no explanation", c.ID)
		}
		for _, f := range c.Explanation.Features {
			if f.Feature.String() == "reputation" && f.Count > 0 {
				reviewed = true
			}
		}
	}
	if !reviewed {
		t.Errorf("no ranked volunteer has evaluations")
	}
	vol := as(t, a, s, "volunteer@wushe.local")
	me, err := a.MyVolunteer(vol)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.HoursLedger(vol, me.ID)
	if err != nil || l.ApprovedMinutes == 0 || l.Shows == 0 {
		t.Errorf("the demo volunteer's ledger: %d minutes, %d shows, %v", l.ApprovedMinutes, l.Shows, err)
	}
	ms, err := a.TasksForMe(vol, 10)
	if err != nil || len(ms) == 0 {
		t.Errorf("tasks for the demo volunteer = %d, %v", len(ms), err)
	}
	p, err := a.ProposeAssignment(worker, meal.CommunityID, app.AssignmentRequest{From: demoNow, Days: 7})
	if err != nil || p.OpenPlaces == 0 || p.Assigned == 0 || !p.Optimal {
		t.Errorf("demo batch assignment = %+v, %v", p, err)
	}
}

// BenchmarkRankDemoNeed measures what a candidates page costs in the demo's largest
// community (东湖社区, about 2,100 active volunteers): loading candidates, loads, show-up
// records and evaluations from the database, building the index and ranking all three kinds.
func BenchmarkRankDemoNeed(b *testing.B) {
	a, s := loadDemo(b)
	worker := as(b, a, s, "worker@wushe.local")
	u, _ := s.FindUserByLogin(context.Background(), "worker@wushe.local")
	ms, _, _ := s.FindMemberships(context.Background(), app.MembershipFilter{UserID: &u.ID, Page: app.Page{Page: 1, PerPage: 5}})
	cid := *ms[0].CommunityID
	ns, _, err := s.FindNeeds(context.Background(), app.NeedFilter{CommunityID: &cid, Category: ptr("meal_delivery"), Now: demoNow, Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil || len(ns) == 0 {
		b.Fatalf("no demo meal need: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.RankCandidates(worker, app.SubjectNeed, ns[0].ID, nil, 20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProposeDemoAssignment measures a week's batch assignment for 东湖社区.
func BenchmarkProposeDemoAssignment(b *testing.B) {
	a, s := loadDemo(b)
	worker := as(b, a, s, "worker@wushe.local")
	ts, _, _ := s.FindTasks(context.Background(), app.TaskFilter{Q: "助餐送餐", Page: app.Page{Page: 1, PerPage: 1}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.ProposeAssignment(worker, ts[0].CommunityID, app.AssignmentRequest{From: demoNow, Days: 7}); err != nil {
			b.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
