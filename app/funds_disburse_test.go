package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// pngBytes is the smallest valid PNG header, enough for content sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func TestDisbursementApprovals(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 1000000)
	camp := fw.campaign(20000, "keep_what_you_raise", true)
	ctx := context.Background()
	for i, amt := range []int64{400000, 300000} {
		c := fw.pending(camp, "user:"+string(rune('a'+i)), amt)
		if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, "evt_"+string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	worker := fw.w.As(t, fw.a, "community_worker")
	org := fw.w.Users["org_member"]
	_ = org
	orgs, _, _ := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	payee := orgs[0].ID
	in := app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: payee, Amount: 480000, Purpose: "楼道粉刷材料费"}
	if _, err := fw.a.RequestDisbursement(worker, fw.fund.ID, in); !app.IsCode(err, app.EINVALID) {
		t.Errorf("request from an open campaign: %v", err)
	}
	fw.clock.Advance(31 * 24 * time.Hour)
	if _, _, err := fw.a.CloseCampaigns(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := fw.a.RequestDisbursement(fw.w.As(t, fw.a, "resident"), fw.fund.ID, in); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("resident request: %v", err)
	}
	big := in
	big.Amount = 99999999
	if _, err := fw.a.RequestDisbursement(worker, fw.fund.ID, big); !app.IsCode(err, app.EINVALID) {
		t.Errorf("more than held: %v", err)
	}
	d, err := fw.a.RequestDisbursement(worker, fw.fund.ID, in)
	fw.must(err)
	// The requester cannot approve; a committee member is not a handler at this tier.
	if _, err := fw.a.VoteDisbursement(worker, d.ID, app.VoteInput{Approve: true}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := fw.a.VoteDisbursement(fw.w.As(t, fw.a, "committee_member"), d.ID, app.VoteInput{Approve: true}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("committee at handler tier: %v", err)
	}
	if _, err := fw.a.VoteDisbursement(fw.w.As(t, fw.a, "worker_b"), d.ID, app.VoteInput{Approve: true}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("worker of another community: %v", err)
	}
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	if _, err := fw.a.VoteDisbursement(officer, d.ID, app.VoteInput{Approve: false}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("rejection without reason: %v", err)
	}
	v, err := fw.a.VoteDisbursement(officer, d.ID, app.VoteInput{Approve: true})
	fw.must(err)
	if v.Status != "requested" {
		t.Errorf("after one approval: %s", v.Status)
	}
	if _, err := fw.a.VoteDisbursement(officer, d.ID, app.VoteInput{Approve: true}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("second vote by the same person: %v", err)
	}
	admin := fw.w.As(t, fw.a, "admin")
	v, err = fw.a.VoteDisbursement(admin, d.ID, app.VoteInput{Approve: true})
	fw.must(err)
	if v.Status != "approved" {
		t.Fatalf("after two approvals: %s (%s)", v.Status, v.Verdict.Why)
	}
	if _, err := fw.a.PayDisbursement(worker, d.ID); !app.IsCode(err, app.EINVALID) {
		t.Errorf("pay without evidence: %v", err)
	}
	if _, err := fw.a.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "x.txt", Data: []byte("hello")}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("text evidence: %v", err)
	}
	if _, err := fw.a.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "发票.png", Data: pngBytes}); err != nil {
		t.Fatal(err)
	}
	v, err = fw.a.PayDisbursement(worker, d.ID)
	fw.must(err)
	if v.Status != "paid" {
		t.Errorf("after pay: %s", v.Status)
	}
	if _, err := fw.a.PayDisbursement(worker, d.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("paid twice: %v", err)
	}
	// Pay out most of the rest (a fund whose handlers may approve more), then a refund of
	// money already paid out is refused instead of overdrawing the campaign.
	fw.fund.ApprovalThreshold = 2000000
	fw.must(fw.s.UpdateFund(ctx, fw.fund))
	in.Amount = 900000
	d2, err := fw.a.RequestDisbursement(worker, fw.fund.ID, in)
	fw.must(err)
	for _, who := range []string{"civil_affairs_officer", "admin"} {
		_, err := fw.a.VoteDisbursement(fw.w.As(t, fw.a, who), d2.ID, app.VoteInput{Approve: true})
		fw.must(err)
	}
	_, err = fw.a.AddEvidence(worker, d2.ID, app.EvidenceInput{FileName: "收据.png", Data: pngBytes})
	fw.must(err)
	_, err = fw.a.PayDisbursement(worker, d2.ID)
	fw.must(err)
	gifts, _, _ := fw.s.FindContributions(ctx, app.ContributionFilter{CampaignID: &camp.ID})
	if _, err := fw.a.RefundContribution(worker, gifts[0].ID, app.RefundInput{Reason: "requested_by_donor"}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("refund after payout: %v", err)
	}
	sum, err := fw.a.FundLedgerSummary(ctx, fw.fund.ID)
	fw.must(err)
	var paidTotal int64
	for _, s := range sum.Sources {
		paidTotal += s.Paid
	}
	if paidTotal != 480000+900000 || !sum.Balanced {
		t.Errorf("ledger after payment: paid %d balanced %v %+v", paidTotal, sum.Balanced, sum.Sources)
	}
	fw.checkInvariants()
}

func TestDisbursementQueue(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
	camp := fw.campaign(20000, "keep_what_you_raise", true)
	ctx := context.Background()
	c := fw.pending(camp, "user:q", 50000)
	_, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, "evt_q"))
	fw.must(err)
	fw.clock.Advance(31 * 24 * time.Hour)
	_, _, err = fw.a.CloseCampaigns(ctx)
	fw.must(err)
	orgs, _, _ := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	worker := fw.w.As(t, fw.a, "community_worker")
	_, err = fw.a.RequestDisbursement(worker, fw.fund.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: orgs[0].ID, Amount: 10000, Purpose: "购买花苗"})
	fw.must(err)
	for who, want := range map[string]int{"community_worker": 0, "civil_affairs_officer": 1, "admin": 1, "resident": 0, "worker_b": 0, "committee_member": 0} {
		q, err := fw.a.DisbursementQueue(fw.w.As(t, fw.a, who))
		fw.must(err)
		if len(q) != want {
			t.Errorf("%s's queue has %d, want %d", who, len(q), want)
		}
	}
	if _, err := fw.a.DisbursementQueue(ctx); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("anonymous queue: %v", err)
	}
}
