package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// deliveryWorld is the test world with an approved project in A delivered by A's organization.
type deliveryWorld struct {
	*fundsWorld
	pr *app.Project
}

func newDeliveryWorld(t *testing.T) *deliveryWorld {
	t.Helper()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 1_000_000)
	ctx := context.Background()
	orgs, _, err := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Q: "东湖社区志愿者协会", Page: app.Page{Page: 1, PerPage: 1}})
	fw.must(err)
	oid := orgs[0].ID
	pr := &app.Project{CommunityID: fw.w.A.Community.ID, ProposerID: fw.w.Users["resident"].ID, OrganizationID: &oid,
		Title: "口袋公园", Description: "改造角落", Category: "environment", Budget: 880000, Currency: "CNY", Status: app.ProjectApproved}
	fw.must(fw.s.CreateProject(ctx, pr))
	return &deliveryWorld{fundsWorld: fw, pr: pr}
}

// addUser adds a user with one membership to the world.
func (dw *deliveryWorld) addUser(name string, m app.Membership) {
	dw.t.Helper()
	email := name + "@test.wushe"
	u := &app.User{Email: &email, Name: "测试" + name, PasswordHash: "x", Locale: "zh-CN", CreatedAt: fundsNow, UpdatedAt: fundsNow}
	dw.must(dw.s.CreateUser(context.Background(), u))
	m.UserID = u.ID
	dw.must(dw.s.CreateMembership(context.Background(), &m))
	dw.w.Users[name] = u
}

// fieldMsgs returns a validation error's field messages by field.
func fieldMsgs(err error) map[string]string {
	out := map[string]string{}
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == app.EINVALID {
		for f, m := range ae.Fields {
			out[f] = fmt.Sprint(m)
		}
	}
	return out
}

func (dw *deliveryWorld) as(name string) context.Context { return dw.w.As(dw.t, dw.a, name) }

func (dw *deliveryWorld) status() string {
	dw.t.Helper()
	pr, err := dw.s.FindProject(context.Background(), dw.pr.ID)
	dw.must(err)
	return pr.Status
}

