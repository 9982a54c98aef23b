package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// otherVolunteer writes a volunteer of community B, kept by B's workers.
func (tw *taskWorld) otherVolunteer(t *testing.T) *app.Volunteer {
	t.Helper()
	gid := tw.w.B.Grids[0].ID
	v := &app.Volunteer{Name: "西林寺志愿者", CommunityID: tw.w.B.Community.ID, GridID: &gid, MaxHoursPerWeek: 4, Active: true, Skills: []string{"delivery"}}
	if err := tw.store.CreateVolunteer(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A community worker of A must not put a volunteer of B on A's shifts through batch
// assignment by naming the volunteer's id in the body: the proposal only ever holds A's
// volunteers, and B's volunteer never agreed to anything.
func TestConfirmAssignmentRefusesOtherCommunitysVolunteer(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	_, shifts := tw.mealTask(t)
	other := tw.otherVolunteer(t)
	var future *app.Shift
	for _, sh := range shifts {
		if sh.StartsAt.After(tw.clock.Now()) {
			future = sh
			break
		}
	}
	wctx := tw.as(t, "community_worker")
	_, err := tw.a.ConfirmAssignment(wctx, tw.w.A.Community.ID, []app.AssignmentPair{{ShiftID: future.ID, VolunteerID: other.ID}})
	if err == nil {
		t.Fatalf("confirming B's volunteer on A's shift succeeded")
	}
	if !app.IsCode(err, app.EINVALID) {
		t.Errorf("confirming B's volunteer = %v, want an unknown_ref field error", err)
	}
	sus, err := tw.store.FindSignups(context.Background(), app.SignupFilter{VolunteerID: &other.ID})
	if err != nil || len(sus) != 0 {
		t.Errorf("B's volunteer has %d sign-ups (%v), want none", len(sus), err)
	}
	// A's own volunteer still goes through.
	if sus, err := tw.a.ConfirmAssignment(wctx, tw.w.A.Community.ID, []app.AssignmentPair{{ShiftID: future.ID, VolunteerID: tw.vol.ID}}); err != nil || len(sus) != 1 {
		t.Errorf("confirming A's volunteer = %d, %v", len(sus), err)
	}
}

// A coordinator of A's task must not write hours into the ledger of a volunteer of another
// community who was never on the task: the ledger backs certificates.
func TestAddHoursRefusesVolunteerOffTheTask(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	other := tw.otherVolunteer(t)
	gctx := tw.as(t, "grid_worker")
	in := app.HoursInput{VolunteerID: other.ID, TaskID: task.ID, Date: "2026-11-30", Minutes: 600, Reason: "补录"}
	if _, err := tw.a.AddHours(gctx, in); err == nil {
		t.Fatalf("adding hours for B's volunteer on A's task succeeded")
	} else if fieldOf(err)["volunteer_id"].ID == "" {
		t.Errorf("adding hours for B's volunteer = %v, want a volunteer_id field error", err)
	}
	hs, err := tw.store.FindHoursEntries(context.Background(), app.HoursFilter{VolunteerID: &other.ID})
	if err != nil || len(hs) != 0 {
		t.Errorf("B's volunteer has %d hours entries (%v), want none", len(hs), err)
	}
	// A's own volunteer (not signed up) still can be credited; B's volunteer cannot be put on
	// the task by an invitation either.
	in.VolunteerID, in.Minutes = tw.vol.ID, 30
	if _, err := tw.a.AddHours(gctx, in); err != nil {
		t.Errorf("adding hours for A's volunteer: %v", err)
	}
	if _, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[0].ID, VolunteerIDs: []int64{other.ID}}); fieldOf(err)["volunteer_ids"].ID == "" {
		t.Errorf("inviting B's volunteer to A's task = %v, want a volunteer_ids field error", err)
	}
}

