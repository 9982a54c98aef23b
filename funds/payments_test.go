package funds

import (
	"errors"
	"testing"
	"time"
)

func TestApplyPaymentEvent(t *testing.T) {
	t.Parallel()
	amt := Yuan(50)
	state := func(s ContributionStatus, refunded int64) PaymentState {
		return PaymentState{Status: s, Amount: amt, Refunded: refunded}
	}
	paid := PaymentEvent{Type: EventPaymentSucceeded, Amount: amt}
	completed := PaymentEvent{Type: EventCheckoutCompleted, Amount: amt, Paid: true}
	refunded := func(n int64) PaymentEvent { return PaymentEvent{Type: EventRefunded, Refunded: Fen(n)} }
	tests := []struct {
		name string
		s    PaymentState
		ev   PaymentEvent
		want PaymentEffect
		err  error
	}{
		{"checkout paid", state(ContributionStatusPending, 0), completed,
			PaymentEffect{Status: ContributionStatusSucceeded, Succeed: true, Why: "payment received"}, nil},
		{"payment intent succeeded", state(ContributionStatusPending, 0), paid,
			PaymentEffect{Status: ContributionStatusSucceeded, Succeed: true, Why: "payment received"}, nil},
		{"second success event is a no-op", state(ContributionStatusSucceeded, 0), paid,
			PaymentEffect{Status: ContributionStatusSucceeded, Noop: true, Why: "already succeeded"}, nil},
		{"checkout completed but unpaid waits", state(ContributionStatusPending, 0), PaymentEvent{Type: EventCheckoutCompleted, Amount: amt},
			PaymentEffect{Status: ContributionStatusPending, Noop: true, Why: "checkout completed; the payment itself is still on its way"}, nil},
		{"a retry succeeding after a failure", state(ContributionStatusFailed, 0), paid,
			PaymentEffect{Status: ContributionStatusSucceeded, Succeed: true, Why: "payment received"}, nil},
		{"failure", state(ContributionStatusPending, 0), PaymentEvent{Type: EventPaymentFailed, FailureMessage: "card declined"},
			PaymentEffect{Status: ContributionStatusFailed, Fail: true, Why: "payment failed: card declined"}, nil},
		{"late failure does not undo success", state(ContributionStatusSucceeded, 0), PaymentEvent{Type: EventPaymentFailed},
			PaymentEffect{Status: ContributionStatusSucceeded, Noop: true, Why: "a failed attempt does not undo a succeeded contribution"}, nil},
		{"expired checkout", state(ContributionStatusPending, 0), PaymentEvent{Type: EventCheckoutExpired},
			PaymentEffect{Status: ContributionStatusFailed, Fail: true, Why: "payment failed"}, nil},
		{"partial refund", state(ContributionStatusSucceeded, 0), refunded(2000),
			PaymentEffect{Status: ContributionStatusSucceeded, Refund: 2000, Refunded: 2000, Why: "refunded ¥20.00"}, nil},
		{"rest of the refund", state(ContributionStatusSucceeded, 2000), refunded(5000),
			PaymentEffect{Status: ContributionStatusRefunded, Refund: 3000, Refunded: 5000, Why: "refunded ¥30.00"}, nil},
		{"refund redelivered", state(ContributionStatusRefunded, 5000), refunded(5000),
			PaymentEffect{Status: ContributionStatusRefunded, Refunded: 5000, Noop: true, Why: "refund already recorded"}, nil},
		{"older refund event after a newer one", state(ContributionStatusRefunded, 5000), refunded(2000),
			PaymentEffect{Status: ContributionStatusRefunded, Refunded: 5000, Noop: true, Why: "refund already recorded"}, nil},
		{"refund overtakes success", state(ContributionStatusPending, 0), refunded(5000),
			PaymentEffect{Status: ContributionStatusRefunded, Succeed: true, Refund: 5000, Refunded: 5000, Why: "refunded ¥50.00"}, nil},
		{"success after refund is a no-op", state(ContributionStatusRefunded, 5000), paid,
			PaymentEffect{Status: ContributionStatusRefunded, Refunded: 5000, Noop: true, Why: "already refunded"}, nil},
		{"unused type", state(ContributionStatusPending, 0), PaymentEvent{Type: EventIgnored},
			PaymentEffect{Status: ContributionStatusPending, Noop: true, Why: "event type not used"}, nil},
		{"paid amount differs", state(ContributionStatusPending, 0), PaymentEvent{Type: EventPaymentSucceeded, Amount: Yuan(49)}, PaymentEffect{}, ErrPaymentMismatch},
		{"paid currency differs", state(ContributionStatusPending, 0), PaymentEvent{Type: EventPaymentSucceeded, Amount: Money{5000, "USD"}}, PaymentEffect{}, ErrPaymentMismatch},
		{"refund above the gift", state(ContributionStatusSucceeded, 0), refunded(5001), PaymentEffect{}, ErrPaymentMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ApplyPaymentEvent(tt.s, tt.ev)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

// TestPaymentEventsInAnyOrder replays the events of one paid-then-refunded contribution in
// every order, each delivered twice, and expects the same end state and exactly one success
// and one full refund.
func TestPaymentEventsInAnyOrder(t *testing.T) {
	t.Parallel()
	amt := Yuan(80)
	events := []PaymentEvent{
		{Type: EventCheckoutCompleted, Amount: amt, Paid: true},
		{Type: EventPaymentSucceeded, Amount: amt},
		{Type: EventRefunded, Refunded: Yuan(30)},
		{Type: EventRefunded, Refunded: amt},
	}
	var permute func([]int, int)
	permute = func(a []int, k int) {
		if k == len(a) {
			s := PaymentState{Status: ContributionStatusPending, Amount: amt}
			successes, refunded := 0, int64(0)
			for _, i := range a {
				for range 2 {
					eff, err := ApplyPaymentEvent(s, events[i])
					if err != nil {
						t.Fatal(err)
					}
					if eff.Succeed {
						successes++
					}
					refunded += eff.Refund
					s.Status, s.Refunded = eff.Status, eff.Refunded
				}
			}
			if successes != 1 || refunded != amt.Amount || s.Status != ContributionStatusRefunded {
				t.Errorf("order %v: %d successes, %d refunded, status %s", a, successes, refunded, s.Status)
			}
			return
		}
		for i := k; i < len(a); i++ {
			a[k], a[i] = a[i], a[k]
			permute(a, k+1)
			a[k], a[i] = a[i], a[k]
		}
	}
	permute([]int{0, 1, 2, 3}, 0)
}

func TestCheckoutAndRefundRequests(t *testing.T) {
	t.Parallel()
	good := CheckoutRequest{ContributionID: 42, CampaignID: 3, Amount: Yuan(50), Description: "长者食堂",
		SuccessURL: "https://wushe.example/c/3/thanks", CancelURL: "https://wushe.example/c/3"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field string
		mod   func(*CheckoutRequest)
	}{
		{"contribution_id", func(r *CheckoutRequest) { r.ContributionID = 0 }},
		{"amount", func(r *CheckoutRequest) { r.Amount = Fen(0) }},
		{"amount", func(r *CheckoutRequest) { r.Amount.Currency = "" }},
		{"description", func(r *CheckoutRequest) { r.Description = "" }},
		{"success_url", func(r *CheckoutRequest) { r.SuccessURL = "/thanks" }},
		{"cancel_url", func(r *CheckoutRequest) { r.CancelURL = "javascript:alert(1)" }},
		{"locale", func(r *CheckoutRequest) { r.Locale = "fr" }},
	}
	for _, tt := range tests {
		r := good
		tt.mod(&r)
		var fes FieldErrors
		if err := r.Validate(); !errors.As(err, &fes) || len(fes) != 1 || fes[0].Field != tt.field {
			t.Errorf("%s: %v", tt.field, err)
		}
	}
	if k := CheckoutKey(42); k != "contribution-42-checkout" {
		t.Errorf("CheckoutKey = %q", k)
	}
	if k := RefundKey(42, 2); k != "contribution-42-refund-2" {
		t.Errorf("RefundKey = %q", k)
	}
	rr := RefundRequest{ContributionID: 42, Seq: 1, PaymentIntentID: "pi_1", Amount: Yuan(5)}
	if err := rr.Validate(); err != nil {
		t.Error(err)
	}
	rr.Seq, rr.PaymentIntentID = 0, ""
	if err := rr.Validate(); err == nil || len(err.(FieldErrors)) != 2 {
		t.Errorf("bad refund request: %v", err)
	}
}

func TestOfflineReceipt(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	good := OfflineReceipt{Method: OfflineCash, ReceiptNo: "DH-2025/0042", Amount: Yuan(200), ReceivedOn: now.Add(-time.Hour), RecordedBy: "user:1"}
	if err := good.Validate(now); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field string
		mod   func(*OfflineReceipt)
	}{
		{"method", func(r *OfflineReceipt) { r.Method = "cheque" }},
		{"receipt_no", func(r *OfflineReceipt) { r.ReceiptNo = "" }},
		{"receipt_no", func(r *OfflineReceipt) { r.ReceiptNo = "no 1" }},
		{"amount", func(r *OfflineReceipt) { r.Amount = Fen(0) }},
		{"received_on", func(r *OfflineReceipt) { r.ReceivedOn = now.Add(time.Hour) }},
		{"received_on", func(r *OfflineReceipt) { r.ReceivedOn = time.Time{} }},
		{"recorded_by", func(r *OfflineReceipt) { r.RecordedBy = "" }},
	}
	for _, tt := range tests {
		r := good
		tt.mod(&r)
		var fes FieldErrors
		if err := r.Validate(now); !errors.As(err, &fes) || len(fes) != 1 || fes[0].Field != tt.field {
			t.Errorf("%s: %v", tt.field, err)
		}
	}
	if err := good.CheckConfirmation("user:1", treasurer); !errors.Is(err, ErrSelfConfirmation) {
		t.Errorf("self confirmation: %v", err)
	}
	if err := good.CheckConfirmation("user:2", committee); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("committee member confirming cash: %v", err)
	}
	if err := good.CheckConfirmation("user:2", treasurer); err != nil {
		t.Errorf("treasurer: %v", err)
	}
}

func TestReconcileEvent(t *testing.T) {
	t.Parallel()
	s := CheckoutSession{ID: "cs_1", ContributionID: 42, PaymentIntentID: "pi_1", Status: SessionComplete, Paid: true, Amount: Yuan(50)}
	ev, ok := ReconcileEvent(s)
	if !ok || ev.ID != "reconcile:cs_1" || ev.Type != EventCheckoutCompleted || !ev.Paid || ev.ContributionID != 42 {
		t.Fatalf("complete session: %+v, %v", ev, ok)
	}
	pending := PaymentState{Status: ContributionStatusPending, Amount: Yuan(50)}
	if eff, err := ApplyPaymentEvent(pending, ev); err != nil || !eff.Succeed {
		t.Errorf("missed webhook not repaired: %+v, %v", eff, err)
	}
	done := PaymentState{Status: ContributionStatusSucceeded, Amount: Yuan(50)}
	if eff, err := ApplyPaymentEvent(done, ev); err != nil || !eff.Noop {
		t.Errorf("reconciling a recorded payment: %+v, %v", eff, err)
	}
	s.Status, s.Paid = SessionExpired, false
	if ev, ok := ReconcileEvent(s); !ok || ev.Type != EventCheckoutExpired {
		t.Errorf("expired session: %+v", ev)
	}
	for _, s := range []CheckoutSession{{ID: "cs_2", ContributionID: 42, Status: SessionOpen}, {ID: "cs_3", Status: SessionComplete}} {
		if _, ok := ReconcileEvent(s); ok {
			t.Errorf("%s should be left alone", s.ID)
		}
	}
}

// A session reconciled while its (asynchronous) payment was still on its way must be
// reconciled again once paid: the two events need different ids, or the unique index takes
// the paid one for a duplicate and the contribution is never repaired.
func TestReconcileEventIDsByPaymentState(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status SessionStatus
		paid   bool
		id     string
	}{
		{"complete and paid", SessionComplete, true, "reconcile:cs_1"},
		{"complete, payment on its way", SessionComplete, false, "reconcile:cs_1:unpaid"},
		{"expired", SessionExpired, false, "reconcile:cs_1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, ok := ReconcileEvent(CheckoutSession{ID: "cs_1", ContributionID: 42, Status: tc.status, Paid: tc.paid, Amount: Yuan(50)})
			if !ok || ev.ID != tc.id {
				t.Errorf("id %q (ok %v), want %q", ev.ID, ok, tc.id)
			}
		})
	}
}