func (dw *deliveryWorld) auditActions() []string {
	dw.t.Helper()
	typ := "project"
	evs, _, err := dw.s.FindAuditEvents(context.Background(), app.AuditFilter{SubjectType: &typ, SubjectID: &dw.pr.ID, Page: app.Page{Page: 1, PerPage: 100}})
	dw.must(err)
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code app.Code) {
	t.Helper()
	if !app.IsCode(err, code) {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestProjectDeliveryCycle(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	id := dw.pr.ID
	update := app.ProjectUpdateInput{Text: "已进场施工", Photos: []string{"https://example.org/1.jpg"}, PercentDone: ptr(30)}

	// Refusals write nothing.
	_, err := dw.a.PostProjectUpdate(context.Background(), id, update)
	wantCode(t, "anonymous update", err, app.EUNAUTHORIZED)
	_, err = dw.a.PostProjectUpdate(dw.as("resident"), id, update)
	wantCode(t, "resident update", err, app.EFORBIDDEN)
	_, err = dw.a.PostProjectUpdate(dw.as("worker_b"), id, update)
	wantCode(t, "worker of another community", err, app.EFORBIDDEN)
	_, err = dw.a.PostProjectUpdate(dw.as("org_member"), id, app.ProjectUpdateInput{Text: "", Photos: []string{"javascript:alert(1)"}, PercentDone: ptr(101)})
	if e := fieldMsgs(err); e["text"] == "" || e["photos"] == "" || e["percent_done"] == "" {
		t.Errorf("bad update: %v, want text, photos and percent_done named", err)
	}
	_, _, err = dw.a.RateProject(dw.as("resident"), id, app.ProjectRatingInput{Outcome: 5, Timeliness: 5, Value: 5})
	wantCode(t, "rating before completion", err, app.ECONFLICT)
	if got := dw.status(); got != app.ProjectApproved {
		t.Fatalf("status after refusals %s", got)
	}
	if us, _ := dw.a.ProjectUpdates(context.Background(), id); len(us) != 0 {
		t.Errorf("refused updates wrote %d", len(us))
	}

	// The delivery plan, then the first update starts the project.
	m, err := dw.a.AddMilestone(dw.as("org_member"), id, app.MilestoneInput{Title: "场地清理", DueOn: "2026-12-10"})
	dw.must(err)
	update.MilestoneID = &m.ID
	u, err := dw.a.PostProjectUpdate(dw.as("org_member"), id, update)
	dw.must(err)
	if dw.status() != app.ProjectInProgress || len(u.Photos) != 1 {
		t.Errorf("after first update: %s, photos %v", dw.status(), u.Photos)
	}
	ms, _ := dw.a.ProjectMilestones(context.Background(), id)
	if len(ms) != 1 || ms[0].ReachedAt == nil {
		t.Errorf("milestone not reached: %+v", ms)
	}
	_, err = dw.a.PostProjectUpdate(dw.as("community_worker"), id, app.ProjectUpdateInput{Text: "铺设步道", PercentDone: ptr(70)})
	dw.must(err)
	v, err := dw.a.Project(context.Background(), id)
	dw.must(err)
	if v.Delivery.PercentDone != 70 || v.Delivery.StartedAt == nil || v.Delivery.Rating.Count != 0 || v.Delivery.Rating.Overall != nil {
		t.Errorf("delivery view %+v", v.Delivery)
	}

	// Completion opens the rating window.
	_, err = dw.a.CompleteProject(dw.as("resident"), id, app.CompletionInput{Report: "完工"})
	wantCode(t, "resident completion", err, app.EFORBIDDEN)
	_, err = dw.a.CompleteProject(dw.as("org_member"), id, app.CompletionInput{})
	wantCode(t, "completion without report", err, app.EINVALID)
	_, err = dw.a.CompleteProject(dw.as("org_member"), id, app.CompletionInput{Report: "已完工并验收", Evidence: []string{"https://example.org/acceptance.pdf"}})
	dw.must(err)
	_, err = dw.a.CompleteProject(dw.as("org_member"), id, app.CompletionInput{Report: "再次"})
	wantCode(t, "second completion", err, app.ECONFLICT)
	_, err = dw.a.PostProjectUpdate(dw.as("org_member"), id, update)
	wantCode(t, "update after completion", err, app.ECONFLICT)

	// Ratings: residents of the community only, one each, replaceable within the window.
	rate := app.ProjectRatingInput{Outcome: 5, Timeliness: 4, Value: 3, Comment: "很好"}
	_, _, err = dw.a.RateProject(dw.as("resident_b"), id, rate)
	wantCode(t, "resident of another community", err, app.EFORBIDDEN)
	_, _, err = dw.a.RateProject(dw.as("community_worker"), id, rate)
	wantCode(t, "worker rating", err, app.EFORBIDDEN)
	_, _, err = dw.a.RateProject(dw.as("resident"), id, app.ProjectRatingInput{Outcome: 6, Timeliness: 0, Value: 3})
	if e := fieldMsgs(err); e["outcome"] == "" || e["timeliness"] == "" {
		t.Errorf("bad scores: %v", err)
	}
	_, created, err := dw.a.RateProject(dw.as("resident"), id, rate)
	dw.must(err)
	if !created {
		t.Error("first rating not created")
	}
	rate.Value = 5
	_, created, err = dw.a.RateProject(dw.as("resident"), id, rate)
	dw.must(err)
	if created {
		t.Error("second rating by the same resident was new")
	}
	// A resident registered in one of A's grids counts as a resident of the community.
	dw.addUser("grid_resident", app.Membership{Role: app.RoleResident, GridID: &dw.w.A.Grids[1].ID})
	_, created, err = dw.a.RateProject(dw.as("grid_resident"), id, app.ProjectRatingInput{Outcome: 3, Timeliness: 2, Value: 1})
	dw.must(err)
	if !created {
		t.Error("grid resident's rating not created")
	}
	v, err = dw.a.Project(context.Background(), id)
	dw.must(err)
	r := v.Delivery.Rating
	if r.Count != 2 || *r.Outcome != 4 || *r.Timeliness != 3 || *r.Value != 3 || *r.Overall != 3.33 {
		t.Errorf("rating summary %+v", r)
	}
	if v.Status != app.ProjectCompleted {
		t.Errorf("status %s", v.Status)
	}

	// The window closes: the project is evaluated once, on read, and ratings are refused.
	dw.clock.Advance(app.DefaultRatingWindow + time.Minute)
	_, _, err = dw.a.RateProject(dw.as("resident"), id, rate)
	wantCode(t, "rating after the window", err, app.ECONFLICT)
	if dw.status() != app.ProjectEvaluated {
		t.Errorf("status after the window %s", dw.status())
	}
	if n, err := dw.a.EvaluateDueProjects(context.Background()); err != nil || n != 0 {
		t.Errorf("sweep after lazy evaluation: %d %v", n, err)
	}
	got := strings.Join(dw.auditActions(), ",")
	for _, want := range []string{"project.milestone_added", "project.update_posted", "project.started", "project.completed", "project.rated", "project.evaluated"} {
		if strings.Count(got, want) == 0 {
			t.Errorf("audit events %s lack %s", got, want)
		}
	}
	if strings.Count(got, "project.evaluated") != 1 || strings.Count(got, "project.started") != 1 {
		t.Errorf("audit events %s: evaluated and started must be written once", got)
	}

	// Project ratings feed the delivering organization's reputation.
	rec, err := dw.a.OrganizationRecord(context.Background(), *dw.pr.OrganizationID)
	dw.must(err)
	if rec.Reputation.Count != 2 {
		t.Errorf("organization reputation %+v, want the 2 project ratings", rec.Reputation)
	}
	roll, err := dw.a.CommunityProjectRatings(context.Background(), dw.w.A.Community.ID)
	dw.must(err)
	if roll.Projects != 1 || roll.Rated != 1 || roll.Rating.Count != 2 || len(roll.Items) != 1 {
		t.Errorf("roll-up %+v", roll)
	}
}

func TestEvaluateSweep(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	_, err := dw.a.CompleteProject(dw.as("community_worker"), dw.pr.ID, app.CompletionInput{Report: "完工"})
	dw.must(err)
	if n, err := dw.a.EvaluateDueProjects(context.Background()); err != nil || n != 0 {
		t.Fatalf("sweep inside the window: %d %v", n, err)
	}
	dw.clock.Advance(app.DefaultRatingWindow)
	if n, err := dw.a.EvaluateDueProjects(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep at the end of the window: %d %v", n, err)
	}
	if dw.status() != app.ProjectEvaluated {
		t.Errorf("status %s", dw.status())
	}
}

func TestProjectLinks(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	ctx := context.Background()
	worker := dw.as("community_worker")
	// A task of a project that is not approved is refused with the field named.
	rejected := &app.Project{CommunityID: dw.w.A.Community.ID, ProposerID: dw.w.Users["resident"].ID, Title: "被驳回", Description: "x",
		Category: "environment", Currency: "CNY", Status: app.ProjectRejected}
	dw.must(dw.s.CreateProject(ctx, rejected))
	_, err := dw.a.CreateTask(worker, app.TaskInput{ProjectID: &rejected.ID, Title: "帮忙"})
	if fieldMsgs(err)["project_id"] == "" {
		t.Errorf("task of a rejected project: %v", err)
	}
	// A worker of another community cannot attach a task to this project: the task's
	// community is the project's.
	_, err = dw.a.CreateTask(dw.as("worker_b"), app.TaskInput{ProjectID: &dw.pr.ID, Title: "帮忙"})
	wantCode(t, "task by another community's worker", err, app.EFORBIDDEN)
	if dw.status() != app.ProjectApproved {
		t.Fatalf("refused links moved the project to %s", dw.status())
	}
	task, err := dw.a.CreateTask(worker, app.TaskInput{ProjectID: &dw.pr.ID, Title: "清理场地", Headcount: 3})
	dw.must(err)
	if dw.status() != app.ProjectInProgress {
		t.Errorf("after the first link: %s", dw.status())
	}
	camp, err := dw.a.CreateCampaign(worker, app.CampaignInput{FundID: dw.fund.ID, ProjectID: dw.pr.ID, Goal: 500000,
		Deadline: fundsNow.Add(30 * 24 * time.Hour), Mode: "keep_what_you_raise", PoolID: &dw.pool.ID})
	dw.must(err)
	// A tender must cover the project's community.
	tin := tenderInputFor(dw, dw.w.B.Community.ID)
	tin.ProjectID = &dw.pr.ID
	_, err = dw.a.CreateTender(dw.as("worker_b"), tin)
	if fieldMsgs(err)["project_id"] == "" {
		t.Errorf("tender of another community: %v", err)
	}
	tin = tenderInputFor(dw, dw.w.A.Community.ID)
	tin.ProjectID = &dw.pr.ID
	tender, err := dw.a.CreateTender(worker, tin)
	dw.must(err)
	v, err := dw.a.Project(ctx, dw.pr.ID)
	dw.must(err)
	if !equalIDs(v.Delivery.TaskIDs, task.ID) || !equalIDs(v.Delivery.CampaignIDs, camp.ID) || !equalIDs(v.Delivery.TenderIDs, tender.ID) {
		t.Errorf("links %+v", v.Delivery)
	}
	if got := strings.Count(strings.Join(dw.auditActions(), ","), "project.linked"); got != 3 {
		t.Errorf("%d project.linked events, want 3", got)
	}
}

func equalIDs(got []int64, want ...int64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func tenderInputFor(dw *deliveryWorld, communityID int64) app.TenderInput {
	return app.TenderInput{CommunityID: &communityID, Title: "口袋公园施工", Description: "施工服务", Category: "environment",
		BudgetCeiling: 300000, PeriodStart: fundsNow.Add(20 * 24 * time.Hour), PeriodEnd: fundsNow.Add(80 * 24 * time.Hour),
		BidDeadline: fundsNow.Add(10 * 24 * time.Hour), Criteria: []app.CriterionInput{{Name: "方案", Weight: 60}, {Name: "价格", Weight: 40}}}
}

// TestAccountabilityEqualsLedger runs a campaign through gifts from several sources, a refund,
// a pool match and a paid disbursement, and checks that the project's accountability figures
// are exactly what the fund's public ledger says about the campaign.
func TestAccountabilityEqualsLedger(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	ctx := context.Background()
	worker, admin := dw.as("community_worker"), dw.as("admin")
	camp, err := dw.a.CreateCampaign(worker, app.CampaignInput{FundID: dw.fund.ID, ProjectID: dw.pr.ID, Goal: 200000,
		Deadline: fundsNow.Add(30 * 24 * time.Hour), Mode: "keep_what_you_raise", PoolID: &dw.pool.ID})
	dw.must(err)
	gifts := []struct {
		source string
		amount int64
	}{{"resident", 50000}, {"merchant", 80000}, {"unit", 30000}, {"resident", 20000}}
	var ids []int64
	for i, g := range gifts {
		c, err := dw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: g.amount, Method: "cash", ReceiptNo: "DH-" + string(rune('A'+i)),
			ReceivedOn: fundsNow, DonorName: "捐赠人", Source: g.source})
		dw.must(err)
		_, err = dw.a.ConfirmOffline(admin, c.ID)
		dw.must(err)
		ids = append(ids, c.ID)
	}
	_, err = dw.a.RefundContribution(worker, ids[3], app.RefundInput{Amount: 5000, Reason: "requested_by_donor"})
	dw.must(err)
	dw.clock.Advance(31 * 24 * time.Hour)
	_, _, err = dw.a.CloseCampaigns(ctx)
	dw.must(err)
	orgs, _, _ := dw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	d, err := dw.a.RequestDisbursement(worker, dw.fund.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: orgs[0].ID, Amount: 120000, Purpose: "步道材料"})
	dw.must(err)
	for _, who := range []string{"civil_affairs_officer", "admin"} {
		_, err := dw.a.VoteDisbursement(dw.as(who), d.ID, app.VoteInput{Approve: true})
		dw.must(err)
	}
	_, err = dw.a.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "发票.png", Data: pngBytes})
	dw.must(err)
	_, err = dw.a.PayDisbursement(worker, d.ID)
	dw.must(err)

	trail, err := dw.a.ProjectAccountability(ctx, dw.pr.ID) // anonymous: the view is public
	dw.must(err)
	got := trail.Figures
	// The public ledger, read independently: per-source received and paid, and the campaign's
	// account balances.
	sum, err := dw.a.FundLedgerSummary(ctx, dw.fund.ID)
	dw.must(err)
	var paid int64
	for _, s := range sum.Sources {
		paid += s.Paid
		if funds.SourceKind(s.Source).DonorSource() && got.Raised[s.Source] != s.Received {
			t.Errorf("raised[%s] = %d, ledger received %d", s.Source, got.Raised[s.Source], s.Received)
		}
	}
	if got.Spent != paid || got.Spent != 120000 {
		t.Errorf("spent %d, ledger paid %d", got.Spent, paid)
	}
	var left, matchCredits int64
	prefix := "campaign:" + itoa(camp.ID) + ":"
	for _, b := range sum.Balances {
		if strings.HasPrefix(b.Account, prefix) || strings.HasSuffix(b.Account, ":reserved:"+itoa(camp.ID)) {
			left += b.Credits - b.Debits
		}
		if strings.HasPrefix(b.Account, prefix+"match:") {
			matchCredits += b.Credits
		}
	}
	if got.Left != left {
		t.Errorf("left %d, ledger balance of the campaign %d", got.Left, left)
	}
	if got.Matched != matchCredits || got.Matched == 0 {
		t.Errorf("matched %d, committed to the campaign in the ledger %d", got.Matched, matchCredits)
	}
	c, _ := dw.s.FindCampaign(ctx, camp.ID)
	if got.Matched != c.Matched {
		t.Errorf("matched %d, campaign counter %d", got.Matched, c.Matched)
	}
	if want := map[string]int64{"resident": 65000, "merchant": 80000, "unit": 30000, "foundation": 0, "social_org": 0}; !sameMap(got.Raised, want) {
		t.Errorf("raised %v, want %v", got.Raised, want)
	}
	if got.RaisedTotal()+got.Matched-got.Spent != got.Left {
		t.Errorf("raised %d + matched %d - spent %d ≠ left %d", got.RaisedTotal(), got.Matched, got.Spent, got.Left)
	}
	if len(trail.Disbursements) != 1 || len(trail.Disbursements[0].Evidence) != 1 {
		t.Errorf("trail disbursements %+v", trail.Disbursements)
	}
	// The project JSON carries the same figures.
	v, err := dw.a.Project(ctx, dw.pr.ID)
	dw.must(err)
	a, _ := json.Marshal(v.Delivery.Accountability)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("project accountability %s, trail %s", a, b)
	}
	dw.checkInvariants()
}