// A tender cancelled before its deadline never opened its bids: the publishing office and the
// evaluators must not see the prices and plans of bids that were still sealed.
func TestCancelledTenderKeepsSealedBidsSealed(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	tender := tw.published(tw.input())
	tw.bid(tender, 0, 20000000)
	tw.bid(tender, 1, 25000000)
	if _, err := tw.a.CancelTender(tw.as("community_worker"), tender.ID, app.TenderCancel{Reason: "需求变化"}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"community_worker", "committee_member", "civil_affairs_officer"} {
		bv, err := tw.a.TenderBids(tw.as(who), tender.ID)
		if err != nil {
			t.Fatalf("TenderBids as %s: %v", who, err)
		}
		if len(bv.Bids) != 0 {
			t.Errorf("%s sees %d bids of a tender cancelled before its deadline, want none", who, len(bv.Bids))
		}
	}
	// The bidder still sees its own.
	if bv, err := tw.a.TenderBids(tw.as("member_0"), tender.ID); err != nil || len(bv.Bids) != 1 {
		t.Errorf("bidder sees %d bids (%v), want its own", len(bv.Bids), err)
	}
	// Cancelled after the deadline, the bids were open to the office already.
	late := tw.published(tw.input())
	tw.bid(late, 0, 20000000)
	tw.clock.Advance(8 * 24 * time.Hour)
	if _, err := tw.a.CancelTender(tw.as("community_worker"), late.ID, app.TenderCancel{Reason: "无合格投标"}); err != nil {
		t.Fatal(err)
	}
	if bv, err := tw.a.TenderBids(tw.as("community_worker"), late.ID); err != nil || len(bv.Bids) != 1 {
		t.Errorf("office sees %d bids of a tender cancelled after its deadline (%v), want 1", len(bv.Bids), err)
	}
	// The first tender's deadline has passed by now, but it was cancelled before: still sealed.
	if bv, err := tw.a.TenderBids(tw.as("community_worker"), tender.ID); err != nil || len(bv.Bids) != 0 {
		t.Errorf("office sees %d bids of a tender cancelled before its deadline, once the deadline passed (%v), want none", len(bv.Bids), err)
	}
}

// A grid worker ranks candidates for work in their grid, but the volunteers of the
// community's other grids are not theirs to know by name (volunteer.view_private is scoped
// to the grid): the ranking shows those names masked, as the volunteer's public page does.
func TestCandidateNamesFollowVolunteerPrivacy(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	gid := tw.w.A.Grids[1].ID
	far := &app.Volunteer{Name: "远志愿", CommunityID: tw.w.A.Community.ID, GridID: &gid, MaxHoursPerWeek: 4, Active: true, Skills: []string{"delivery"}}
	if err := tw.store.CreateVolunteer(context.Background(), far); err != nil {
		t.Fatal(err)
	}
	n, err := tw.a.CreateNeed(tw.as(t, "resident"), app.NeedInput{GridID: tw.w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "送午饭"})
	if err != nil {
		t.Fatal(err)
	}
	names := func(who string) map[int64]string {
		r, err := tw.a.RankCandidates(tw.as(t, who), app.SubjectNeed, n.ID, []string{"volunteer"}, 0)
		if err != nil {
			t.Fatalf("RankCandidates as %s: %v", who, err)
		}
		out := map[int64]string{}
		for _, c := range r.Volunteers {
			out[c.ID] = c.Name
		}
		return out
	}
	g := names("grid_worker")
	if g[tw.vol.ID] != "王志愿" {
		t.Errorf("grid worker sees their grid's volunteer as %q, want the full name", g[tw.vol.ID])
	}
	if g[far.ID] != "远**" {
		t.Errorf("grid worker sees another grid's volunteer as %q, want 远**", g[far.ID])
	}
	if c := names("community_worker"); c[far.ID] != "远志愿" {
		t.Errorf("community worker sees %q, want the full name", c[far.ID])
	}
}

// A coordinator invites only the task's community's volunteers: another community's
// volunteer could never accept (sign-up is within one's community), the invitation would
// count against their weekly load, and the task page would show who the id is. Nothing is
// written when one id of the list is refused.
func TestInvitingAnotherCommunitysVolunteerIsRefused(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	other := tw.otherVolunteer(t)
	gctx := tw.as(t, "grid_worker")
	_, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[0].ID, VolunteerIDs: []int64{tw.vol.ID, other.ID}})
	if fieldOf(err)["volunteer_ids"].ID == "" {
		t.Fatalf("inviting B's volunteer = %v, want a volunteer_ids field error", err)
	}
	v, err := tw.a.TaskDetail(tw.as(t, "community_worker"), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Signups) != 0 {
		t.Errorf("a refused invitation left %d sign-ups", len(v.Signups))
	}
	if _, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[0].ID, VolunteerIDs: []int64{tw.vol.ID}}); err != nil {
		t.Fatalf("inviting A's own volunteer: %v", err)
	}
	if v, err = tw.a.TaskDetail(tw.as(t, "grid_worker"), task.ID); err != nil || len(v.Signups) != 1 || v.Signups[0].VolunteerName != "王志愿" {
		t.Errorf("after inviting A's volunteer: %+v, %v", v, err)
	}
}

