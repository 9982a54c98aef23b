package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// offlineGift records and confirms an offline gift (a worker records, the admin confirms).
func (fw *fundsWorld) offlineGift(camp *app.Campaign, name string, amount int64) *app.Contribution {
	fw.t.Helper()
	c, err := fw.a.RecordOffline(fw.w.As(fw.t, fw.a, "community_worker"), camp.ID, app.OfflineInput{Amount: amount, Method: "cash",
		ReceiptNo: fmt.Sprintf("R-%d-%d", camp.ID, amount), ReceivedOn: fundsNow.Add(-time.Hour), DonorName: name})
	fw.must(err)
	c, err = fw.a.ConfirmOffline(fw.w.As(fw.t, fw.a, "admin"), c.ID)
	fw.must(err)
	return c
}

// payOut requests, approves, evidences and pays a disbursement from a closed campaign.
func (fw *fundsWorld) payOut(camp *app.Campaign, amount int64) {
	fw.t.Helper()
	_, err := fw.a.PayDisbursement(fw.w.As(fw.t, fw.a, "community_worker"), fw.approvedDisbursement(camp, amount))
	fw.must(err)
}

// approvedDisbursement requests, approves and evidences a disbursement, ready to pay.
func (fw *fundsWorld) approvedDisbursement(camp *app.Campaign, amount int64) int64 {
	fw.t.Helper()
	ctx := context.Background()
	orgs, _, _ := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	worker := fw.w.As(fw.t, fw.a, "community_worker")
	d, err := fw.a.RequestDisbursement(worker, fw.fund.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: orgs[0].ID,
		Amount: amount, Purpose: "材料费"})
	fw.must(err)
	for _, who := range []string{"civil_affairs_officer", "admin"} {
		_, err := fw.a.VoteDisbursement(fw.w.As(fw.t, fw.a, who), d.ID, app.VoteInput{Approve: true})
		fw.must(err)
	}
	_, err = fw.a.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "收据.png", Data: pngBytes})
	fw.must(err)
	return d.ID
}

// A refund after a payout must not claw back more matched money than the campaign's match
// account still holds: that would overdraw the account and hand the pool money that was
// already spent, so the pool could promise it again.
func TestRefundAfterPayoutCannotOverdrawMatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refund int64
		ok     bool
	}{
		// A's ¥100 earned ¥100 at 1:1; C's ¥40 is below the ¥50 minimum. ¥240 held, ¥204 paid
		// out in proportion: ¥21 of gifts and ¥15 of match left.
		{"within what the match account holds", 1500, true},
		{"more match than the account holds", 2100, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1", MinContribution: 5000}, 1000000)
			camp := fw.campaign(10000, "keep_what_you_raise", true)
			a := fw.offlineGift(camp, "甲", 10000)
			fw.offlineGift(camp, "丙", 4000)
			fw.clock.Advance(31 * 24 * time.Hour)
			_, _, err := fw.a.CloseCampaigns(context.Background())
			fw.must(err)
			fw.payOut(camp, 20400)
			before, err := fw.s.FindPool(context.Background(), fw.pool.ID)
			fw.must(err)
			_, err = fw.a.RefundContribution(fw.w.As(t, fw.a, "community_worker"), a.ID, app.RefundInput{Amount: tc.refund, Reason: "requested_by_donor"})
			if tc.ok && err != nil {
				t.Fatalf("refund: %v", err)
			}
			if !tc.ok {
				if !app.IsCode(err, app.ECONFLICT) {
					t.Errorf("refund overdrawing the match account: %v, want conflict", err)
				}
				after, err := fw.s.FindPool(context.Background(), fw.pool.ID)
				fw.must(err)
				if after.Available != before.Available {
					t.Errorf("pool available %d → %d after a refused refund", before.Available, after.Available)
				}
			}
			fw.checkInvariants()
		})
	}
}

