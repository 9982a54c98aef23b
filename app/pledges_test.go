package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestPledgeJourney follows a resident's pledge from promise to matched gift: a worker
// receives the cash (an offline gift linked to the resident), a second person confirms it,
// the pool's match is reserved exactly as for a worker's own record, the pledge is confirmed,
// my gifts shows it with a receipt, the receipt's code verifies for anyone and the donor is
// notified.
func TestPledgeJourney(t *testing.T) {
	t.Parallel()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
	camp := fw.campaign(50000, "keep_what_you_raise", true)
	ctx := context.Background()
	resident := fw.w.As(t, fw.a, "resident")
	worker := fw.w.As(t, fw.a, "community_worker")
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")

	pl, err := fw.a.CreatePledge(resident, camp.ID, app.PledgeInput{Amount: 20000, Method: "cash", Note: "周六上午送到办公室"})
	fw.must(err)
	if pl.Status != app.PledgePledged || pl.UserID != fw.w.Users["resident"].ID || pl.FundID != fw.fund.ID {
		t.Fatalf("pledge = %+v", pl)
	}
	// The pledge moves no money.
	got, _ := fw.s.FindCampaign(ctx, camp.ID)
	if got.Raised != 0 {
		t.Errorf("raised %d after a pledge, want 0", got.Raised)
	}
	pending, err := fw.a.CampaignPledges(worker, camp.ID)
	fw.must(err)
	if len(pending) != 1 || !pending[0].CanReceive || !pending[0].CanReject || pending[0].DonorName != fw.w.Users["resident"].Name {
		t.Fatalf("worker's pending list = %+v", pending)
	}

	// The worker receives the cash: a pending offline gift of the resident's.
	pl, err = fw.a.ConfirmPledge(worker, pl.ID, app.PledgeConfirmInput{ReceiptNo: "DH-RJ-0001"})
	fw.must(err)
	if pl.Status != app.PledgeReceived || pl.ContributionID == nil {
		t.Fatalf("after receipt: %+v", pl)
	}
	c, err := fw.s.FindContribution(ctx, *pl.ContributionID)
	fw.must(err)
	if c.UserID == nil || *c.UserID != fw.w.Users["resident"].ID || c.Channel != "offline" || c.Status != "pending" ||
		c.DonorKey != "user:"+itoa(fw.w.Users["resident"].ID) || c.Amount != 20000 || c.ReceiptCode != nil {
		t.Fatalf("recorded gift = %+v", c)
	}
	// The same worker cannot be the second person; a resident is no one here.
	if _, err := fw.a.ConfirmPledge(worker, pl.ID, app.PledgeConfirmInput{}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("self-confirmation: %v, want forbidden", err)
	}
	if _, err := fw.a.ConfirmPledge(resident, pl.ID, app.PledgeConfirmInput{}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("resident confirmation: %v, want forbidden", err)
	}
	if _, err := fw.a.CancelPledge(resident, pl.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("cancel after receipt: %v, want conflict", err)
	}
	pl, err = fw.a.ConfirmPledge(officer, pl.ID, app.PledgeConfirmInput{})
	fw.must(err)
	if pl.Status != app.PledgeConfirmed || pl.ClosedAt == nil {
		t.Fatalf("after second confirmation: %+v", pl)
	}
	if _, err := fw.a.ConfirmPledge(officer, pl.ID, app.PledgeConfirmInput{}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("third confirmation: %v, want conflict", err)
	}
	got, _ = fw.s.FindCampaign(ctx, camp.ID)
	m, err := fw.s.FindMatchByContribution(ctx, c.ID)
	fw.must(err)
	pool, _ := fw.s.FindPool(ctx, fw.pool.ID)
	if got.Raised != 20000 || m.Status != "reserved" || m.Amount != 20000 || pool.Available != 80000 {
		t.Errorf("after confirmation: raised %d, match %s %d, pool %d", got.Raised, m.Status, m.Amount, pool.Available)
	}
	fw.checkInvariants()

	mine, err := fw.a.MyGifts(resident)
	fw.must(err)
	if mine.Pledged != 0 || mine.Confirmed != 20000 || mine.Matched != 20000 || len(mine.Gifts) != 1 || len(mine.Pledges) != 0 {
		t.Fatalf("my gifts = %+v", mine)
	}
	g := mine.Gifts[0]
	if !g.Receipt || g.CampaignTitle != camp.Title || g.FundName != "东湖友邻基金" {
		t.Errorf("gift line = %+v", g)
	}
	r, err := fw.a.GiftReceipt(resident, c.ID)
	fw.must(err)
	if r.Amount != 20000 || r.Matched != 20000 || r.FundName != "东湖友邻基金" || r.Donor != fw.w.Users["resident"].Name || r.Code != g.ReceiptCode || r.ReceiptNo != "DH-RJ-0001" {
		t.Errorf("receipt = %+v", r)
	}
	if _, err := fw.a.GiftReceipt(fw.w.As(t, fw.a, "resident_b"), c.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("someone else's receipt: %v, want forbidden", err)
	}
	if _, err := fw.a.GiftReceipt(worker, c.ID); err != nil {
		t.Errorf("worker's view of the receipt: %v", err)
	}
	// Anyone verifies the code as printed, typed in lower case or without dashes; the public
	// sees the name masked and not the office's receipt number.
	for _, code := range []string{r.Code, strings.ToLower(r.Code), strings.ReplaceAll(r.Code, "-", "")} {
		v, err := fw.a.VerifyReceipt(ctx, code, "203.0.113.1")
		fw.must(err)
		if v.ContributionID != c.ID || v.Amount != 20000 || v.Matched != 20000 || v.ReceiptNo != "" || v.Donor != app.MaskName(fw.w.Users["resident"].Name) {
			t.Errorf("verify %q = %+v", code, v)
		}
	}
	wrong := []rune(strings.ReplaceAll(r.Code, "-", ""))
	if wrong[0] == 'A' {
		wrong[0] = 'B'
	} else {
		wrong[0] = 'A'
	}
	for _, code := range []string{string(wrong), "", "1234", r.Code + "0", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"} {
		if _, err := fw.a.VerifyReceipt(ctx, code, "203.0.113.1"); !app.IsCode(err, app.ENOTFOUND) {
			t.Errorf("verify %q: %v, want not found", code, err)
		}
	}

	// The donor was told when the money was received and when the gift was confirmed.
	ns, _, _, err := fw.s.FindNotifications(ctx, fw.w.Users["resident"].ID, false, app.Page{Page: 1, PerPage: 50})
	fw.must(err)
	kinds := map[string]bool{}
	for _, n := range ns {
		kinds[n.Kind] = true
	}
	if !kinds["pledge.received"] || !kinds[app.KindContributionConfirmed] {
		t.Errorf("resident's notifications: %v", kinds)
	}
}

