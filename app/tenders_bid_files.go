package app

// A bid after it is filed (issue 12 item 7): until the tender's deadline the bidding
// organization edits it (the same bid, its files kept), withdraws it (gone, with its files),
// and attaches photos and PDF documents (qualifications, past work, the plan as typeset).
// After the deadline a bid is what the evaluators score: every change is a 409. A bid's files
// are read by whoever sees the bid (TenderBids): its organization, and the office and the
// evaluators once bids are opened; other bidders only once the tender is awarded.

import (
	"context"
	"slices"
)

// MaxBidFiles bounds the files of one bid.
const MaxBidFiles = 10

// bidFileRule is what a bid's files accept: images and PDFs (by their first bytes, "%PDF-").
var bidFileRule = fileRule{field: "file", max: MaxBidFiles, imageBytes: MaxProjectPhotoBytes, pdfBytes: MaxPDFBytes,
	tooMany: "attachments.error.too_many", tooLarge: "attachments.error.too_large", badType: "attachments.error.file_type",
	types: append(slices.Clone(imageTypes), pdfType)}

// BidPage is the edit page of one bid: the bid as its organization sees it, its files, and
// whether it may still change.
type BidPage struct {
	Tender *TenderView
	Bid    *BidView
	// Open reports whether the deadline is still ahead: edit, withdraw and files are offered.
	Open bool
}

// ownBid loads a bid the principal may change for its organization, and its tender; the
// organization's place comes from the organization, the deadline from the tender.
func (a *App) ownBid(ctx context.Context, id int64) (*TenderBid, *Tender, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil, Unauthorized()
	}
	b, err := a.store.FindTenderBid(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.store.FindTender(ctx, b.TenderID)
	if err != nil {
		return nil, nil, err
	}
	pl := a.places()
	o, err := pl.org(ctx, b.OrganizationID)
	if err != nil {
		return nil, nil, err
	}
	ot, err := pl.orgTarget(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	if err := Authorize(p, ActTenderBid, ot); err != nil {
		return nil, nil, err
	}
	if st := t.effectiveStatus(a.Now()); st != TenderPublished {
		if st == TenderClosed {
			return nil, nil, Errorf(ECONFLICT, "tenders.error.deadline_passed")
		}
		return nil, nil, Errorf(ECONFLICT, "error.bad_transition", "from", st, "action", "bid")
	}
	return b, t, nil
}

// UpdateBid replaces the price, plan, team and capacity of a bid before the deadline; its
// organization (from the bid, never the input) and its files stay.
func (a *App) UpdateBid(ctx context.Context, id int64, in BidInput) (*TenderBid, error) {
	if !PrincipalFrom(ctx).Authenticated() {
		return nil, Unauthorized()
	}
	b, err := a.store.FindTenderBid(ctx, id)
	if err != nil {
		return nil, err
	}
	in.OrganizationID = b.OrganizationID
	return a.SubmitBid(ctx, b.TenderID, in)
}

// WithdrawBid removes a bid and its files before the deadline; the organization may bid again.
func (a *App) WithdrawBid(ctx context.Context, id int64) (*TenderBid, error) {
	var out *TenderBid
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		b, t, err := a.ownBid(ctx, id)
		if err != nil {
			return err
		}
		if err := a.store.DeleteAttachmentsOf(ctx, AttachBid, b.ID); err != nil {
			return err
		}
		if err := a.store.DeleteTenderBid(ctx, b.ID); err != nil {
			return err
		}
		out = b
		return a.audit(ctx, "tender.bid_withdrawn", "tender", t.ID, tenderAuditCommunity(t),
			map[string]any{"bid_id": b.ID, "organization_id": b.OrganizationID, "price": b.Price})
	})
	return out, err
}

// AddBidFile attaches a photo (JPEG, PNG or WebP, at most 5 MB, stored resized and without
// metadata) or a PDF (at most 10 MB) to a bid before the deadline; at most 10 per bid.
func (a *App) AddBidFile(ctx context.Context, bidID int64, in EvidenceInput) (*Attachment, error) {
	var out *Attachment
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		b, t, err := a.ownBid(ctx, bidID)
		if err != nil {
			return err
		}
		ats, err := a.attachFiles(ctx, bidFileRule, AttachBid, b.ID, tenderAuditCommunity(t), []EvidenceInput{in})
		if err != nil {
			return err
		}
		out = ats[0]
		return nil
	})
	return out, err
}

// DeleteBidFile removes a file of a bid before the deadline.
func (a *App) DeleteBidFile(ctx context.Context, bidID, fileID int64) error {
	return a.store.InTx(ctx, func(ctx context.Context) error {
		b, t, err := a.ownBid(ctx, bidID)
		if err != nil {
			return err
		}
		return a.detachFile(ctx, AttachBid, b.ID, tenderAuditCommunity(t), fileID)
	})
}

// bidVisible reports whether the principal sees a bid in its tender's bids.
func (a *App) bidVisible(ctx context.Context, bidID int64) (bool, error) {
	b, err := a.store.FindTenderBid(ctx, bidID)
	if err != nil {
		return false, err
	}
	bv, err := a.TenderBids(ctx, b.TenderID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(bv.Bids, func(x *BidView) bool { return x.ID == bidID }), nil
}

// BidDetail returns a bid the principal sees, with its files, and whether its organization
// may still change it (the edit page; 404 for a bid the principal does not see).
func (a *App) BidDetail(ctx context.Context, id int64) (*BidPage, error) {
	b, err := a.store.FindTenderBid(ctx, id)
	if err != nil {
		return nil, err
	}
	bv, err := a.TenderBids(ctx, b.TenderID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(bv.Bids, func(x *BidView) bool { return x.ID == id })
	if i < 0 {
		return nil, NotFound("bid")
	}
	out := &BidPage{Tender: bv.Tender, Bid: bv.Bids[i]}
	out.Open = bv.Tender.Open && out.Bid.Own
	return out, nil
}

// attachBidFiles loads the files of listed bids in one query.
func (a *App) attachBidFiles(ctx context.Context, bids []*BidView) error {
	ids := make([]int64, len(bids))
	for i, b := range bids {
		ids[i] = b.ID
	}
	ats, err := a.store.FindAttachments(ctx, AttachBid, ids)
	if err != nil {
		return err
	}
	for _, b := range bids {
		b.Files = ats[b.ID]
		if b.Files == nil {
			b.Files = []*Attachment{}
		}
	}
	return nil
}