// An event names its contribution by metadata; when the contribution already knows its
// checkout session or payment intent, an event about another one (a session of another
// deployment on the same Stripe account, a reused id) must not move its money.
func TestPaymentEventForAnotherPaymentIsHeld(t *testing.T) {
	for _, tc := range []struct {
		name          string
		session, pi   string
		wantSucceeded bool
	}{
		{"same session and payment intent", "cs_own", "", true},
		{"another session", "cs_other", "", false},
		{"another payment intent", "cs_own", "pi_other", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
			camp := fw.campaign(10000, "keep_what_you_raise", true)
			c := fw.pending(camp, "user:a", 5000)
			sid := "cs_own"
			c.SessionID = &sid
			fw.must(fw.s.UpdateContribution(context.Background(), c))
			ev := paid(c, "evt_"+tc.session+tc.pi)
			ev.SessionID = tc.session
			if tc.pi != "" {
				ev.PaymentIntentID = tc.pi
			}
			if _, err := fw.a.ApplyPaymentEvent(context.Background(), "stripe", ev); err != nil {
				t.Fatal(err)
			}
			got, err := fw.s.FindContribution(context.Background(), c.ID)
			fw.must(err)
			if (got.Status == "succeeded") != tc.wantSucceeded {
				t.Errorf("status %s, want succeeded=%v", got.Status, tc.wantSucceeded)
			}
			if !tc.wantSucceeded && (got.PaymentIntentID == nil || *got.PaymentIntentID != *c.PaymentIntentID) {
				t.Errorf("payment intent changed to %v", got.PaymentIntentID)
			}
			fw.checkInvariants()
		})
	}
}

// Bad fund settings are refused naming the input's own field, as in JSON and forms.
func TestCreateFundBadPolicyNamesField(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 0)
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	neg := int64(-1)
	for _, tc := range []struct {
		name  string
		in    app.FundInput
		field string
	}{
		{"negative threshold", app.FundInput{ApprovalThreshold: &neg}, "approval_threshold"},
		{"one handler", app.FundInput{HandlerApprovals: 1}, "handler_approvals"},
		{"quorum above committee", app.FundInput{CommitteeSize: 3, CommitteeQuorum: 4}, "committee_quorum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.CommunityID, in.Name = fw.w.A.Community.ID, "基金"+tc.name
			_, err := fw.a.CreateFund(officer, in)
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID {
				t.Fatalf("err %v, want invalid", err)
			}
			if _, ok := ae.Fields[tc.field]; !ok {
				t.Errorf("fields %v do not name %s", ae.Fields, tc.field)
			}
		})
	}
}

// Payments from two campaigns of one fund at once must not both spend the same bank money:
// each tops up the bank from the Stripe and offline cash it sees, so they take turns.
func TestConcurrentPaymentsDoNotOverdrawCash(t *testing.T) {
	for _, tc := range []struct {
		name   string
		trials int
		amount int64
	}{
		{"bank holds one payment", 8, 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 0)
			var pairs [][2]*app.Campaign
			for i := 0; i < tc.trials; i++ {
				x, y := fw.campaign(tc.amount, "keep_what_you_raise", false), fw.campaign(tc.amount, "keep_what_you_raise", false)
				fw.offlineGift(x, "甲", tc.amount+int64(2*i))
				fw.offlineGift(y, "乙", tc.amount+int64(2*i+1))
				pairs = append(pairs, [2]*app.Campaign{x, y})
			}
			fw.clock.Advance(31 * 24 * time.Hour)
			_, _, err := fw.a.CloseCampaigns(context.Background())
			fw.must(err)
			officer := fw.w.As(t, fw.a, "civil_affairs_officer")
			for _, pair := range pairs {
				// The bank holds the pool's money: enough for one of the two payments.
				_, err := fw.a.DepositToPool(officer, fw.pool.ID, app.DepositInput{Amount: tc.amount})
				fw.must(err)
				ids := []int64{fw.approvedDisbursement(pair[0], tc.amount), fw.approvedDisbursement(pair[1], tc.amount)}
				worker := fw.w.As(t, fw.a, "community_worker")
				var wg sync.WaitGroup
				start := make(chan struct{})
				for _, id := range ids {
					wg.Add(1)
					go func(id int64) {
						defer wg.Done()
						<-start
						if _, err := fw.a.PayDisbursement(worker, id); err != nil {
							t.Errorf("pay %d: %v", id, err)
						}
					}(id)
				}
				close(start)
				wg.Wait()
				fw.checkInvariants()
				if t.Failed() {
					return
				}
			}
		})
	}
}