func sameMap(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestNeedRating(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	ctx := context.Background()
	n, err := dw.a.CreateNeed(dw.as("resident"), app.NeedInput{GridID: dw.w.A.Grids[0].ID, Category: "elderly_care", Tier: "minor", Title: "楼道灯坏了"})
	dw.must(err)
	_, err = dw.a.RateNeed(dw.as("resident"), n.ID, app.NeedRatingInput{Stars: 5})
	wantCode(t, "rating an open need", err, app.ECONFLICT)
	_, err = dw.a.TransitionNeed(dw.as("grid_worker"), n.ID, app.NeedResolve, "已更换灯泡")
	dw.must(err)
	for _, who := range []string{"grid_worker", "community_worker", "resident_b", "admin"} {
		_, err = dw.a.RateNeed(dw.as(who), n.ID, app.NeedRatingInput{Stars: 1})
		wantCode(t, who+" rating another's need", err, app.ENOTFOUND)
	}
	_, err = dw.a.RateNeed(ctx, n.ID, app.NeedRatingInput{Stars: 1})
	wantCode(t, "anonymous rating", err, app.EUNAUTHORIZED)
	_, err = dw.a.RateNeed(dw.as("resident"), n.ID, app.NeedRatingInput{Stars: 0})
	wantCode(t, "zero stars", err, app.EINVALID)
	r, err := dw.a.RateNeed(dw.as("resident"), n.ID, app.NeedRatingInput{Stars: 2, Comment: "灯还是不亮"})
	dw.must(err)
	got, err := dw.s.FindNeed(ctx, n.ID)
	dw.must(err)
	if !r.Reopened || got.Status != app.NeedOpen || got.EscalationLevel != app.LevelCommunity || got.ResolvedAt != nil {
		t.Errorf("after a low rating: reopened %v, need %s at %s", r.Reopened, got.Status, got.EscalationLevel)
	}
	typ := "need"
	evs, _, _ := dw.s.FindAuditEvents(ctx, app.AuditFilter{SubjectType: &typ, SubjectID: &n.ID, Page: app.Page{Page: 1, PerPage: 50}})
	var acts []string
	for _, e := range evs {
		acts = append(acts, e.Action)
	}
	if s := strings.Join(acts, ","); !strings.Contains(s, "need.rated") || !strings.Contains(s, "need.reopened") {
		t.Errorf("need audit %s", s)
	}
	// Resolved again, rated well: nothing reopens; the same resolution cannot be rated twice.
	dw.clock.Advance(3 * time.Hour)
	_, err = dw.a.TransitionNeed(dw.as("community_worker"), n.ID, app.NeedResolve, "已换新灯")
	dw.must(err)
	r, err = dw.a.RateNeed(dw.as("resident"), n.ID, app.NeedRatingInput{Stars: 5})
	dw.must(err)
	_, err = dw.a.RateNeed(dw.as("resident"), n.ID, app.NeedRatingInput{Stars: 4})
	wantCode(t, "second rating of one resolution", err, app.ECONFLICT)
	if got, _ := dw.s.FindNeed(ctx, n.ID); r.Reopened || got.Status != app.NeedResolved {
		t.Errorf("after a good rating: %s", got.Status)
	}
}

// TestEvaluationsOnlyFromServed: an organization is rated through a project it delivered by
// residents of the project's community; a volunteer through a need they answered by the
// resident who filed it; anyone else is refused.
func TestEvaluationsOnlyFromServed(t *testing.T) {
	t.Parallel()
	dw := newDeliveryWorld(t)
	org := *dw.pr.OrganizationID
	byProject := app.EvaluationInput{SubjectKind: "organization", SubjectID: org, ProjectID: &dw.pr.ID, Stars: 5}
	_, err := dw.a.Evaluate(dw.as("resident"), byProject)
	if fieldMsgs(err)["project_id"] == "" {
		t.Errorf("rating through a project not yet under way: %v", err)
	}
	_, err = dw.a.PostProjectUpdate(dw.as("org_member"), dw.pr.ID, app.ProjectUpdateInput{Text: "开工"})
	dw.must(err)
	_, err = dw.a.Evaluate(dw.as("resident_b"), byProject)
	wantCode(t, "resident of another community", err, app.EFORBIDDEN)
	_, err = dw.a.Evaluate(dw.as("resident"), app.EvaluationInput{SubjectKind: "organization", SubjectID: org, Stars: 5})
	if fieldMsgs(err)["task_id"] == "" {
		t.Errorf("rating with nothing that served: %v", err)
	}
	if _, err = dw.a.Evaluate(dw.as("resident"), byProject); err != nil {
		t.Errorf("rating the delivering organization: %v", err)
	}
	refs, err := dw.a.ServedRefs(dw.as("donor"), "organization", org)
	dw.must(err)
	if len(refs) != 0 {
		t.Errorf("a donor (not a resident) is offered %v", refs)
	}

	// A volunteer who answered the resident's need.
	ctx := context.Background()
	uid := dw.w.Users["volunteer"].ID
	v := &app.Volunteer{UserID: &uid, Name: "王志愿", CommunityID: dw.w.A.Community.ID, MaxHoursPerWeek: 4, Active: true}
	dw.must(dw.s.CreateVolunteer(ctx, v))
	n, err := dw.a.CreateNeed(dw.as("resident"), app.NeedInput{GridID: dw.w.A.Grids[0].ID, Category: "elderly_care", Tier: "minor", Title: "代买药"})
	dw.must(err)
	byNeed := app.EvaluationInput{SubjectKind: "volunteer", SubjectID: v.ID, NeedID: &n.ID, Stars: 4}
	_, err = dw.a.Evaluate(dw.as("resident"), byNeed)
	if fieldMsgs(err)["need_id"] == "" {
		t.Errorf("rating a volunteer who did not answer the need: %v", err)
	}
	// The volunteer answers it through a task for the need (needs are assigned to staff).
	task, err := dw.a.CreateTask(dw.as("grid_worker"), app.TaskInput{NeedID: &n.ID, Title: "代买药", Headcount: 1})
	dw.must(err)
	now := time.Now()
	sh := &app.Shift{TaskID: task.ID, StartsAt: now, EndsAt: now.Add(time.Hour), Capacity: 1, CreatedAt: now}
	dw.must(dw.s.CreateShifts(ctx, []*app.Shift{sh}))
	dw.must(dw.s.CreateSignup(ctx, &app.Signup{ShiftID: sh.ID, TaskID: task.ID, VolunteerID: v.ID, Status: app.SignupAttended,
		Source: app.SourceInvited, CreatedAt: now, UpdatedAt: now}))
	_, err = dw.a.Evaluate(dw.as("donor"), byNeed)
	wantCode(t, "someone else's need", err, app.EFORBIDDEN)
	if refs, _ := dw.a.ServedRefs(dw.as("resident"), "volunteer", v.ID); !slices.ContainsFunc(refs, func(r app.ServedRef) bool { return r.Kind == "need" && r.ID == n.ID }) {
		t.Errorf("served refs %v", refs)
	}
	if _, err = dw.a.Evaluate(dw.as("resident"), byNeed); err != nil {
		t.Errorf("rating the volunteer who answered the need: %v", err)
	}
}
