package app_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// A need is assigned through a picker of its community's staff: the page lists them (and no
// resident, no staff of another community), and the use case refuses anyone else even when
// the id is sent by hand.
func TestNeedAssigneePickerListsOnlyCommunityStaff(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	n, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "需要送餐"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.NeedDetail(w.As(t, a, "community_worker"), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range page.AssigneeChoices {
		listed[c.Value] = true
		if c.Label == "" {
			t.Errorf("choice %s has no name", c.Value)
		}
	}
	id := func(user string) string { return strconv.FormatInt(w.Users[user].ID, 10) }
	for _, staff := range []string{"grid_worker", "community_worker"} {
		if !listed[id(staff)] {
			t.Errorf("the picker does not list %s", staff)
		}
	}
	for _, other := range []string{"resident", "worker_b", "outsider"} {
		if listed[id(other)] {
			t.Errorf("the picker lists %s", other)
		}
	}
	if p, err := a.NeedDetail(w.As(t, a, "resident"), n.ID); err != nil {
		t.Fatal(err)
	} else if len(p.AssigneeChoices) != 0 {
		t.Errorf("a resident who may not assign sees %d assignee choices", len(p.AssigneeChoices))
	}
	for _, other := range []string{"resident", "worker_b"} {
		_, err := a.AssignNeed(w.As(t, a, "community_worker"), n.ID, w.Users[other].ID)
		var e *app.Error
		if !errors.As(err, &e) || e.Code != app.EINVALID || e.Fields["assignee_id"].ID == "" {
			t.Errorf("assigning %s: %v, want a field error on assignee_id", other, err)
		}
	}
	if _, err := a.AssignNeed(w.As(t, a, "community_worker"), n.ID, w.Users["grid_worker"].ID); err != nil {
		t.Errorf("assigning the grid worker: %v", err)
	}
}

// A task's coordinator and grid are chosen from pickers: the coordinator picker lists the
// staff of the communities where the user may create tasks (no resident, no other
// community's staff), and CreateTask refuses anyone else even when the id is sent by hand;
// the grid picker groups grids by community.
func TestTaskPickersListOnlyWhatMayBeChosen(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := tw.as(t, "community_worker")
	groups, err := tw.a.TaskCoordinatorChoices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, g := range groups {
		if g.Label != tw.w.A.Community.Name {
			t.Errorf("the coordinator picker of A's worker has a group %q", g.Label)
		}
		for _, c := range g.Choices {
			listed[c.Value] = true
		}
	}
	id := func(user string) string { return strconv.FormatInt(tw.w.Users[user].ID, 10) }
	for _, staff := range []string{"grid_worker", "community_worker"} {
		if !listed[id(staff)] {
			t.Errorf("the coordinator picker does not list %s", staff)
		}
	}
	for _, other := range []string{"resident", "worker_b", "volunteer"} {
		if listed[id(other)] {
			t.Errorf("the coordinator picker lists %s", other)
		}
	}
	if g, err := tw.a.TaskCoordinatorChoices(tw.as(t, "resident")); err != nil || len(g) != 0 {
		t.Errorf("a resident's coordinator picker = %v, %v; want none", g, err)
	}
	for _, other := range []string{"resident", "worker_b"} {
		cid := tw.w.Users[other].ID
		_, err := tw.a.CreateTask(ctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, Title: "助餐", Category: "meal_delivery", Headcount: 1, CoordinatorID: &cid})
		if !app.IsCode(err, app.EINVALID) || fieldOf(err)["coordinator_id"].ID == "" {
			t.Errorf("coordinator %s = %v, want a field error on coordinator_id", other, err)
		}
	}
	cid := tw.w.Users["grid_worker"].ID
	if task, err := tw.a.CreateTask(ctx, app.TaskInput{CommunityID: tw.w.A.Community.ID, Title: "助餐", Category: "meal_delivery", Headcount: 1, CoordinatorID: &cid}); err != nil || task.CoordinatorID != cid {
		t.Errorf("coordinator grid_worker = %+v, %v", task, err)
	}

	grids, err := tw.a.GridChoiceGroups(ctx, &tw.w.A.Community.ID)
	if err != nil || len(grids) != 1 || grids[0].Label != tw.w.A.Community.Name || len(grids[0].Choices) != len(tw.w.A.Grids) {
		t.Fatalf("A's grid picker = %+v, %v; want A's %d grids in one group", grids, err, len(tw.w.A.Grids))
	}
	all, err := tw.a.GridChoiceGroups(ctx, nil)
	if err != nil || len(all) < 2 {
		t.Errorf("the grid picker over every community = %d groups, %v", len(all), err)
	}
}