// Two workers refunding the same offline gift at once: each refund either is recorded or
// fails; none reports success without being recorded (the worker has handed cash back).
func TestConcurrentOfflineRefundsAreRecordedOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		amounts []int64
	}{
		{"two partial refunds that fit", []int64{3000, 4000}},
		{"two partial refunds that do not both fit", []int64{6000, 6000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
			camp := fw.campaign(10000, "keep_what_you_raise", true)
			var gifts []*app.Contribution
			for i := 0; i < 5; i++ {
				gifts = append(gifts, fw.offlineGift(camp, "甲", 10000+int64(i)))
			}
			for _, g := range gifts {
				var wg sync.WaitGroup
				var mu sync.Mutex
				var ok []int64
				start := make(chan struct{})
				for i, amt := range tc.amounts {
					wg.Add(1)
					go func(who string, amt int64) {
						defer wg.Done()
						<-start
						if _, err := fw.a.RefundContribution(fw.w.As(t, fw.a, who), g.ID, app.RefundInput{Amount: amt, Reason: "administrative"}); err == nil {
							mu.Lock()
							ok = append(ok, amt)
							mu.Unlock()
						}
					}([]string{"community_worker", "admin"}[i], amt)
				}
				close(start)
				wg.Wait()
				got, err := fw.s.FindContribution(context.Background(), g.ID)
				fw.must(err)
				var sum int64
				for _, a := range ok {
					sum += a
				}
				if got.Refunds != len(ok) || got.Refunded != sum {
					t.Fatalf("gift %d: %d refunds reported done (%d fen), %d recorded (%d fen)", g.ID, len(ok), sum, got.Refunds, got.Refunded)
				}
			}
			fw.checkInvariants()
		})
	}
}

// Reconciling a session before its asynchronous payment arrived, then again after, repairs the
// contribution the second time (the webhooks having been missed).
func TestReconcileRepairsAfterAsyncPayment(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []bool // the session's Paid at each reconciliation
		want  string
	}{
		{"paid at once", []bool{true}, "succeeded"},
		{"unpaid, then paid", []bool{false, true}, "succeeded"},
		{"unpaid twice", []bool{false, false}, "pending"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
			camp := fw.campaign(10000, "keep_what_you_raise", true)
			c := fw.pending(camp, "user:a", 5000)
			for _, paid := range tc.steps {
				ev, ok := funds.ReconcileEvent(funds.CheckoutSession{ID: "cs_async", ContributionID: c.ID, PaymentIntentID: *c.PaymentIntentID,
					Status: funds.SessionComplete, Paid: paid, Amount: funds.Fen(c.Amount)})
				if !ok {
					t.Fatal("no event")
				}
				if _, err := fw.a.ApplyPaymentEvent(context.Background(), "stripe-reconcile", ev); err != nil {
					t.Fatal(err)
				}
			}
			got, err := fw.s.FindContribution(context.Background(), c.ID)
			fw.must(err)
			if got.Status != tc.want {
				t.Errorf("status %s, want %s", got.Status, tc.want)
			}
			fw.checkInvariants()
		})
	}
}

// TestOutsidersLearnNothingFromBadInput: someone of another community who votes on a
// disbursement or cancels a campaign with an empty reason is refused for who they are (403),
// not told what is wrong with the input (422).
func TestOutsidersLearnNothingFromBadInput(t *testing.T) {
	t.Parallel()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 1_000_000)
	camp := fw.campaign(10000, "keep_what_you_raise", true)
	open := fw.campaign(10000, "keep_what_you_raise", true)
	fw.offlineGift(camp, "甲", 10000)
	fw.clock.Advance(31 * 24 * time.Hour)
	ctx := context.Background()
	_, _, err := fw.a.CloseCampaigns(ctx)
	fw.must(err)
	orgs, _, _ := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	d, err := fw.a.RequestDisbursement(fw.w.As(t, fw.a, "community_worker"), fw.fund.ID, app.DisbursementInput{CampaignID: camp.ID,
		PayeeOrganizationID: orgs[0].ID, Amount: 1000, Purpose: "材料费"})
	fw.must(err)
	outsider := fw.w.As(t, fw.a, "worker_b")
	if _, err := fw.a.VoteDisbursement(outsider, d.ID, app.VoteInput{Approve: false}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("outsider's rejection without a reason = %v, want forbidden", err)
	}
	if _, err := fw.a.CancelCampaign(outsider, open.ID, ""); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("outsider's cancel without a reason = %v, want forbidden", err)
	}
	// Someone allowed still gets the field error.
	if _, err := fw.a.CancelCampaign(fw.w.As(t, fw.a, "community_worker"), open.ID, ""); !app.IsCode(err, app.EINVALID) {
		t.Errorf("worker's cancel without a reason = %v, want invalid", err)
	}
}