// Batch assignment signs volunteers up across the whole community: the policy gives it to
// match.tune (community managers), not to everyone who may look at a ranking. A grid worker
// holding a community-wide membership sees rankings but does not run the batch.
func TestBatchAssignmentIsForManagers(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	_, shifts := tw.mealTask(t)
	ctx := context.Background()
	email := "grid_worker_c@test.wushe"
	u := &app.User{Email: &email, Name: "社区网格员", PasswordHash: "x", Locale: "zh-CN"}
	if err := tw.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	ca := tw.w.A.Community.ID
	if err := tw.store.CreateMembership(ctx, &app.Membership{UserID: u.ID, Role: app.RoleGridWorker, CommunityID: &ca}); err != nil {
		t.Fatal(err)
	}
	tw.w.Users["grid_worker_c"] = u
	gctx := tw.as(t, "grid_worker_c")
	if _, err := tw.a.ProposeAssignment(gctx, ca, app.AssignmentRequest{From: tw.clock.Now(), Days: 7}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a grid worker proposing the community's batch = %v, want forbidden", err)
	}
	if _, err := tw.a.ConfirmAssignment(gctx, ca, []app.AssignmentPair{{ShiftID: shifts[0].ID, VolunteerID: tw.vol.ID}}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a grid worker confirming the community's batch = %v, want forbidden", err)
	}
	if _, err := tw.a.ProposeAssignment(tw.as(t, "community_worker"), ca, app.AssignmentRequest{From: tw.clock.Now(), Days: 7}); err != nil {
		t.Errorf("community worker proposing: %v", err)
	}
}

// Residents rate the volunteers serving their community. Naming a task of one's own community
// must not let a resident rate a volunteer of another community who never was on that task.
func TestEvaluationThroughAnUnrelatedTaskIsRefused(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	other := tw.otherVolunteer(t)
	ctx := context.Background()
	rctx := tw.as(t, "resident")
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: other.ID, TaskID: &task.ID, Stars: 1}); err == nil {
		t.Fatalf("rating B's volunteer through an unrelated task of A succeeded")
	} else if fieldOf(err)["task_id"].ID == "" {
		t.Errorf("rating through an unrelated task = %v, want a task_id field error", err)
	}
	st, err := tw.store.EvaluationStats(ctx, "volunteer", []int64{other.ID})
	if err != nil || st[other.ID].Count != 0 {
		t.Errorf("B's volunteer has %d evaluations (%v), want none", st[other.ID].Count, err)
	}
	// An invitation the volunteer never accepted is not service.
	now := tw.clock.Now()
	if err := tw.store.CreateSignup(ctx, &app.Signup{ShiftID: shifts[0].ID, TaskID: task.ID, VolunteerID: other.ID, Status: app.SignupInvited,
		Source: app.SourceInvited, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: other.ID, TaskID: &task.ID, Stars: 1}); fieldOf(err)["task_id"].ID == "" {
		t.Errorf("rating a volunteer only invited to the task = %v, want a task_id field error", err)
	}
	// Once the volunteer served on the task, the task's residents may rate them.
	if err := tw.store.CreateSignup(ctx, &app.Signup{ShiftID: shifts[1].ID, TaskID: task.ID, VolunteerID: other.ID, Status: app.SignupAttended,
		Source: app.SourceInvited, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: other.ID, TaskID: &task.ID, Stars: 5}); err != nil {
		t.Errorf("rating a volunteer who was on the task: %v", err)
	}
	// Being the community's own volunteer is not enough: only service on the task counts (issue 11).
	if _, err := tw.a.Evaluate(rctx, app.EvaluationInput{SubjectKind: "volunteer", SubjectID: tw.vol.ID, TaskID: &task.ID, Stars: 5}); fieldOf(err)["task_id"].ID == "" {
		t.Errorf("rating the community's volunteer who never served on the task = %v, want a task_id field error", err)
	}
}

// An invitation is not a commitment (invited → signed_up → attended | no_show): a coordinator
// must not mark a volunteer who never accepted as a no-show, which would lower the
// reliability of any volunteer whose id the coordinator typed.
func TestNoShowNeedsAnAcceptedSignup(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t)
	other := tw.vol // invited, never accepted
	gctx := tw.as(t, "grid_worker")
	inv, err := tw.a.Invite(gctx, task.ID, app.InviteInput{ShiftID: shifts[0].ID, VolunteerIDs: []int64{other.ID}})
	if err != nil || len(inv) != 1 {
		t.Fatalf("Invite = %v, %v", inv, err)
	}
	tw.clock.Set(shifts[0].StartsAt.Add(time.Minute))
	if _, err := tw.a.MarkNoShow(gctx, inv[0].ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("marking an unaccepted invitation a no-show = %v, want conflict", err)
	}
	st, err := tw.store.ShowStats(context.Background(), []int64{other.ID})
	if err != nil || st[other.ID].NoShows != 0 {
		t.Errorf("the invited volunteer has %d no-shows (%v), want none", st[other.ID].NoShows, err)
	}
}