// The self-reported hours form picks the task from those the volunteer was on.
func TestHoursTaskPickerListsTasksSignedUpFor(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	vctx := tw.as(t, "volunteer")
	if cs, err := tw.a.HoursTaskChoices(vctx); err != nil || len(cs) != 0 {
		t.Fatalf("before any sign-up = %v, %v", cs, err)
	}
	task, shifts := tw.mealTask(t)
	other, _ := tw.mealTask(t)
	if _, err := tw.a.SignUp(vctx, shifts[0].ID); err != nil {
		t.Fatal(err)
	}
	cs, err := tw.a.HoursTaskChoices(vctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Value != strconv.FormatInt(task.ID, 10) || cs[0].Label != task.Title {
		t.Errorf("hours task picker = %+v, want only task %d (not %d)", cs, task.ID, other.ID)
	}
	if cs, err := tw.a.HoursTaskChoices(tw.as(t, "resident")); err != nil || len(cs) != 0 {
		t.Errorf("a resident with no volunteer profile = %v, %v", cs, err)
	}
}

// The organization picker groups organizations by home community, city-wide ones first.
func TestOrganizationPickerGroupsByCommunity(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := context.Background()
	cid := tw.w.A.Community.ID
	local := &app.Organization{Name: "乙社区食堂", Kind: "social_org", CommunityID: &cid, Categories: []string{}}
	wide := &app.Organization{Name: "甲市基金会", Kind: "foundation", Categories: []string{}}
	for _, o := range []*app.Organization{local, wide} {
		if err := tw.store.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	groups, err := tw.a.OrganizationChoiceGroups(ctx, "全市")
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]string{}
	for _, g := range groups {
		for _, c := range g.Choices {
			where[c.Value] = g.Label
		}
	}
	if len(groups) == 0 || groups[0].Label != "全市" {
		t.Errorf("the first group = %+v, want the city-wide one", groups)
	}
	if got := where[strconv.FormatInt(wide.ID, 10)]; got != "全市" {
		t.Errorf("the city-wide foundation is under %q", got)
	}
	if got := where[strconv.FormatInt(local.ID, 10)]; got != tw.w.A.Community.Name {
		t.Errorf("the community canteen is under %q, want %q", got, tw.w.A.Community.Name)
	}
}

// The supervisor picker lists senior and supervising social workers only, never the worker
// being edited.
func TestSupervisorPickerListsSeniorWorkers(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	ctx := context.Background()
	cid := tw.w.A.Community.ID
	ws := map[string]*app.SocialWorker{}
	for _, level := range app.CertificationLevels {
		w := &app.SocialWorker{Name: "社工" + level, CommunityID: &cid, CertificationLevel: level}
		if err := tw.store.CreateSocialWorker(ctx, w); err != nil {
			t.Fatal(err)
		}
		ws[level] = w
	}
	cs, err := tw.a.SupervisorChoices(ctx, ws["supervisor"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Value != strconv.FormatInt(ws["senior"].ID, 10) {
		t.Errorf("supervisor picker for the supervisor = %+v, want only the senior worker", cs)
	}
	if cs, err := tw.a.SupervisorChoices(ctx, 0); err != nil || len(cs) != 2 {
		t.Errorf("supervisor picker for a new worker = %+v, %v; want the senior and the supervisor", cs, err)
	}
}
