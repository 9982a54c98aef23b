package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

// tenderWorld is the test world plus three verified social organizations (甲, 乙, 丙) and an
// unverified one (丁), each with a member ("member_0".."member_3") and social workers.
type tenderWorld struct {
	t     *testing.T
	a     *app.App
	s     *store.Store
	w     *apptest.World
	clock *apptest.Clock
	orgs  []*app.Organization
	// certified and uncertified social workers of each organization.
	certified   map[int64][]int64
	uncertified map[int64]int64
}

var tenderStart = time.Date(2026, 11, 24, 9, 0, 0, 0, cst)

func newTenderWorld(t *testing.T) *tenderWorld {
	t.Helper()
	clock := apptest.NewClock(tenderStart)
	a, s := apptest.NewApp(t, clock)
	tw := &tenderWorld{t: t, a: a, s: s, w: apptest.NewWorld(t, s, apptest.Hasher()), clock: clock,
		certified: map[int64][]int64{}, uncertified: map[int64]int64{}}
	ctx := context.Background()
	ca, sa := tw.w.A.Community.ID, tw.w.A.Street.ID
	for i, name := range []string{"甲社工服务中心", "乙养老服务社", "丙邻里互助会", "丁未认证协会"} {
		o := &app.Organization{Name: name, Kind: "social_org", CommunityID: &ca, StreetID: &sa, Verified: i < 3, Categories: []string{"elderly_care"}}
		tw.must(s.CreateOrganization(ctx, o))
		tw.orgs = append(tw.orgs, o)
		email := fmt.Sprintf("member_%d@test.wushe", i)
		u := &app.User{Email: &email, Name: "成员", PasswordHash: "x", Locale: "zh-CN"}
		tw.must(s.CreateUser(ctx, u))
		tw.must(s.CreateMembership(ctx, &app.Membership{UserID: u.ID, Role: app.RoleOrgMember, OrganizationID: &o.ID, CommunityID: &ca}))
		tw.w.Users[fmt.Sprintf("member_%d", i)] = u
		for j := 0; j < 3; j++ {
			sw := &app.SocialWorker{OrganizationID: &o.ID, Name: fmt.Sprintf("社工%d%d", i, j), CertificationLevel: "social_worker", Categories: []string{}}
			if j < 2 {
				sw.CertificateNumber = fmt.Sprintf("ZJ2020%06d", i*10+j)
				tw.must(s.CreateSocialWorker(ctx, sw))
				tw.certified[o.ID] = append(tw.certified[o.ID], sw.ID)
			} else {
				sw.CertificationLevel = "assistant"
				tw.must(s.CreateSocialWorker(ctx, sw))
				tw.uncertified[o.ID] = sw.ID
			}
		}
	}
	return tw
}

func (tw *tenderWorld) must(err error) {
	tw.t.Helper()
	if err != nil {
		tw.t.Fatal(err)
	}
}

func (tw *tenderWorld) as(name string) context.Context { return tw.w.As(tw.t, tw.a, name) }

// input is a valid community tender for 东湖社区 (A), open for a week.
func (tw *tenderWorld) input() app.TenderInput {
	now := tw.clock.Now()
	ca := tw.w.A.Community.ID
	return app.TenderInput{CommunityID: &ca, Title: "东湖社区居家养老服务", Description: "为80岁以上独居老人提供上门服务",
		Category: "elderly_care", BudgetCeiling: 30000000, PeriodStart: now.Add(30 * 24 * time.Hour), PeriodEnd: now.Add(395 * 24 * time.Hour),
		BidDeadline: now.Add(7 * 24 * time.Hour), MaxAwards: 1,
		Criteria: []app.CriterionInput{{Name: "服务方案", Weight: 50}, {Name: "团队资质", Weight: 30}, {Name: "报价", Weight: 20}}}
}

// published creates and publishes a tender from in as the community worker.
func (tw *tenderWorld) published(in app.TenderInput) *app.Tender {
	tw.t.Helper()
	ctx := tw.as("community_worker")
	t, err := tw.a.CreateTender(ctx, in)
	tw.must(err)
	t, err = tw.a.PublishTender(ctx, t.ID)
	tw.must(err)
	return t
}