// TestPledgeCancelRejectAndRules checks the donor's withdrawal, a worker's rejection, who may
// do what, and the field errors.
func TestPledgeCancelRejectAndRules(t *testing.T) {
	t.Parallel()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
	camp := fw.campaign(50000, "keep_what_you_raise", true)
	resident := fw.w.As(t, fw.a, "resident")
	worker := fw.w.As(t, fw.a, "community_worker")

	if _, err := fw.a.CreatePledge(context.Background(), camp.ID, app.PledgeInput{Amount: 100, Method: "cash"}); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("anonymous pledge: %v, want unauthorized", err)
	}
	if _, err := fw.a.CreatePledge(resident, 999999, app.PledgeInput{Amount: 100, Method: "cash"}); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("pledge to no campaign: %v, want not found", err)
	}
	for _, tc := range []struct {
		in    app.PledgeInput
		field string
	}{
		{app.PledgeInput{Amount: 0, Method: "cash"}, "amount"},
		{app.PledgeInput{Amount: -5, Method: "cash"}, "amount"},
		{app.PledgeInput{Amount: 100, Method: "card"}, "method"},
		{app.PledgeInput{Amount: 100}, "method"},
		{app.PledgeInput{Amount: 100, Method: "cash", Reference: strings.Repeat("x", 65)}, "reference"},
	} {
		_, err := fw.a.CreatePledge(resident, camp.ID, tc.in)
		var ae *app.Error
		if !asError(err, &ae) || ae.Code != app.EINVALID || ae.Fields[tc.field].ID == "" {
			t.Errorf("pledge %+v: %v, want a field error on %s", tc.in, err, tc.field)
		}
	}

	// A merchant (any signed-in user) pledges by bank transfer and withdraws it.
	outsider := fw.w.As(t, fw.a, "outsider")
	pl, err := fw.a.CreatePledge(outsider, camp.ID, app.PledgeInput{Amount: 5000, Method: "bank_transfer", Reference: "ICBC 20261207-88"})
	fw.must(err)
	if _, err := fw.a.CancelPledge(resident, pl.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("someone else's cancel: %v, want forbidden", err)
	}
	if _, err := fw.a.CancelPledge(worker, pl.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("worker's cancel: %v, want forbidden (workers reject)", err)
	}
	if _, err := fw.a.Pledge(resident, pl.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("someone else's pledge: %v, want forbidden", err)
	}
	pl, err = fw.a.CancelPledge(outsider, pl.ID)
	fw.must(err)
	if pl.Status != app.PledgeCancelled {
		t.Errorf("cancelled pledge %+v", pl)
	}
	if _, err := fw.a.CancelPledge(outsider, pl.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("second cancel: %v, want conflict", err)
	}
	if _, err := fw.a.ConfirmPledge(worker, pl.ID, app.PledgeConfirmInput{ReceiptNo: "X-1"}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("receiving a cancelled pledge: %v, want conflict", err)
	}

	// A worker rejects a pledge, with a reason; not one of another community.
	pl2, err := fw.a.CreatePledge(resident, camp.ID, app.PledgeInput{Amount: 3000, Method: "cash"})
	fw.must(err)
	if _, err := fw.a.RejectPledge(fw.w.As(t, fw.a, "worker_b"), pl2.ID, app.PledgeRejectInput{Reason: "未到账"}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("other community's worker: %v, want forbidden", err)
	}
	if _, err := fw.a.ConfirmPledge(fw.w.As(t, fw.a, "worker_b"), pl2.ID, app.PledgeConfirmInput{ReceiptNo: "X-2"}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("other community's worker receiving: %v, want forbidden", err)
	}
	if _, err := fw.a.RejectPledge(worker, pl2.ID, app.PledgeRejectInput{}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("reject without reason: %v, want invalid", err)
	}
	if _, err := fw.a.ConfirmPledge(worker, pl2.ID, app.PledgeConfirmInput{}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("receive without receipt number: %v, want invalid", err)
	}
	pl2, err = fw.a.RejectPledge(worker, pl2.ID, app.PledgeRejectInput{Reason: "两周未到账，已电话联系"})
	fw.must(err)
	if pl2.Status != app.PledgeRejected || pl2.RejectReason != "两周未到账，已电话联系" {
		t.Errorf("rejected pledge %+v", pl2)
	}
	mine, err := fw.a.MyGifts(resident)
	fw.must(err)
	if mine.Pledged != 0 || len(mine.Pledges) != 1 || mine.Pledges[0].Status != app.PledgeRejected || mine.Pledges[0].CanCancel {
		t.Errorf("my gifts after rejection = %+v", mine)
	}

	// A receipt number the fund already used is the worker's field error; nothing is written.
	pl3, err := fw.a.CreatePledge(resident, camp.ID, app.PledgeInput{Amount: 4000, Method: "cash"})
	fw.must(err)
	_, err = fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 100, Method: "cash", ReceiptNo: "DH-DUP", ReceivedOn: fundsNow.Add(-time.Hour), DonorName: "王"})
	fw.must(err)
	var ae *app.Error
	if _, err := fw.a.ConfirmPledge(worker, pl3.ID, app.PledgeConfirmInput{ReceiptNo: "DH-DUP"}); !asError(err, &ae) || ae.Fields["receipt_no"].ID == "" {
		t.Errorf("duplicate receipt number: %v, want a receipt_no field error", err)
	}
	if again, _ := fw.s.FindPledge(context.Background(), pl3.ID); again.Status != app.PledgePledged {
		t.Errorf("pledge after a failed receipt: %s", again.Status)
	}
	mine, err = fw.a.MyGifts(resident)
	fw.must(err)
	if mine.Pledged != 4000 {
		t.Errorf("open pledges total %d, want 4000", mine.Pledged)
	}

	// A closed campaign takes no pledge and no receipt.
	fw.clock.Advance(31 * 24 * time.Hour)
	if _, _, err := fw.a.CloseCampaigns(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := fw.a.CreatePledge(resident, camp.ID, app.PledgeInput{Amount: 100, Method: "cash"}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("pledge to a closed campaign: %v, want conflict", err)
	}
	if _, err := fw.a.ConfirmPledge(worker, pl3.ID, app.PledgeConfirmInput{ReceiptNo: "DH-LATE"}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("receiving for a closed campaign: %v, want conflict", err)
	}
	// It stays open until someone closes it (pledges do not expire).
	if _, err := fw.a.RejectPledge(worker, pl3.ID, app.PledgeRejectInput{Reason: "众筹已结束"}); err != nil {
		t.Errorf("rejecting after the close: %v", err)
	}
}

