package web_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// tenderPublisher is the world user who publishes the side's community tenders.
func tenderPublisher(s side) string {
	if s.name == "A" {
		return "community_worker"
	}
	return "worker_b"
}

// tender writes a community tender of the side in the given state: "draft", "published"
// (open for a week), "closed" (deadline passed, one bid), "scored" (closed, the bid scored
// by the admin) or "awarded".
func (h *harness) tender(s side, state string) *app.Tender {
	ctx := context.Background()
	now := h.clock.Now()
	cid := s.place.Community.ID
	t := &app.Tender{StreetID: s.place.Street.ID, CommunityID: &cid, PublisherID: h.world.Users[tenderPublisher(s)].ID,
		Title: fmt.Sprintf("测试购买服务 %d", next()), Description: "居家养老上门服务", Category: "elderly_care", BudgetCeiling: 20000000,
		Currency: "CNY", PeriodStart: now.Add(30 * 24 * time.Hour), PeriodEnd: now.Add(395 * 24 * time.Hour), BidDeadline: now.Add(7 * 24 * time.Hour),
		MaxAwards: 1, Status: app.TenderPublished, CommunityIDs: []int64{cid}, CreatedAt: now, UpdatedAt: now,
		Criteria: []*app.TenderCriterion{{Position: 1, Name: "服务方案", Weight: 60}, {Position: 2, Name: "报价", Weight: 40}}}
	switch state {
	case "draft":
		t.Status = app.TenderDraft
	case "published":
		t.PublishedAt = &now
	default:
		t.PublishedAt, t.BidDeadline = &now, now.Add(-time.Hour)
	}
	h.must(h.store.CreateTender(ctx, t))
	if state == "draft" || state == "published" {
		return t
	}
	o, team := h.verifiedOrg(s, fmt.Sprintf("投标机构%d", next()))
	b := &app.TenderBid{TenderID: t.ID, OrganizationID: o.ID, SubmittedBy: h.world.Users["admin"].ID, Price: 15000000, Currency: "CNY",
		Plan: "每周上门两次", Capacity: 1, Team: team, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.SaveTenderBid(ctx, b))
	if state == "closed" {
		return t
	}
	admin := h.world.Users["admin"].ID
	h.must(h.store.SaveTenderDeclaration(ctx, &app.TenderDeclaration{TenderID: t.ID, EvaluatorID: admin, CreatedAt: now, UpdatedAt: now}))
	var scores []*app.TenderScore
	for _, c := range t.Criteria {
		scores = append(scores, &app.TenderScore{TenderID: t.ID, BidID: b.ID, EvaluatorID: admin, CriterionID: c.ID, Score: 80, CreatedAt: now, UpdatedAt: now})
	}
	h.must(h.store.SaveTenderScores(ctx, scores))
	if state == "awarded" {
		if _, err := h.app.AwardTender(h.world.As(h.t, h.app, "admin"), t.ID); err != nil {
			h.t.Fatalf("award fixture: %v", err)
		}
	}
	return t
}

// verifiedOrg writes a verified social organization of the side with one certified worker.
func (h *harness) verifiedOrg(s side, name string) (*app.Organization, []int64) {
	ctx := context.Background()
	cid := s.place.Community.ID
	o := &app.Organization{Name: name, Kind: "social_org", CommunityID: &cid, StreetID: &s.place.Street.ID, Verified: true, Categories: []string{"elderly_care"}}
	h.must(h.store.CreateOrganization(ctx, o))
	return o, []int64{h.certifiedWorker(o.ID)}
}

func (h *harness) certifiedWorker(orgID int64) int64 {
	w := &app.SocialWorker{OrganizationID: &orgID, Name: "持证社工", CertificationLevel: "social_worker", CertificateNumber: fmt.Sprintf("ZJ%010d", next()), Categories: []string{}}
	h.must(h.store.CreateSocialWorker(context.Background(), w))
	return w.ID
}

// memberOrg is the world org_member's organization, verified again (other tests may edit it)
// and with a certified worker, ready to bid.
func (h *harness) memberOrg() (*app.Organization, []int64) {
	a := h.sides()[0]
	o := h.org(a)
	fresh, err := h.store.FindOrganization(context.Background(), o.ID)
	h.must(err)
	if !fresh.Verified {
		fresh.Verified = true
		h.must(h.store.UpdateOrganization(context.Background(), fresh))
	}
	return fresh, []int64{h.certifiedWorker(o.ID)}
}

// declareAll records a no-conflict declaration for every world user, so scoring is decided
// by authorization alone.
func (h *harness) declareAll(t *app.Tender) {
	now := h.clock.Now()
	for _, u := range h.world.Users {
		h.must(h.store.SaveTenderDeclaration(context.Background(), &app.TenderDeclaration{TenderID: t.ID, EvaluatorID: u.ID, CreatedAt: now, UpdatedAt: now}))
	}
}

// firstBid is the only bid of a closed tender.
func (h *harness) firstBid(t *app.Tender) *app.TenderBid {
	bs, err := h.store.FindTenderBids(context.Background(), t.ID)
	h.must(err)
	return bs[0]
}

func tenderForm(s side) url.Values {
	return url.Values{"scope": {fmt.Sprintf("c%d", s.place.Community.ID)}, "title": {"居家养老服务"}, "category": {"elderly_care"},
		"description": {"上门服务"}, "community_ids": {id(s.place.Community.ID)}, "budget_ceiling": {"200,000"},
		"period_start": {"2027-01-01"}, "period_end": {"2027-12-31"}, "bid_deadline": {"2026-12-10T17:00"}, "max_awards": {"1"}, "min_score": {"0"},
		"criterion_name": {"服务方案", "团队", "报价", ""}, "criterion_weight": {"50", "30", "20", ""}}
}

func tenderJSON(s side) map[string]any {
	return map[string]any{"community_id": s.place.Community.ID, "title": "居家养老服务", "category": "elderly_care", "description": "上门服务",
		"budget_ceiling": 20000000, "period_start": "2027-01-01T00:00:00+08:00", "period_end": "2027-12-31T00:00:00+08:00",
		"bid_deadline": "2026-12-10T17:00:00+08:00", "criteria": []map[string]any{{"name": "服务方案", "weight": 60}, {"name": "报价", "weight": 40}}}
}

var _ = apptest.Dialect