func (tw *tenderWorld) bid(t *app.Tender, i int, price int64) *app.TenderBid {
	tw.t.Helper()
	o := tw.orgs[i]
	b, err := tw.a.SubmitBid(tw.as(fmt.Sprintf("member_%d", i)), t.ID, app.BidInput{OrganizationID: o.ID, Price: price, Plan: "每周上门两次", Team: tw.certified[o.ID]})
	tw.must(err)
	return b
}

// score declares (no conflicts) and scores a bid with the same score on every criterion.
func (tw *tenderWorld) score(t *app.Tender, evaluator string, b *app.TenderBid, scores ...int) {
	tw.t.Helper()
	ctx := tw.as(evaluator)
	if _, err := tw.a.Declare(ctx, t.ID, app.DeclarationInput{Affirm: true}); err != nil {
		tw.t.Fatal(err)
	}
	in := app.ScoreInput{BidID: b.ID}
	for i, c := range t.Criteria {
		in.Scores = append(in.Scores, app.CriterionScore{CriterionID: c.ID, Score: scores[i%len(scores)]})
	}
	if _, err := tw.a.ScoreBid(ctx, t.ID, in); err != nil {
		tw.t.Fatalf("score as %s: %v", evaluator, err)
	}
}

func fieldsOf(err error) []string {
	e, ok := err.(*app.Error)
	if !ok {
		return nil
	}
	var out []string
	for f := range e.Fields {
		out = append(out, f)
	}
	return out
}

func hasField(err error, f string) bool {
	for _, x := range fieldsOf(err) {
		if x == f {
			return true
		}
	}
	return false
}

func TestCreateTenderValidationAndScope(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	ctx := tw.as("community_worker")
	tests := []struct {
		name  string
		edit  func(*app.TenderInput)
		field string
	}{
		{"weights must sum to 100", func(in *app.TenderInput) { in.Criteria[0].Weight = 40 }, "criteria"},
		{"no criteria", func(in *app.TenderInput) { in.Criteria = nil }, "criteria"},
		{"zero weight", func(in *app.TenderInput) { in.Criteria[2].Weight, in.Criteria[1].Weight = 0, 50 }, "criteria"},
		{"deadline already past", func(in *app.TenderInput) { in.BidDeadline = tw.clock.Now().Add(-time.Minute) }, "bid_deadline"},
		{"deadline after the service starts", func(in *app.TenderInput) { in.BidDeadline = in.PeriodStart.Add(time.Hour) }, "bid_deadline"},
		{"period ends before it starts", func(in *app.TenderInput) { in.PeriodEnd = in.PeriodStart.Add(-time.Hour) }, "period_end"},
		{"no budget", func(in *app.TenderInput) { in.BudgetCeiling = 0 }, "budget_ceiling"},
		{"unknown category", func(in *app.TenderInput) { in.Category = "space" }, "category"},
		{"a community tender covers its own community only", func(in *app.TenderInput) {
			in.CommunityIDs = []int64{tw.w.A.Community.ID, tw.w.B.Community.ID}
		}, "community_ids"},
	}
	for _, tt := range tests {
		in := tw.input()
		tt.edit(&in)
		_, err := tw.a.CreateTender(ctx, in)
		if !app.IsCode(err, app.EINVALID) || !hasField(err, tt.field) {
			t.Errorf("%s: err = %v, want a field error on %s", tt.name, err, tt.field)
		}
	}
	// A street tender: only the street's civil-affairs officer (or an admin) may publish it.
	street := tw.input()
	street.CommunityID, street.StreetID, street.CommunityIDs = nil, tw.w.A.Street.ID, []int64{tw.w.A.Community.ID}
	if _, err := tw.a.CreateTender(ctx, street); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("community worker creating a street tender: %v, want forbidden", err)
	}
	st, err := tw.a.CreateTender(tw.as("civil_affairs_officer"), street)
	if err != nil {
		t.Fatalf("officer creating a street tender: %v", err)
	}
	if st.CommunityID != nil || st.StreetID != tw.w.A.Street.ID || st.Status != app.TenderDraft {
		t.Errorf("street tender = %+v", st)
	}
	// Covered communities must be in the street.
	street.CommunityIDs = []int64{tw.w.B.Community.ID}
	if _, err := tw.a.CreateTender(tw.as("civil_affairs_officer"), street); !hasField(err, "community_ids") {
		t.Errorf("street tender covering another street's community: %v", err)
	}
	// Another community's worker may not publish for A; drafts are hidden from them.
	if _, err := tw.a.CreateTender(tw.as("worker_b"), tw.input()); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("worker of B creating a tender for A: %v", err)
	}
	if _, err := tw.a.Tender(tw.as("resident"), st.ID); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("a resident reading a draft: %v, want not found", err)
	}
	ts, _, err := tw.a.Tenders(tw.as("resident"), app.TenderFilter{})
	if err != nil || len(ts) != 0 {
		t.Errorf("a resident lists %d tenders (%v), want no drafts", len(ts), err)
	}
	ts, _, err = tw.a.Tenders(tw.as("civil_affairs_officer"), app.TenderFilter{Statuses: []string{app.TenderDraft}})
	if err != nil || len(ts) != 1 {
		t.Errorf("the officer lists %d drafts (%v), want their 1", len(ts), err)
	}
	// Publishing, then no more edits.
	pt, err := tw.a.PublishTender(tw.as("civil_affairs_officer"), st.ID)
	if err != nil || pt.Status != app.TenderPublished || pt.PublishedAt == nil {
		t.Fatalf("publish: %+v, %v", pt, err)
	}
	if _, err := tw.a.UpdateTender(tw.as("civil_affairs_officer"), st.ID, street); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("editing a published tender: %v, want conflict", err)
	}
}