func TestReceiptCodeFormat(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0123-4567-89ab-CDEF-0123-4567": "0123456789ABCDEF01234567",
		" 0123456789abcdef01234567 ":    "0123456789ABCDEF01234567",
		"0123-4567":                     "",
		"G123-4567-89AB-CDEF-0123-4567": "",
	} {
		if got := app.NormalizeReceiptCode(in); got != want {
			t.Errorf("NormalizeReceiptCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := app.FormatReceiptCode("0123456789ABCDEF01234567"); got != "0123-4567-89AB-CDEF-0123-4567" {
		t.Errorf("FormatReceiptCode = %q", got)
	}
}

// TestPledgePersonalData: a donor's pledges are in their data export, and erasing the
// account blanks what they wrote (note, reference) while the pledge's amount stays.
func TestPledgePersonalData(t *testing.T) {
	t.Parallel()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 0)
	camp := fw.campaign(50000, "keep_what_you_raise", true)
	me := fw.w.As(t, fw.a, "resident")
	pl, err := fw.a.CreatePledge(me, camp.ID, app.PledgeInput{Amount: 1000, Method: "bank_transfer", Reference: "ICBC 6222", Note: "王家 3 号楼"})
	fw.must(err)
	d, err := fw.a.MyPersonalData(me)
	fw.must(err)
	if len(d.Sections["pledges"]) != 1 {
		t.Fatalf("export's pledges: %v", d.Sections["pledges"])
	}
	fw.must(fw.a.EraseMyAccount(me, app.EraseInput{Password: fw.w.Password, Confirm: "注销"}))
	got, err := fw.s.FindPledge(context.Background(), pl.ID)
	fw.must(err)
	if got.Note != "" || got.Reference != "" || got.Amount != 1000 {
		t.Errorf("pledge after erasure: %+v", got)
	}
}
