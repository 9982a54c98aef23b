package app

import (
	"context"
	"fmt"
	"time"
)

// A merchant's donations (issue 14, love supermarket): the money its donor records gave and
// the goods it stocked the shelf with, on one page for the organization's members.

// OrgGift is one gift given through one of the organization's donor records.
type OrgGift struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Campaign   string    `json:"campaign"`
	Amount     int64     `json:"amount"`
	Refunded   int64     `json:"refunded"`
	Currency   string    `json:"currency"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
}

// DonationsStore reads an organization's gifts.
type DonationsStore interface {
	// FindOrgGifts lists the gifts of the organization's donor records, newest first, at most limit.
	FindOrgGifts(ctx context.Context, orgID int64, limit int) ([]*OrgGift, error)
}

// OrgDonations is one organization's gifts and shop items.
type OrgDonations struct {
	Organization *Organization `json:"organization"`
	Gifts        []*OrgGift    `json:"gifts"`
	Items        []*ShopItem   `json:"items"`
	// GiftTotal sums the gifts net of refunds (fen); GoodsValue the stocked items' value.
	GiftTotal  int64 `json:"gift_total"`
	GoodsValue int64 `json:"goods_value"`
}

// orgGiftLimit bounds the gifts listed per organization on the page.
const orgGiftLimit = 500

// MyDonations lists, for every organization the signed-in user is a member of, its gifts
// and the goods it stocked (decided by Can on each organization); none is an empty list.
func (a *App) MyDonations(ctx context.Context) ([]*OrgDonations, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActDataRights, Target{}); err != nil {
		return nil, err
	}
	out := []*OrgDonations{}
	pl := a.places()
	seen := map[int64]bool{}
	for _, m := range p.Memberships {
		if m.Role != RoleOrgMember || m.OrganizationID == nil || seen[*m.OrganizationID] {
			continue
		}
		seen[*m.OrganizationID] = true
		o, err := pl.org(ctx, *m.OrganizationID)
		if err != nil {
			return nil, err
		}
		t, err := pl.orgTarget(ctx, o)
		if err != nil {
			return nil, err
		}
		if !Can(p, ActOrgDonations, t) {
			continue
		}
		d := &OrgDonations{Organization: o}
		if d.Gifts, err = a.store.FindOrgGifts(ctx, o.ID, orgGiftLimit); err != nil {
			return nil, fmt.Errorf("gifts of organization %d: %w", o.ID, err)
		}
		if d.Items, err = a.store.FindShopItems(ctx, nil, &o.ID); err != nil {
			return nil, fmt.Errorf("items of organization %d: %w", o.ID, err)
		}
		for _, g := range d.Gifts {
			d.GiftTotal += g.Amount - g.Refunded
		}
		for _, it := range d.Items {
			d.GoodsValue += it.ValueFen
		}
		out = append(out, d)
	}
	return out, nil
}