func TestBidRules(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	tender := tw.published(tw.input())
	o := tw.orgs[0]
	valid := app.BidInput{OrganizationID: o.ID, Price: 28000000, Plan: "方案", Team: tw.certified[o.ID]}
	tests := []struct {
		name string
		user string
		edit func(*app.BidInput)
		code app.Code
		fld  string
	}{
		{"price above the ceiling", "member_0", func(in *app.BidInput) { in.Price = 30000001 }, app.EINVALID, "price"},
		{"unverified organization", "member_3", func(in *app.BidInput) {
			in.OrganizationID, in.Team = tw.orgs[3].ID, tw.certified[tw.orgs[3].ID]
		}, app.EINVALID, "organization_id"},
		{"uncertified team member", "member_0", func(in *app.BidInput) { in.Team = []int64{tw.uncertified[o.ID]} }, app.EINVALID, "team"},
		{"another organization's worker", "member_0", func(in *app.BidInput) { in.Team = tw.certified[tw.orgs[1].ID] }, app.EINVALID, "team"},
		{"no team", "member_0", func(in *app.BidInput) { in.Team = nil }, app.EINVALID, "team"},
		{"no plan", "member_0", func(in *app.BidInput) { in.Plan = "" }, app.EINVALID, "plan"},
		{"not a member of the organization", "member_1", func(in *app.BidInput) {}, app.EFORBIDDEN, ""},
		{"a community worker cannot bid", "community_worker", func(in *app.BidInput) {}, app.EFORBIDDEN, ""},
	}
	for _, tt := range tests {
		in := valid
		tt.edit(&in)
		_, err := tw.a.SubmitBid(tw.as(tt.user), tender.ID, in)
		if !app.IsCode(err, tt.code) || (tt.fld != "" && !hasField(err, tt.fld)) {
			t.Errorf("%s: err = %v, want %s %s", tt.name, err, tt.code, tt.fld)
		}
	}
	// The ceiling itself is fine; a second bid replaces the first.
	in := valid
	in.Price = 30000000
	b1, err := tw.a.SubmitBid(tw.as("member_0"), tender.ID, in)
	if err != nil {
		t.Fatalf("bid at the ceiling: %v", err)
	}
	in.Price = 25000000
	b2, err := tw.a.SubmitBid(tw.as("member_0"), tender.ID, in)
	if err != nil || b2.ID != b1.ID {
		t.Fatalf("revised bid: %v (id %d, first %d)", err, b2.ID, b1.ID)
	}
	// Bids are sealed: another organization's member sees none, the bidder sees its own.
	bv, err := tw.a.TenderBids(tw.as("member_1"), tender.ID)
	if err != nil || len(bv.Bids) != 0 || !bv.Sealed {
		t.Errorf("another bidder sees %d bids (sealed %v, %v)", len(bv.Bids), bv.Sealed, err)
	}
	bv, err = tw.a.TenderBids(tw.as("member_0"), tender.ID)
	if err != nil || len(bv.Bids) != 1 || bv.Bids[0].Price != 25000000 || len(bv.Bids[0].TeamMembers) != 2 {
		t.Errorf("the bidder's view: %+v, %v", bv, err)
	}
	if len(bv.Bids) == 1 && len(bv.Bids[0].Record) != 0 {
		t.Errorf("an organization with no earlier awards has a record: %+v", bv.Bids[0].Record)
	}
	// The deadline: a minute before it bids are taken, at it they are refused.
	tw.clock.Set(tender.BidDeadline.Add(-time.Minute))
	if _, err := tw.a.SubmitBid(tw.as("member_1"), tender.ID, app.BidInput{OrganizationID: tw.orgs[1].ID, Price: 100, Plan: "p", Team: tw.certified[tw.orgs[1].ID]}); err != nil {
		t.Errorf("bid a minute before the deadline: %v", err)
	}
	tw.clock.Set(tender.BidDeadline)
	if _, err := tw.a.SubmitBid(tw.as("member_2"), tender.ID, app.BidInput{OrganizationID: tw.orgs[2].ID, Price: 100, Plan: "p", Team: tw.certified[tw.orgs[2].ID]}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("bid at the deadline: %v, want conflict", err)
	}
	if v, err := tw.a.Tender(context.Background(), tender.ID); err != nil || v.Status != app.TenderClosed || v.Open || v.BidCount != 2 {
		t.Errorf("after the deadline the tender reads %+v, %v", v, err)
	}
}

func TestEvaluationConflicts(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	tender := tw.published(tw.input())
	b0 := tw.bid(tender, 0, 25000000)
	b1 := tw.bid(tender, 1, 26000000)
	full := func(b *app.TenderBid, s int) app.ScoreInput {
		in := app.ScoreInput{BidID: b.ID}
		for _, c := range tender.Criteria {
			in.Scores = append(in.Scores, app.CriterionScore{CriterionID: c.ID, Score: s})
		}
		return in
	}
	cw := tw.as("community_worker")
	// Before the deadline bids are sealed: no declarations, no scores, no award.
	if _, err := tw.a.Declare(cw, tender.ID, app.DeclarationInput{Affirm: true}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("declaring before the deadline: %v", err)
	}
	if _, err := tw.a.AwardTender(cw, tender.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("award before the deadline: %v", err)
	}
	tw.clock.Set(tender.BidDeadline.Add(time.Hour))
	// Scoring needs a declaration first.
	if _, err := tw.a.ScoreBid(cw, tender.ID, full(b0, 80)); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("scoring before declaring: %v, want conflict", err)
	}
	if _, err := tw.a.Declare(cw, tender.ID, app.DeclarationInput{}); !hasField(err, "affirm") {
		t.Errorf("a declaration without the affirmation: %v", err)
	}
	if _, err := tw.a.Declare(cw, tender.ID, app.DeclarationInput{Affirm: true, ConflictOrganizationIDs: []int64{tw.orgs[2].ID}}); !hasField(err, "conflict_organization_ids") {
		t.Errorf("a conflict with an organization that did not bid: %v", err)
	}
	if _, err := tw.a.Declare(cw, tender.ID, app.DeclarationInput{Affirm: true, ConflictOrganizationIDs: []int64{tw.orgs[1].ID}, Statement: "配偶在乙任职"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.ScoreBid(cw, tender.ID, full(b1, 90)); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("scoring a declared conflict: %v, want forbidden", err)
	}
	if _, err := tw.a.ScoreBid(cw, tender.ID, full(b0, 80)); err != nil {
		t.Errorf("scoring a bid without conflict: %v", err)
	}
	// Bad sheets: a missing criterion, a score out of range.
	bad := full(b0, 80)
	bad.Scores = bad.Scores[:2]
	if _, err := tw.a.ScoreBid(cw, tender.ID, bad); !hasField(err, "scores") {
		t.Errorf("a sheet missing a criterion: %v", err)
	}
	if _, err := tw.a.ScoreBid(cw, tender.ID, full(b0, 101)); !hasField(err, "scores") {
		t.Errorf("a score of 101: %v", err)
	}
	// A member of a bidding organization cannot score its bid even without declaring it.
	ctx := context.Background()
	cm := tw.w.Users["committee_member"]
	tw.must(tw.s.CreateMembership(ctx, &app.Membership{UserID: cm.ID, Role: app.RoleOrgMember, OrganizationID: &tw.orgs[0].ID}))
	cmc := tw.as("committee_member")
	if _, err := tw.a.Declare(cmc, tender.ID, app.DeclarationInput{Affirm: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.ScoreBid(cmc, tender.ID, full(b0, 100)); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("a member of the bidding organization scoring it: %v, want forbidden", err)
	}
	// People outside the tender's place cannot evaluate at all.
	for _, u := range []string{"worker_b", "resident", "member_2", "grid_worker"} {
		if _, err := tw.a.Declare(tw.as(u), tender.ID, app.DeclarationInput{Affirm: true}); !app.IsCode(err, app.EFORBIDDEN) {
			t.Errorf("%s declaring: %v, want forbidden", u, err)
		}
	}
	// A conflict declared after scoring withdraws those scores.
	tw.score(tender, "civil_affairs_officer", b0, 60)
	tw.score(tender, "civil_affairs_officer", b1, 70)
	if _, err := tw.a.Declare(tw.as("civil_affairs_officer"), tender.ID, app.DeclarationInput{Affirm: true, ConflictOrganizationIDs: []int64{tw.orgs[1].ID}}); err != nil {
		t.Fatal(err)
	}
	bv, err := tw.a.TenderBids(cw, tender.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]float64{}
	n := map[int64]int{}
	for _, b := range bv.Bids {
		got[b.ID], n[b.ID] = b.Score, b.Evaluators
	}
	// b0: the worker's 80 and the officer's 60 → 70. b1: nobody left.
	if got[b0.ID] != 70 || n[b0.ID] != 2 || n[b1.ID] != 0 {
		t.Errorf("totals = %v by %v evaluators, want b0 70 by 2, b1 unscored", got, n)
	}
	// Award refuses while a bid has no score.
	if _, err := tw.a.AwardTender(cw, tender.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("award with an unscored bid: %v, want conflict", err)
	}
}

// awardOutcome is what the award page shows for one bid.
type awardOutcome struct {
	Org    string
	Rank   int
	Score  float64
	Won    bool
	Reason string
	Above  []int64
	Pref   []int64
}

// runAward builds a tender with bids from 甲, 乙, 丙 (in the given order), scores them and
// awards it; it returns every bid's outcome by organization name.
func runAward(t *testing.T, order []int, scores map[int]int, maxAwards int) (map[string]awardOutcome, *tenderWorld, *app.Tender) {
	tw := newTenderWorld(t)
	in := tw.input()
	in.MaxAwards = maxAwards
	in.MinScore = 50
	tender := tw.published(in)
	bids := map[int]*app.TenderBid{}
	for _, i := range order {
		bids[i] = tw.bid(tender, i, 20000000+int64(i)*1000000)
	}
	tw.clock.Set(tender.BidDeadline.Add(time.Hour))
	for _, i := range order {
		tw.score(tender, "committee_member", bids[i], scores[i])
		tw.score(tender, "civil_affairs_officer", bids[i], scores[i]+2)
	}
	if _, err := tw.a.AwardTender(tw.as("community_worker"), tender.ID); err != nil {
		t.Fatalf("award: %v", err)
	}
	bv, err := tw.a.TenderBids(context.Background(), tender.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]awardOutcome{}
	for _, b := range bv.Bids {
		if b.Result == nil {
			t.Fatalf("bid of %s has no result", b.OrganizationName)
		}
		var above []int64
		for _, r := range b.AboveNames {
			above = append(above, r.OrganizationID)
		}
		out[b.OrganizationName] = awardOutcome{b.OrganizationName, b.Result.Rank, b.Result.Score, b.Result.Won, b.Result.Reason, above, b.Result.Preferred()}
	}
	return out, tw, tender
}

func TestAwardIsStableAndExplained(t *testing.T) {
	t.Parallel()
	scores := map[int]int{0: 70, 1: 85, 2: 40}
	got, tw, tender := runAward(t, []int{0, 1, 2}, scores, 1)
	// 乙 (85/87 → 86) wins; 甲 (71) loses to it; 丙 (41) is under the minimum of 50.
	want := map[string]awardOutcome{
		"乙养老服务社":  {"乙养老服务社", 1, 86, true, "won", nil, nil},
		"甲社工服务中心": {"甲社工服务中心", 2, 71, false, "tender_full", []int64{tw.orgs[1].ID}, nil},
		"丙邻里互助会":  {"丙邻里互助会", 3, 41, false, "below_minimum", nil, nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outcomes:\n got %+v\nwant %+v", got, want)
	}
	v, err := tw.a.Tender(context.Background(), tender.ID)
	if err != nil || v.Status != app.TenderAwarded || v.AwardedAt == nil {
		t.Errorf("after the award: %+v, %v", v, err)
	}
	if _, err := tw.a.AwardTender(tw.as("community_worker"), tender.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("awarding twice: %v", err)
	}
	// The same bids in another order give the same result: the award is deterministic.
	again, tw2, _ := runAward(t, []int{2, 1, 0}, scores, 1)
	for name, o := range again {
		w := want[name]
		if o.Above != nil {
			o.Above = []int64{tw.orgs[1].ID} // ids differ between worlds; compare the organization
			if again[name].Above[0] != tw2.orgs[1].ID {
				t.Errorf("%s lost to %v in the second run", name, again[name].Above)
			}
		}
		if !reflect.DeepEqual(o, w) {
			t.Errorf("second run, %s: %+v, want %+v", name, o, w)
		}
	}
	// Audit events for publish, bid, score and award.
	tid := tender.ID
	st := "tender"
	evs, _, err := tw.a.AuditEvents(tw.as("community_worker"), app.AuditFilter{SubjectType: &st, SubjectID: &tid, CommunityID: &tw.w.A.Community.ID, Page: app.Page{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.Action]++
	}
	for _, a := range []string{"tender.created", "tender.published", "tender.bid", "tender.closed", "tender.declared", "tender.scored", "tender.awarded"} {
		if seen[a] == 0 {
			t.Errorf("no %s audit event (have %v)", a, seen)
		}
	}
}

func TestAwardTieBreaksAndCapacity(t *testing.T) {
	t.Parallel()
	// Equal scores: the lower organization id (the earlier registered) ranks first.
	got, _, _ := runAward(t, []int{2, 0}, map[int]int{0: 80, 2: 80}, 1)
	if !got["甲社工服务中心"].Won || got["丙邻里互助会"].Reason != "tender_full" {
		t.Errorf("tie: %+v", got)
	}
	// Two awards: both above the minimum win.
	got, _, _ = runAward(t, []int{0, 1, 2}, map[int]int{0: 70, 1: 85, 2: 60}, 2)
	if !got["乙养老服务社"].Won || !got["甲社工服务中心"].Won || got["丙邻里互助会"].Reason != "tender_full" || len(got["丙邻里互助会"].Above) != 2 {
		t.Errorf("two awards: %+v", got)
	}
}

func TestAwardRespectsOrganizationCapacity(t *testing.T) {
	t.Parallel()
	// 乙 wins a first tender; its capacity is one contract at a time.
	_, tw, first := runAward(t, []int{0, 1}, map[int]int{0: 70, 1: 85}, 1)
	// A second tender for an overlapping period: 乙 scores best but is full, so 甲 wins, and
	// 乙's record shows the contract it holds.
	in := tw.input()
	in.Title = "东湖社区助餐服务"
	second := tw.published(in)
	b0 := tw.bid(second, 0, 20000000)
	b1 := tw.bid(second, 1, 20000000)
	bv, err := tw.a.TenderBids(tw.as("member_1"), second.ID)
	if err != nil || len(bv.Bids) != 1 || len(bv.Bids[0].Record) != 1 || bv.Bids[0].Record[0].TenderID != first.ID {
		t.Fatalf("乙's record on its bid: %+v, %v", bv, err)
	}
	tw.clock.Set(second.BidDeadline.Add(time.Hour))
	tw.score(second, "committee_member", b0, 60)
	tw.score(second, "committee_member", b1, 95)
	if _, err := tw.a.AwardTender(tw.as("civil_affairs_officer"), second.ID); err != nil {
		t.Fatal(err)
	}
	bv, err = tw.a.TenderBids(context.Background(), second.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bv.Bids {
		switch b.OrganizationID {
		case tw.orgs[1].ID:
			if b.Result.Won || b.Result.Reason != "organization_full" || b.Result.Rank != 1 || len(b.PreferredTenders) != 1 || b.PreferredTenders[0].TenderID != first.ID {
				t.Errorf("乙 at capacity: %+v %+v", b.Result, b.PreferredTenders)
			}
		case tw.orgs[0].ID:
			if !b.Result.Won || b.Result.Rank != 2 {
				t.Errorf("甲 should win the second tender: %+v", b.Result)
			}
		}
	}
}

// TestAwardRoundIsStable awards several tenders together on seeded random instances and
// checks, from the stored results alone, that capacities hold and no tender and organization
// would both rather be matched (no blocking pair).
func TestAwardRoundIsStable(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		tw := newTenderWorld(t)
		var tenders []*app.Tender
		for k := 0; k < 3; k++ {
			in := tw.input()
			in.Title = fmt.Sprintf("项目%d", k)
			in.MaxAwards = 1 + r.IntN(2)
			in.MinScore = 30
			tenders = append(tenders, tw.published(in))
		}
		capOf := map[int64]int{}
		for i, o := range tw.orgs[:3] {
			capOf[o.ID] = 1 + r.IntN(2)
			for _, tn := range tenders {
				if r.IntN(4) == 0 {
					continue // this organization skips this tender
				}
				_, err := tw.a.SubmitBid(tw.as(fmt.Sprintf("member_%d", i)), tn.ID, app.BidInput{OrganizationID: o.ID, Price: 1000000,
					Plan: "方案", Team: tw.certified[o.ID], Capacity: capOf[o.ID]})
				tw.must(err)
			}
		}
		tw.clock.Set(tenders[0].BidDeadline.Add(time.Hour))
		var ids []int64
		for _, tn := range tenders {
			bv, err := tw.a.TenderBids(tw.as("committee_member"), tn.ID)
			tw.must(err)
			if len(bv.Bids) == 0 {
				continue
			}
			ids = append(ids, tn.ID)
			for _, b := range bv.Bids {
				tw.score(tn, "committee_member", b.TenderBid, 10+r.IntN(90), 10+r.IntN(90), 10+r.IntN(90))
			}
		}
		ts, err := tw.a.AwardTenders(tw.as("civil_affairs_officer"), app.AwardInput{TenderIDs: ids})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		type res struct {
			tender, org int64
			score       float64
			won         bool
		}
		var all []res
		maxAwards := map[int64]int{}
		minScore := map[int64]float64{}
		for _, tn := range ts {
			maxAwards[tn.ID], minScore[tn.ID] = tn.MaxAwards, tn.MinScore
			bv, err := tw.a.TenderBids(context.Background(), tn.ID)
			tw.must(err)
			for _, b := range bv.Bids {
				all = append(all, res{tn.ID, b.OrganizationID, b.Result.Score, b.Result.Won})
			}
		}
		wonBy := map[int64][]res{}
		winsOf := map[int64][]res{}
		for _, x := range all {
			if x.won {
				wonBy[x.tender] = append(wonBy[x.tender], x)
				winsOf[x.org] = append(winsOf[x.org], x)
			}
		}
		for tid, ws := range wonBy {
			if len(ws) > maxAwards[tid] {
				t.Errorf("seed %d: tender %d has %d winners, capacity %d", seed, tid, len(ws), maxAwards[tid])
			}
		}
		for oid, ws := range winsOf {
			if len(ws) > capOf[oid] {
				t.Errorf("seed %d: organization %d won %d, capacity %d", seed, oid, len(ws), capOf[oid])
			}
		}
		// A blocking pair: a losing acceptable bid whose tender has room or a winner it ranks
		// lower, and whose organization has room or a win it likes less.
		tenderPrefers := func(x, y res) bool { return x.score > y.score || (x.score == y.score && x.org < y.org) }
		orgPrefers := func(x, y res) bool { return x.score > y.score || (x.score == y.score && x.tender < y.tender) }
		for _, x := range all {
			if x.won || x.score < minScore[x.tender] {
				continue
			}
			tWants := len(wonBy[x.tender]) < maxAwards[x.tender]
			for _, w := range wonBy[x.tender] {
				tWants = tWants || tenderPrefers(x, w)
			}
			oWants := len(winsOf[x.org]) < capOf[x.org]
			for _, w := range winsOf[x.org] {
				oWants = oWants || orgPrefers(x, w)
			}
			if tWants && oWants {
				t.Errorf("seed %d: blocking pair tender %d, organization %d (score %v)", seed, x.tender, x.org, x.score)
			}
		}
	}
}

func TestAwardRoundSharesOutTheBest(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	in := tw.input()
	in.Title = "居家养老"
	t1 := tw.published(in)
	in.Title = "助餐送餐"
	t2 := tw.published(in)
	// 乙 is best on both but delivers one contract at a time; it scores higher on 助餐送餐.
	b := map[string]*app.TenderBid{}
	for _, x := range []struct {
		key string
		t   *app.Tender
		org int
	}{{"1甲", t1, 0}, {"1乙", t1, 1}, {"2乙", t2, 1}, {"2丙", t2, 2}} {
		b[x.key] = tw.bid(x.t, x.org, 10000000)
	}
	tw.clock.Set(t1.BidDeadline.Add(time.Hour))
	tw.score(t1, "committee_member", b["1甲"], 70)
	tw.score(t1, "committee_member", b["1乙"], 80)
	tw.score(t2, "committee_member", b["2乙"], 90)
	tw.score(t2, "committee_member", b["2丙"], 60)
	// Mixing in a tender the principal may not award refuses the whole round.
	if _, err := tw.a.AwardTenders(tw.as("worker_b"), app.AwardInput{TenderIDs: []int64{t1.ID, t2.ID}}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("another community's worker awarding: %v", err)
	}
	if _, err := tw.a.AwardTenders(tw.as("community_worker"), app.AwardInput{TenderIDs: []int64{t1.ID, t2.ID}}); err != nil {
		t.Fatal(err)
	}
	results := map[string]*app.TenderResult{}
	for _, tn := range []*app.Tender{t1, t2} {
		bv, err := tw.a.TenderBids(context.Background(), tn.ID)
		tw.must(err)
		for _, x := range bv.Bids {
			for k, y := range b {
				if y.ID == x.ID {
					results[k] = x.Result
				}
			}
		}
	}
	if !results["2乙"].Won || !results["1甲"].Won || results["2丙"].Won || results["1乙"].Won {
		t.Errorf("winners: %+v", results)
	}
	if r := results["1乙"]; r.Reason != "organization_full" || r.Rank != 1 || len(r.Preferred()) != 1 || r.Preferred()[0] != t2.ID {
		t.Errorf("乙 on 居家养老: %+v (preferred %v), want organization_full keeping 助餐送餐", r, r.Preferred())
	}
	if r := results["2丙"]; r.Reason != "tender_full" || len(r.Above()) != 1 || r.Above()[0] != tw.orgs[1].ID {
		t.Errorf("丙 on 助餐送餐: %+v", r)
	}
}
